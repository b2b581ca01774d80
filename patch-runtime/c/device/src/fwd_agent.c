/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The update agent (UpdateAgent.java, docs/DEVICE.md): checks a patch's header before anything is
 * written, stages the new image with erase-before-use, logs a write-once BLOCK record after each
 * block and resumes there after a power cut, verifies the staged image from flash, logs STAGED.
 * RAM: fwd_agent (the applier's context, a 256-byte staging buffer, one record, the header; budget
 * FWD_AGENT_RAM_MAX), the caller's work buffer and the stack of each call, the applier's included
 * (docs/DEVICE.md states both; tools/stack-depth.py checks the stack).
 */
#include <string.h>

#include "fwd_bytes.h"
#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_device.h"

/* The build of any 32-bit target fails here when fwd_agent outgrows its budget (fwd_device.h;
 * 64-bit hosts have wider pointers). */
typedef char fwd_agent_fits_its_ram_budget[(sizeof(void *) > 4u || sizeof(fwd_agent) <= FWD_AGENT_RAM_MAX) ? 1 : -1];
/* A BLOCK record holds the bytes of a partial unit (fewer than program_unit, which fwd_layout_check
 * holds to FWD_MAX_PROGRAM_UNIT) after its 17 bytes, and the staging buffer holds a whole unit. */
typedef char fwd_agent_pending_fits_a_record[17u + FWD_MAX_PROGRAM_UNIT - 1u <= FWD_RECORD_PAYLOAD
                                             && FWD_MAX_PROGRAM_UNIT <= FWD_STAGING_CHUNK ? 1 : -1];

static uint32_t min32(uint32_t a, uint32_t b) {
    return a < b ? a : b;
}

/* ---- Staging writer (StagingWriter.java): erase a sector just before its first byte, program
 * whole units through the 256-byte buffer, keep the last partial unit pending at block ends. ---- */

static void writer_open(fwd_agent *g, uint32_t new_offset, const uint8_t *pending, uint32_t pending_len) {
    g->buffer_start = new_offset - pending_len;
    g->session_start = g->buffer_start;
    if (pending_len > 0) {
        memcpy(g->buffer, pending, pending_len); /* a fresh start passes no pending bytes (NULL) */
    }
    g->buffered = pending_len;
    g->prepared_upto = -1;
}

/* Whether the unit at offset holds want, and whether it is erased: read a few bytes at a time, so the
 * comparison costs the stack no second staging buffer. 0, or -1 on a flash error. */
static int unit_state(const fwd_layout *l, uint32_t offset, const uint8_t *want, int *same, int *erased) {
    uint8_t now[8];
    uint32_t i;
    uint32_t j;
    *same = 1;
    *erased = 1;
    for (i = 0; i < l->program_unit; i += (uint32_t) sizeof now) {
        uint32_t n = min32((uint32_t) sizeof now, l->program_unit - i);
        if (l->flash.read(l->flash.user, offset + i, now, n) != 0) {
            return -1;
        }
        for (j = 0; j < n; j++) {
            *same &= now[j] == want[i + j];
            *erased &= now[j] == l->erased_value;
        }
    }
    return 0;
}

/* On an ECC part a unit takes one program per erase: in the sector a resume point falls in, the
 * units the interrupted attempt wrote are skipped, the others programmed in runs. A unit that holds
 * other bytes and is not erased was torn by a power cut: -1 with torn_unit set (the agent begins
 * the update again: the sector holds finished blocks and cannot be erased). */
static int program_ecc(fwd_agent *g, uint32_t at, uint32_t len) {
    const fwd_layout *l = g->layout;
    uint32_t run = len; /* where the run of units to program starts; len: no run */
    uint32_t u;
    for (u = 0; u <= len; u += l->program_unit) {
        int same = 1;
        int erased = 1;
        if (u < len && unit_state(l, at + u, g->buffer + u, &same, &erased) != 0) {
            return -1;
        }
        if (!same && !erased) {
            g->torn_unit = 1;
            return -1;
        }
        if (!same && run == len) {
            run = u;
        } else if (same && run < len) {
            if (l->flash.program(l->flash.user, at + run, g->buffer + run, u - run) != 0) {
                return -1;
            }
            run = len;
        }
    }
    return 0;
}

