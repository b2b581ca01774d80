/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fwd_uart's framing splits a line into the frames Java's FrameDecoder does (FrameDecoderTest has the
 * same cases). A SACK (0x0B) frame whose payload holds the bytes of a HELLO frame, followed by a real
 * HELLO: the C device used to take only types 0x01..0x0A, so it refused the SACK's header, hunted for
 * SOF inside its payload and answered the HELLO found there as well (two INFOs where Java's decoder
 * delivers SACK, HELLO and the session answers once). A type outside the protocol (0x0C) is a bad
 * header in both, and the HELLO inside its payload is found by both.
 * Usage: fwd_uart_frames_test
 */
#include <stdio.h>
#include <string.h>

#include "fwdelta/fwd_device.h"
#include "fwdelta/fwd_uart.h"
#include "uart_frame.h"

static int failures;
static int checks;

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what); } } while (0)

/* The frames the device wrote, by type: how many of them, all of type want. */
static uint32_t answers(uint32_t want) {
    uint32_t at = 0;
    uint32_t n = 0;
    while (at + FWD_FRAME_OVERHEAD <= sent_len) {
        uint32_t len = sent[at + 3] | (uint32_t) sent[at + 4] << 8;
        if (sent[at] != FWD_FRAME_SOF || sent[at + 1] != want) {
            return 0xFFFFFFFFu;
        }
        at += FWD_FRAME_OVERHEAD + len;
        n++;
    }
    return at == sent_len ? n : 0xFFFFFFFFu;
}

/* A frame of the given type whose payload carries a whole HELLO frame (seq 0x30) between four bytes
 * on each side, then a HELLO (seq 8): the line's bytes in line, their count returned. */
static uint32_t line_with_inner_hello(uint8_t *line, uint32_t outer_type) {
    static const uint8_t hello[2] = {1, 0}; /* protocol version 1, no capabilities */
    uint8_t payload[4 + FWD_FRAME_OVERHEAD + 2 + 4];
    uint32_t n;
    memset(payload, 0, sizeof payload);
    payload[0] = 0x10; /* a SACK's u32 offset */
    uart_frame(payload + 4, FWD_F_HELLO, 0x30, hello, sizeof hello);
    n = uart_frame(line, outer_type, 7, payload, sizeof payload);
    return n + uart_frame(line + n, FWD_F_HELLO, 8, hello, sizeof hello);
}

/* Feeds the line in pieces of chunk bytes to a fresh session; returns the INFO frames it answered. */
static uint32_t feed(uint32_t outer_type, uint32_t chunk, fwd_uart *u) {
    static fwd_agent agent; /* idle: HELLO reads only its policy, state and offset */
    uint8_t line[128];
    uint32_t len = line_with_inner_hello(line, outer_type);
    uint32_t at;
    memset(&agent, 0, sizeof agent);
    fwd_uart_init(u, &agent, uart_capture, NULL, "test-board");
    sent_len = 0;
    for (at = 0; at < len; at += chunk) {
        fwd_uart_receive(u, line + at, len - at < chunk ? len - at : chunk);
    }
    return answers(FWD_F_INFO);
}

int main(void) {
    static fwd_uart u;
    uint32_t chunk;
    for (chunk = 1; chunk <= 128; chunk *= 2) {
        /* Java: SACK (seq 7), HELLO (seq 8); the SACK ignored, the HELLO answered. */
        EXPECT(feed(FWD_F_SACK, chunk, &u) == 1, "a SACK is one frame: only the HELLO after it is answered");
        EXPECT(u.bad_frames == 0 && u.filled == 0, "SACK: no bad frame, nothing left buffered");
        /* Java: a bad header, then the HELLO inside (seq 0x30) and the HELLO after (seq 8). */
        EXPECT(feed(0x0C, chunk, &u) == 2, "type 0x0C is no frame: both HELLOs are answered");
        EXPECT(u.filled == 0, "0x0C: nothing left buffered");
    }
    printf("uart frames: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
