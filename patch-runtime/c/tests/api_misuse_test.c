/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The public API as an integrator misuses it: null pointers, a context never set up, calls out of
 * order, inconsistent resume points, flash callbacks that fail, a work buffer smaller than the
 * patch's decoder_ram, and the agent, bootloader and UART entry points likewise. Each case expects a
 * documented code (fwd_errors.h, fwd_device.h, fwd_uart.h), no write outside the staging slot and
 * the agent log, and no image staged or booted after a failure. Each case runs in a child process,
 * so that a crash fails that case (and names it) instead of ending the run; the ASan build
 * (FWD_SANITIZE) runs them too. Vectors compact-lzma and compact-relocation-a64, on a RAM flash.
 * Usage: fwd_api_misuse_test VECTOR_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fwdelta/fwd_apply.h"
#include "fwdelta/fwd_device.h"
#include "fwdelta/fwd_uart.h"
#include "agent_vector.h"
#include "ram_flash.h"
#include "uart_frame.h"
#include "vector_file.h"

#define LZMA "compact-lzma"
#define A64 "compact-relocation-a64"

static const char *vector_dir;
static int failures;
static int checks;

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what); } } while (0)

/* ---- The applier's port over the vector's old image, counting what it is asked to do. ---- */

static uint8_t out[MAX_FILE];
static uint32_t out_len;
static uint32_t writes;
static int fail_read;
static int fail_write_after; /* write_new calls that succeed before one fails; -1: none fails */

static int port_read(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    (void) user;
    if (fail_read || offset > old_size || len > old_size - offset) {
        return -1;
    }
    memcpy(buf, old_buf + offset, len);
    return 0;
}

static int port_write(void *user, const uint8_t *buf, uint32_t len) {
    (void) user;
    if (fail_write_after >= 0 && writes == (uint32_t) fail_write_after) {
        return 1; /* a HAL that returns a status or a count: anything but 0 is a failure */
    }
    writes++;
    if (len > sizeof out - out_len) {
        return -1;
    }
    memcpy(out + out_len, buf, len);
    out_len += len;
    return 0;
}

static fwd_port port_for_vector(void) {
    fwd_port p;
    memset(&p, 0, sizeof p);
    p.read_old = port_read;
    p.write_new = port_write;
    p.old_size = old_size;
    p.ram_budget = sizeof work;
    out_len = 0;
    writes = 0;
    fail_read = 0;
    fail_write_after = -1;
    return p;
}

static int count_blocks(void *user, const fwd_resume *at) {
    (void) user;
    (void) at;
    return 0;
}

/* ---- The applier ---- */

static void applier_null_pointers(void) {
    fwd_resume at;
    fwd_image_checksums m;
    fwd_header h;
    uint32_t size = 0;
    memset(&at, 0, sizeof at);
    memset(&m, 0, sizeof m);
    EXPECT(fwd_apply_header(NULL) == NULL, "fwd_apply_header(NULL) is NULL");
    fwd_apply_on_block(NULL, count_blocks);
    EXPECT(fwd_apply_resume(NULL, &at) == FWD_ERR_BAD_ARGUMENT, "fwd_apply_resume(NULL, at): BAD_ARGUMENT");
    EXPECT(fwd_base_matches(NULL, &m) == FWD_ERR_BAD_ARGUMENT, "fwd_base_matches(NULL, m): BAD_ARGUMENT");
    EXPECT(fwd_header_prefix(NULL, &size) == FWD_ERR_BAD_ARGUMENT, "fwd_header_prefix(NULL, size): BAD_ARGUMENT");
    EXPECT(fwd_header_prefix(patch_buf, NULL) == FWD_ERR_BAD_ARGUMENT, "fwd_header_prefix(b, NULL): BAD_ARGUMENT");
    EXPECT(fwd_header_parse(NULL, FWD_HEADER_MAX, &h) == FWD_ERR_BAD_ARGUMENT,
           "fwd_header_parse(NULL, 256, h): BAD_ARGUMENT");
    EXPECT(fwd_header_parse(patch_buf, patch_size, NULL) == FWD_ERR_BAD_ARGUMENT,
           "fwd_header_parse(b, len, NULL): BAD_ARGUMENT");
    EXPECT(fwd_apply_init(NULL, NULL, NULL, 0) == FWD_ERR_BAD_ARGUMENT, "fwd_apply_init(NULL): BAD_ARGUMENT");
    EXPECT(fwd_apply_process(NULL, patch_buf, 1) == FWD_ERR_BAD_ARGUMENT, "fwd_apply_process(NULL): BAD_ARGUMENT");
    EXPECT(fwd_apply_finish(NULL) == FWD_ERR_BAD_ARGUMENT, "fwd_apply_finish(NULL): BAD_ARGUMENT");
}