static int writer_program(fwd_agent *g, uint32_t len) {
    const fwd_layout *l = g->layout;
    uint32_t at = l->staging.offset + g->buffer_start;
    uint32_t last;
    uint32_t s;
    if (g->buffer_start + len > l->staging.size) {
        return -1;
    }
    last = fwd_sector_at(l, at + len - 1u);
    s = fwd_sector_at(l, at);
    if ((int32_t) s <= g->prepared_upto) {
        s = (uint32_t) g->prepared_upto + 1u;
    }
    for (; s <= last; s++) {
        /* The sector the resume point falls in holds finished blocks: rewritten unit by unit with
         * the same bytes (legal by the NOR bit rule), not erased. */
        if (fwd_sector_start(l, s) >= l->staging.offset + g->session_start
                && l->flash.erase(l->flash.user, s) != 0) {
            return -1;
        }
        g->prepared_upto = (int32_t) s;
    }
    if ((l->ecc_units ? program_ecc(g, at, len) : l->flash.program(l->flash.user, at, g->buffer, len)) != 0) {
        return -1;
    }
    g->buffer_start += len;
    g->buffered -= len;
    memmove(g->buffer, g->buffer + len, g->buffered);
    return 0;
}

static int writer_flush_units(fwd_agent *g) {
    uint32_t whole = g->buffered - g->buffered % g->layout->program_unit;
    return whole > 0 ? writer_program(g, whole) : 0;
}

static int write_new(void *user, const uint8_t *b, uint32_t len) {
    fwd_agent *g = (fwd_agent *) user;
    while (len > 0) {
        uint32_t n = min32(len, FWD_STAGING_CHUNK - g->buffered);
        memcpy(g->buffer + g->buffered, b, n);
        g->buffered += n;
        b += n;
        len -= n;
        if (g->buffered == FWD_STAGING_CHUNK && writer_program(g, FWD_STAGING_CHUNK) != 0) {
            return -1;
        }
    }
    return 0;
}

static int read_old(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    fwd_agent *g = (fwd_agent *) user;
    const fwd_layout *l = g->layout;
    if (offset > l->active.size || len > l->active.size - offset) {
        return -1;
    }
    return l->flash.read(l->flash.user, l->active.offset + offset, buf, len);
}

/* After each block: program the whole units, then log the resume point and the partial unit. */
static int block_done(void *user, const fwd_resume *at) {
    fwd_agent *g = (fwd_agent *) user;
    uint8_t p[FWD_RECORD_PAYLOAD];
    if (writer_flush_units(g) != 0) {
        return -1;
    }
    memset(p, 0, sizeof p);
    fwd_wr32(p, at->blocks_done);
    fwd_wr32(p + 4, at->patch_offset);
    fwd_wr32(p + 8, at->new_offset);
    fwd_wr32(p + 12, at->old_offset);
    p[16] = (uint8_t) g->buffered;
    memcpy(p + 17, g->buffer, g->buffered);
    return fwd_log_append(&g->log, FWD_REC_BLOCK, p);
}

/* ---- The applier behind the agent ---- */

static fwd_error open_applier(fwd_agent *g) {
    fwd_port port;
    fwd_error e;
    int base_checked = 0;
    memset(&port, 0, sizeof port);
    port.read_old = read_old;
    port.write_new = write_new;
    port.user = g;
    port.old_size = 0;
    port.ram_budget = g->policy.ram_budget;
    {
        /* old_size is the header's: the base image is checked by its checksums over the slot. */
        fwd_header h;
        e = fwd_header_parse(g->header, g->header_size, &h);
        if (e != FWD_OK) {
            return e;
        }
        if (h.old_size > g->layout->active.size) {
            return FWD_ERR_WRONG_BASE_IMAGE;
        }
        port.old_size = h.old_size;
        if (g->policy.running_image != NULL && g->policy.running_image->size == h.old_size) {
            /* Measured at boot: compared here, so the applier does not hash the slot again. */
            e = fwd_base_matches(&h, g->policy.running_image);
            if (e != FWD_OK) {
                return e;
            }
            base_checked = 1;
        }
    }
    e = fwd_apply_init(&g->applier, &port, g->work, g->work_size);
    if (e != FWD_OK) {
        return e;
    }
    e = fwd_apply_set_trust(&g->applier, g->policy.trust); /* checked again on every resume */
    if (e == FWD_OK && base_checked) {
        e = fwd_apply_set_base_checked(&g->applier);
    }
    if (e != FWD_OK) {
        return e;
    }
    fwd_apply_on_block(&g->applier, block_done);
    e = fwd_apply_process(&g->applier, g->header, g->header_size);
    g->applier_open = e == FWD_OK;
    return e;
}

