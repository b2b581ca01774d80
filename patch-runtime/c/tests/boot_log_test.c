/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fwd_boot and boot log records whose CRC holds but whose fields are out of their limits
 * (docs/DEVICE.md "Boot log records out of range"): ignored as torn ones are. A STEP of phase 0x80
 * counted as "group done": fwd_boot skipped the swap and logged SWAPPED and TRIAL over the old
 * image, whose "revert" then installed the new one for good; an INSTALL naming another group count
 * stopped fwd_boot with an error. And what fwd_boot reports follows the boot log's state: after
 * the revert of an empty new image it reported NEW (the new checksums were tried first, over 0
 * bytes). The Java twins: BootLogLimitsTest, BootResultAfterRevertTest. On a RAM flash with NOR
 * rules (stm32f405-1m's layout), vectors compact-lzma (one 128 KiB group) and empty-new-image.
 * Usage: fwd_boot_log_test VECTOR_DIR
 */
#include <stdio.h>
#include <string.h>

#include "fwdelta/fwd_device.h"
#include "agent_vector.h"
#include "ram_flash.h"

static int failures;
static int checks;

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s (%s)\n", __FILE__, __LINE__, what, scenario); } } while (0)

static const char *scenario = "";
static fwd_log boot_log;
static uint64_t patch_id;
static fwd_agent_records records;

/* The old image in the active slot, the patch staged by the agent; the boot log opened. */
static void stage(void) {
    EXPECT(stage_vector() == 0, "staged");
    EXPECT(fwd_agent_records_read(&layout, &records) == 0 && records.active, "the agent log names the patch");
    patch_id = records.patch_id;
    fwd_log_open(&boot_log, &layout, layout.boot_log);
}

static void log_install(uint32_t groups) {
    uint8_t p[FWD_RECORD_PAYLOAD];
    int i;
    memset(p, 0, sizeof p);
    for (i = 0; i < 8; i++) {
        p[i] = (uint8_t) (patch_id >> (8 * i));
    }
    p[8] = (uint8_t) groups;
    p[9] = (uint8_t) (groups >> 8);
    p[10] = (uint8_t) (groups >> 16);
    p[11] = (uint8_t) (groups >> 24);
    EXPECT(fwd_log_append(&boot_log, FWD_REC_INSTALL, p) == 0, "INSTALL logged");
}

static void log_step(uint32_t pass, uint32_t group, uint32_t phase) {
    uint8_t p[FWD_RECORD_PAYLOAD];
    memset(p, 0, sizeof p);
    p[0] = (uint8_t) pass;
    p[1] = (uint8_t) group;
    p[2] = (uint8_t) (group >> 8);
    p[3] = (uint8_t) (group >> 16);
    p[4] = (uint8_t) (group >> 24);
    p[5] = (uint8_t) phase;
    EXPECT(fwd_log_append(&boot_log, FWD_REC_STEP, p) == 0, "STEP logged");
}

static void log_mark(uint32_t type) {
    uint8_t p[FWD_RECORD_PAYLOAD];
    memset(p, 0, sizeof p);
    EXPECT(fwd_log_append(&boot_log, type, p) == 0, "marker logged");
}

/* Whether boot log record i is of this type (and, for a STEP, this pass, group and phase; for an
 * INSTALL, group count). */
static int record_is(uint32_t i, uint32_t type, uint32_t pass, uint32_t group, uint32_t phase) {
    uint8_t r[FWD_RECORD];
    const uint8_t *p = r + 4;
    if (fwd_log_read(&boot_log, i, r) != 1 || r[2] != type) {
        return 0;
    }
    if (type == FWD_REC_INSTALL) {
        return (uint32_t) (p[8] | p[9] << 8 | p[10] << 16 | (uint32_t) p[11] << 24) == group;
    }
    return type != FWD_REC_STEP || (p[0] == pass && p[5] == phase
            && (uint32_t) (p[1] | p[2] << 8 | p[3] << 16 | (uint32_t) p[4] << 24) == group);
}

static fwd_boot_result boot(void) {
    fwd_boot_result r;
    memset(&r, 0, sizeof r);
    EXPECT(fwd_boot(&layout, &r) == 0, "fwd_boot");
    return r;
}

static int holds(uint32_t offset, const uint8_t *image, uint32_t size) {
    return memcmp(flash + offset, image, size) == 0;
}

/* The records of an install of one group from its start, from record i on; then the trial. */
static void installed_from(uint32_t i) {
    EXPECT(record_is(i, FWD_REC_STEP, 0, 0, 1) && record_is(i + 1, FWD_REC_STEP, 0, 0, 2)
           && record_is(i + 2, FWD_REC_STEP, 0, 0, 3) && record_is(i + 3, FWD_REC_SWAPPED, 0, 0, 0)
           && record_is(i + 4, FWD_REC_TRIAL, 0, 0, 0), "the install from its start, SWAPPED, TRIAL");
    EXPECT(holds(layout.active.offset, new_buf, new_size), "the new image installed");
    EXPECT(holds(layout.staging.offset, old_buf, old_size), "the old image kept for the revert");
}

/* The reviewer's case and each other STEP limit: the step is not one, the install runs from its start. */
static void step_out_of_limits(uint32_t pass, uint32_t group, uint32_t phase, const char *what) {
    fwd_boot_result r;
    scenario = what;
    stage();
    EXPECT(fwd_log_erase(&boot_log) == 0, "boot log erased");
    log_install(1);
    log_step(pass, group, phase);
    r = boot();
    EXPECT(r.image == FWD_BOOT_NEW && r.trial == 1, "boot 1: NEW on trial");
    EXPECT(record_is(0, FWD_REC_INSTALL, 0, 1, 0) && record_is(1, FWD_REC_STEP, pass, group, phase), "kept");
    installed_from(2);
    r = boot();
    EXPECT(r.image == FWD_BOOT_OLD && r.trial == 0, "boot 2, not confirmed: reverted, OLD");
    EXPECT(holds(layout.active.offset, old_buf, old_size), "the active slot holds the old image");
}

/* A revert step out of its limits after the trial: the revert runs from its start. */
static void revert_step_out_of_limits(void) {
    fwd_boot_result r;
    scenario = "revert STEP phase 0x80";
    stage();
    r = boot();
    EXPECT(r.image == FWD_BOOT_NEW && r.trial == 1, "boot 1: NEW on trial");
    log_mark(FWD_REC_REVERT);
    log_step(FWD_PASS_REVERT, 0, 0x80);
    r = boot();
    EXPECT(r.image == FWD_BOOT_OLD && r.trial == 0, "boot 2: reverted, OLD");
    EXPECT(holds(layout.active.offset, old_buf, old_size) && holds(layout.staging.offset, new_buf, new_size),
           "the slots swapped back");
    EXPECT(record_is(8, FWD_REC_STEP, 1, 0, 1) && record_is(9, FWD_REC_STEP, 1, 0, 2)
           && record_is(10, FWD_REC_STEP, 1, 0, 3) && record_is(11, FWD_REC_REVERTED, 0, 0, 0),
           "the revert from its start, REVERTED");
}

/* An INSTALL out of its limits over untouched slots: the boot log is begun again, the install runs. */
static void install_out_of_limits(uint32_t groups, const char *what) {
    fwd_boot_result r;
    scenario = what;
    stage();
    EXPECT(fwd_log_erase(&boot_log) == 0, "boot log erased");
    log_install(groups);
    log_mark(FWD_REC_SWAPPED);
    log_mark(FWD_REC_TRIAL);
    r = boot();
    EXPECT(r.image == FWD_BOOT_NEW && r.trial == 1, "NEW on trial");
    EXPECT(record_is(0, FWD_REC_INSTALL, 0, 1, 0), "INSTALL of the plan's one group");
    installed_from(1);
}

/* The same INSTALL once a swap has begun (phases 1 and 2 of group 0 done): nothing written, OLD. */
static void install_out_of_limits_swap_under_way(void) {
    fwd_boot_result r;
    uint32_t group = 128u * 1024u;
    scenario = "INSTALL of 2 groups, swap under way";
    stage();
    memcpy(flash + layout.scratch.offset, flash + layout.staging.offset, group);
    memcpy(flash + layout.staging.offset, flash + layout.active.offset, group);
    EXPECT(fwd_log_erase(&boot_log) == 0, "boot log erased");
    log_install(2);
    log_step(FWD_PASS_INSTALL, 0, 1);
    log_step(FWD_PASS_INSTALL, 0, 2);
    memcpy(before, flash, sizeof flash);
    r = boot();
    EXPECT(r.image == FWD_BOOT_OLD && r.trial == 0, "OLD, no trial");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "nothing written");
}

