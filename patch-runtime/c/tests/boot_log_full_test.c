/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Torn boot log records (docs/DEVICE.md "Torn records", "When the boot log is full"; Java
 * BootLogFullTest): each power cut during an append uses a slot for good. fwd_agent_begin keeps
 * FWD_BOOT_LOG_SPARE slots for them; past that fwd_boot found the log full and returned -1 on every
 * boot from then on, the slots possibly half swapped. Now it reverts by the slots' checksums without
 * the log. On stm32l0-192k's geometry (erased 0xFF here: the RAM flash's NOR rule) with a small boot
 * log, vector compact-lzma (one swap group); a boot log program can be torn: half its units
 * written, then the power is off (every flash call fails) until the next reset.
 * Usage: fwd_boot_log_full_test VECTOR_DIR
 */
#include <stdio.h>
#include <string.h>

#include "fwdelta/fwd_device.h"
#include "agent_vector.h"
#include "ram_flash.h"

static int failures;
static int checks;

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what); } } while (0)

/* Boot log programs: from the tear_from-th on (tears_left of them) each is torn and cuts the power. */
static uint32_t programs, tear_from, tears_left, torn;
/* Erase and program calls made. */
static uint32_t writes;
static int power_off;

static int cut_read(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    return power_off ? -1 : ram_read(user, offset, buf, len);
}

static int cut_erase(void *user, uint32_t sector) {
    writes++;
    return power_off ? -1 : ram_erase(user, sector);
}

static int cut_program(void *user, uint32_t offset, const uint8_t *buf, uint32_t len) {
    writes++;
    if (power_off) {
        return -1;
    }
    if (offset >= layout.boot_log.offset && offset < layout.boot_log.offset + layout.boot_log.size
            && programs++ >= tear_from && tears_left > 0) {
        /* as the Java simulator tears: the first half of the units, then half of the next one */
        uint32_t unit = layout.program_unit;
        uint32_t bytes = len / unit / 2u * unit + unit / 2u;
        uint32_t i;
        for (i = 0; i < bytes; i++) {
            flash[offset + i] &= buf[i];
        }
        tears_left--;
        torn++;
        power_off = 1;
        return -1;
    }
    return ram_program(user, offset, buf, len);
}

/* stm32l0-192k with a boot log of boot_log_bytes (64-byte records in 128-byte pages). */
static void small_boot_log(uint32_t boot_log_bytes) {
    init_layout(); /* then what differs from the QEMU board's layout */
    memset(layout.groups, 0, sizeof layout.groups);
    layout.name = "small-boot-log";
    layout.flash.read = cut_read;
    layout.flash.program = cut_program;
    layout.flash.erase = cut_erase;
    layout.groups[0].count = 1536;
    layout.groups[0].size = 128;
    layout.group_count = 1;
    layout.program_unit = 4;
    layout.erased_value = 0xFF;
    layout.agent_log.offset = 0x3000;
    layout.agent_log.size = 0x800;
    layout.boot_log.offset = 0x3800;
    layout.boot_log.size = boot_log_bytes;
    layout.scratch.offset = 0x6000;
    layout.scratch.size = 0x2000;
    layout.active.offset = 0x8000;
    layout.active.size = 0x14000;
    layout.staging.offset = 0x1C000;
    layout.staging.size = 0x14000;
    memset(flash, 0xFF, sizeof flash);
    memcpy(flash + layout.active.offset, old_buf, old_size);
    programs = torn = 0;
    tear_from = tears_left = 0xFFFFFFFFu;
    power_off = 0;
}

static void stage(void) {
    uint32_t from = 0;
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "init");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == 0, "receive");
    EXPECT(fwd_agent_finish(&agent) == 0 && agent.state == FWD_AGENT_STAGED, "staged");
}

/* Resets until a boot is not cut: 0 and its result, or the last error. */
static int boot_through_cuts(fwd_boot_result *r) {
    int boots;
    int e = -1;
    for (boots = 0; boots < 100; boots++) {
        power_off = 0;
        memset(r, 0, sizeof *r);
        e = fwd_boot(&layout, r);
        if (e == 0 || !power_off) {
            return e;
        }
    }
    return e;
}

