/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Frames of docs/PROTOCOL.md section 1 for the C device tests to feed fwd_uart (SOF, type, seq,
 * u16 length, CRC-16/CCITT of those five bytes, the payload, CRC-32 of all before it), and a UART
 * port that keeps what the device answers.
 */
#ifndef FWD_TESTS_UART_FRAME_H
#define FWD_TESTS_UART_FRAME_H

#include <string.h>

#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_uart.h"

/* What the device wrote (the tests' fwd_uart_write_fn, uart_capture), from the last sent_len = 0 on;
 * what does not fit is dropped. */
static uint8_t sent[1024];
static uint32_t sent_len;

static void uart_capture(void *user, const uint8_t *b, uint32_t len) {
    (void) user;
    if (len <= sizeof sent - sent_len) {
        memcpy(sent + sent_len, b, len);
        sent_len += len;
    }
}

/* Writes the frame to f (room for FWD_FRAME_OVERHEAD + len bytes); returns its length. */
static uint32_t uart_frame(uint8_t *f, uint32_t type, uint32_t seq, const uint8_t *payload, uint32_t len) {
    uint32_t crc;
    f[0] = FWD_FRAME_SOF;
    f[1] = (uint8_t) type;
    f[2] = (uint8_t) seq;
    f[3] = (uint8_t) len;
    f[4] = (uint8_t) (len >> 8);
    crc = fwd_crc16_ccitt(f, 5);
    f[5] = (uint8_t) crc;
    f[6] = (uint8_t) (crc >> 8);
    memmove(f + FWD_FRAME_HEADER, payload, len);
    crc = fwd_crc32_update(0, f, FWD_FRAME_HEADER + len);
    f[FWD_FRAME_HEADER + len] = (uint8_t) crc;
    f[FWD_FRAME_HEADER + len + 1u] = (uint8_t) (crc >> 8);
    f[FWD_FRAME_HEADER + len + 2u] = (uint8_t) (crc >> 16);
    f[FWD_FRAME_HEADER + len + 3u] = (uint8_t) (crc >> 24);
    return FWD_FRAME_OVERHEAD + len;
}

#endif
