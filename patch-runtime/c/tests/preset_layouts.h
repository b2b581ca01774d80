/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Java runtime's preset layouts (patch-runtime/src/main/resources/dev/fwdelta/runtime/layouts,
 * docs/DEVICE.md "Layouts") as fwd_layout structs, without flash ops: the power-cut campaign runs
 * the C device library on each. CPowerCutCampaignTest holds them to the Java presets field by
 * field (the campaign prints them).
 */
#ifndef FWD_TESTS_PRESET_LAYOUTS_H
#define FWD_TESTS_PRESET_LAYOUTS_H

#include <string.h>

#include "fwdelta/fwd_device.h"

typedef struct {
    const char *name;
    uint32_t flash_base;
    fwd_sector_group groups[FWD_MAX_SECTOR_GROUPS];
    uint32_t group_count;
    uint32_t program_unit;
    uint8_t erased_value;
    int ecc;
    fwd_region active, staging, scratch, agent_log, boot_log;
} preset_layout;

#define K 1024u
static const preset_layout preset_layouts[] = {
    {"stm32f405-1m", 0x08000000u, {{4, 16 * K}, {1, 64 * K}, {7, 128 * K}}, 3, 4, 0xFF, 0,
     {0x20000, 384 * K}, {0x80000, 384 * K}, {0xE0000, 128 * K}, {0x4000, 16 * K}, {0x8000, 16 * K}},
    {"stm32l4-512k", 0x08000000u, {{256, 2 * K}}, 1, 8, 0xFF, 1,
     {0x10000, 224 * K}, {0x48000, 224 * K}, {0xB000, 16 * K}, {0x8000, 4 * K}, {0x9000, 8 * K}},
    {"nrf52840", 0x00000000u, {{256, 4 * K}}, 1, 4, 0xFF, 0,
     {0x10000, 448 * K}, {0x80000, 448 * K}, {0xF0000, 32 * K}, {0xF8000, 8 * K}, {0xFA000, 8 * K}},
    {"stm32l0-192k", 0x08000000u, {{1536, 128}}, 1, 4, 0x00, 0,
     {0x8000, 80 * K}, {0x1C000, 80 * K}, {0x6000, 8 * K}, {0x3000, 2 * K}, {0x3800, 8 * K}},
};
#undef K
#define PRESET_LAYOUTS (sizeof preset_layouts / sizeof preset_layouts[0])

/* The preset's layout with another program unit (as Java's DeviceLayout.with(withProgramUnit)). */
static void preset_to_layout(const preset_layout *p, uint32_t program_unit, fwd_layout *l) {
    memset(l, 0, sizeof *l);
    l->name = p->name;
    l->flash_base = p->flash_base;
    memcpy(l->groups, p->groups, sizeof l->groups);
    l->group_count = p->group_count;
    l->program_unit = program_unit;
    l->erased_value = p->erased_value;
    l->ecc_units = (uint8_t) p->ecc;
    l->active = p->active;
    l->staging = p->staging;
    l->scratch = p->scratch;
    l->agent_log = p->agent_log;
    l->boot_log = p->boot_log;
}

#endif