/* The device's policy on a parsed header, in HeaderPolicyCheck's order: signature first. */
static fwd_error check_policy(const fwd_agent *g, const uint8_t *header, const fwd_header *h) {
    if (g->policy.trust != NULL) {
        fwd_error e = fwd_header_check_signature(g->policy.trust, header, h->header_size);
        if (e != FWD_OK) {
            return e;
        }
    }
    if (h->hardware_id != g->policy.hardware_id) {
        return FWD_ERR_WRONG_HARDWARE;
    }
    if (h->firmware_version <= g->policy.installed_version) {
        return FWD_ERR_ROLLBACK;
    }
    if (h->decoder_ram > g->policy.ram_budget) {
        return FWD_ERR_RAM_BUDGET_EXCEEDED;
    }
    return FWD_OK;
}

static uint32_t map_parts(uint32_t map_bytes) {
    return (map_bytes + FWD_HEADER_PART - 1u) / FWD_HEADER_PART;
}

/* The layout can take the image and the records its update and install need, and the logs' spare
 * slots for torn records (FWD_BOOT_LOG_SPARE, FWD_AGENT_LOG_SPARE; docs/DEVICE.md "Torn records"). */
static fwd_error check_fits(fwd_agent *g, const fwd_header *h) {
    fwd_log boot;
    uint32_t groups;
    uint32_t needed;
    if (h->new_size > g->layout->staging.size) {
        return FWD_ERR_DOES_NOT_FIT;
    }
    groups = fwd_swap_groups(g->layout, h->old_size > h->new_size ? h->old_size : h->new_size, 0, NULL, NULL);
    fwd_log_open(&boot, g->layout, g->layout->boot_log);
    if (1u + 6u * groups + 4u + FWD_BOOT_LOG_SPARE > fwd_log_capacity(&boot)) {
        return FWD_ERR_DOES_NOT_FIT;
    }
    if (map_parts(h->map_bytes) > FWD_MAX_MAP_PARTS) {
        return FWD_ERR_DOES_NOT_FIT;
    }
    needed = FWD_HEADER_PARTS + 2u + map_parts(h->map_bytes) + FWD_AGENT_LOG_SPARE;
    if (h->block_count > fwd_log_capacity(&g->log) || needed > fwd_log_capacity(&g->log) - h->block_count) {
        return FWD_ERR_DOES_NOT_FIT;
    }
    return FWD_OK;
}

/* Logs HEADER x5 and BEGIN for a checked header and opens the applier at the payload start. */
static int start(fwd_agent *g) {
    uint8_t p[FWD_RECORD_PAYLOAD];
    uint64_t id = fwd_patch_id(g->header);
    uint32_t part;
    int i;
    if (fwd_log_erase(&g->log) != 0) {
        return FWD_ERR_IO_ERROR;
    }
    for (part = 0; part < FWD_HEADER_PARTS; part++) {
        uint32_t at = part * FWD_HEADER_PART;
        memset(p, 0, sizeof p);
        p[0] = (uint8_t) part;
        memcpy(p + 1, g->header + at, min32(FWD_HEADER_PART, FWD_HEADER_MAX - at));
        if (fwd_log_append(&g->log, FWD_REC_HEADER, p) != 0) {
            return FWD_ERR_IO_ERROR;
        }
    }
    memset(p, 0, sizeof p);
    for (i = 0; i < 8; i++) {
        p[i] = (uint8_t) (id >> (8 * i));
    }
    if (fwd_log_append(&g->log, FWD_REC_BEGIN, p) != 0) {
        return FWD_ERR_IO_ERROR;
    }
    writer_open(g, 0, NULL, 0);
    g->map_seen = 0;
    if (!g->applier_open && open_applier(g) != FWD_OK) {
        return FWD_ERR_IO_ERROR;
    }
    g->offset = g->header_size;
    g->state = FWD_AGENT_RECEIVING;
    return FWD_OK;
}