/* A static context used before fwd_apply_init (all zero): every call says BAD_ARGUMENT, nothing read
 * or written (it said TRUNCATED, as if the caller's patch were short). */
static void applier_never_initialised(void) {
    static fwd_applier a;
    fwd_resume at;
    memset(&a, 0, sizeof a);
    memset(&at, 0, sizeof at);
    EXPECT(fwd_apply_process(&a, patch_buf, patch_size) == FWD_ERR_BAD_ARGUMENT, "process before init: BAD_ARGUMENT");
    memset(&a, 0, sizeof a);
    EXPECT(fwd_apply_finish(&a) == FWD_ERR_BAD_ARGUMENT, "finish before init: BAD_ARGUMENT");
    memset(&a, 0, sizeof a);
    EXPECT(fwd_apply_resume(&a, &at) == FWD_ERR_BAD_ARGUMENT, "resume before init: BAD_ARGUMENT");
    memset(&a, 0, sizeof a);
    EXPECT(fwd_apply_set_base_checked(&a) == FWD_ERR_BAD_ARGUMENT, "set_base_checked before init: BAD_ARGUMENT");
    memset(&a, 0, sizeof a);
    EXPECT(fwd_apply_set_slot_address(&a, 0) == FWD_ERR_BAD_ARGUMENT, "set_slot_address before init: BAD_ARGUMENT");
    memset(&a, 0, sizeof a);
    EXPECT(fwd_apply_set_trust(&a, NULL) == FWD_ERR_BAD_ARGUMENT, "set_trust before init: BAD_ARGUMENT");
}

/* A verify callback that accepts every signature: only the trust store's shape is under test. */
static int accept_any(void *user, const fwd_trusted_key *key, const uint8_t *message, uint32_t message_len,
                      const uint8_t signature[FWD_SIGNATURE_BYTES]) {
    (void) user;
    (void) key;
    (void) message;
    (void) message_len;
    (void) signature;
    return 0;
}

