/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The input layout of fuzz/fuzz_uart.c, shared with the tool that writes its seeds
 * (fuzz/make_uart_seeds.c) and its replay driver (fuzz/replay_uart_main.c):
 *   byte 0   the golden vector the device holds (index into FUZZ_UART_VECTORS, modulo its count)
 *   byte 1   flags: FUZZ_UART_CONFIRM, FUZZ_UART_IDLES, FUZZ_UART_RESETS, FUZZ_UART_FIX_CRCS,
 *            FUZZ_UART_ECC_TEARS
 *   byte 2   seed of the chunk sizes the line bytes arrive in (0: all of them at once)
 *   then     the line bytes, host to device
 */
#ifndef FWD_FUZZ_UART_H
#define FWD_FUZZ_UART_H

#define FUZZ_UART_HEAD 3u

/* The application confirms the image it runs on trial after each reset. */
#define FUZZ_UART_CONFIRM 1u
/* The line goes quiet (fwd_uart_idle) after some chunks, as the seed decides. */
#define FUZZ_UART_IDLES 2u
/* The device resets (bootloader, then the application again) after some chunks, as the seed decides. */
#define FUZZ_UART_RESETS 4u
/* The target first rewrites both CRCs of each frame it finds in the line bytes, so that a mutated
 * type, length or payload reaches the session and the agent instead of being dropped as corrupt. */
#define FUZZ_UART_FIX_CRCS 8u
/* The device is the stm32l4-512k preset (ECC units of 8 bytes) on tests/power_cut_flash.h's flash,
 * and a reset event arms a power cut instead: a program or an erase of the agent or the bootloader
 * in a region is torn (the next, or one of the three after it: uart_line_tear_region,
 * uart_line_tear_erase, uart_line_tear_skip), the device then resets at once, and the rest of the
 * chunk that caused it is lost; in a region the bootloader writes (uart_line_tears_at_boot) the
 * device resets at the event, the tear armed for that boot only; after the line bytes a tear is
 * armed for the boots that follow. The fuzz target and the differential tool
 * (tools/fwdelta_c_uart.c) alike. */
#define FUZZ_UART_ECC_TEARS 16u

/* Vectors the agent stages on the test flash's layout: lzma, split, sparse records, MAP records. */
static const char *const FUZZ_UART_VECTORS[] = {
    "compact-lzma", "compact-split", "compact-sparse-records", "compact-relocation-a64"
};
#define FUZZ_UART_VECTOR_COUNT (sizeof FUZZ_UART_VECTORS / sizeof FUZZ_UART_VECTORS[0])

#endif
