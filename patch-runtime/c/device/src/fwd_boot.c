/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootloader's install logic (Bootloader.java, docs/DEVICE.md): swaps the active and staging
 * slots through the scratch area in groups, each phase logged as STEP once done, so that after a
 * power cut the last STEP says which phase to redo; boots the new image on trial and swaps back if
 * it was not confirmed. RAM: a 256-byte copy buffer and what the agent and boot logs say, static
 * (680 bytes, budget FWD_BOOT_RAM_MAX 704), and one record on the stack.
 */
#include <string.h>

#include "fwd_bytes.h"
#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_device.h"

#define CHUNK 256u

static uint8_t copy_buf[CHUNK];

static int mark(fwd_log *log, uint32_t type) {
    uint8_t p[FWD_RECORD_PAYLOAD];
    memset(p, 0, sizeof p);
    return fwd_log_append(log, type, p);
}

/* Copies a group; chunks that are all erased need no programming. */
static int copy(const fwd_layout *l, uint32_t from, uint32_t to, uint32_t size) {
    uint32_t at;
    for (at = 0; at < size; at += CHUNK) {
        uint32_t n = size - at < CHUNK ? size - at : CHUNK;
        uint32_t i;
        int erased = 1;
        if (l->flash.read(l->flash.user, from + at, copy_buf, n) != 0) {
            return -1;
        }
        for (i = 0; i < n && erased; i++) {
            erased = copy_buf[i] == l->erased_value;
        }
        if (!erased && l->flash.program(l->flash.user, to + at, copy_buf, n) != 0) {
            return -1;
        }
    }
    return 0;
}

static int run_phase(const fwd_layout *l, uint32_t group_offset, uint32_t len, uint32_t phase) {
    uint32_t active = l->active.offset + group_offset;
    uint32_t staging = l->staging.offset + group_offset;
    uint32_t scratch = l->scratch.offset;
    if (phase == 1u) {
        return fwd_erase_range(l, scratch, len) != 0 ? -1 : copy(l, staging, scratch, len);
    }
    if (phase == 2u) {
        return fwd_erase_range(l, staging, len) != 0 ? -1 : copy(l, active, staging, len);
    }
    return fwd_erase_range(l, active, len) != 0 ? -1 : copy(l, scratch, active, len);
}

/* Runs the pass from the step after the last one logged; the log's INSTALL names the plan's group
 * count for image_bytes, its steps are within it (fwd_boot_records_expect). */