/* Vector empty-new-image: after the revert the old image is expected, and reported OLD. */
static void reverted_empty_new_image(void) {
    fwd_boot_result r;
    scenario = "empty-new-image reverted";
    stage();
    r = boot();
    EXPECT(new_size == 0 && r.image == FWD_BOOT_NEW && r.trial == 1, "boot 1: the empty new image on trial");
    r = boot();
    EXPECT(r.image == FWD_BOOT_OLD && r.trial == 0, "boot 2, not confirmed: reverted, OLD");
    EXPECT(holds(layout.active.offset, old_buf, old_size), "the active slot holds the old image");
    EXPECT(record_is(6, FWD_REC_REVERT, 0, 0, 0) && record_is(10, FWD_REC_REVERTED, 0, 0, 0), "REVERT, REVERTED");
    r = boot();
    EXPECT(r.image == FWD_BOOT_OLD && r.trial == 0, "boot 3: still OLD");
    flash[layout.active.offset] &= 0x00u; /* clears bits of the old image */
    r = boot();
    EXPECT(r.image == FWD_BOOT_UNKNOWN && r.trial == 0, "a reverted slot without the old image: UNKNOWN");

    scenario = "empty-new-image confirmed";
    stage();
    boot();
    EXPECT(fwd_boot_confirm(&layout) == 0, "confirm");
    r = boot();
    EXPECT(r.image == FWD_BOOT_NEW && r.trial == 0, "confirmed: NEW");
}

int main(int argc, char **argv) {
    if (!start_vector_test(argc, argv, "compact-lzma")) {
        return 2;
    }
    step_out_of_limits(0, 0, 0x80, "STEP phase 0x80 (the reviewer's)");
    step_out_of_limits(0, 0, 0, "STEP phase 0");
    step_out_of_limits(0, 0, 4, "STEP phase 4");
    step_out_of_limits(2, 0, 1, "STEP pass 2");
    step_out_of_limits(0, 1, 3, "STEP group 1 of 1");
    step_out_of_limits(0, 0x80000000u, 1, "STEP group 0x80000000");
    step_out_of_limits(0, 0xFFFFFFFFu, 3, "STEP group 0xFFFFFFFF");
    revert_step_out_of_limits();
    install_out_of_limits(2, "INSTALL of 2 groups");
    install_out_of_limits(0, "INSTALL of 0 groups");
    install_out_of_limits(0xFFFFFFFFu, "INSTALL of 0xFFFFFFFF groups");
    install_out_of_limits_swap_under_way();
    if (!load(argv[1], "empty-new-image")) {
        return 2;
    }
    reverted_empty_new_image();
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