/* Out of order and bad arguments on a context that was set up: the codes the header promises. */
static void applier_out_of_order(void) {
    static fwd_applier a;
    static uint8_t odd[68];
    fwd_port p = port_for_vector();
    EXPECT(fwd_apply_init(&a, &p, odd + 1, 64) == FWD_ERR_BAD_ARGUMENT, "misaligned work: BAD_ARGUMENT");
    EXPECT(fwd_apply_process(&a, patch_buf, patch_size) == FWD_ERR_BAD_ARGUMENT, "and it sticks");
    EXPECT(writes == 0, "nothing written");

    EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_apply_finish(&a) == FWD_ERR_TRUNCATED, "finish before any byte: TRUNCATED");
    EXPECT(fwd_apply_process(&a, patch_buf, 1) == FWD_ERR_TRUNCATED, "sticky");

    EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_apply_process(&a, NULL, 3) == FWD_ERR_BAD_ARGUMENT, "NULL chunk of 3 bytes: BAD_ARGUMENT");
    EXPECT(fwd_apply_finish(&a) == FWD_ERR_BAD_ARGUMENT, "sticky");

    EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_apply_process(&a, NULL, 0) == FWD_OK, "NULL chunk of 0 bytes: nothing to do");
    EXPECT(fwd_apply_process(&a, patch_buf, 0) == FWD_OK, "a chunk of 0 bytes: nothing to do");
    EXPECT(fwd_apply_process(&a, patch_buf, patch_size) == FWD_OK, "the whole patch");
    EXPECT(fwd_apply_set_trust(&a, NULL) == FWD_ERR_BAD_ARGUMENT, "set_trust after the first byte: BAD_ARGUMENT");

    /* A trust store that claims keys but has none: refused when it is set, not at the header. */
    {
        const fwd_trust keyless = { accept_any, NULL, NULL, 1 };
        p = port_for_vector();
        EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
        EXPECT(fwd_apply_set_trust(&a, &keyless) == FWD_ERR_BAD_ARGUMENT, "key_count 1, keys NULL: BAD_ARGUMENT");
        EXPECT(fwd_apply_process(&a, patch_buf, 1) == FWD_ERR_BAD_ARGUMENT, "sticky");
    }
    p = port_for_vector();
    EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_apply_process(&a, patch_buf, patch_size) == FWD_OK, "the whole patch");
    EXPECT(fwd_apply_finish(&a) == FWD_OK, "finish");
    EXPECT(out_len == new_size && memcmp(out, new_buf, new_size) == 0, "the new image");
    EXPECT(fwd_apply_process(&a, patch_buf, 1) == FWD_ERR_BAD_ARGUMENT, "feed after finish: BAD_ARGUMENT");
    EXPECT(fwd_apply_finish(&a) == FWD_ERR_BAD_ARGUMENT, "finish twice: BAD_ARGUMENT");
}

/* Resume points the header cannot hold: BAD_ARGUMENT, sticky, nothing written. */
static void applier_inconsistent_resume(void) {
    static fwd_applier a;
    const fwd_header *h;
    fwd_resume at;
    fwd_port p = port_for_vector();
    uint32_t i;
    memset(&at, 0, sizeof at);
    for (i = 0; i < 5u; i++) {
        EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
        EXPECT(fwd_apply_resume(&a, &at) == FWD_ERR_BAD_ARGUMENT, "resume before the header: BAD_ARGUMENT");
        EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
        h = NULL;
        if (fwd_header_prefix(patch_buf, &at.patch_offset) == FWD_OK
                && fwd_apply_process(&a, patch_buf, at.patch_offset) == FWD_OK) {
            h = fwd_apply_header(&a);
        }
        EXPECT(h != NULL, "the header");
        if (h == NULL) {
            return;
        }
        at.blocks_done = i == 0 ? h->block_count + 1u : 0u;
        at.patch_offset = i == 1 ? h->header_size + h->payload_length + 1u : h->header_size;
        at.patch_offset = i == 2 ? h->header_size - 1u : at.patch_offset;
        at.new_offset = i == 3 ? h->new_size + 1u : 0u;
        at.old_offset = i == 4 ? h->old_size + 1u : 0u;
        EXPECT(fwd_apply_resume(&a, &at) == FWD_ERR_BAD_ARGUMENT, "an impossible resume point: BAD_ARGUMENT");
        EXPECT(fwd_apply_resume(&a, NULL) == FWD_ERR_BAD_ARGUMENT, "sticky");
        EXPECT(fwd_apply_process(&a, patch_buf + h->header_size, 1) == FWD_ERR_BAD_ARGUMENT, "sticky");
    }
    EXPECT(writes == 0, "nothing written");
}

