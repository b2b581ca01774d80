/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A staging program torn by a power cut on an ECC part (stm32l4-512k: a double word takes one
 * program per erase), the C agent's side of Java's TornEccUnitTest. The resumed update rewrote the
 * units the interrupted attempt had written after its last BLOCK record, which such a part refuses
 * (the flash counted a broken rule and the agent failed the same way on every resend). Now it skips
 * the units that hold their bytes and, at a torn one, begins the patch again: FWD_AGENT_RESTARTED,
 * which fwd_uart answers with NAK reason 3 and the payload start; sent again from there, the update
 * stages the new image. Every receive-phase operation of none-two-blocks is torn once.
 * Usage: fwd_torn_ecc_unit_test VECTOR_DIR
 */
#include <stdio.h>
#include <string.h>

#include "fwdelta/fwd_device.h"
#include "fwdelta/fwd_uart.h"
#include "power_cut_flash.h"
#include "preset_layouts.h"
#include "uart_frame.h"
#include "vector_file.h"

#define MAX_FILE 4096u

static int failures;
static int checks;
static long cut;

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: torn before operation %ld: %s\n", __FILE__, __LINE__, cut, what); } } while (0)

static power_cut_flash pcf;
static fwd_layout stm32l4;
static uint8_t old_image[MAX_FILE], new_image[MAX_FILE], patch[MAX_FILE];
static uint32_t old_size, new_size, patch_size, header_size;
static fwd_policy policy;
static uint8_t work[65536];
static fwd_agent agent;
static fwd_uart uart;
static const uint8_t no_payload[1]; /* DONE carries none */

/* Sends a frame of type with payload p (len bytes) and returns the type of the device's last answer,
 * its u32 offset in *offset and, for a NAK, its reason in *reason. */
static uint32_t exchange(uint32_t type, const uint8_t *p, uint32_t len, uint32_t *offset, uint32_t *reason) {
    static uint8_t f[FWD_FRAME_OVERHEAD + FWD_FRAME_MAX_PAYLOAD];
    uint32_t at = 0;
    uint32_t last = 0;
    sent_len = 0;
    fwd_uart_receive(&uart, f, uart_frame(f, type, 0, p, len));
    *offset = 0;
    *reason = 0;
    while (at + FWD_FRAME_OVERHEAD <= sent_len) {
        uint32_t n = sent[at + 3] | (uint32_t) sent[at + 4] << 8;
        const uint8_t *q = sent + at + FWD_FRAME_HEADER;
        last = sent[at + 1];
        *offset = n >= 4u ? (uint32_t) q[0] | (uint32_t) q[1] << 8 | (uint32_t) q[2] << 16 | (uint32_t) q[3] << 24 : 0;
        *reason = n >= 5u ? q[4] : 0;
        at += FWD_FRAME_OVERHEAD + n;
    }
    return last;
}

static void put32(uint8_t *b, uint32_t v) {
    b[0] = (uint8_t) v;
    b[1] = (uint8_t) (v >> 8);
    b[2] = (uint8_t) (v >> 16);
    b[3] = (uint8_t) (v >> 24);
}

/* The patch from offset on in one DATA frame: the device's answer. */
static uint32_t send_rest(uint32_t from, uint32_t *offset, uint32_t *reason) {
    static uint8_t p[4u + FWD_FRAME_MAX_PAYLOAD];
    put32(p, from);
    memcpy(p + 4, patch + from, patch_size - from);
    return exchange(FWD_F_DATA, p, 4u + patch_size - from, offset, reason);
}

/* Receives the patch through the agent (cut planned or not): 1 once staged, 0 at the cut. */
static int receive_directly(void) {
    uint32_t from = 0;
    if (fwd_agent_init(&agent, &pcf.layout, &policy, work, sizeof work) != 0
            || fwd_agent_begin(&agent, patch, header_size, &from) != 0
            || fwd_agent_receive(&agent, patch + from, patch_size - from) != 0 || fwd_agent_finish(&agent) != 0) {
        return 0;
    }
    return agent.state == FWD_AGENT_STAGED;
}

