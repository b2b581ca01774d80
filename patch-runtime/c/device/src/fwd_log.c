/* SPDX-License-Identifier: Apache-2.0 */
/* Flash geometry, the write-once status logs and what their records say (docs/DEVICE.md). */
#include <string.h>

#include "fwd_bytes.h"
#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_device.h"

/* A region's start or end on a sector boundary of a flash of total bytes. */
static int on_boundary(const fwd_layout *l, uint32_t offset, uint32_t total) {
    return offset == total || fwd_sector_start(l, fwd_sector_at(l, offset)) == offset;
}

/* Java's FlashGeometry, SectorMap and DeviceLayout checks, field by field (fwd_device.h). */
int fwd_layout_check(const fwd_layout *l) {
    const fwd_region *r[5];
    uint64_t total = 0;
    uint32_t g;
    uint32_t i;
    uint32_t j;
    uint32_t a;
    uint32_t s;
    uint32_t at;
    if (l == NULL || l->flash.read == NULL || l->flash.program == NULL || l->flash.erase == NULL
            || l->program_unit == 0 || l->program_unit > FWD_MAX_PROGRAM_UNIT
            || (l->program_unit & (l->program_unit - 1u)) != 0
            || (l->erased_value != FWD_ERASED_00 && l->erased_value != FWD_ERASED_FF) || l->ecc_units > 1u
            || l->group_count == 0 || l->group_count > FWD_MAX_SECTOR_GROUPS) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    for (g = 0; g < l->group_count; g++) {
        if (l->groups[g].count == 0 || l->groups[g].size == 0 || l->groups[g].size % l->program_unit != 0) {
            return FWD_ERR_BAD_ARGUMENT;
        }
        total += (uint64_t) l->groups[g].count * l->groups[g].size;
    }
    if (total > 0xFFFFFFFFu) {
        return FWD_ERR_BAD_ARGUMENT; /* offsets are 32-bit */
    }
    if ((uint64_t) l->flash_base + total > 0x100000000ull) {
        /* the bus is 32-bit: flash_base + an offset (the active slot's load address) must not wrap */
        return FWD_ERR_BAD_ARGUMENT;
    }
    r[0] = &l->active;
    r[1] = &l->staging;
    r[2] = &l->scratch;
    r[3] = &l->agent_log;
    r[4] = &l->boot_log;
    for (i = 0; i < 5u; i++) {
        if (r[i]->size == 0 || r[i]->offset > total || r[i]->size > total - r[i]->offset
                || !on_boundary(l, r[i]->offset, (uint32_t) total)
                || !on_boundary(l, r[i]->offset + r[i]->size, (uint32_t) total)) {
            return FWD_ERR_BAD_ARGUMENT;
        }
        for (j = 0; j < i; j++) {
            if (r[i]->offset < r[j]->offset + r[j]->size && r[j]->offset < r[i]->offset + r[i]->size) {
                return FWD_ERR_BAD_ARGUMENT;
            }
        }
    }
    if (l->active.size != l->staging.size) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    /* The swap moves sector i of one slot to sector i of the other through the scratch area. */
    a = fwd_sector_at(l, l->active.offset);
    s = fwd_sector_at(l, l->staging.offset);
    for (at = 0; at < l->active.size; at += fwd_sector_size(l, a), a++, s++) {
        if (fwd_sector_size(l, s) != fwd_sector_size(l, a) || fwd_sector_size(l, a) > l->scratch.size) {
            return FWD_ERR_BAD_ARGUMENT;
        }
    }
    return FWD_OK;
}

uint32_t fwd_sector_count(const fwd_layout *l) {
    uint32_t n = 0;
    uint32_t g;
    for (g = 0; g < l->group_count; g++) {
        n += l->groups[g].count;
    }
    return n;
}

uint32_t fwd_sector_start(const fwd_layout *l, uint32_t sector) {
    uint32_t at = 0;
    uint32_t g;
    for (g = 0; g < l->group_count; g++) {
        if (sector < l->groups[g].count) {
            return at + sector * l->groups[g].size;
        }
        at += l->groups[g].count * l->groups[g].size;
        sector -= l->groups[g].count;
    }
    return at;
}