/* A port whose callbacks fail, and too little RAM: the documented codes, sticky, finish never OK. */
static void applier_port_failures(void) {
    static fwd_applier a;
    fwd_port p = port_for_vector();
    uint32_t size = 0;
    fwd_header h;
    EXPECT(fwd_header_prefix(patch_buf, &size) == FWD_OK && fwd_header_parse(patch_buf, size, &h) == FWD_OK, "header");

    p.ram_budget = h.decoder_ram - 1u;
    EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_apply_process(&a, patch_buf, patch_size) == FWD_ERR_RAM_BUDGET_EXCEEDED,
           "ram_budget below decoder_ram: RAM_BUDGET_EXCEEDED");
    EXPECT(fwd_apply_finish(&a) == FWD_ERR_RAM_BUDGET_EXCEEDED, "sticky");

    p = port_for_vector();
    EXPECT(fwd_apply_init(&a, &p, work, fwd_work_size(&h) - 4u) == FWD_OK, "init with a short work buffer");
    EXPECT(fwd_apply_process(&a, patch_buf, patch_size) == FWD_ERR_RAM_BUDGET_EXCEEDED,
           "a work buffer smaller than the codec needs: RAM_BUDGET_EXCEEDED");
    EXPECT(writes == 0, "nothing written");

    p = port_for_vector();
    fail_read = 1;
    EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_apply_process(&a, patch_buf, patch_size) == FWD_ERR_IO_ERROR, "read_old fails: IO_ERROR");
    EXPECT(writes == 0, "nothing written");

    p = port_for_vector();
    fail_write_after = 0;
    EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_apply_process(&a, patch_buf, patch_size) == FWD_ERR_IO_ERROR, "write_new returns 1: IO_ERROR");
    EXPECT(fwd_apply_finish(&a) == FWD_ERR_IO_ERROR, "finish: still IO_ERROR");

    p = port_for_vector();
    p.old_size = old_size + 1u;
    EXPECT(fwd_apply_init(&a, &p, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_apply_process(&a, patch_buf, patch_size) == FWD_ERR_WRONG_BASE_IMAGE, "old_size off by one");
    EXPECT(writes == 0, "nothing written");
}

/* ---- The agent, on the RAM flash; every program and erase it asks for is recorded. ---- */

static int outside_writes;
static int fail_program;

static int in_region(const fwd_region *r, uint32_t offset, uint32_t len) {
    return offset >= r->offset && len <= r->size && offset - r->offset <= r->size - len;
}

static int guarded_program(void *user, uint32_t offset, const uint8_t *buf, uint32_t len) {
    if (!in_region(&layout.staging, offset, len) && !in_region(&layout.agent_log, offset, len)) {
        outside_writes++;
    }
    if (fail_program && in_region(&layout.staging, offset, len)) {
        return len; /* a driver that returns the count it wrote: nonzero, a failure */
    }
    return ram_program(user, offset, buf, len);
}

static int guarded_erase(void *user, uint32_t sector) {
    uint32_t start = fwd_sector_start(&layout, sector);
    uint32_t size = fwd_sector_size(&layout, sector);
    if (!in_region(&layout.staging, start, size) && !in_region(&layout.agent_log, start, size)) {
        outside_writes++;
    }
    return ram_erase(user, sector);
}

/* The old image in the active slot of an erased flash, the guarded callbacks, vector name loaded. */
static int device_with(const char *name) {
    init_layout();
    if (!load(vector_dir, name)) {
        return 0;
    }
    layout.flash.program = guarded_program;
    layout.flash.erase = guarded_erase;
    outside_writes = 0;
    fail_program = 0;
    memset(flash, 0xFF, sizeof flash);
    memcpy(flash + layout.active.offset, old_buf, old_size);
    return 1;
}

/* What fwd_boot says the active slot holds, and that it is the old image. */
static void boots_old_image(void) {
    fwd_boot_result r;
    memset(&r, 0, sizeof r);
    EXPECT(fwd_boot(&layout, &r) == 0 && r.image == FWD_BOOT_OLD && r.trial == 0, "fwd_boot: the old image, no trial");
    EXPECT(memcmp(flash + layout.active.offset, old_buf, old_size) == 0, "the active slot still holds it");
}

