/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The layouts the C device library takes (fwd_layout_check, docs/DEVICE.md "Layouts"): what Java's
 * FlashGeometry, SectorMap and DeviceLayout refuse, fwd_agent_init, fwd_agent_begin,
 * fwd_agent_abort, fwd_boot and fwd_boot_confirm refuse with FWD_ERR_BAD_ARGUMENT, the flash left
 * as it was. A program unit of 0 divided by zero, one past 40 overflowed the BLOCK record's
 * payload (64: ASan's stack-buffer-overflow in block_done), one past 256 the staging buffer, and
 * 33..40 logged pending bytes the log reader cuts to 32. Each accepted unit (1..32) stages
 * compact-lzma, compact-split and compact-sparse-records whole and resumed after a reset at every
 * 5th byte of the payload (the pending bytes of a partial unit through the BLOCK record).
 * On a RAM flash with NOR rules, the QEMU board's layout. Usage: fwd_agent_layout_test VECTOR_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwdelta/fwd_device.h"
#include "agent_vector.h"
#include "ram_flash.h"
#include "vector_file.h"

static int failures;
static int checks;
static char what_layout[80] = "";

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s: %s\n", __FILE__, __LINE__, what_layout, what); } } while (0)

/* The most bytes of a partial unit a resume took back from a BLOCK record, for the unit under test. */
static uint32_t most_pending;

/* A device holding the old image in its active slot and nothing else. */
static void provision(void) {
    memset(flash, 0xFF, sizeof flash);
    memcpy(flash + layout.active.offset, old_buf, old_size);
}

/* The agent takes the patch up to cut, a reset, then the rest from where it says: staged. */
static void stage(uint32_t cut) {
    uint32_t from = 0;
    provision();
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "init");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin");
    if (cut > from) {
        EXPECT(fwd_agent_receive(&agent, patch_buf + from, cut - from) == 0, "up to the cut");
        EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "init after the reset");
        EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0 && from <= cut, "begin resumes");
        most_pending = agent.buffered > most_pending ? agent.buffered : most_pending;
    }
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == 0, "the rest");
    EXPECT(fwd_agent_finish(&agent) == 0, "finish");
    EXPECT(agent.state == FWD_AGENT_STAGED && memcmp(flash + layout.staging.offset, new_buf, new_size) == 0,
           "the new image staged");
}

/* Every entry point refuses the layout, the flash untouched; with the old code the agent went on. */
static void expect_refused(const char *what) {
    fwd_boot_result r;
    uint32_t from = 0;
    int e;
    snprintf(what_layout, sizeof what_layout, "%s", what);
    provision();
    memcpy(before, flash, sizeof flash);
    EXPECT(fwd_layout_check(&layout) == FWD_ERR_BAD_ARGUMENT, "fwd_layout_check refuses it");
    e = fwd_agent_init(&agent, &layout, &policy, work, sizeof work);
    EXPECT(e == FWD_ERR_BAD_ARGUMENT, "fwd_agent_init refuses it");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == FWD_ERR_BAD_ARGUMENT, "fwd_agent_begin refuses it");
    if (e == FWD_OK) {
        /* accepted (the defect): what the agent then does with the patch (program unit 64: ASan stops here) */
        fwd_agent_receive(&agent, patch_buf + from, patch_size - from);
        fwd_agent_finish(&agent);
        provision();
        memcpy(before, flash, sizeof flash);
    }
    EXPECT(fwd_agent_receive(&agent, patch_buf, patch_size) != FWD_OK, "fwd_agent_receive refuses");
    EXPECT(fwd_agent_finish(&agent) != FWD_OK, "fwd_agent_finish refuses");
    EXPECT(fwd_agent_abort(&agent) == FWD_ERR_BAD_ARGUMENT, "fwd_agent_abort refuses it");
    EXPECT(fwd_boot(&layout, &r) == FWD_ERR_BAD_ARGUMENT, "fwd_boot refuses it");
    EXPECT(fwd_boot_confirm(&layout) == FWD_ERR_BAD_ARGUMENT, "fwd_boot_confirm refuses it");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "the flash untouched");
    init_layout();
}

