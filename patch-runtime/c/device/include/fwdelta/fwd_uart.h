/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device side of the UART transfer protocol (docs/PROTOCOL.md section 1, protocol version 1,
 * with selective repeat when the host offers it):
 * a push frame decoder (hunts for SOF, checks the header CRC and the length limit before it
 * buffers a payload, drops a frame whose CRC-32 fails) in front of the transfer session
 * (TransferSession.java + UartDevice.java): BEGIN / DATA / DONE / ABORT become update agent calls,
 * the answers READY / ACK / NAK / RESULT frames. RAM (fwd_uart): one 1,035-byte frame buffer, a
 * 75-byte reply buffer, and for selective repeat (docs/PROTOCOL.md, capability bit 0) a hold ring
 * of FWD_UART_HOLD_BYTES (1,024 by default; 0 builds a go-back-N-only device whose INFO is version
 * 1's) with 8 pairs of u32 offsets and the range count (1,092 bytes), and the session's fields:
 * 2,252 bytes on a Cortex-M4. Budget FWD_UART_RAM_MAX (2,266 with the default ring, 1,174 without),
 * checked at compile time on 32-bit targets (fwd_uart.c). The stack of fwd_uart_receive, the agent's
 * and the applier's under it, comes on top (docs/DEVICE.md, held there by tools/stack-depth.py).
 */
#ifndef FWDELTA_FWD_UART_H
#define FWDELTA_FWD_UART_H

#include <stdint.h>

#include "fwdelta/fwd_device.h"

#define FWD_FRAME_SOF 0xA5u
#define FWD_FRAME_MAX_PAYLOAD 1024u
#define FWD_FRAME_HEADER 7u
#define FWD_FRAME_OVERHEAD 11u
#ifndef FWD_UART_HOLD_BYTES
#define FWD_UART_HOLD_BYTES 1024u
#endif
#define FWD_UART_HOLD_RANGES 8u
#define FWD_CAP_SELECTIVE_REPEAT 1u

/* The RAM budget of fwd_uart on a 32-bit MCU: the frame buffer, the reply buffer (11 + 64), the
 * hold ring with its ranges and count, and 64 bytes for the session's pointers and counters. */
#if FWD_UART_HOLD_BYTES > 0
#define FWD_UART_HOLD_RAM (FWD_UART_HOLD_BYTES + 8u * FWD_UART_HOLD_RANGES + 4u)
#else
#define FWD_UART_HOLD_RAM 0u
#endif
#define FWD_UART_RAM_MAX (FWD_FRAME_OVERHEAD + FWD_FRAME_MAX_PAYLOAD + FWD_FRAME_OVERHEAD + 64u + FWD_UART_HOLD_RAM + 64u)

enum {
    FWD_F_HELLO = 1, FWD_F_INFO = 2, FWD_F_BEGIN = 3, FWD_F_READY = 4, FWD_F_DATA = 5, FWD_F_ACK = 6,
    FWD_F_NAK = 7, FWD_F_DONE = 8, FWD_F_RESULT = 9, FWD_F_ABORT = 10, FWD_F_SACK = 11
};

/* The UART port: sends len bytes (blocking). */
typedef void (*fwd_uart_write_fn)(void *user, const uint8_t *b, uint32_t len);

typedef struct {
    fwd_agent *agent;
    fwd_uart_write_fn write;
    void *user;
    const char *board; /* the layout name INFO reports */
    /* decoder */
    uint8_t frame[FWD_FRAME_OVERHEAD + FWD_FRAME_MAX_PAYLOAD];
    uint32_t filled;
    uint32_t bad_frames;
    /* session */
    int open;                /* a transfer is in progress */
    uint32_t patch_length;
    uint32_t expected;
    uint8_t seq;
    uint8_t reply[FWD_FRAME_OVERHEAD + 64u];
    /* set once RESULT(0) was sent: the image is staged, the board may reboot into the bootloader */
    int staged;
    /* BEGINs the agent refused: the board may report each (as its stack mark) */
    uint32_t refused;
    /* selective repeat: on when the last HELLO asked for it; data after a gap, ring-indexed by offset */
    int selective;
#if FWD_UART_HOLD_BYTES > 0
    uint8_t hold[FWD_UART_HOLD_BYTES];
    uint32_t hold_start[FWD_UART_HOLD_RANGES];
    uint32_t hold_end[FWD_UART_HOLD_RANGES];
    uint32_t hold_count;
#endif
} fwd_uart;

/* FWD_OK, or FWD_ERR_BAD_ARGUMENT for a NULL u, agent or write: such a session (as one never set
 * up, all zero) ignores the line and answers nothing. A NULL board is reported as an empty name. */
int fwd_uart_init(fwd_uart *u, fwd_agent *agent, fwd_uart_write_fn write, void *user, const char *board);
/* Bytes from the line (a NULL u or b: ignored). */
void fwd_uart_receive(fwd_uart *u, const uint8_t *b, uint32_t len);
/* The line was quiet for 50 ms: an incomplete frame is dropped and what followed its SOF searched
 * again (a NULL u: ignored). */
void fwd_uart_idle(fwd_uart *u);

uint32_t fwd_crc16_ccitt(const uint8_t *b, uint32_t len);

#endif