static void agent_null_pointers(void) {
    uint32_t from = 0;
    if (!device_with(LZMA)) {
        EXPECT(0, "vector");
        return;
    }
    EXPECT(fwd_agent_init(NULL, &layout, &policy, work, sizeof work) == FWD_ERR_BAD_ARGUMENT,
           "fwd_agent_init(NULL, ...): BAD_ARGUMENT");
    EXPECT(fwd_agent_init(&agent, &layout, NULL, work, sizeof work) == FWD_ERR_BAD_ARGUMENT,
           "fwd_agent_init without a policy: BAD_ARGUMENT");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == FWD_ERR_BAD_ARGUMENT,
           "and the agent refuses begin after it");
    EXPECT(fwd_agent_begin(NULL, patch_buf, patch_size, &from) == FWD_ERR_BAD_ARGUMENT, "begin(NULL): BAD_ARGUMENT");
    EXPECT(fwd_agent_receive(NULL, patch_buf, 1) == FWD_ERR_BAD_ARGUMENT, "receive(NULL): BAD_ARGUMENT");
    EXPECT(fwd_agent_finish(NULL) == FWD_ERR_BAD_ARGUMENT, "finish(NULL): BAD_ARGUMENT");
    EXPECT(fwd_agent_abort(NULL) == FWD_ERR_BAD_ARGUMENT, "abort(NULL): BAD_ARGUMENT");

    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == FWD_OK, "init");
    memcpy(before, flash, sizeof flash);
    EXPECT(fwd_agent_begin(&agent, NULL, patch_size, &from) == FWD_ERR_BAD_ARGUMENT, "begin with no header: BAD_ARGUMENT");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, NULL) == FWD_ERR_BAD_ARGUMENT,
           "begin with no place for from: BAD_ARGUMENT");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "the flash untouched (the agent log was erased and written)");
    EXPECT(agent.state == FWD_AGENT_IDLE, "the agent still idle");
    EXPECT(outside_writes == 0, "nothing written outside the staging slot and the agent log");
}

/* A NULL chunk while receiving a patch with a relocation map (whose bytes the agent logs): refused,
 * nothing consumed, the update goes on (it crashed copying the map from NULL). */
static void agent_receive_null_chunk(void) {
    uint32_t from = 0;
    if (!device_with(A64)) {
        EXPECT(0, "vector");
        return;
    }
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == FWD_OK, "begin");
    EXPECT(fwd_agent_receive(&agent, NULL, 16) == FWD_ERR_BAD_ARGUMENT, "receive(NULL, 16): BAD_ARGUMENT");
    EXPECT(agent.state == FWD_AGENT_RECEIVING && agent.offset == from, "still receiving, at the same offset");
    EXPECT(fwd_agent_receive(&agent, NULL, 0) == FWD_OK, "receive(NULL, 0): nothing to do");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == FWD_OK, "the rest");
    EXPECT(fwd_agent_finish(&agent) == FWD_OK && agent.state == FWD_AGENT_STAGED, "staged");
    EXPECT(outside_writes == 0, "nothing written outside the staging slot and the agent log");
}