uint32_t fwd_sector_size(const fwd_layout *l, uint32_t sector) {
    uint32_t g;
    for (g = 0; g < l->group_count; g++) {
        if (sector < l->groups[g].count) {
            return l->groups[g].size;
        }
        sector -= l->groups[g].count;
    }
    return 0;
}

uint32_t fwd_sector_at(const fwd_layout *l, uint32_t offset) {
    uint32_t index = 0;
    uint32_t g;
    for (g = 0; g < l->group_count; g++) {
        uint32_t span = l->groups[g].count * l->groups[g].size;
        if (offset < span) {
            return index + offset / l->groups[g].size;
        }
        offset -= span;
        index += l->groups[g].count;
    }
    return index;
}

int fwd_erase_range(const fwd_layout *l, uint32_t offset, uint32_t size) {
    uint32_t n = fwd_sector_count(l);
    uint32_t s;
    for (s = fwd_sector_at(l, offset); s < n && fwd_sector_start(l, s) < offset + size; s++) {
        if (l->flash.erase(l->flash.user, s) != 0) {
            return -1;
        }
    }
    return 0;
}

void fwd_log_open(fwd_log *log, const fwd_layout *l, fwd_region region) {
    log->layout = l;
    log->region = region;
    log->next = -1;
}

uint32_t fwd_log_capacity(const fwd_log *log) {
    return log->region.size / FWD_RECORD;
}

int fwd_log_read(const fwd_log *log, uint32_t i, uint8_t rec[FWD_RECORD]) {
    const fwd_flash_ops *f;
    if (log == NULL || log->layout == NULL || rec == NULL) {
        return -1;
    }
    if (i >= fwd_log_capacity(log)) {
        return 0; /* no such slot: the flash after the region is another region's */
    }
    f = &log->layout->flash;
    if (f->read(f->user, log->region.offset + i * FWD_RECORD, rec, FWD_RECORD) != 0) {
        return -1;
    }
    return rec[0] == 'F' && rec[1] == 'W' && fwd_crc32_update(0, rec, 60) == fwd_rd32(rec + 60);
}

static int slot_erased(const fwd_log *log, const uint8_t *rec) {
    uint32_t i;
    for (i = 0; i < FWD_RECORD; i++) {
        if (rec[i] != log->layout->erased_value) {
            return 0;
        }
    }
    return 1;
}

/* The slot after the last one that is not erased: a torn record is never programmed again. */
static int find_next(fwd_log *log) {
    uint8_t rec[FWD_RECORD];
    uint32_t i;
    int32_t last = -1;
    for (i = 0; i < fwd_log_capacity(log); i++) {
        const fwd_flash_ops *f = &log->layout->flash;
        if (f->read(f->user, log->region.offset + i * FWD_RECORD, rec, FWD_RECORD) != 0) {
            return -1;
        }
        if (!slot_erased(log, rec)) {
            last = (int32_t) i;
        }
    }
    log->next = last + 1;
    return 0;
}

int fwd_log_append(fwd_log *log, uint32_t type, const uint8_t payload[FWD_RECORD_PAYLOAD]) {
    uint8_t r[FWD_RECORD];
    const fwd_flash_ops *f = &log->layout->flash;
    if (log->next < 0 && find_next(log) != 0) {
        return -1;
    }
    if ((uint32_t) log->next >= fwd_log_capacity(log)) {
        return FWD_LOG_FULL; /* the agent kept spare slots for tears; more tears than that end here */
    }
    r[0] = 'F';
    r[1] = 'W';
    r[2] = (uint8_t) type;
    r[3] = 0;
    memcpy(r + 4, payload, FWD_RECORD_PAYLOAD);
    fwd_wr32(r + 60, fwd_crc32_update(0, r, 60));
    /* Counted as used before the program: a torn record is skipped, never rewritten. */
    log->next++;
    return f->program(f->user, log->region.offset + (uint32_t) (log->next - 1) * FWD_RECORD, r, FWD_RECORD);
}