/* Feeds the logged relocation map to a fresh applier (a resume of a patch with a map), a part at a
 * time in order: 0, -1 on an I/O error, 1 when a part is missing or the applier refuses the bytes
 * (records that do not hold this patch's map, such as an earlier Java agent's expanded form). */
static int replay_map(fwd_agent *g, const fwd_header *h) {
    uint8_t rec[FWD_RECORD];
    uint32_t part;
    for (part = 0; part < map_parts(h->map_bytes); part++) {
        uint32_t i;
        int found = 0;
        for (i = 0; i < fwd_log_capacity(&g->log); i++) {
            int ok = fwd_log_read(&g->log, i, rec);
            if (ok < 0) {
                return -1;
            }
            if (ok && rec[2] == FWD_REC_MAP && rec[4] == part) {
                found = 1; /* the last record of a part wins */
                memcpy(g->record, rec, FWD_RECORD);
            }
        }
        if (!found || fwd_apply_process(&g->applier, g->record + 5,
                                        min32(FWD_HEADER_PART, h->map_bytes - part * FWD_HEADER_PART)) != FWD_OK) {
            return 1;
        }
    }
    return 0;
}

/* Every part of the section logged, and no part past its end (those belong to another map). */
static int all_map_parts(const fwd_agent_records *r, uint32_t map_bytes) {
    uint32_t parts = map_parts(map_bytes);
    uint32_t part;
    for (part = 0; part < FWD_MAX_MAP_PARTS; part++) {
        if (((r->map_parts[part / 8u] >> (part % 8u)) & 1u) != (uint32_t) (part < parts)) {
            return 0;
        }
    }
    return 1;
}

/* How many parts of the map, from part 0 on without a gap, have a record: a resume does not log those
 * again, so resumes cost no slots (AgentRecords.mapPartsLogged). */
static uint32_t map_parts_logged(const fwd_agent_records *r, uint32_t map_bytes) {
    uint32_t part = 0;
    while (part < map_parts(map_bytes) && ((r->map_parts[part / 8u] >> (part % 8u)) & 1u) != 0) {
        part++;
    }
    return part;
}

/* The log does not hold together: begin the same (already checked) patch again at the payload start. */
static int restart(fwd_agent *g) {
    g->applier_open = 0;
    return start(g);
}

/* The staging writer met a torn ECC unit (program_ecc): the same patch begins again at the payload
 * start, FWD_AGENT_RESTARTED (Java: UpdateAgent.restart); another error ends the update. */
static int failed_or_restarted(fwd_agent *g, int e) {
    if (!g->torn_unit) {
        g->state = FWD_AGENT_FAILED;
        return e;
    }
    g->torn_unit = 0;
    if (restart(g) != FWD_OK) {
        g->state = FWD_AGENT_FAILED;
        return FWD_ERR_IO_ERROR;
    }
    return FWD_AGENT_RESTARTED;
}

