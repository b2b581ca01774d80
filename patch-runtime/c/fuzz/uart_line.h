/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How the line bytes of a fuzz/fuzz_uart.h input reach a device: the CRC fix-up of
 * FUZZ_UART_FIX_CRCS and the chunk seed that says how many bytes arrive at once and where the
 * line goes quiet or the device resets. Shared by the fuzz target (fuzz/fuzz_uart.c) and the
 * differential tool (tools/fwdelta_c_uart.c), whose Java twin (UartTranscript.java in
 * patch-runtime/c's tests) follows the same rules, so that both devices see the same events.
 */
#ifndef FWD_FUZZ_UART_LINE_H
#define FWD_FUZZ_UART_LINE_H

#include <stdint.h>
#include <string.h>

#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_uart.h"

/* The bytes one chunk of line input holds at most (the seed picks 1..UART_LINE_CHUNK_MAX). */
#define UART_LINE_CHUNK_MAX 128u
/* The most line bytes uart_line_fix_crcs rewrites: an input longer than that is cut there. */
#define UART_LINE_FIXED_MAX 65536u

static uint32_t uart_line_next_seed(uint32_t seed) {
    seed = seed * 1103515245u + 12345u;
    return seed == 0 ? 1u : seed;
}

/* The size of the next chunk, left bytes still to come (all of them for seed 0). */
static uint32_t uart_line_chunk(uint32_t seed, uint32_t left) {
    uint32_t n = seed == 0 ? left : 1u + (seed >> 8) % UART_LINE_CHUNK_MAX;
    return n < left ? n : left;
}

/* After a chunk, with the seed moved on past it: whether the line goes quiet, the device resets. */
static int uart_line_idles(uint32_t seed) {
    return (seed >> 16) % 4u == 0;
}

static int uart_line_resets(uint32_t seed) {
    return (seed >> 20) % 16u == 0;
}

static void uart_line_put_le(uint8_t *p, uint32_t v, uint32_t bytes) {
    uint32_t i;
    for (i = 0; i < bytes; i++) {
        p[i] = (uint8_t) (v >> (8u * i));
    }
}

/* A copy of the line bytes with the CRCs of every whole frame that starts at an SOF set right:
 * a frame's length field (at most FWD_FRAME_MAX_PAYLOAD) says where the next one starts. */
static const uint8_t *uart_line_fix_crcs(const uint8_t *b, uint32_t *len) {
    static uint8_t line[UART_LINE_FIXED_MAX];
    uint32_t n = *len < UART_LINE_FIXED_MAX ? *len : UART_LINE_FIXED_MAX;
    uint32_t at = 0;
    memcpy(line, b, n);
    while (n - at >= FWD_FRAME_OVERHEAD) {
        uint8_t *f = line + at;
        uint32_t payload = (uint32_t) f[3] | (uint32_t) f[4] << 8;
        if (f[0] != FWD_FRAME_SOF || payload > FWD_FRAME_MAX_PAYLOAD || payload > n - at - FWD_FRAME_OVERHEAD) {
            at++;
            continue;
        }
        uart_line_put_le(f + 5, fwd_crc16_ccitt(f, 5), 2);
        uart_line_put_le(f + FWD_FRAME_HEADER + payload, fwd_crc32_update(0, f, FWD_FRAME_HEADER + payload), 4);
        at += FWD_FRAME_OVERHEAD + payload;
    }
    *len = n;
    return line;
}

#endif
