/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The emulated board: an MPS2 AN386 (Cortex-M4) in qemu-system-arm. Real hardware code: the CMSDK
 * UART driver, SysTick, the reset request and the vector table. Emulation glue: the flash port
 * keeps the 1 MiB "flash" in a host file through semihosting (QEMU's flash is read-only to the
 * guest) and applies the NOR rules itself; the bootloader copies the active slot to its link address
 * (on a real part the slot is memory-mapped flash and runs in place); power cuts on request.
 */
#ifndef QEMU_M4_BOARD_H
#define QEMU_M4_BOARD_H

#include <stdint.h>

#include "fwdelta/fwd_device.h"

/* The layout (patch-runtime/c/examples/qemu-m4/qemu-mps2-an386.layout for the Java simulator). */
#define BOARD_APP_ADDRESS 0x00020000u
#define BOARD_HARDWARE_ID 0x4D345153u /* "SQ4M": fwdelta diff --hardware-id 0x4D345153 */
/* mbed TLS's allocation pool of the application, for a P-256 verify's bignums (Ed25519 needs
 * none): p256_check.c finds the smallest that passes on this core (QemuP256PoolTest). */
#define APP_MBEDTLS_POOL 6144u

extern const fwd_layout board_layout;

void board_init(void);
/* Semihosting console (QEMU's stdout): the debug log, not the UART. */
void board_log(const char *s);
void board_log_u32(const char *label, uint32_t v);
/* CMSDK UART0. */
void board_uart_write(void *user, const uint8_t *b, uint32_t len);
int board_uart_read(uint8_t *b); /* 1 and a byte, or 0 if none waits */
void board_uart_flush(void);
/* Milliseconds since board_init (SysTick). */
uint32_t board_millis(void);
void board_reset(void);
/* Flash operations since QEMU started (kept across resets) and the last one before a power cut. */
uint32_t board_flash_ops(void);

#endif
