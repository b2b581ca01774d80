/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A RAM flash with NOR rules that can lose power before its Nth erase or program, as Java's
 * NorFlash with a FaultPlan does: the operations are numbered from 0 after provisioning; the cut
 * one is not done, or, torn, left half done (a program writes the first half of its units and the
 * first half of the next unit's bytes, at least one; an erase erases the first half of its sector).
 * From the cut on every call fails and changes nothing, the device is off, until the test powers
 * it on again. Rules: erase whole sectors to the erased value; program whole aligned units, bits
 * only moving away from the erased value; on an ECC part a unit takes one program per erase (a torn
 * unit counts as programmed, so it reads as its half-written bytes and refuses a second program).
 * A call that breaks a rule is refused and counted: the device code must never do one.
 */
#ifndef FWD_TESTS_POWER_CUT_FLASH_H
#define FWD_TESTS_POWER_CUT_FLASH_H

#include <stdio.h>
#include <string.h>

#include "fwdelta/fwd_device.h"

/* The largest preset's flash (stm32f405-1m, nrf52840). */
#define PCF_MAX_SIZE (1024u * 1024u)

typedef struct {
    fwd_layout layout; /* the part's geometry, regions and ecc_units; its flash ops are the ones below */
    uint32_t size;
    uint8_t cells[PCF_MAX_SIZE];
    uint8_t programmed[PCF_MAX_SIZE]; /* per unit start, on ECC parts: programmed since its erase */
    long operations;                  /* erases and programs done, the numbering cuts use */
    long cut_at;                      /* the operation power fails before, or -1 */
    int tear;
    /* when tear_next_size > 0: power fails, torn, at the program (tear_next_erase: the erase) after
     * the next tear_next_skip that start in [tear_next_from, tear_next_from + tear_next_size) (the
     * UART differential's and fuzz target's armed reset, pcf_arm_tear) */
    uint32_t tear_next_from;
    uint32_t tear_next_size;
    uint32_t tear_next_skip;
    int tear_next_erase;
    int powered;
    long violations; /* calls refused for breaking a rule (the device code's defect) */
    char first_violation[160];
} power_cut_flash;

static void pcf_violation(power_cut_flash *f, const char *what, uint32_t offset, uint32_t len) {
    if (f->violations++ == 0) {
        snprintf(f->first_violation, sizeof f->first_violation, "%s at 0x%x+%u (operation %ld)", what,
                 (unsigned) offset, (unsigned) len, f->operations);
    }
}

/* 1 if power fails at this operation (after the torn part is done by the caller), else 0. */
static int pcf_cut_now(power_cut_flash *f) {
    if (f->operations == f->cut_at) {
        f->powered = 0;
        f->cut_at = -1;
        return 1;
    }
    return 0;
}

static int pcf_read(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    power_cut_flash *f = (power_cut_flash *) user;
    if (!f->powered) {
        return -1;
    }
    if (offset > f->size || len > f->size - offset) {
        pcf_violation(f, "read outside the flash", offset, len);
        return -1;
    }
    memcpy(buf, f->cells + offset, len);
    return 0;
}

/* Power fails, torn, at this operation if it is the armed one (pcf_arm_tear). */
static void pcf_tear_if_next(power_cut_flash *f, int erase, uint32_t offset) {
    if (f->tear_next_size > 0 && erase == f->tear_next_erase && offset >= f->tear_next_from
            && offset - f->tear_next_from < f->tear_next_size && f->tear_next_skip-- == 0) {
        f->cut_at = f->operations;
        f->tear = 1;
        f->tear_next_size = 0;
    }
}

/* Arms a torn write: the program (erase: the erase) starting in region r after the next skip of them. */
static inline void pcf_arm_tear(power_cut_flash *f, fwd_region r, int erase, uint32_t skip) {
    f->tear_next_from = r.offset;
    f->tear_next_size = r.size;
    f->tear_next_erase = erase;
    f->tear_next_skip = skip;
}

/* Programs bytes of the unit at offset (all of it, or the first part of a torn one). */
static void pcf_write_unit(power_cut_flash *f, uint32_t offset, const uint8_t *src, uint32_t bytes) {
    uint32_t i;
    for (i = 0; i < bytes; i++) {
        f->cells[offset + i] = (uint8_t) (f->layout.erased_value == 0xFFu ? f->cells[offset + i] & src[i]
                                                                          : f->cells[offset + i] | src[i]);
    }
    f->programmed[offset] = 1;
}

static int pcf_program(void *user, uint32_t offset, const uint8_t *buf, uint32_t len) {
    power_cut_flash *f = (power_cut_flash *) user;
    uint32_t unit = f->layout.program_unit;
    uint32_t units = len / unit;
    uint32_t whole;
    uint32_t u;
    uint32_t i;
    if (!f->powered) {
        return -1;
    }
    if (offset > f->size || len > f->size - offset || offset % unit != 0 || len % unit != 0 || len == 0) {
        pcf_violation(f, "program outside the flash or not in whole aligned units", offset, len);
        return -1;
    }
    for (u = 0; u < len; u += unit) {
        if (f->layout.ecc_units && f->programmed[offset + u]) {
            pcf_violation(f, "unit programmed twice without an erase (ECC part)", offset + u, unit);
            return -1;
        }
        for (i = u; i < u + unit; i++) {
            uint8_t old = f->cells[offset + i];
            if ((f->layout.erased_value == 0xFFu ? (old & buf[i]) : (old | buf[i])) != buf[i]) {
                pcf_violation(f, "program moving a bit back to the erased value", offset + i, 1);
                return -1;
            }
        }
    }
    pcf_tear_if_next(f, 0, offset);
    if (f->operations == f->cut_at && !f->tear) {
        pcf_cut_now(f);
        return -1;
    }
    whole = f->operations == f->cut_at ? units / 2u : units;
    for (u = 0; u < whole; u++) {
        pcf_write_unit(f, offset + u * unit, buf + u * unit, unit);
    }
    if (whole < units) {
        pcf_write_unit(f, offset + whole * unit, buf + whole * unit, unit / 2u > 0 ? unit / 2u : 1u);
    }
    return pcf_cut_now(f) ? -1 : (f->operations++, 0);
}

static int pcf_erase(void *user, uint32_t sector) {
    power_cut_flash *f = (power_cut_flash *) user;
    uint32_t start;
    uint32_t size;
    if (!f->powered) {
        return -1;
    }
    if (sector >= fwd_sector_count(&f->layout)) {
        pcf_violation(f, "erase of a sector past the flash", sector, 0);
        return -1;
    }
    start = fwd_sector_start(&f->layout, sector);
    size = fwd_sector_size(&f->layout, sector);
    pcf_tear_if_next(f, 1, start);
    if (f->operations == f->cut_at && !f->tear) {
        pcf_cut_now(f);
        return -1;
    }
    if (f->operations == f->cut_at) {
        size /= 2u; /* torn: the second half of the sector keeps what it held */
    }
    memset(f->cells + start, f->layout.erased_value, size);
    memset(f->programmed + start, 0, size);
    return pcf_cut_now(f) ? -1 : (f->operations++, 0);
}

/* An erased flash for layout l (its ops are replaced by this flash's) with image factory-programmed
 * at the start of the active slot (not counted); power on, no cut planned. */
static void pcf_provision(power_cut_flash *f, const fwd_layout *l, const uint8_t *image, uint32_t len) {
    uint32_t unit = l->program_unit;
    uint32_t u;
    f->layout = *l;
    f->layout.flash.read = pcf_read;
    f->layout.flash.program = pcf_program;
    f->layout.flash.erase = pcf_erase;
    f->layout.flash.user = f;
    f->size = fwd_sector_start(l, fwd_sector_count(l));
    memset(f->cells, l->erased_value, f->size);
    memset(f->programmed, 0, f->size);
    memcpy(f->cells + l->active.offset, image, len);
    for (u = 0; u < len; u += unit) {
        f->programmed[l->active.offset + u] = 1;
    }
    f->operations = 0;
    f->cut_at = -1;
    f->tear = 0;
    f->tear_next_size = 0;
    f->tear_next_skip = 0;
    f->tear_next_erase = 0;
    f->powered = 1;
    f->violations = 0;
    f->first_violation[0] = '\0';
}

#endif