/* After the torn operation: the host sends the update again through fwd_uart; 1 if the agent restarted. */
static int resend_through_uart(void) {
    static uint8_t begin[4u + FWD_HEADER_MAX];
    uint32_t offset;
    uint32_t reason;
    uint32_t answer;
    int restarted = 0;
    pcf.powered = 1;
    EXPECT(fwd_agent_init(&agent, &pcf.layout, &policy, work, sizeof work) == 0, "agent init after the cut");
    fwd_uart_init(&uart, &agent, uart_capture, NULL, "stm32l4-512k");
    put32(begin, patch_size);
    memcpy(begin + 4, patch, header_size);
    EXPECT(exchange(FWD_F_BEGIN, begin, 4u + header_size, &offset, &reason) == FWD_F_READY, "READY");
    answer = send_rest(offset, &offset, &reason);
    if (answer == FWD_F_ACK) {
        answer = exchange(FWD_F_DONE, no_payload, 0, &offset, &reason);
    }
    if (answer == FWD_F_NAK && reason == 3u) {
        /* the DATA frame or DONE met the torn unit */
        restarted = 1;
        EXPECT(offset == header_size, "NAK 3 names the payload start");
        EXPECT(send_rest(offset, &offset, &reason) == FWD_F_ACK && offset == patch_size, "the patch sent again");
        answer = exchange(FWD_F_DONE, no_payload, 0, &offset, &reason);
    }
    /* RESULT: u16 status, then the message */
    EXPECT(answer == FWD_F_RESULT && (offset & 0xFFFFu) == 0, "RESULT 0");
    EXPECT(agent.state == FWD_AGENT_STAGED, "staged");
    EXPECT(memcmp(pcf.cells + stm32l4.staging.offset, new_image, new_size) == 0, "the new image staged");
    EXPECT(pcf.violations == 0, pcf.first_violation);
    return restarted;
}

int main(int argc, char **argv) {
    long operations;
    int restarts = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
        return 2;
    }
    old_size = load_vector_file(argv[1], "none-two-blocks", "old", old_image, MAX_FILE);
    new_size = load_vector_file(argv[1], "none-two-blocks", "new", new_image, MAX_FILE);
    patch_size = load_vector_file(argv[1], "none-two-blocks", "fwd", patch, MAX_FILE);
    {
        fwd_header h;
        if (fwd_header_prefix(patch, &header_size) != FWD_OK || fwd_header_parse(patch, header_size, &h) != FWD_OK) {
            return 2;
        }
        policy.ram_budget = sizeof work;
        policy.hardware_id = h.hardware_id;
    }
    preset_to_layout(&preset_layouts[1], preset_layouts[1].program_unit, &stm32l4);
    cut = -1;
    EXPECT(stm32l4.ecc_units == 1 && stm32l4.program_unit == 8u, "stm32l4-512k: ECC double words");
    pcf_provision(&pcf, &stm32l4, old_image, old_size);
    EXPECT(receive_directly(), "staged without a cut");
    operations = pcf.operations;
    for (cut = 0; cut < operations; cut++) {
        pcf_provision(&pcf, &stm32l4, old_image, old_size);
        pcf.cut_at = cut;
        pcf.tear = 1;
        EXPECT(!receive_directly() && !pcf.powered, "the cut lands");
        restarts += resend_through_uart();
    }
    cut = -1;
    /* The cuts that tear a staging unit after the last BLOCK record (in the same sector). */
    EXPECT(restarts == 2, "two torn units make the agent begin again");
    printf("%ld receive operations torn, %d restarts; %d checks, %d failures\n", operations, restarts, checks,
           failures);
    return failures == 0 ? 0 : 1;
}
