/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ABORT while the bootloader installs, runs on trial or reverts an update (docs/DEVICE.md "Agent
 * states"): fwd_agent_abort erased the agent log, and fwd_boot, which acts on the boot log only
 * while the agent log names its patch, then booted the unconfirmed image as OLD, no trial, for
 * good, and every later fwd_agent_begin answered FWD_AGENT_ON_TRIAL. Now fwd_agent_abort (and an
 * ABORT frame through fwd_uart, which answers RESULT) refuses with FWD_AGENT_ON_TRIAL, the flash
 * untouched: the next boot reverts the unconfirmed image, or a confirm keeps it. An update staged
 * but not installed is still aborted; after CONFIRMED or REVERTED abort drops nothing (it erased the
 * agent log, and the bootloader then reported the confirmed image as OLD). And fwd_agent_begin with fewer than the 8 prefix bytes
 * (heap buffers of exactly 0..7 bytes): FWD_ERR_TRUNCATED, nothing read past the buffer (the ASan
 * build). On a RAM flash with NOR rules, vector compact-lzma.
 * Usage: fwd_agent_trial_test VECTOR_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_device.h"
#include "fwdelta/fwd_uart.h"
#include "agent_vector.h"
#include "ram_flash.h"
#include "uart_frame.h"
#include "vector_file.h"

static int failures;
static int checks;

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what); } } while (0)

static fwd_uart uart;

/* An ABORT frame (reason 0). */
static void send_abort(void) {
    static const uint8_t reason[1] = {0};
    uint8_t f[FWD_FRAME_OVERHEAD + 1u];
    sent_len = 0;
    fwd_uart_receive(&uart, f, uart_frame(f, FWD_F_ABORT, 0, reason, sizeof reason));
}

/* A BEGIN frame: the u32 length, then the header of len bytes. */
static void send_begin(uint32_t length, const uint8_t *header, uint32_t len) {
    static uint8_t p[4u + FWD_HEADER_MAX];
    static uint8_t f[FWD_FRAME_OVERHEAD + 4u + FWD_HEADER_MAX];
    p[0] = (uint8_t) length;
    p[1] = (uint8_t) (length >> 8);
    p[2] = (uint8_t) (length >> 16);
    p[3] = (uint8_t) (length >> 24);
    memcpy(p + 4, header, len);
    sent_len = 0;
    fwd_uart_receive(&uart, f, uart_frame(f, FWD_F_BEGIN, 0, p, 4u + len));
}

/* The old image in the active slot, the patch staged by the agent. */
static void stage(void) {
    EXPECT(stage_vector() == 0, "staged");
}

/* A reset into the bootloader: what it says the active slot holds. */
static fwd_boot_result boot(void) {
    fwd_boot_result r;
    memset(&r, 0, sizeof r);
    EXPECT(fwd_boot(&layout, &r) == 0, "fwd_boot");
    return r;
}

/* The application after that boot: the agent and the UART session refuse ABORT and BEGIN, nothing written. */
static void abort_refused(const char *when) {
    uint32_t from = 0;
    fprintf(stderr, "%s\n", when);
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "init in the application");
    memcpy(before, flash, sizeof flash);
    EXPECT(fwd_agent_abort(&agent) == FWD_AGENT_ON_TRIAL, "fwd_agent_abort refuses with FWD_AGENT_ON_TRIAL");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == FWD_AGENT_ON_TRIAL, "fwd_agent_begin refuses");
    fwd_uart_init(&uart, &agent, uart_capture, NULL, "test");
    send_abort();
    EXPECT(sent_len > FWD_FRAME_HEADER + 2u && sent[1] == FWD_F_RESULT
           && sent[FWD_FRAME_HEADER] == 0xFF && sent[FWD_FRAME_HEADER + 1u] == 0xFF
           && memcmp(sent + FWD_FRAME_HEADER + 2u, "the running image is on trial", 29) == 0,
           "ABORT through fwd_uart answers RESULT 0xFFFF, on trial");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "the flash untouched");
}

