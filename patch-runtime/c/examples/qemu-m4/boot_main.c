/* SPDX-License-Identifier: Apache-2.0 */
/* The bootloader: finishes an install or revert (fwd_boot), then starts the active slot. */
#include <string.h>

#include "board.h"

uint32_t stack_high_water(void);

#define SCB_VTOR (*(volatile uint32_t *) 0xE000ED08u)

static uint8_t chunk[1024];

int main(void) {
    fwd_boot_result r;
    const fwd_layout *l = &board_layout;
    uint32_t at;
    uint32_t sp;
    uint32_t pc;
    board_init();
    if (fwd_boot(l, &r) != 0) {
        board_log("boot: flash error during install\n");
    }
    board_log(r.image == FWD_BOOT_NEW ? (r.trial ? "boot: new image on trial\n" : "boot: new image\n")
            : r.image == FWD_BOOT_OLD ? "boot: old image\n" : "boot: unknown image\n");
    board_log_u32("boot: flash operations ", board_flash_ops());
    /* Emulation glue: the slot is copied to its link address (a real part runs it in place). */
    for (at = 0; at < l->active.size; at += sizeof chunk) {
        if (l->flash.read(l->flash.user, l->active.offset + at, chunk, sizeof chunk) != 0) {
            board_log("boot: cannot read the active slot\n");
            for (;;) {
            }
        }
        memcpy((uint8_t *) (uintptr_t) (BOARD_APP_ADDRESS + at), chunk, sizeof chunk);
    }
    board_log_u32("boot: stack high-water mark (bytes) ", stack_high_water());
    sp = *(volatile uint32_t *) BOARD_APP_ADDRESS;
    pc = *(volatile uint32_t *) (BOARD_APP_ADDRESS + 4u);
    if (sp < 0x20000000u || sp > 0x20400000u || pc < BOARD_APP_ADDRESS || pc >= BOARD_APP_ADDRESS + l->active.size) {
        board_log("boot: no valid image in the active slot\n");
        for (;;) {
        }
    }
    SCB_VTOR = BOARD_APP_ADDRESS;
    __asm__ volatile("msr msp, %0\n bx %1" : : "r"(sp), "r"(pc) : "memory");
    return 0;
}
