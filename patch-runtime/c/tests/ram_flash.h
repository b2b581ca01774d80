/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C device tests' flash: 1 MiB of RAM with NOR rules (an erased byte is 0xFF, programming only
 * clears bits, in whole units aligned to the layout's program_unit), under examples/qemu-m4's
 * board layout (4 x 16K, 1 x 64K, 7 x 128K; program unit 4).
 */
#ifndef FWD_TESTS_RAM_FLASH_H
#define FWD_TESTS_RAM_FLASH_H

#include <string.h>

#include "fwdelta/fwd_device.h"

#define FLASH_SIZE (1024u * 1024u)

static uint8_t flash[FLASH_SIZE];
static fwd_layout layout;

static int ram_read(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    (void) user;
    if (offset > FLASH_SIZE || len > FLASH_SIZE - offset) {
        return -1;
    }
    memcpy(buf, flash + offset, len);
    return 0;
}

static int ram_program(void *user, uint32_t offset, const uint8_t *buf, uint32_t len) {
    uint32_t unit = layout.program_unit == 0 ? 1u : layout.program_unit;
    uint32_t i;
    (void) user;
    if (offset > FLASH_SIZE || len > FLASH_SIZE - offset || offset % unit != 0 || len % unit != 0) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        flash[offset + i] &= buf[i];
    }
    return 0;
}

static int ram_erase(void *user, uint32_t sector) {
    (void) user;
    memset(flash + fwd_sector_start(&layout, sector), 0xFF, fwd_sector_size(&layout, sector));
    return 0;
}

static void init_layout(void) {
    static const fwd_sector_group groups[] = {{4, 16384}, {1, 65536}, {7, 131072}};
    memset(&layout, 0, sizeof layout);
    layout.name = "test";
    layout.flash.read = ram_read;
    layout.flash.program = ram_program;
    layout.flash.erase = ram_erase;
    memcpy(layout.groups, groups, sizeof groups);
    layout.group_count = 3;
    layout.program_unit = 4;
    layout.erased_value = 0xFF;
    layout.agent_log.offset = 0x4000;
    layout.agent_log.size = 0x4000;
    layout.boot_log.offset = 0x8000;
    layout.boot_log.size = 0x4000;
    layout.active.offset = 0x20000;
    layout.active.size = 0x60000;
    layout.staging.offset = 0x80000;
    layout.staging.size = 0x60000;
    layout.scratch.offset = 0xE0000;
    layout.scratch.size = 0x20000;
}

#endif
