/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How the line bytes of a fuzz/fuzz_uart.h input reach a device: the CRC fix-up of
 * FUZZ_UART_FIX_CRCS and the chunk seed that says how many bytes arrive at once and where the
 * line goes quiet or the device resets (or, on an ECC input, where a write is torn). Shared by the fuzz target (fuzz/fuzz_uart.c) and the
 * differential tool (tools/fwdelta_c_uart.c), whose Java twin (UartTranscript.java in
 * patch-runtime/c's tests) follows the same rules, so that both devices see the same events.
 */
#ifndef FWD_FUZZ_UART_LINE_H
#define FWD_FUZZ_UART_LINE_H

#include <stdint.h>
#include <string.h>

#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_device.h"
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

/* At a reset event of an ECC input (FUZZ_UART_ECC_TEARS), where the torn write is: the region
 * (the staging slot most often, as the resends meet its torn units), an erase or a program, and
 * how many of those into the region pass before it (so that tears land in every block and at
 * DONE, not only in the first). UartLine.java in patch-runtime/c's tests draws them alike. */
static const char *const UART_LINE_TEAR_REGIONS[] = {
    "staging", "staging", "staging", "staging", "agent_log", "boot_log", "active", "scratch"
};

static inline uint32_t uart_line_tear_skip(uint32_t seed) {
    return (seed >> 24) % 4u;
}

static inline uint32_t uart_line_tear_region(uint32_t seed) {
    return (seed >> 26) % (uint32_t) (sizeof UART_LINE_TEAR_REGIONS / sizeof UART_LINE_TEAR_REGIONS[0]);
}

/* Whether the tear is in a region the bootloader writes and the agent does not program (the
 * boot log, the active slot, scratch): the device resets at once, the tear armed for that boot,
 * then dropped (a tear in the staging slot or the agent log waits for the agent's writes). */
static inline int uart_line_tears_at_boot(uint32_t region) {
    return region >= 5u;
}

static inline int uart_line_tear_erase(uint32_t seed) {
    return (seed >> 29) % 4u == 0;
}

/* The layout's region of that name (one of UART_LINE_TEAR_REGIONS). */
static inline fwd_region uart_line_region(const fwd_layout *l, const char *name) {
    return strcmp(name, "staging") == 0 ? l->staging
           : strcmp(name, "agent_log") == 0 ? l->agent_log
           : strcmp(name, "boot_log") == 0 ? l->boot_log
           : strcmp(name, "active") == 0 ? l->active : l->scratch;
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