static uint32_t free_slots(void) {
    uint32_t slots = layout.boot_log.size / FWD_RECORD;
    uint32_t n = 0;
    uint32_t i;
    while (n < slots) {
        const uint8_t *rec = flash + layout.boot_log.offset + (slots - n - 1u) * FWD_RECORD;
        for (i = 0; i < FWD_RECORD && rec[i] == 0xFF; i++) {
        }
        if (i < FWD_RECORD) {
            break;
        }
        n++;
    }
    return n;
}

/* The old image runs, the new one is in staging, no slot left; the next boots write nothing. */
static void expect_reverted(int e, const fwd_boot_result *r) {
    fwd_boot_result again;
    int i;
    EXPECT(e == 0 && r->image == FWD_BOOT_OLD && r->trial == 0, "the boot after the last tear: OLD, not on trial");
    EXPECT(memcmp(flash + layout.active.offset, old_buf, old_size) == 0, "the old image runs");
    EXPECT(memcmp(flash + layout.staging.offset, new_buf, new_size) == 0, "the new one staged");
    EXPECT(free_slots() == 0, "no slot left");
    memcpy(before, flash, sizeof flash);
    writes = 0;
    for (i = 0; i < 3; i++) {
        EXPECT(fwd_boot(&layout, &again) == 0 && again.image == FWD_BOOT_OLD && again.trial == 0, "later boots: OLD");
    }
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "later boots change nothing");
    EXPECT(writes == 0, "later boots erase and program nothing");
}

/* The install ended: the same update begins again (a new boot log at install), installs, is confirmed. */
static void expect_starts_again(void) {
    fwd_boot_result r;
    uint32_t from = 0;
    tears_left = 0;
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0 && agent.state == FWD_AGENT_IDLE,
           "the agent is idle");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "the same update begins again");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == 0 && fwd_agent_finish(&agent) == 0,
           "staged again");
    EXPECT(fwd_boot(&layout, &r) == 0 && r.image == FWD_BOOT_NEW && r.trial == 1, "installed: NEW on trial");
    EXPECT(fwd_boot_confirm(&layout) == 0, "confirm");
    EXPECT(fwd_boot(&layout, &r) == 0 && r.image == FWD_BOOT_NEW && r.trial == 0, "NEW");
    EXPECT(memcmp(flash + layout.active.offset, new_buf, new_size) == 0, "the new image runs");
}

/* The reviewer's layout: 12 records, which a one-group install needs without spares (11) but not with them (19). */
static void fit_check_keeps_spare_slots(void) {
    uint32_t from = 0;
    small_boot_log(768);
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "init");
    memcpy(before, flash, sizeof flash);
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == FWD_ERR_DOES_NOT_FIT, "12 records: DOES_NOT_FIT");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "refused before any write");
    small_boot_log(1280);
    stage();
}

/* On trial, not confirmed: every boot log program of the revert torn until no slot is left (slots 6 to 19). */
static void torn_during_the_revert(void) {
    fwd_boot_result r;
    int e;
    small_boot_log(1280);
    stage();
    EXPECT(fwd_boot(&layout, &r) == 0 && r.image == FWD_BOOT_NEW && r.trial == 1, "NEW on trial");
    tear_from = 0;
    e = boot_through_cuts(&r);
    EXPECT(torn == 14, "slots 6 to 19 torn");
    expect_reverted(e, &r);
    expect_starts_again();
}

/* Mid-swap: INSTALL and logged - 1 STEPs logged, then the next phase redone and its STEP torn until no
 * slot is left: STEP 1 (19 tears; after the revert the slots are where the log's position 0 says too)
 * or STEP 3 (17 tears; phase 3 done, the log says the active slot holds the old image). */
static void torn_during_the_install_swap(uint32_t logged) {
    fwd_boot_result r;
    fwd_boot_records b;
    int e;
    small_boot_log(1280);
    stage();
    tear_from = logged;
    e = boot_through_cuts(&r);
    EXPECT(torn == 20u - logged, "slots logged to 19 torn");
    EXPECT(fwd_boot_records_read(&layout, &b) == 0 && !b.swapped
           && (logged == 1u ? b.last_group[0] < 0 : b.last_phase[0] == logged - 1u),
           "the install swap never logged as done");
    expect_reverted(e, &r);
    expect_starts_again();
}

