/* SPDX-License-Identifier: Apache-2.0 */
/* Cortex-M4 vector table and reset handler (real hardware code): copies .data, zeroes .bss, and
 * paints the stack so that the high-water mark can be read later. */
#include <stdint.h>
#include <string.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _stack_bottom, _estack;
int main(void);

#define STACK_PAINT 0xC5C5C5C5u

void Reset_Handler(void) {
    uint32_t *p;
    uintptr_t sp;
    memcpy(&_sdata, &_sidata, (size_t) ((uint8_t *) &_edata - (uint8_t *) &_sdata));
    memset(&_sbss, 0, (size_t) ((uint8_t *) &_ebss - (uint8_t *) &_sbss));
    /* Paint the stack below the current frame. */
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (p = &_stack_bottom; (uintptr_t) p < sp - 64u; p++) {
        *p = STACK_PAINT;
    }
    main();
    for (;;) {
    }
}

/* Bytes of stack ever used: from the top down to the first painted word that is still intact. */
uint32_t stack_high_water(void) {
    const uint32_t *p = &_stack_bottom;
    while (p < &_estack && *p == STACK_PAINT) {
        p++;
    }
    return (uint32_t) ((const uint8_t *) &_estack - (const uint8_t *) p);
}

static void Default_Handler(void) {
    for (;;) {
    }
}

__attribute__((section(".isr_vector"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void)) &_estack, Reset_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, 0, 0, 0, 0, Default_Handler, Default_Handler, 0,
    Default_Handler, Default_Handler
};
