/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootloader's install logic (Bootloader.java, docs/DEVICE.md): swaps the active and staging
 * slots through the scratch area in groups, each phase logged as STEP once done, so that after a
 * power cut the last STEP says which phase to redo; boots the new image on trial and swaps back if
 * it was not confirmed; with the boot log full, reverts without it (boot_without_log). RAM: a 256-byte
 * copy buffer, what the agent and boot logs say and a flag (log_refused), static (budget
 * FWD_BOOT_RAM_MAX), and on the stack the parsed header, one record and the SHA-256 state that checks
 * a slot: docs/DEVICE.md states both, tools/stack-depth.py holds the stack to its figure.
 */
#include <string.h>

#include "fwd_bytes.h"
#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_device.h"

#define CHUNK 256u

static uint8_t copy_buf[CHUNK];
/* This boot found no slot for a record it needed (set by boot_append, mark_trial): see boot_without_log. */
static int log_refused;

static int boot_append(fwd_log *log, uint32_t type, const uint8_t p[FWD_RECORD_PAYLOAD]) {
    int e = fwd_log_append(log, type, p);
    log_refused |= e == FWD_LOG_FULL;
    return e;
}

static int mark(fwd_log *log, uint32_t type) {
    uint8_t p[FWD_RECORD_PAYLOAD];
    memset(p, 0, sizeof p);
    return boot_append(log, type, p);
}

/* TRIAL only while a slot stays free after it, for CONFIRMED or REVERT: else the log counts as full
 * (boot_without_log), so that a full log never leaves the new image on trial (Bootloader.writeTrial). */