static void refused_program_units(void) {
    static const uint32_t units[] = {3, 6, 33, 40, 64, 512, 0};
    char what[40];
    uint32_t i;
    for (i = 0; i < sizeof units / sizeof units[0]; i++) {
        snprintf(what, sizeof what, "program_unit %u", (unsigned) units[i]);
        layout.program_unit = units[i];
        expect_refused(what);
    }
}

/* The other fields, each as Java's FlashGeometry / SectorMap / DeviceLayout refuses it. */
static void refused_fields(void) {
    layout.erased_value = 0x7F;
    expect_refused("erased_value 0x7F");
    layout.ecc_units = 2;
    expect_refused("ecc_units 2");
    layout.flash.program = NULL;
    expect_refused("no program callback");
    layout.group_count = 0;
    expect_refused("no sector groups");
    layout.group_count = FWD_MAX_SECTOR_GROUPS + 1u;
    expect_refused("more sector groups than the struct holds");
    layout.groups[0].count = 0;
    expect_refused("a group of no sectors");
    layout.groups[3].count = 1; /* a fourth group of 8-byte sectors at the end, beyond every region */
    layout.groups[3].size = 8;
    layout.group_count = 4;
    layout.program_unit = 16;
    expect_refused("a sector that is not a whole number of program units");
    layout.groups[2].count = 0x8000u; /* 7 x 128K -> 32768 x 128K: 4 GiB + 128K */
    expect_refused("a flash past 4 GiB - 1");
    layout.flash_base = 0xFFFF0000u; /* the flash's last bytes would be past 4 GiB - 1 on the bus */
    expect_refused("a flash_base that runs the flash past 2^32");
    layout.boot_log.size = 0;
    expect_refused("an empty boot log");
    layout.agent_log.offset = 0x4100;
    expect_refused("agent log not on a sector boundary");
    layout.agent_log.size = 0x4100;
    expect_refused("agent log end not on a sector boundary");
    layout.scratch.offset = 0xF0000;
    expect_refused("scratch past the end of the flash");
    layout.boot_log.offset = 0x4000;
    expect_refused("boot log overlaps the agent log");
    layout.scratch.offset = 0xC0000;
    expect_refused("scratch overlaps the staging slot");
    layout.staging.size = 0x40000;
    expect_refused("active and staging of different sizes");
    layout.active.offset = 0x0;
    layout.active.size = 0x20000; /* 4 x 16K, 1 x 64K */
    layout.staging.offset = 0x20000;
    layout.staging.size = 0x20000; /* 1 x 128K */
    layout.agent_log.offset = 0xC0000;
    layout.agent_log.size = 0x20000;
    layout.boot_log.offset = 0xA0000;
    layout.boot_log.size = 0x20000;
    expect_refused("slot sectors that differ pairwise");
    layout.scratch.offset = 0x0;
    layout.scratch.size = 0x4000;
    layout.agent_log.offset = 0x4000;
    layout.agent_log.size = 0x4000;
    layout.boot_log.offset = 0x8000;
    layout.boot_log.size = 0x4000;
    expect_refused("a slot sector larger than the scratch area");
}

int main(int argc, char **argv) {
    static const char *vectors[] = {"compact-lzma", "compact-split", "compact-sparse-records"};
    uint32_t unit;
    uint32_t v;
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
        return 2;
    }
    init_layout();
    for (v = 0; v < sizeof vectors / sizeof vectors[0]; v++) {
        uint32_t size;
        uint32_t cut;
        if (!load(argv[1], vectors[v]) || fwd_header_prefix(patch_buf, &size) != FWD_OK) {
            return 2;
        }
        for (unit = 1; unit <= FWD_MAX_PROGRAM_UNIT; unit *= 2) {
            layout.program_unit = unit;
            snprintf(what_layout, sizeof what_layout, "%s, program_unit %u", vectors[v], (unsigned) unit);
            EXPECT(fwd_layout_check(&layout) == FWD_OK, "accepted");
            most_pending = 0;
            for (cut = size; cut < patch_size; cut += 5) {
                stage(cut);
            }
            EXPECT(unit == 1 || most_pending > 0, "a resume took the bytes of a partial unit back from its BLOCK record");
        }
        init_layout();
    }
    refused_program_units();
    refused_fields();
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