static void agent_out_of_order(void) {
    static fwd_agent zero;
    uint32_t from = 0;
    if (!device_with(LZMA)) {
        EXPECT(0, "vector");
        return;
    }
    memset(&zero, 0, sizeof zero);
    EXPECT(fwd_agent_begin(&zero, patch_buf, patch_size, &from) == FWD_ERR_BAD_ARGUMENT,
           "begin on an agent never initialised: BAD_ARGUMENT");
    EXPECT(fwd_agent_receive(&zero, patch_buf, 1) == FWD_AGENT_NOT_RECEIVING, "receive on it: NOT_RECEIVING");
    EXPECT(fwd_agent_finish(&zero) == FWD_AGENT_NOT_RECEIVING, "finish on it: NOT_RECEIVING");
    EXPECT(fwd_agent_abort(&zero) == FWD_ERR_BAD_ARGUMENT, "abort on it: BAD_ARGUMENT");

    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_agent_receive(&agent, patch_buf, 1) == FWD_AGENT_NOT_RECEIVING, "receive before begin");
    EXPECT(fwd_agent_finish(&agent) == FWD_AGENT_NOT_RECEIVING, "finish before begin");
    EXPECT(fwd_agent_begin(&agent, patch_buf, 7, &from) == FWD_ERR_TRUNCATED, "a 7-byte header: TRUNCATED");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == FWD_OK, "begin");
    EXPECT(fwd_agent_finish(&agent) == FWD_ERR_TRUNCATED, "finish before the payload: TRUNCATED");
    EXPECT(agent.state == FWD_AGENT_FAILED, "the update failed");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == FWD_AGENT_NOT_RECEIVING,
           "receive after it failed: NOT_RECEIVING");
    boots_old_image();

    EXPECT(stage_vector() == 0, "staged");
    EXPECT(fwd_agent_receive(&agent, patch_buf, 1) == FWD_AGENT_NOT_RECEIVING, "receive after finish");
    EXPECT(fwd_agent_finish(&agent) == FWD_AGENT_NOT_RECEIVING, "finish twice");
    EXPECT(agent.state == FWD_AGENT_STAGED, "still staged");
}

/* A flash driver that refuses every program in the staging slot, and a work buffer smaller than
 * decoder_ram: the update fails, nothing is staged, the bootloader boots the old image. */
static void agent_flash_and_ram_failures(void) {
    uint32_t from = 0;
    uint32_t size = 0;
    fwd_header h;
    int e;
    if (!device_with(LZMA)) {
        EXPECT(0, "vector");
        return;
    }
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == FWD_OK, "begin");
    fail_program = 1;
    e = fwd_agent_receive(&agent, patch_buf + from, patch_size - from);
    if (e == FWD_OK) {
        e = fwd_agent_finish(&agent);
    }
    EXPECT(e == FWD_ERR_IO_ERROR, "a program that returns its count: IO_ERROR");
    EXPECT(agent.state == FWD_AGENT_FAILED, "the update failed");
    fail_program = 0;
    boots_old_image();
    EXPECT(outside_writes == 0, "nothing written outside the staging slot and the agent log");

    /* The device restarts with a smaller work buffer: the resume of that update says why it fails
     * (it said IO_ERROR), and writes nothing. */
    EXPECT(fwd_header_prefix(patch_buf, &size) == FWD_OK && fwd_header_parse(patch_buf, size, &h) == FWD_OK, "header");
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, fwd_work_size(&h) - 4u) == FWD_OK, "init, a short work buffer");
    EXPECT(agent.state == FWD_AGENT_RECEIVING, "the logged update is taken up");
    memcpy(before, flash, sizeof flash);
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == FWD_ERR_RAM_BUDGET_EXCEEDED,
           "its resume with a work buffer below what the codec needs: RAM_BUDGET_EXCEEDED");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "the flash untouched");

    /* A fresh update with that buffer: refused before anything is written. */
    if (!device_with(LZMA)) {
        EXPECT(0, "vector");
        return;
    }
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, fwd_work_size(&h) - 4u) == FWD_OK, "init, a short work buffer");
    memcpy(before, flash, sizeof flash);
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == FWD_ERR_RAM_BUDGET_EXCEEDED,
           "begin with a work buffer below what the codec needs: RAM_BUDGET_EXCEEDED");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "the flash untouched");
    EXPECT(agent.state == FWD_AGENT_IDLE, "the agent idle");
}

/* ---- The bootloader ---- */

/* fwd_boot with nowhere to put its result: refused before it touches the flash (it installed the
 * staged image, then wrote through the NULL pointer). */
