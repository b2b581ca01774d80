/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arm semihosting, the calls qemu-system-arm serves with -semihosting-config enable=on: emulation
 * glue shared by the example's board (board.c) and the Cortex-M4 measuring guest
 * (tools/m4_qemu_apply.c). A real board has none of it.
 */
#ifndef FWD_QEMU_SEMIHOSTING_H
#define FWD_QEMU_SEMIHOSTING_H

#include <stdint.h>

#define SYS_OPEN 0x01u
#define SYS_CLOSE 0x02u
#define SYS_WRITE0 0x04u
#define SYS_WRITE 0x05u
#define SYS_READ 0x06u
#define SYS_SEEK 0x0Au
#define SYS_FLEN 0x0Cu
#define SYS_GET_CMDLINE 0x15u
#define SYS_EXIT 0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u /* QEMU exits 0 */
#define ADP_STOPPED_RUNTIME_ERROR 0x20023u    /* QEMU exits 1 */

/* One semihosting call: the operation in r0, its argument block in r1, the result back in r0. */
static inline uint32_t semihost(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

#endif