/* After a reboot: continue at the last BLOCK record (or just after a logged map, or the payload start). */
static int open_resumed(fwd_agent *g) {
    fwd_agent_records r;
    fwd_header h;
    fwd_resume at;
    if (fwd_agent_records_read(g->layout, &r) != 0 || fwd_header_parse(g->header, g->header_size, &h) != FWD_OK) {
        return FWD_ERR_IO_ERROR;
    }
    {
        /* its code, such as RAM_BUDGET_EXCEEDED when the device restarted with a smaller work buffer */
        fwd_error e = open_applier(g);
        if (e != FWD_OK) {
            return e;
        }
    }
    g->map_seen = 0;
    if (h.map_count > 0) {
        int replayed;
        if (!all_map_parts(&r, h.map_bytes)) {
            if (r.has_block) {
                return restart(g); /* blocks logged without their map */
            }
            writer_open(g, 0, NULL, 0);
            g->offset = g->header_size; /* the map is received again: nothing was staged yet */
            g->map_seen = map_parts_logged(&r, h.map_bytes) * FWD_HEADER_PART; /* not logged again */
            return FWD_OK;
        }
        replayed = replay_map(g, &h);
        if (replayed < 0) {
            return FWD_ERR_IO_ERROR;
        }
        if (replayed > 0) {
            return restart(g); /* never a block through a map the patch does not carry */
        }
        g->map_seen = h.map_bytes;
    }
    if (r.has_block) {
        at = r.last_block;
    } else {
        at.blocks_done = 0;
        at.patch_offset = g->header_size + (h.map_count > 0 ? h.map_bytes : 0u);
        at.new_offset = 0;
        at.old_offset = 0;
        r.pending_len = 0;
    }
    if (r.pending_len >= g->layout->program_unit || at.new_offset < r.pending_len
            || (at.new_offset - r.pending_len) % g->layout->program_unit != 0
            || fwd_apply_resume(&g->applier, &at) != FWD_OK) {
        return FWD_ERR_IO_ERROR;
    }
    writer_open(g, at.new_offset, r.pending, r.pending_len);
    g->offset = at.patch_offset;
    return FWD_OK;
}

