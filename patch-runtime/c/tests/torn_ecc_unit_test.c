/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A staging program torn by a power cut on an ECC part (stm32l4-512k: a double word takes one
 * program per erase), the C agent's side of Java's TornEccUnitTest. The resumed update rewrote the
 * units the interrupted attempt had written after its last BLOCK record, which such a part refuses
 * (the flash counted a broken rule and the agent failed the same way on every resend). Now it skips
 * the units that hold their bytes and, at a torn one, begins the patch again: FWD_AGENT_RESTARTED,
 * which fwd_uart answers with NAK reason 3 and the payload start; sent again from there, the update
 * stages the new image. Every receive-phase operation of none-two-blocks is torn once, and resent
 * twice: in order, and with selective repeat and the last part sent first, so that it is held
 * when the torn unit is met (the hold ring must be emptied by the restart: nothing held before it
 * is applied after it).
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

static uint32_t get32(const uint8_t *b) {
    return (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16 | (uint32_t) b[3] << 24;
}

static void put32(uint8_t *b, uint32_t v) {
    b[0] = (uint8_t) v;
    b[1] = (uint8_t) (v >> 8);
    b[2] = (uint8_t) (v >> 16);
    b[3] = (uint8_t) (v >> 24);
}

/* The patch bytes [from, to) in one DATA frame: the device's answer. */
static uint32_t send_part(uint32_t from, uint32_t to, uint32_t *offset, uint32_t *reason) {
    static uint8_t p[4u + FWD_FRAME_MAX_PAYLOAD];
    put32(p, from);
    memcpy(p + 4, patch + from, to - from);
    return exchange(FWD_F_DATA, p, 4u + to - from, offset, reason);
}

/* The patch from offset on in one DATA frame: the device's answer. */
static uint32_t send_rest(uint32_t from, uint32_t *offset, uint32_t *reason) {
    return send_part(from, patch_size, offset, reason);
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

/* Powers the device on after the cut and opens the transfer (HELLO with caps, BEGIN): READY's offset. */
static uint32_t reconnect(uint32_t caps) {
    static uint8_t begin[4u + FWD_HEADER_MAX];
    const uint8_t hello[2] = {1, (uint8_t) caps};
    uint32_t offset;
    uint32_t reason;
    pcf.powered = 1;
    EXPECT(fwd_agent_init(&agent, &pcf.layout, &policy, work, sizeof work) == 0, "agent init after the cut");
    fwd_uart_init(&uart, &agent, uart_capture, NULL, "stm32l4-512k");
    EXPECT(exchange(FWD_F_HELLO, hello, sizeof hello, &offset, &reason) == FWD_F_INFO, "INFO");
    put32(begin, patch_size);
    memcpy(begin + 4, patch, header_size);
    EXPECT(exchange(FWD_F_BEGIN, begin, 4u + header_size, &offset, &reason) == FWD_F_READY, "READY");
    return offset;
}

/* RESULT 0, the new image staged whole, no rule of the flash broken. */
static void expect_staged(uint32_t answer, uint32_t status) {
    /* RESULT: u16 status, then the message */
    EXPECT(answer == FWD_F_RESULT && (status & 0xFFFFu) == 0, "RESULT 0");
    EXPECT(agent.state == FWD_AGENT_STAGED, "staged");
    EXPECT(memcmp(pcf.cells + stm32l4.staging.offset, new_image, new_size) == 0, "the new image staged");
    EXPECT(pcf.violations == 0, pcf.first_violation);
}

/* After the torn operation: the host sends the update again through fwd_uart; 1 if the agent restarted. */
static int resend_through_uart(void) {
    uint32_t offset = reconnect(0);
    uint32_t reason;
    uint32_t answer;
    int restarted = 0;
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
    expect_staged(answer, offset);
    return restarted;
}

/* Frames of the selective-repeat resend: the rest after READY in at most 16 frames, so that the odd
 * ones, sent first, fit the 8 held ranges. */
#define HELD_FRAMES 16u

/* The same with selective repeat: after READY the odd frames of the rest are sent first, each held
 * (a range of its own), then the even ones, each applied with the held frame after it. The torn unit
 * is met in one of them: the restart drops what is held, so the host, sending from the payload start
 * again, must see every ACK stop at the end of its own frame (a held frame from before the restart
 * applied after it would carry the ACK past it). 1 if the agent restarted with frames held, 0 if it
 * did not restart, 2 if it restarted with none held (the last frames). */
static int resend_held_through_uart(void) {
    uint32_t from = reconnect(FWD_CAP_SELECTIVE_REPEAT);
    uint32_t size = (patch_size - from + HELD_FRAMES - 1u) / HELD_FRAMES;
    uint32_t offset;
    uint32_t reason;
    uint32_t answer = 0;
    uint32_t at;
    uint32_t k;
    int restarted = 0;
    for (k = 1; from + k * size < patch_size; k += 2) {
        uint32_t s = from + k * size;
        uint32_t e = s + size < patch_size ? s + size : patch_size;
        EXPECT(send_part(s, e, &offset, &reason) == FWD_F_SACK && offset == from, "an odd frame held");
        EXPECT(sent_len == FWD_FRAME_OVERHEAD + 12u && get32(sent + FWD_FRAME_HEADER + 4) == s
               && get32(sent + FWD_FRAME_HEADER + 8) == e, "held as a range of its own");
    }
    for (k = 0; from + k * size < patch_size && restarted == 0; k += 2) {
        uint32_t s = from + k * size;
        uint32_t e = s + size < patch_size ? s + size : patch_size;
        uint32_t after = e + size < patch_size ? e + size : patch_size;
        answer = send_part(s, e, &offset, &reason);
        if (answer == FWD_F_NAK && reason == 3u) {
            restarted = after < patch_size ? 1 : 2;
            EXPECT(offset == header_size, "NAK 3 names the payload start");
        } else {
            EXPECT(answer == FWD_F_ACK && offset == after, "an even frame applied with the held one after it");
        }
    }
    if (restarted != 0) {
        for (at = header_size; at < patch_size; at += size) {
            uint32_t e = at + size < patch_size ? at + size : patch_size;
            EXPECT(send_part(at, e, &offset, &reason) == FWD_F_ACK && offset == e,
                   "sent again in order: nothing held before the restart applied after it");
        }
    }
    answer = exchange(FWD_F_DONE, no_payload, 0, &offset, &reason);
    if (answer == FWD_F_NAK && reason == 3u) {
        /* DONE met the torn unit (the last one, padded): nothing was held then */
        restarted = 2;
        EXPECT(offset == header_size, "NAK 3 names the payload start");
        EXPECT(send_rest(header_size, &offset, &reason) == FWD_F_ACK && offset == patch_size, "the patch sent again");
        answer = exchange(FWD_F_DONE, no_payload, 0, &offset, &reason);
    }
    expect_staged(answer, offset);
    return restarted;
}

/* Reads a golden vector into the test's images and patch, and the policy it needs; 0 if not a patch. */
static int load(const char *dir, const char *name) {
    fwd_header h;
    old_size = load_vector_file(dir, name, "old", old_image, MAX_FILE);
    new_size = load_vector_file(dir, name, "new", new_image, MAX_FILE);
    patch_size = load_vector_file(dir, name, "fwd", patch, MAX_FILE);
    if (fwd_header_prefix(patch, &header_size) != FWD_OK || fwd_header_parse(patch, header_size, &h) != FWD_OK) {
        return 0;
    }
    policy.ram_budget = sizeof work;
    policy.hardware_id = h.hardware_id;
    return 1;
}

/* The receive-phase flash operations of the loaded vector: tearing each one in turn, then resending. */
static long receive_operations(void) {
    cut = -1;
    pcf_provision(&pcf, &stm32l4, old_image, old_size);
    EXPECT(receive_directly(), "staged without a cut");
    return pcf.operations;
}

static void tear(void) {
    pcf_provision(&pcf, &stm32l4, old_image, old_size);
    pcf.cut_at = cut;
    pcf.tear = 1;
    EXPECT(!receive_directly() && !pcf.powered, "the cut lands");
}

int main(int argc, char **argv) {
    /* With selective repeat: none-two-blocks' torn units are met at its end; the long map's four
     * blocks put some in the middle, with frames held after them. */
    static const char *const held_vectors[] = {"none-two-blocks", "compact-relocation-long-map"};
    long operations;
    int restarts = 0;
    int held_restarts = 0;
    size_t v;
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
        return 2;
    }
    preset_to_layout(&preset_layouts[1], preset_layouts[1].program_unit, &stm32l4);
    EXPECT(stm32l4.ecc_units == 1 && stm32l4.program_unit == 8u, "stm32l4-512k: ECC double words");
    if (!load(argv[1], "none-two-blocks")) {
        return 2;
    }
    operations = receive_operations();
    for (cut = 0; cut < operations; cut++) {
        tear();
        restarts += resend_through_uart();
    }
    cut = -1;
    /* The cuts that tear a staging unit after the last BLOCK record (in the same sector). */
    EXPECT(restarts == 2, "two torn units make the agent begin again");
    printf("%ld receive operations torn, %d restarts\n", operations, restarts);
    for (v = 0; v < sizeof held_vectors / sizeof held_vectors[0]; v++) {
        int held = 0;
        int unheld = 0;
        if (!load(argv[1], held_vectors[v])) {
            return 2;
        }
        operations = receive_operations();
        for (cut = 0; cut < operations; cut++) {
            int r;
            tear();
            r = resend_held_through_uart();
            held += r == 1;
            unheld += r == 2;
        }
        printf("%s with selective repeat: %ld receive operations torn, restarts with frames held %d, without %d\n",
               held_vectors[v], operations, held, unheld);
        held_restarts += held;
    }
    cut = -1;
    EXPECT(held_restarts > 0, "a restart with frames held");
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