int32_t fwd_log_free(fwd_log *log) {
    if (log->next < 0 && find_next(log) != 0) {
        return -1;
    }
    return (int32_t) fwd_log_capacity(log) - log->next;
}

int fwd_log_erase(fwd_log *log) {
    log->next = 0;
    return fwd_erase_range(log->layout, log->region.offset, log->region.size);
}

uint64_t fwd_patch_id(const uint8_t header[FWD_HEADER_MAX]) {
    fwd_sha256 s;
    uint8_t d[32];
    uint64_t id = 0;
    int i;
    fwd_sha256_init(&s);
    fwd_sha256_update(&s, header, FWD_HEADER_MAX);
    fwd_sha256_final(&s, d);
    for (i = 7; i >= 0; i--) {
        id = id << 8 | d[i];
    }
    return id;
}

static uint64_t rd64(const uint8_t *b) {
    return (uint64_t) fwd_rd32(b) | (uint64_t) fwd_rd32(b + 4) << 32;
}

/* What the reader of a log keeps between records. */
typedef struct {
    fwd_agent_records *r;
    uint8_t have;
    int begun;
    uint64_t begin_id;
} agent_scan;

/* Calls fn for each valid record of the region, in the order written; -1 on a read error. */
static int each_record(const fwd_layout *l, fwd_region region, void (*fn)(void *state, const uint8_t *rec),
                       void *state) {
    fwd_log log;
    uint8_t rec[FWD_RECORD];
    uint32_t i;
    fwd_log_open(&log, l, region);
    for (i = 0; i < fwd_log_capacity(&log); i++) {
        int ok = fwd_log_read(&log, i, rec);
        if (ok < 0) {
            return -1;
        }
        if (ok) {
            fn(state, rec);
        }
    }
    return 0;
}

static void agent_record(void *state, const uint8_t *rec) {
    agent_scan *a = (agent_scan *) state;
    fwd_agent_records *r = a->r;
    const uint8_t *p = rec + 4;
    switch (rec[2]) {
    case FWD_REC_HEADER:
        if (p[0] < FWD_HEADER_PARTS) {
            uint32_t at = p[0] * FWD_HEADER_PART;
            uint32_t n = FWD_HEADER_MAX - at < FWD_HEADER_PART ? FWD_HEADER_MAX - at : FWD_HEADER_PART;
            memcpy(r->header + at, p + 1, n);
            a->have |= (uint8_t) (1u << p[0]);
        }
        break;
    case FWD_REC_BEGIN:
        a->begun = 1;
        a->begin_id = rd64(p);
        break;
    case FWD_REC_BLOCK:
        r->has_block = 1;
        r->last_block.blocks_done = fwd_rd32(p);
        r->last_block.patch_offset = fwd_rd32(p + 4);
        r->last_block.new_offset = fwd_rd32(p + 8);
        r->last_block.old_offset = fwd_rd32(p + 12);
        r->pending_len = p[16] < FWD_MAX_PROGRAM_UNIT ? p[16] : FWD_MAX_PROGRAM_UNIT;
        memcpy(r->pending, p + 17, r->pending_len);
        break;
    case FWD_REC_STAGED:
        r->staged = 1;
        break;
    case FWD_REC_MAP:
        r->map_parts[p[0] / 8u] |= (uint8_t) (1u << (p[0] % 8u));
        break;
    default:
        break;
    }
}