/* SWAPPED torn 14 times, so that TRIAL would take the last slot: the bootloader fills it and reverts. */
static void trial_not_in_the_last_slot(void) {
    fwd_boot_result r;
    int e;
    small_boot_log(1280);
    stage();
    tear_from = 4;
    tears_left = 14;
    e = boot_through_cuts(&r);
    expect_reverted(e, &r);
    expect_starts_again();
}

/* An INSTALL is read within what the log holds at all (1 + 6 x groups + 5 records: BootRecords.maxGroups),
 * not within the fit check's spare slots: an install begun before the spare slots stays readable. */
static void install_limit_is_what_the_log_holds(void) {
    EXPECT(fwd_boot_max_groups(20) == 2u && fwd_boot_max_groups(24) == 3u && fwd_boot_max_groups(11) == 0u,
           "fwd_boot_max_groups: 1 + 6 x groups + 5 records");
}

/* Erases the sectors at to and copies len bytes there from from (tears off). */
static void copy_flash(uint32_t from, uint32_t to, uint32_t len) {
    uint32_t s;
    for (s = to / 128u; s * 128u < to + len; s++) {
        EXPECT(ram_erase(NULL, s) == 0, "erase");
    }
    memmove(flash + to, flash + from, len);
}

/* A full boot log whose INSTALL names the agent's patch but 2 groups (the plan: 1), after phases 1 and 2
 * of group 0: the INSTALL is ignored (boot_log_test.c), so fwd_boot does not revert without the log
 * either; nothing is written and the old image starts (Java aFullLogWithAnInstallOutOfItsLimitsIsLeftAlone). */
static void full_log_with_an_install_out_of_its_limits(void) {
    fwd_agent_records a;
    fwd_boot_result r;
    fwd_log log;
    uint8_t p[FWD_RECORD_PAYLOAD];
    uint32_t offset = 0;
    uint32_t len = 0;
    int i;
    small_boot_log(1280);
    stage();
    fwd_swap_groups(&layout, old_size > new_size ? old_size : new_size, 0, &offset, &len);
    copy_flash(layout.staging.offset + offset, layout.scratch.offset, len);
    copy_flash(layout.active.offset + offset, layout.staging.offset + offset, len);
    EXPECT(fwd_agent_records_read(&layout, &a) == 0 && a.active, "the agent log names the patch");
    fwd_log_open(&log, &layout, layout.boot_log);
    EXPECT(fwd_log_erase(&log) == 0, "boot log erased");
    memset(p, 0, sizeof p);
    for (i = 0; i < 8; i++) {
        p[i] = (uint8_t) (a.patch_id >> (8 * i));
    }
    p[8] = 2u; /* u32 LE */
    EXPECT(fwd_log_append(&log, FWD_REC_INSTALL, p) == 0, "INSTALL of 2 groups");
    memset(p, 0, sizeof p);
    p[5] = 1u;
    EXPECT(fwd_log_append(&log, FWD_REC_STEP, p) == 0, "STEP 0 0 1");
    p[5] = 2u;
    EXPECT(fwd_log_append(&log, FWD_REC_STEP, p) == 0, "STEP 0 0 2");
    memset(p, 0, sizeof p);
    while (fwd_log_free(&log) > 0) {
        EXPECT(fwd_log_append(&log, FWD_REC_FULL, p) == 0, "FULL");
    }
    memcpy(before, flash, sizeof flash);
    writes = 0;
    EXPECT(fwd_boot(&layout, &r) == 0 && r.image == FWD_BOOT_OLD && r.trial == 0, "OLD");
    EXPECT(memcmp(before, flash, sizeof flash) == 0 && writes == 0, "nothing written");
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
        return 2;
    }
    if (!load(argv[1], "compact-lzma")) {
        return 2;
    }
    fit_check_keeps_spare_slots();
    torn_during_the_revert();
    torn_during_the_install_swap(1);
    torn_during_the_install_swap(3);
    trial_not_in_the_last_slot();
    install_limit_is_what_the_log_holds();
    full_log_with_an_install_out_of_its_limits();
    /* 64 bytes old, 0 new (a prefix of it): after the revert without the log the result is OLD, the
     * state it leaves, confirmed by the old checksums (the new ones, tried first, matched: NEW) */
    if (!load(argv[1], "empty-new-image")) {
        return 2;
    }
    torn_during_the_revert();
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