static int swap(const fwd_layout *l, fwd_log *log, uint32_t pass, const fwd_boot_records *b, uint32_t image_bytes) {
    uint32_t groups = fwd_swap_groups(l, image_bytes, 0, NULL, NULL);
    int32_t group = b->last_group[pass];
    uint32_t phase = b->last_phase[pass];
    if (group < 0) {
        group = 0;
        phase = 0;
    } else if (phase == FWD_PHASE_LAST) {
        group++;
        phase = 0;
    }
    for (; (uint32_t) group < groups; group++, phase = 0) {
        uint32_t offset = 0;
        uint32_t len = 0;
        uint32_t next;
        fwd_swap_groups(l, image_bytes, (uint32_t) group, &offset, &len);
        for (next = phase + 1u; next <= FWD_PHASE_LAST; next++) {
            uint8_t p[FWD_RECORD_PAYLOAD];
            if (run_phase(l, offset, len, next) != 0) {
                return -1;
            }
            memset(p, 0, sizeof p);
            p[0] = (uint8_t) pass;
            fwd_wr32(p + 1, (uint32_t) group);
            p[5] = (uint8_t) next;
            if (fwd_log_append(log, FWD_REC_STEP, p) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* Whether the slot at offset starts with an image of this size, CRC-32 (unless has_crc32 is 0: flag
 * SHA_ONLY) and SHA-256 (its first sha_len bytes). */
static int slot_holds(const fwd_layout *l, fwd_region slot, uint32_t size, int has_crc32, uint32_t crc32,
                      const uint8_t *sha256, uint32_t sha_len) {
    fwd_sha256 s;
    uint8_t d[32];
    uint32_t crc = 0;
    uint32_t at;
    if (size > slot.size) {
        return 0;
    }
    fwd_sha256_init(&s);
    for (at = 0; at < size; at += CHUNK) {
        uint32_t n = size - at < CHUNK ? size - at : CHUNK;
        if (l->flash.read(l->flash.user, slot.offset + at, copy_buf, n) != 0) {
            return 0;
        }
        crc = fwd_crc32_update(crc, copy_buf, n);
        fwd_sha256_update(&s, copy_buf, n);
    }
    fwd_sha256_final(&s, d);
    return (!has_crc32 || crc == crc32) && memcmp(d, sha256, sha_len) == 0;
}

static int holds_old(const fwd_layout *l, fwd_region slot, const fwd_header *h) {
    return slot_holds(l, slot, h->old_size, h->has_crc32, h->old_crc32, h->old_sha256, h->old_sha256_len);
}

static int holds_new(const fwd_layout *l, fwd_region slot, const fwd_header *h) {
    return slot_holds(l, slot, h->new_size, h->has_crc32, h->new_crc32, h->new_sha256, 32u);
}

/* The image the boot log says the active slot holds (OLD when nothing was installed or the revert
 * finished, NEW once swapped), if its checksums confirm it; UNKNOWN if not. The expected image
 * alone is checked: a new image that is a prefix of the old one (an empty one) matched after a revert. */
static int expect(const fwd_layout *l, const fwd_header *h, uint32_t image, int trial, fwd_boot_result *r) {
    int holds = image == FWD_BOOT_NEW ? holds_new(l, l->active, h) : holds_old(l, l->active, h);
    r->trial = trial;
    r->image = holds ? image : FWD_BOOT_UNKNOWN;
    return 0;
}

/* The agent and boot records, read once per boot; static: the bootloader's stack stays small. */
static fwd_agent_records agent;
static fwd_boot_records boot;
/* The build fails here when the bootloader's static state outgrows its budget (fwd_device.h; no
 * pointers in it, so the check holds on every target). */
typedef char fwd_boot_fits_its_ram_budget[sizeof copy_buf + sizeof agent + sizeof boot <= FWD_BOOT_RAM_MAX ? 1 : -1];

int fwd_boot(const fwd_layout *l, fwd_boot_result *r) {
    fwd_log log;
    fwd_header h;
    uint32_t size = 0;
    uint32_t bytes;
    uint32_t groups;
    memset(&h, 0, sizeof h);
    if (fwd_layout_check(l) != FWD_OK) {
        return FWD_ERR_BAD_ARGUMENT; /* the flash untouched */
    }
    if (fwd_agent_records_read(l, &agent) != 0) {
        return -1;
    }
    if (!agent.active || fwd_header_prefix(agent.header, &size) != FWD_OK
            || fwd_header_parse(agent.header, size, &h) != FWD_OK) {
        /* no update logged (a header that no longer parses cannot be: the agent checked it) */
        r->trial = 0;
        r->image = FWD_BOOT_OLD;
        return 0;
    }
    bytes = h.old_size > h.new_size ? h.old_size : h.new_size;
    groups = fwd_swap_groups(l, bytes, 0, NULL, NULL);
    if (fwd_boot_records_expect(l, groups, &boot) != 0) {
        return -1;
    }
    fwd_log_open(&log, l, l->boot_log);
    if (boot.installed && boot.patch_id == agent.patch_id) {
        if (boot.revert_started) {
            if (!boot.reverted && (swap(l, &log, FWD_PASS_REVERT, &boot, bytes) != 0
                    || mark(&log, FWD_REC_REVERTED) != 0)) {
                return -1;
            }
            return expect(l, &h, FWD_BOOT_OLD, 0, r);
        }
        if (!boot.swapped && (swap(l, &log, FWD_PASS_INSTALL, &boot, bytes) != 0 || mark(&log, FWD_REC_SWAPPED) != 0)) {
            return -1;
        }
        if (boot.confirmed) {
            return expect(l, &h, FWD_BOOT_NEW, 0, r);
        }
        if (boot.trial) {
            /* Booted on trial before and not confirmed: the new image failed. Swap back. */
            if (mark(&log, FWD_REC_REVERT) != 0 || fwd_boot_records_expect(l, groups, &boot) != 0
                    || swap(l, &log, FWD_PASS_REVERT, &boot, bytes) != 0 || mark(&log, FWD_REC_REVERTED) != 0) {
                return -1;
            }
            return expect(l, &h, FWD_BOOT_OLD, 0, r);
        }
        if (mark(&log, FWD_REC_TRIAL) != 0) {
            return -1;
        }
        return expect(l, &h, FWD_BOOT_NEW, 1, r);
    }
    /* Erasing the boot log drops the only record of a swap under way: only when the slots hold what an
     * install starts from (a foreign or impossible INSTALL may have been followed by steps). */
    if (agent.staged && holds_old(l, l->active, &h) && holds_new(l, l->staging, &h)) {
        uint8_t p[FWD_RECORD_PAYLOAD];
        int i;
        memset(p, 0, sizeof p);
        for (i = 0; i < 8; i++) {
            p[i] = (uint8_t) (agent.patch_id >> (8 * i));
        }
        fwd_wr32(p + 8, groups);
        if (fwd_log_erase(&log) != 0 || fwd_log_append(&log, FWD_REC_INSTALL, p) != 0
                || fwd_boot_records_expect(l, groups, &boot) != 0 || swap(l, &log, FWD_PASS_INSTALL, &boot, bytes) != 0
                || mark(&log, FWD_REC_SWAPPED) != 0 || mark(&log, FWD_REC_TRIAL) != 0) {
            return -1;
        }
        return expect(l, &h, FWD_BOOT_NEW, 1, r);
    }
    return expect(l, &h, FWD_BOOT_OLD, 0, r);
}

int fwd_boot_confirm(const fwd_layout *l) {
    fwd_log log;
    if (fwd_layout_check(l) != FWD_OK) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    if (fwd_boot_records_read(l, &boot) != 0) {
        return -1;
    }
    if (!fwd_boot_awaiting_confirmation(&boot)) {
        return 0;
    }
    fwd_log_open(&log, l, l->boot_log);
    return mark(&log, FWD_REC_CONFIRMED);
}