static void on_trial_then_reset(void) {
    fwd_boot_result r;
    stage();
    r = boot();
    EXPECT(r.image == FWD_BOOT_NEW && r.trial == 1, "boot 1: NEW on trial");
    abort_refused("on trial, then a reset without confirm");
    r = boot();
    EXPECT(r.image == FWD_BOOT_OLD && r.trial == 0, "boot 2, not confirmed: reverted, OLD");
    EXPECT(memcmp(flash + layout.active.offset, old_buf, old_size) == 0, "the active slot holds the old image");
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "init after the revert");
    memcpy(before, flash, sizeof flash);
    EXPECT(fwd_agent_abort(&agent) == FWD_OK, "after the revert: abort");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "after the revert abort drops nothing: the flash untouched");
    r = boot();
    EXPECT(r.image == FWD_BOOT_OLD && r.trial == 0, "boot 3: OLD");
}

static void on_trial_then_confirm(void) {
    fwd_boot_result r;
    uint32_t from = 0;
    stage();
    r = boot();
    EXPECT(r.image == FWD_BOOT_NEW && r.trial == 1, "boot 1: NEW on trial");
    abort_refused("on trial, then confirmed");
    EXPECT(fwd_boot_confirm(&layout) == 0, "confirm");
    r = boot();
    EXPECT(r.image == FWD_BOOT_NEW && r.trial == 0, "boot 2, confirmed: NEW");
    EXPECT(memcmp(flash + layout.active.offset, new_buf, new_size) == 0, "the active slot holds the new image");
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "init after the confirm");
    memcpy(before, flash, sizeof flash);
    EXPECT(fwd_agent_abort(&agent) == FWD_OK && agent.state == FWD_AGENT_IDLE, "after the confirm: abort");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "after the confirm abort drops nothing: the flash untouched");
    r = boot();
    EXPECT(r.image == FWD_BOOT_NEW && r.trial == 0, "boot 3: still NEW, not OLD");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == FWD_ERR_WRONG_BASE_IMAGE,
           "the next update is checked again (this patch's base is gone)");
}

/* A revert under way (REVERT logged, not REVERTED): not on trial, but the agent log must stay. */
static void revert_under_way(void) {
    fwd_boot_result r;
    fwd_log log;
    uint8_t p[FWD_RECORD_PAYLOAD];
    stage();
    r = boot();
    EXPECT(r.image == FWD_BOOT_NEW && r.trial == 1, "boot 1: NEW on trial");
    memset(p, 0, sizeof p);
    fwd_log_open(&log, &layout, layout.boot_log);
    EXPECT(fwd_log_append(&log, FWD_REC_REVERT, p) == 0, "REVERT logged");
    abort_refused("a revert under way");
    r = boot();
    EXPECT(r.image == FWD_BOOT_OLD && r.trial == 0, "the bootloader finishes the revert");
    EXPECT(memcmp(flash + layout.active.offset, old_buf, old_size) == 0, "the active slot holds the old image");
}

/* Staged, not installed: ABORT drops it and the bootloader installs nothing. */
static void staged_aborted(void) {
    fwd_boot_result r;
    stage();
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0 && agent.state == FWD_AGENT_STAGED,
           "staged after a reset");
    fwd_uart_init(&uart, &agent, uart_capture, NULL, "test");
    send_abort();
    EXPECT(sent_len == 0 && agent.state == FWD_AGENT_IDLE, "ABORT through fwd_uart: dropped, no answer");
    r = boot();
    EXPECT(r.image == FWD_BOOT_OLD && r.trial == 0, "nothing installed");
    EXPECT(memcmp(flash + layout.active.offset, old_buf, old_size) == 0, "the active slot holds the old image");
}

/* BEGIN with another patch's header (compact-split: same base) and a length that is not its
 * header_size + payload_length: RESULT, the staged update untouched. The length was compared only
 * after fwd_agent_begin had replaced the staged update with the other patch. */