static int mark_trial(fwd_log *log) {
    int32_t free_slots = fwd_log_free(log);
    if (free_slots >= 0 && free_slots < 2) {
        log_refused = 1;
        return FWD_LOG_FULL;
    }
    return free_slots < 0 ? -1 : mark(log, FWD_REC_TRIAL);
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
            if (boot_append(log, FWD_REC_STEP, p) != 0) {
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

/* The boot by the log: agent and boot as read_logs leaves them (the boot log read with the swap plan's
 * group count for the agent log's patch, groups, for image bytes). -1 on a flash error or when the
 * boot log had no slot for a record (log_refused: fwd_boot then reverts without the log). */
static int boot_logged(const fwd_layout *l, const fwd_header *h, uint32_t bytes, uint32_t groups,
                       fwd_boot_result *r) {
    fwd_log log;
    fwd_log_open(&log, l, l->boot_log);
    if (boot.installed && boot.patch_id == agent.patch_id) {
        if (boot.revert_started) {
            if (!boot.reverted && (swap(l, &log, FWD_PASS_REVERT, &boot, bytes) != 0
                    || mark(&log, FWD_REC_REVERTED) != 0)) {
                return -1;
            }
            return expect(l, h, FWD_BOOT_OLD, 0, r);
        }
        if (!boot.swapped && (swap(l, &log, FWD_PASS_INSTALL, &boot, bytes) != 0 || mark(&log, FWD_REC_SWAPPED) != 0)) {
            return -1;
        }
        if (boot.confirmed) {
            return expect(l, h, FWD_BOOT_NEW, 0, r);
        }
        if (boot.trial) {
            /* Booted on trial before and not confirmed: the new image failed. Swap back. */
            if (mark(&log, FWD_REC_REVERT) != 0 || fwd_boot_records_expect(l, groups, &boot) != 0
                    || swap(l, &log, FWD_PASS_REVERT, &boot, bytes) != 0 || mark(&log, FWD_REC_REVERTED) != 0) {
                return -1;
            }
            return expect(l, h, FWD_BOOT_OLD, 0, r);
        }
        if (mark_trial(&log) != 0) {
            return -1;
        }
        return expect(l, h, FWD_BOOT_NEW, 1, r);
    }
    /* Erasing the boot log drops the only record of a swap under way: only when the slots hold what an
     * install starts from (a foreign or impossible INSTALL may have been followed by steps). */
    if (agent.staged && holds_old(l, l->active, h) && holds_new(l, l->staging, h)) {
        uint8_t p[FWD_RECORD_PAYLOAD];
        int i;
        memset(p, 0, sizeof p);
        for (i = 0; i < 8; i++) {
            p[i] = (uint8_t) (agent.patch_id >> (8 * i));
        }
        fwd_wr32(p + 8, groups);
        if (fwd_log_erase(&log) != 0 || fwd_log_append(&log, FWD_REC_INSTALL, p) != 0
                || fwd_boot_records_expect(l, groups, &boot) != 0 || swap(l, &log, FWD_PASS_INSTALL, &boot, bytes) != 0
                || mark(&log, FWD_REC_SWAPPED) != 0 || mark_trial(&log) != 0) {
            return -1;
        }
        return expect(l, h, FWD_BOOT_NEW, 1, r);
    }
    return expect(l, h, FWD_BOOT_OLD, 0, r);
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

/* ---- A boot log with no slot left (docs/DEVICE.md "When the boot log is full"; Bootloader.java's
 * bootWithoutLog): the install ends reverted, by the slots' checksums instead of the log. ---- */

/* Where group j of the image a pass moves in (incoming) or out lies once group g has phases done. */
static uint32_t group_at(const fwd_layout *l, uint32_t j, uint32_t g, uint32_t phases, int incoming,
                         uint32_t group_offset) {
    if (j < g) {
        return incoming ? l->active.offset + group_offset : l->staging.offset + group_offset;
    }
    if (incoming) {
        return j == g && phases >= 1u ? l->scratch.offset : l->staging.offset + group_offset;
    }
    return j == g && phases == 2u ? l->staging.offset + group_offset : l->active.offset + group_offset;
}

/* Whether the new (or old) image, read group by group from where swap position q puts it, has this
 * size, CRC-32 (unless has_crc32 is 0) and SHA-256 (its first sha_len bytes). */
static int holds_at(const fwd_layout *l, uint32_t bytes, uint32_t groups, uint32_t q, int new_image,
                    uint32_t size, int has_crc32, uint32_t crc32, const uint8_t *sha256, uint32_t sha_len) {
    uint32_t pass = q > 3u * groups ? 1u : 0u;
    uint32_t done = q - pass * 3u * groups;
    int incoming = new_image == (pass == 0u); /* the install pass moves the new image in, the revert the old */
    fwd_sha256 s;
    uint8_t d[32];
    uint32_t crc = 0;
    uint32_t j;
    fwd_sha256_init(&s);
    for (j = 0; j < groups; j++) {
        uint32_t offset = 0;
        uint32_t len = 0;
        uint32_t base;
        uint32_t at;
        fwd_swap_groups(l, bytes, j, &offset, &len);
        base = group_at(l, j, done / 3u, done % 3u, incoming, offset);
        for (at = offset; at < offset + len && at < size; at += CHUNK) {
            uint32_t end = offset + len < size ? offset + len : size;
            uint32_t n = end - at < CHUNK ? end - at : CHUNK;
            if (l->flash.read(l->flash.user, base + (at - offset), copy_buf, n) != 0) {
                return 0;
            }
            crc = fwd_crc32_update(crc, copy_buf, n);
            fwd_sha256_update(&s, copy_buf, n);
        }
    }
    fwd_sha256_final(&s, d);
    return (!has_crc32 || crc == crc32) && memcmp(d, sha256, sha_len) == 0;
}

/* Swap position: steps done of the install pass (1..3 x groups), then of the revert pass, 0 to 6 x
 * groups; as far as the log says (clamped: a value out of range starts the search earlier). */
static uint32_t logged_position(const fwd_boot_records *b, uint32_t groups) {
    int64_t q = 0;
    if (b->last_group[1] >= 0) {
        q = 3 * (int64_t) groups + 3 * (int64_t) b->last_group[1] + (int64_t) b->last_phase[1];
    } else if (b->swapped || b->revert_started) {
        q = 3 * (int64_t) groups;
    } else if (b->last_group[0] >= 0) {
        q = 3 * (int64_t) b->last_group[0] + (int64_t) b->last_phase[0];
    }
    return q < 0 ? 0u : q > 6 * (int64_t) groups ? 6u * groups : (uint32_t) q;
}

/* The agent log and the boot log, once per boot: 1 with an update logged (its parsed header in h, the
 * swap plan's image bytes and groups, the boot log read with that group count), 0 with none, -1 on a
 * flash error. */
static int read_logs(const fwd_layout *l, fwd_header *h, uint32_t *bytes, uint32_t *groups) {
    uint32_t size = 0;
    if (fwd_agent_records_read(l, &agent) != 0) {
        return -1;
    }
    if (!agent.active || fwd_header_prefix(agent.header, &size) != FWD_OK
            || fwd_header_parse(agent.header, size, h) != FWD_OK) {
        return 0; /* no update logged (a header that no longer parses cannot be: the agent checked it) */
    }
    *bytes = h->old_size > h->new_size ? h->old_size : h->new_size;
    *groups = fwd_swap_groups(l, *bytes, 0, NULL, NULL);
    return fwd_boot_records_expect(l, *groups, &boot) != 0 ? -1 : 1;
}

/* The boot log, as read_logs read it (an INSTALL within the limits naming the swap plan's group count),
 * names the agent log's install, has no slot left, and has neither CONFIRMED nor REVERTED: 1, 0, or -1
 * on a flash error. */
static int install_left_without_log(const fwd_layout *l) {
    fwd_log log;
    int32_t free_slots;
    if (!fwd_boot_install_under_way(&boot, agent.patch_id)) {
        return 0;
    }
    fwd_log_open(&log, l, l->boot_log);
    free_slots = fwd_log_free(&log);
    return free_slots < 0 ? -1 : free_slots == 0;
}

/* No slot left for the install or revert under way: the last free slot, if any, is filled (every
 * later boot comes here before it touches a slot), the swap position is the furthest, back to the
 * last logged step (STEPs read within their limits, as read_logs reads them), at which both images,
 * read from where that position puts each group, match the header's checksums, and the swap runs from
 * there to the end of the revert pass, unlogged: the old image, which ran before the install, in the
 * active slot. After a cut the search finds it again (once the revert is done, the first position
 * tried: the end). The result is a reverted log's: OLD, confirmed by the active slot's checksums. */
static int boot_without_log(const fwd_layout *l, const fwd_header *h, uint32_t bytes, uint32_t groups,
                            fwd_boot_result *r) {
    fwd_log log;
    uint32_t q;
    int32_t free_slots;
    fwd_log_open(&log, l, l->boot_log);
    for (free_slots = fwd_log_free(&log); free_slots > 0; free_slots--) {
        if (mark(&log, FWD_REC_FULL) != 0) {
            return -1;
        }
    }
    if (free_slots < 0 || fwd_boot_records_expect(l, groups, &boot) != 0) {
        return -1;
    }
    for (q = 6u * groups + 1u; q-- > logged_position(&boot, groups);) {
        if (holds_at(l, bytes, groups, q, 1, h->new_size, h->has_crc32, h->new_crc32, h->new_sha256, 32u)
                && holds_at(l, bytes, groups, q, 0, h->old_size, h->has_crc32, h->old_crc32, h->old_sha256,
                            h->old_sha256_len)) {
            for (q++; q <= 6u * groups; q++) {
                uint32_t in_pass = (q - 1u) % (3u * groups);
                uint32_t offset = 0;
                uint32_t len = 0;
                fwd_swap_groups(l, bytes, in_pass / 3u, &offset, &len);
                if (run_phase(l, offset, len, in_pass % 3u + 1u) != 0) {
                    return -1;
                }
            }
            break;
        }
    }
    return expect(l, h, FWD_BOOT_OLD, 0, r);
}

int fwd_boot(const fwd_layout *l, fwd_boot_result *r) {
    fwd_header h;
    uint32_t bytes = 0;
    uint32_t groups = 0;
    int e;
    if (r == NULL || fwd_layout_check(l) != FWD_OK) {
        return FWD_ERR_BAD_ARGUMENT; /* the flash untouched */
    }
    memset(&h, 0, sizeof h);
    e = read_logs(l, &h, &bytes, &groups);
    if (e < 0) {
        return -1;
    }
    if (e == 0) {
        r->trial = 0;
        r->image = FWD_BOOT_OLD; /* no update logged: nothing to check against */
        return 0;
    }
    e = install_left_without_log(l);
    if (e != 0) {
        return e < 0 ? -1 : boot_without_log(l, &h, bytes, groups, r);
    }
    log_refused = 0;
    e = boot_logged(l, &h, bytes, groups, r);
    return e != 0 && log_refused ? boot_without_log(l, &h, bytes, groups, r) : e;
}