int fwd_agent_init(fwd_agent *g, const fwd_layout *l, const fwd_policy *p, uint8_t *work, uint32_t work_size) {
    fwd_agent_records r;
    fwd_boot_records b;
    if (g == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    memset(g, 0, sizeof *g);
    if (p == NULL) {
        g->state = FWD_AGENT_FAILED; /* no layout kept: fwd_agent_begin and fwd_agent_abort refuse */
        return FWD_ERR_BAD_ARGUMENT;
    }
    g->layout = l;
    g->policy = *p;
    g->work = work;
    g->work_size = work_size;
    if (fwd_layout_check(l) != FWD_OK) {
        g->state = FWD_AGENT_FAILED; /* and fwd_agent_begin checks the layout again */
        return FWD_ERR_BAD_ARGUMENT;
    }
    fwd_log_open(&g->log, l, l->agent_log);
    if (fwd_agent_records_read(l, &r) != 0 || fwd_boot_records_read(l, &b) != 0) {
        return FWD_ERR_IO_ERROR;
    }
    g->state = FWD_AGENT_IDLE;
    if (r.active && !(b.installed && b.patch_id == r.patch_id)) {
        fwd_header h;
        if (fwd_header_prefix(r.header, &g->header_size) != FWD_OK
                || fwd_header_parse(r.header, g->header_size, &h) != FWD_OK) {
            return FWD_OK; /* the header was checked before it was logged: a torn log, start over */
        }
        memcpy(g->header, r.header, FWD_HEADER_MAX);
        g->patch_length = h.header_size + h.payload_length;
        g->state = r.staged ? FWD_AGENT_STAGED : FWD_AGENT_RECEIVING;
        if (r.staged) {
            g->offset = g->patch_length;
        } else if (h.map_count > 0 && !all_map_parts(&r, h.map_bytes)) {
            g->offset = g->header_size; /* the map is received again, or the update begins again */
        } else if (r.has_block) {
            g->offset = r.last_block.patch_offset;
        } else {
            g->offset = g->header_size + (h.map_count > 0 && all_map_parts(&r, h.map_bytes) ? h.map_bytes : 0u);
        }
    }
    return FWD_OK;
}

/* How far the bootloader has taken the patch the agent log names. */
enum install_stage { NOT_INSTALLED = 0, INSTALL_UNDER_WAY = 1, INSTALL_ENDED = 2, STAGE_IO_ERROR = -1 };

/* No slot left in the boot log: an install it names was reverted without it (fwd_boot's
 * boot_without_log) before the application ran. 1, 0, or -1 on a flash error. */
static int boot_log_full(const fwd_layout *l) {
    fwd_log boot;
    int32_t free_slots;
    fwd_log_open(&boot, l, l->boot_log);
    free_slots = fwd_log_free(&boot);
    return free_slots < 0 ? -1 : free_slots == 0;
}

/* INSTALL_UNDER_WAY while the bootloader installs, runs on trial or reverts the agent log's patch:
 * the agent log must then stay (fwd_boot acts on the boot log only while the agent log names its
 * patch; erased, it boots the active slot as OLD, no trial, and the unconfirmed image stays).
 * INSTALL_ENDED once CONFIRMED or REVERTED: the log still tells which image the slot holds. */
static int install_stage(const fwd_layout *l) {
    fwd_agent_records r;
    fwd_boot_records b;
    int full;
    if (fwd_agent_records_read(l, &r) != 0 || fwd_boot_records_read(l, &b) != 0) {
        return STAGE_IO_ERROR;
    }
    if (!r.active || !b.installed || b.patch_id != r.patch_id) {
        return NOT_INSTALLED;
    }
    full = boot_log_full(l);
    if (full < 0) {
        return STAGE_IO_ERROR;
    }
    return fwd_boot_install_under_way(&b, r.patch_id) && !full ? INSTALL_UNDER_WAY : INSTALL_ENDED;
}

/* The header (size bytes) is the one g->header holds, zero-padded to FWD_HEADER_MAX as the agent keeps
 * and logs it. Compared in place rather than through a padded copy on the stack, which the deepest
 * call chain of the agent (begin, resume, the applier) would carry. */
static int same_header(const fwd_agent *g, const uint8_t *header, uint32_t size) {
    uint32_t i;
    if (memcmp(header, g->header, size) != 0) {
        return 0;
    }
    for (i = size; i < FWD_HEADER_MAX; i++) {
        if (g->header[i] != 0) {
            return 0;
        }
    }
    return 1;
}

/* Receiving with no agent log slot left (torn records took them): the next BLOCK record cannot be
 * written, so a resume would fail at the same block every time; begin starts the update again in
 * an erased log instead (docs/DEVICE.md "Torn records"; Java: UpdateAgent.receivingIntoAFullLog). */
static int receiving_into_full_log(fwd_agent *g) {
    return g->state == FWD_AGENT_RECEIVING && fwd_log_free(&g->log) == 0;
}

int fwd_agent_begin(fwd_agent *g, const uint8_t *header, uint32_t len, uint32_t *from) {
    uint32_t size;
    fwd_header h;
    fwd_boot_records b;
    fwd_error e;
    fwd_log boot;
    int under_way;
    if (g == NULL || header == NULL || from == NULL) {
        return FWD_ERR_BAD_ARGUMENT; /* before anything is read or written */
    }
    if (fwd_layout_check(g->layout) != FWD_OK) {
        return FWD_ERR_BAD_ARGUMENT; /* fwd_agent_init refused it: nothing is read or written */
    }
    if (len < 8u) {
        return FWD_ERR_TRUNCATED; /* nothing read: the prefix is 8 bytes (Java: sizeFromPrefix) */
    }
    e = fwd_header_prefix(header, &size);
    if (e != FWD_OK) {
        return e;
    }
    if (len < size) {
        return FWD_ERR_TRUNCATED;
    }
    if (fwd_boot_records_read(g->layout, &b) != 0) {
        return FWD_ERR_IO_ERROR;
    }
    if (fwd_boot_awaiting_confirmation(&b)) {
        int full = boot_log_full(g->layout);
        if (full < 0) {
            return FWD_ERR_IO_ERROR;
        }
        if (!full) {
            return FWD_AGENT_ON_TRIAL;
        }
    }
    under_way = install_stage(g->layout);
    if (under_way == INSTALL_UNDER_WAY || under_way == STAGE_IO_ERROR) {
        return under_way > 0 ? FWD_AGENT_ON_TRIAL : FWD_ERR_IO_ERROR; /* start() would erase the agent log */
    }
    if ((g->state == FWD_AGENT_RECEIVING || g->state == FWD_AGENT_STAGED)
            && same_header(g, header, size) && !receiving_into_full_log(g)) {
        if (g->state == FWD_AGENT_RECEIVING && !g->applier_open) {
            e = (fwd_error) open_resumed(g);
            if (e != FWD_OK) {
                g->state = FWD_AGENT_FAILED;
                return e;
            }
        }
        *from = g->offset; /* the link dropped, the agent kept its place: the next expected byte */
        return FWD_OK;
    }
    /* Every check before the first write: format, policy, RAM, base image, load address, fit. */
    e = fwd_header_parse(header, size, &h);
    if (e == FWD_OK) {
        e = check_policy(g, header, &h);
    }
    if (e == FWD_OK) {
        memset(g->header, 0, FWD_HEADER_MAX);
        memcpy(g->header, header, size);
        g->header_size = size;
        /* RAM against the work buffer, the base image's checksums. The applier stays open for
         * start(): it has written nothing, and opening it again would read the whole active slot
         * a second time. */
        e = open_applier(g);
    }
    if (e == FWD_OK) {
        /* The new image runs from the active slot after the swap: a patch linked elsewhere would not boot. */
        e = fwd_header_check_load_address(&h, g->layout->flash_base + g->layout->active.offset);
    }
    if (e == FWD_OK) {
        e = check_fits(g, &h);
    }
    if (e != FWD_OK) {
        /* Refused: nothing was written; the agent goes on from what flash holds. */
        fwd_policy p = g->policy;
        if (fwd_agent_init(g, g->layout, &p, g->work, g->work_size) != FWD_OK) {
            return FWD_ERR_IO_ERROR;
        }
        return e;
    }
    fwd_log_open(&boot, g->layout, g->layout->boot_log);
    if (b.installed && b.patch_id == fwd_patch_id(g->header) && fwd_log_erase(&boot) != 0) {
        return FWD_ERR_IO_ERROR; /* history of an earlier attempt of this same patch */
    }
    g->patch_length = h.header_size + h.payload_length;
    e = (fwd_error) start(g);
    if (e != FWD_OK) {
        g->state = FWD_AGENT_FAILED;
        return e;
    }
    *from = g->offset;
    return FWD_OK;
}

/* Logs the relocation map section in MAP records as its bytes pass (52 bytes a record). */
static int log_map(fwd_agent *g, const uint8_t *b, uint32_t len) {
    const fwd_header *h = fwd_apply_header(&g->applier);
    uint32_t start = g->header_size;
    while (h != NULL && h->map_count > 0 && len > 0 && g->map_seen < h->map_bytes) {
        uint32_t pos = g->offset - start;
        uint32_t skip;
        uint32_t n;
        if (pos + 0 < g->map_seen) {
            skip = min32(len, g->map_seen - pos);
            b += skip;
            len -= skip;
            g->offset += skip;
            continue;
        }
        n = min32(len, min32(h->map_bytes - g->map_seen, FWD_HEADER_PART - g->map_seen % FWD_HEADER_PART));
        memcpy(g->map_part + g->map_seen % FWD_HEADER_PART, b, n);
        g->map_seen += n;
        b += n;
        len -= n;
        g->offset += n;
        if (g->map_seen % FWD_HEADER_PART == 0 || g->map_seen == h->map_bytes) {
            uint8_t p[FWD_RECORD_PAYLOAD];
            memset(p, 0, sizeof p);
            p[0] = (uint8_t) ((g->map_seen - 1u) / FWD_HEADER_PART);
            memcpy(p + 1, g->map_part, (g->map_seen - 1u) % FWD_HEADER_PART + 1u);
            if (fwd_log_append(&g->log, FWD_REC_MAP, p) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* Receiving, with the applier open (after a reboot: at the last checkpoint in flash). */
static int ensure_open(fwd_agent *g) {
    int e;
    if (g->state != FWD_AGENT_RECEIVING) {
        return FWD_AGENT_NOT_RECEIVING;
    }
    if (!g->applier_open) {
        e = open_resumed(g);
        if (e != FWD_OK) {
            g->state = FWD_AGENT_FAILED;
            return e;
        }
    }
    return FWD_OK;
}

int fwd_agent_receive(fwd_agent *g, const uint8_t *b, uint32_t len) {
    fwd_error e;
    uint32_t offset;
    if (g == NULL || (b == NULL && len > 0)) {
        return FWD_ERR_BAD_ARGUMENT; /* nothing consumed: the update goes on */
    }
    e = (fwd_error) ensure_open(g);
    offset = g->offset;
    if (e != FWD_OK) {
        return e;
    }
    if (log_map(g, b, len) != 0) {
        g->state = FWD_AGENT_FAILED;
        return FWD_ERR_IO_ERROR;
    }
    g->offset = offset;
    e = fwd_apply_process(&g->applier, b, len);
    if (e != FWD_OK) {
        return failed_or_restarted(g, e);
    }
    g->offset += len;
    return FWD_OK;
}

/* The staged image against the signed header's size, CRC-32, CRC-32/MPEG-2 and SHA-256, from flash. */
static fwd_error verify_staged(fwd_agent *g, const fwd_header *h) {
    const fwd_layout *l = g->layout;
    fwd_sha256 sha;
    uint8_t d[32];
    uint32_t crc = 0;
    uint32_t mpeg2 = 0xFFFFFFFFu;
    uint32_t at;
    uint32_t diff = 0;
    uint32_t i;
    fwd_sha256_init(&sha);
    for (at = 0; at < h->new_size; at += FWD_RECORD) {
        uint32_t n = min32(FWD_RECORD, h->new_size - at);
        if (l->flash.read(l->flash.user, l->staging.offset + at, g->record, n) != 0) {
            return FWD_ERR_IO_ERROR;
        }
        crc = fwd_crc32_update(crc, g->record, n);
        mpeg2 = fwd_crc32_mpeg2_update(mpeg2, g->record, n);
        fwd_sha256_update(&sha, g->record, n);
    }
    fwd_sha256_final(&sha, d);
    for (i = 0; i < 32u; i++) {
        diff |= (uint32_t) (d[i] ^ h->new_sha256[i]);
    }
    if (diff != 0 || (h->has_crc32 && crc != h->new_crc32) || (h->has_mpeg2 && mpeg2 != h->new_crc32_mpeg2)) {
        return FWD_ERR_NEW_IMAGE_MISMATCH;
    }
    return FWD_OK;
}

int fwd_agent_finish(fwd_agent *g) {
    uint8_t p[FWD_RECORD_PAYLOAD];
    fwd_error e;
    const fwd_header *h;
    if (g == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    e = (fwd_error) ensure_open(g);
    if (e != FWD_OK) {
        return e;
    }
    e = fwd_apply_finish(&g->applier);
    if (e == FWD_OK && writer_flush_units(g) != 0) {
        e = FWD_ERR_IO_ERROR;
    }
    if (e == FWD_OK && g->buffered > 0) {
        /* The end of the image: pad the last unit with the erased value. */
        memset(g->buffer + g->buffered, g->layout->erased_value, g->layout->program_unit - g->buffered);
        g->buffered = g->layout->program_unit;
        if (writer_program(g, g->layout->program_unit) != 0) {
            e = FWD_ERR_IO_ERROR;
        }
    }
    h = fwd_apply_header(&g->applier);
    if (e == FWD_OK) {
        e = verify_staged(g, h);
    }
    if (e != FWD_OK) {
        return failed_or_restarted(g, e);
    }
    memset(p, 0, sizeof p);
    if (fwd_log_append(&g->log, FWD_REC_STAGED, p) != 0) {
        g->state = FWD_AGENT_FAILED;
        return FWD_ERR_IO_ERROR;
    }
    g->state = FWD_AGENT_STAGED;
    g->applier_open = 0;
    return FWD_OK;
}

int fwd_agent_abort(fwd_agent *g) {
    int stage;
    if (g == NULL || fwd_layout_check(g->layout) != FWD_OK) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    stage = install_stage(g->layout);
    if (stage == INSTALL_UNDER_WAY || stage == STAGE_IO_ERROR) {
        return stage > 0 ? FWD_AGENT_ON_TRIAL : FWD_ERR_IO_ERROR; /* the agent log stays */
    }
    g->state = FWD_AGENT_IDLE;
    g->applier_open = 0;
    g->offset = 0;
    memset(g->header, 0, sizeof g->header);
    if (stage == INSTALL_ENDED) {
        return FWD_OK; /* installed, then confirmed or reverted: nothing to drop, the log stays */
    }
    return fwd_log_erase(&g->log) == 0 ? FWD_OK : FWD_ERR_IO_ERROR;
}