static void begin_wrong_length(const char *dir) {
    static uint8_t other[MAX_FILE];
    uint32_t other_size = load_vector_file(dir, "compact-split", "fwd", other, MAX_FILE);
    uint32_t header_size = 0;
    stage();
    EXPECT(fwd_header_prefix(other, &header_size) == FWD_OK && header_size <= other_size, "compact-split's header");
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0 && agent.state == FWD_AGENT_STAGED,
           "staged after a reset");
    fwd_uart_init(&uart, &agent, uart_capture, NULL, "test");
    memcpy(before, flash, sizeof flash);
    send_begin(other_size + 12345u, other, header_size);
    EXPECT(sent_len > FWD_FRAME_HEADER + 2u && sent[1] == FWD_F_RESULT && sent[FWD_FRAME_HEADER] == 0xFF
           && sent[FWD_FRAME_HEADER + 1u] == 0xFF, "BEGIN with the wrong length: RESULT 0xFFFF");
    EXPECT(memcmp(before, flash, sizeof flash) == 0, "the staged update untouched");
    send_begin(other_size, other, header_size);
    EXPECT(sent_len > 1u && sent[1] == FWD_F_READY, "the right length: READY (the other patch replaces it)");
}

/* A header shorter than its 8-byte prefix, in a heap buffer of exactly len bytes: FWD_ERR_TRUNCATED,
 * nothing read past it (ASan: fwd_agent_begin read the prefix of a 4-byte buffer on its error path). */
static void short_headers(void) {
    uint32_t len;
    uint32_t from = 0;
    memset(flash, 0xFF, sizeof flash);
    memcpy(flash + layout.active.offset, old_buf, old_size);
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "init");
    for (len = 0; len < 8u; len++) {
        uint8_t *b = (uint8_t *) malloc(len == 0 ? 1u : len);
        uint8_t *h = len == 0 ? b + 1 : b; /* one past a 1-byte block: nothing there to read */
        EXPECT(b != NULL, "malloc");
        if (b == NULL) {
            return;
        }
        memcpy(b, patch_buf, len == 0 ? 1u : len);
        memcpy(before, flash, sizeof flash);
        EXPECT(fwd_agent_begin(&agent, h, len, &from) == FWD_ERR_TRUNCATED, "a short header: TRUNCATED");
        EXPECT(memcmp(before, flash, sizeof flash) == 0, "the flash untouched");
        free(b);
    }
}

/* An agent log filled by torn records (its last slot programmed: no slot after it, as the scan at
 * the next reset finds it) leaves no slot for the next BLOCK record. The next BEGIN of the same
 * patch must begin it again in an erased log (docs/DEVICE.md "Torn records"): it resumed into the
 * full log, failed at the same block, and so did every BEGIN after it (fwd_uart makes a failed
 * agent again from flash), the update blocked for good. */
static void full_agent_log_begins_again(void) {
    static const uint8_t torn[FWD_RECORD];
    uint32_t from = 0;
    memset(flash, 0xFF, sizeof flash);
    memcpy(flash + layout.active.offset, old_buf, old_size);
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "init");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin");
    EXPECT(ram_program(NULL, layout.agent_log.offset + layout.agent_log.size - FWD_RECORD, torn, FWD_RECORD) == 0,
           "the last agent log slot taken");
    EXPECT(fwd_agent_init(&agent, &layout, &policy, work, sizeof work) == 0, "a reset: the agent from flash");
    EXPECT(agent.state == FWD_AGENT_RECEIVING, "receiving, its log full");
    EXPECT(fwd_agent_begin(&agent, patch_buf, patch_size, &from) == 0, "begin again");
    EXPECT(fwd_agent_receive(&agent, patch_buf + from, patch_size - from) == 0, "received into an erased log");
    EXPECT(fwd_agent_finish(&agent) == 0 && agent.state == FWD_AGENT_STAGED, "staged");
}

int main(int argc, char **argv) {
    if (!start_vector_test(argc, argv, "compact-lzma")) {
        return 2;
    }
    on_trial_then_reset();
    on_trial_then_confirm();
    revert_under_way();
    staged_aborted();
    begin_wrong_length(argv[1]);
    short_headers();
    full_agent_log_begins_again();
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