int fwd_agent_records_read(const fwd_layout *l, fwd_agent_records *r) {
    agent_scan a;
    if (l == NULL || r == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    memset(r, 0, sizeof *r);
    memset(&a, 0, sizeof a);
    a.r = r;
    if (each_record(l, l->agent_log, agent_record, &a) != 0) {
        return -1;
    }
    if (!a.begun || a.have != (1u << FWD_HEADER_PARTS) - 1u || a.begin_id != fwd_patch_id(r->header)) {
        memset(r, 0, sizeof *r);
        return 0;
    }
    r->active = 1;
    r->patch_id = a.begin_id;
    return 0;
}

/* What the reader of the boot log keeps between records: the limits an INSTALL's count must keep. */
typedef struct {
    fwd_boot_records *b;
    uint32_t max_groups;
    uint32_t expected; /* the swap plan's count for the logged patch, or FWD_ANY_GROUPS */
} boot_scan;

static void boot_record(void *state, const uint8_t *rec) {
    boot_scan *s = (boot_scan *) state;
    fwd_boot_records *b = s->b;
    const uint8_t *p = rec + 4;
    switch (rec[2]) {
    case FWD_REC_INSTALL: {
        uint32_t n = fwd_rd32(p + 8);
        if (n >= 1u && n <= s->max_groups && (s->expected == FWD_ANY_GROUPS || n == s->expected)) {
            b->installed = 1;
            b->patch_id = rd64(p);
            b->groups = n;
        }
        break;
    }
    case FWD_REC_STEP:
        /* a step of an install this log does not hold, or of a group past it, is not one */
        if ((p[0] == FWD_PASS_INSTALL || p[0] == FWD_PASS_REVERT) && p[5] >= FWD_PHASE_FIRST
                && p[5] <= FWD_PHASE_LAST && b->installed && fwd_rd32(p + 1) < b->groups) {
            b->last_group[p[0]] = (int32_t) fwd_rd32(p + 1);
            b->last_phase[p[0]] = p[5];
        }
        break;
    case FWD_REC_SWAPPED: b->swapped = 1; break;
    case FWD_REC_TRIAL: b->trial = 1; break;
    case FWD_REC_CONFIRMED: b->confirmed = 1; break;
    case FWD_REC_REVERT: b->revert_started = 1; break;
    case FWD_REC_REVERTED: b->reverted = 1; break;
    default: break;
    }
}

uint32_t fwd_boot_max_groups(uint32_t capacity) {
    /* BootRecords.maxGroups: 1 + 6 x groups + 5 records fit (INSTALL, three steps per group for the swap
     * and for a revert, five markers: the fit check before FWD_BOOT_LOG_SPARE); not the spare policy */
    return capacity < 12u ? 0u : (capacity - 6u) / 6u;
}

int fwd_boot_records_expect(const fwd_layout *l, uint32_t groups, fwd_boot_records *b) {
    boot_scan s;
    if (l == NULL || b == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    memset(b, 0, sizeof *b);
    b->last_group[0] = b->last_group[1] = -1;
    b->last_phase[0] = b->last_phase[1] = FWD_PHASE_LAST;
    s.b = b;
    s.max_groups = fwd_boot_max_groups(l->boot_log.size / FWD_RECORD);
    s.expected = groups;
    return each_record(l, l->boot_log, boot_record, &s);
}

int fwd_boot_records_read(const fwd_layout *l, fwd_boot_records *b) {
    return fwd_boot_records_expect(l, FWD_ANY_GROUPS, b);
}

int fwd_boot_awaiting_confirmation(const fwd_boot_records *b) {
    return b->installed && b->swapped && b->trial && !b->confirmed && !b->revert_started;
}

int fwd_boot_install_under_way(const fwd_boot_records *b, uint64_t patch_id) {
    return b->installed && b->patch_id == patch_id && !b->confirmed && !b->reverted;
}

uint32_t fwd_swap_groups(const fwd_layout *l, uint32_t bytes, uint32_t g, uint32_t *group_offset,
                         uint32_t *group_len) {
    uint32_t first = fwd_sector_at(l, l->active.offset);
    uint32_t slot_sectors = fwd_sector_at(l, l->active.offset + l->active.size - 1u) - first + 1u;
    uint32_t covered = 0;
    uint32_t s = 0;
    uint32_t n = 0;
    if (bytes == 0) {
        bytes = 1;
    }
    while (covered < bytes && s < slot_sectors) {
        uint32_t length = fwd_sector_size(l, first + s);
        uint32_t count = 1;
        while (s + count < slot_sectors && length + fwd_sector_size(l, first + s + count) <= l->scratch.size) {
            length += fwd_sector_size(l, first + s + count);
            count++;
        }
        if (n == g && group_offset != NULL) {
            *group_offset = covered;
            *group_len = length;
        }
        n++;
        covered += length;
        s += count;
    }
    return n;
}