static void boot_null_result(void) {
    fwd_boot_result r;
    if (!device_with(LZMA)) {
        EXPECT(0, "vector");
        return;
    }
    EXPECT(fwd_boot(&layout, NULL) == FWD_ERR_BAD_ARGUMENT, "fwd_boot(l, NULL) with nothing staged: BAD_ARGUMENT");
    EXPECT(stage_vector() == 0, "staged");
    memcpy(before, flash, sizeof flash);
    EXPECT(fwd_boot(&layout, NULL) == FWD_ERR_BAD_ARGUMENT, "fwd_boot(l, NULL) with an image staged: BAD_ARGUMENT");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "the flash untouched");
    EXPECT(fwd_boot(NULL, &r) == FWD_ERR_BAD_ARGUMENT, "fwd_boot(NULL, r): BAD_ARGUMENT");
    EXPECT(fwd_boot_confirm(NULL) == FWD_ERR_BAD_ARGUMENT, "fwd_boot_confirm(NULL): BAD_ARGUMENT");
}

/* ---- The log readers an application may call itself (to show what the device is doing) ---- */

static uint32_t reads_outside_agent_log;

static int agent_log_read(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    if (!in_region(&layout.agent_log, offset, len)) {
        reads_outside_agent_log++;
    }
    return ram_read(user, offset, buf, len);
}

/* NULL layout or result: BAD_ARGUMENT (they crashed); a slot index past the log's capacity: no
 * record, nothing read (it read the next region, here the boot log, and returned its record). */
static void log_readers_misuse(void) {
    fwd_agent_records r;
    fwd_boot_records b;
    fwd_log log;
    uint8_t rec[FWD_RECORD];
    if (!device_with(LZMA)) {
        EXPECT(0, "vector");
        return;
    }
    EXPECT(fwd_agent_records_read(NULL, &r) == FWD_ERR_BAD_ARGUMENT, "fwd_agent_records_read(NULL, r): BAD_ARGUMENT");
    EXPECT(fwd_agent_records_read(&layout, NULL) == FWD_ERR_BAD_ARGUMENT, "fwd_agent_records_read(l, NULL): BAD_ARGUMENT");
    EXPECT(fwd_boot_records_read(NULL, &b) == FWD_ERR_BAD_ARGUMENT, "fwd_boot_records_read(NULL, b): BAD_ARGUMENT");
    EXPECT(fwd_boot_records_read(&layout, NULL) == FWD_ERR_BAD_ARGUMENT, "fwd_boot_records_read(l, NULL): BAD_ARGUMENT");
    EXPECT(fwd_boot_records_expect(&layout, 1, NULL) == FWD_ERR_BAD_ARGUMENT, "fwd_boot_records_expect(l, 1, NULL)");

    EXPECT(stage_vector() == 0, "staged");
    {
        fwd_boot_result br;
        EXPECT(fwd_boot(&layout, &br) == 0 && br.image == FWD_BOOT_NEW, "installed: the boot log holds records");
    }
    layout.flash.read = agent_log_read;
    reads_outside_agent_log = 0;
    fwd_log_open(&log, &layout, layout.agent_log);
    EXPECT(fwd_log_read(&log, 0, rec) == 1, "slot 0 of the agent log: a record");
    EXPECT(fwd_log_read(&log, fwd_log_capacity(&log), rec) == 0, "the slot past the last: no record");
    EXPECT(fwd_log_read(&log, 0xFFFFFFFFu, rec) == 0, "slot 2^32 - 1: no record");
    EXPECT(reads_outside_agent_log == 0, "nothing read outside the agent log");
    EXPECT(fwd_log_read(NULL, 0, rec) == -1 && fwd_log_read(&log, 0, NULL) == -1, "NULL log or record: -1");
}

/* ---- The UART session ---- */

static fwd_uart uart;

static uint32_t hello(uint8_t *f) {
    static const uint8_t p[2] = {1, 0};
    return uart_frame(f, FWD_F_HELLO, 0, p, sizeof p);
}

static void uart_missing_parts(void) {
    uint8_t f[FWD_FRAME_OVERHEAD + 2u];
    uint32_t n = hello(f);
    if (!device_with(LZMA)) {
        EXPECT(0, "vector");
        return;
    }
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == FWD_OK, "init");
    EXPECT(fwd_uart_init(NULL, &agent, uart_capture, NULL, "b") == FWD_ERR_BAD_ARGUMENT, "fwd_uart_init(NULL): BAD_ARGUMENT");
    EXPECT(fwd_uart_init(&uart, NULL, uart_capture, NULL, "b") == FWD_ERR_BAD_ARGUMENT, "no agent: BAD_ARGUMENT");
    sent_len = 0;
    fwd_uart_receive(&uart, f, n);
    fwd_uart_idle(&uart);
    EXPECT(sent_len == 0, "a session without its agent ignores the line");
    EXPECT(fwd_uart_init(&uart, &agent, NULL, NULL, "b") == FWD_ERR_BAD_ARGUMENT, "no write callback: BAD_ARGUMENT");
    fwd_uart_receive(&uart, f, n);
    EXPECT(fwd_uart_init(&uart, &agent, uart_capture, NULL, NULL) == FWD_OK, "no board name: an empty one");
    sent_len = 0;
    fwd_uart_receive(&uart, f, n);
    EXPECT(sent_len > FWD_FRAME_HEADER + 25u && sent[1] == FWD_F_INFO && sent[FWD_FRAME_HEADER + 24u] == 0,
           "INFO with a name of 0 bytes");
    sent_len = 0;
    fwd_uart_receive(&uart, NULL, 5);
    fwd_uart_receive(NULL, f, n);
    fwd_uart_idle(NULL);
    EXPECT(sent_len == 0, "NULL bytes or session: ignored");
    fwd_uart_receive(&uart, f, n);
    EXPECT(sent_len > 0 && sent[1] == FWD_F_INFO, "and the session still answers");
}

/* ---- The runner ---- */

typedef struct {
    const char *name;
    void (*run)(void);
} test_case;

static const test_case CASES[] = {
    {"applier_null_pointers", applier_null_pointers},
    {"applier_never_initialised", applier_never_initialised},
    {"applier_out_of_order", applier_out_of_order},
    {"applier_inconsistent_resume", applier_inconsistent_resume},
    {"applier_port_failures", applier_port_failures},
    {"agent_null_pointers", agent_null_pointers},
    {"agent_receive_null_chunk", agent_receive_null_chunk},
    {"agent_out_of_order", agent_out_of_order},
    {"agent_flash_and_ram_failures", agent_flash_and_ram_failures},
    {"boot_null_result", boot_null_result},
    {"log_readers_misuse", log_readers_misuse},
    {"uart_missing_parts", uart_missing_parts},
};

/* Runs one case in a child: its exit status is its failure count, a signal a crash. */
static int run_case(const test_case *c) {
    int status = 0;
    pid_t pid;
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        if (!load(vector_dir, LZMA)) {
            _exit(100);
        }
        c->run();
        fprintf(stderr, "%s: %d checks, %d failed\n", c->name, checks, failures);
        _exit(failures > 99 ? 99 : failures);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        fprintf(stderr, "FAIL %s: could not run it\n", c->name);
        return 1;
    }
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "FAIL %s: crashed (signal %d)\n", c->name, WTERMSIG(status));
        return 1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "FAIL %s: exit status %d (failed checks, or a sanitizer's report, above)\n", c->name,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    uint32_t i;
    int failed = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
        return 2;
    }
    vector_dir = argv[1];
    for (i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        failed += run_case(&CASES[i]);
    }
    fprintf(stderr, "%u cases, %d failed\n", (unsigned) (sizeof CASES / sizeof CASES[0]), failed);
    return failed == 0 ? 0 : 1;
}
