/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fwdelta's device side in C99 (docs/DEVICE.md): the flash port, the write-once status logs, the
 * update agent and the bootloader. Same record layouts as the Java runtime (StatusLog,
 * AgentRecords, BootRecords), so the Java simulator and a C device read each other's flash.
 * No malloc, no recursion; all state in caller-provided structs.
 */
#ifndef FWDELTA_FWD_DEVICE_H
#define FWDELTA_FWD_DEVICE_H

#include <stdint.h>

#include "fwdelta/fwd_apply.h"

/* ---- Flash port: offsets from the start of the flash, NOR rules (erase whole sectors to the
 * erased value; program whole aligned units, bits only move away from the erased value). ---- */
typedef struct {
    /* Each returns 0, or nonzero on a refused or failed operation. */
    int (*read)(void *user, uint32_t offset, uint8_t *buf, uint32_t len);
    int (*program)(void *user, uint32_t offset, const uint8_t *buf, uint32_t len);
    int (*erase)(void *user, uint32_t sector);
    void *user;
} fwd_flash_ops;

/* COUNT sectors of SIZE bytes (a layout's `sectors = 4x16K, 1x64K, ...`). */
typedef struct {
    uint32_t count;
    uint32_t size;
} fwd_sector_group;

#define FWD_MAX_SECTOR_GROUPS 4u

typedef struct {
    uint32_t offset;
    uint32_t size;
} fwd_region;

/* A device layout (docs/DEVICE.md "Layouts"): flash geometry and the five regions. */
typedef struct {
    const char *name;
    fwd_flash_ops flash;
    fwd_sector_group groups[FWD_MAX_SECTOR_GROUPS];
    uint32_t group_count;
    uint32_t program_unit;
    uint8_t erased_value;
    fwd_region active, staging, scratch, agent_log, boot_log;
    /* The address offset 0 of this flash has on the bus (the layout's `flash_base`): a patch that
     * records a load address other than flash_base + active.offset is refused [WRONG_LOAD_ADDRESS]. */
    uint32_t flash_base;
    /* 1 on parts with ECC per unit (STM32L4/G0/H7; the layout's `ecc`): a unit takes one program per
     * erase, even of the bytes it holds. The agent then skips the units a resumed update finds
     * written, and begins the update again when one was torn (FWD_AGENT_RESTARTED). 0 or 1. */
    uint8_t ecc_units;
} fwd_layout;

/* The values docs/DEVICE.md "Layouts" allows (Java: FlashGeometry, SectorMap, DeviceLayout). */
#define FWD_MAX_PROGRAM_UNIT 32u /* program_unit: a power of two, 1 to 32 */
#define FWD_ERASED_00 0x00u      /* erased_value: 0x00 (STM32L0/L1) or 0xFF */
#define FWD_ERASED_FF 0xFFu

/*
 * FWD_OK if the layout is one docs/DEVICE.md "Layouts" allows, else FWD_ERR_BAD_ARGUMENT: the three
 * flash callbacks set; program_unit a power of two up to FWD_MAX_PROGRAM_UNIT; erased_value 0x00 or
 * 0xFF; ecc_units 0 or 1; 1 to FWD_MAX_SECTOR_GROUPS groups, each of at least one sector of a whole number (at least
 * one) of program units, at most 4 GiB - 1 in all; every region at least one byte, whole sectors
 * inside the flash, overlapping no other; active and staging of the same size, their sectors equal
 * pairwise and each no larger than the scratch area. fwd_agent_init, fwd_agent_begin,
 * fwd_agent_abort, fwd_boot and fwd_boot_confirm check it before they touch the flash.
 */
int fwd_layout_check(const fwd_layout *l);
/*
 * The geometry, log and swap-plan helpers from here to the update agent (fwd_sector_*,
 * fwd_erase_range, fwd_log_*, fwd_swap_groups, fwd_patch_id) are the agent's and the bootloader's
 * building blocks: they take a layout fwd_layout_check accepted and pointers that are not NULL,
 * and do not check them again (the entry points did), except where a comment says otherwise
 * (fwd_log_read, fwd_agent_records_read, fwd_boot_records_read).
 */
uint32_t fwd_sector_count(const fwd_layout *l);
uint32_t fwd_sector_start(const fwd_layout *l, uint32_t sector);
uint32_t fwd_sector_size(const fwd_layout *l, uint32_t sector);
/* The sector holding offset (offset must be inside the flash). */
uint32_t fwd_sector_at(const fwd_layout *l, uint32_t offset);
/* Erases every sector that overlaps [offset, offset + size). */
int fwd_erase_range(const fwd_layout *l, uint32_t offset, uint32_t size);

/* ---- Status log: 64-byte records, each programmed once ---- */
#define FWD_RECORD 64u
#define FWD_RECORD_PAYLOAD 56u

typedef struct {
    const fwd_layout *layout;
    fwd_region region;
    int32_t next; /* next free slot, -1 until scanned */
} fwd_log;

void fwd_log_open(fwd_log *log, const fwd_layout *l, fwd_region region);
uint32_t fwd_log_capacity(const fwd_log *log);
/* Reads slot i: 1 and the record if it is valid (magic and CRC), 0 if not or if i is not below
 * fwd_log_capacity (nothing read), -1 on I/O error or a NULL log or rec. */
int fwd_log_read(const fwd_log *log, uint32_t i, uint8_t rec[FWD_RECORD]);
/* Appends after the last slot that is not erased: 0, -1 on a flash error, FWD_LOG_FULL when no slot
 * is left (torn records use slots too: docs/DEVICE.md "Torn records"). */
int fwd_log_append(fwd_log *log, uint32_t type, const uint8_t payload[FWD_RECORD_PAYLOAD]);
#define FWD_LOG_FULL (-2)
/* Slots after the last one that is not erased (StatusLog.freeSlots), or -1 on a flash error. */
int32_t fwd_log_free(fwd_log *log);
int fwd_log_erase(fwd_log *log);
/* Slots each log keeps for records torn by power cuts (fwd_agent_begin's fit check; Java
 * SwapPlan.BOOT_LOG_SPARE, UpdateAgent.AGENT_LOG_SPARE; docs/DEVICE.md "Torn records"). */
#define FWD_BOOT_LOG_SPARE 8u
#define FWD_AGENT_LOG_SPARE 4u

/* Agent log record types and boot log record types (docs/DEVICE.md). */
enum {
    FWD_REC_HEADER = 1, FWD_REC_BEGIN = 2, FWD_REC_BLOCK = 3, FWD_REC_STAGED = 4, FWD_REC_MAP = 5,
    FWD_REC_INSTALL = 16, FWD_REC_STEP = 17, FWD_REC_SWAPPED = 18, FWD_REC_TRIAL = 19,
    FWD_REC_CONFIRMED = 20, FWD_REC_REVERT = 21, FWD_REC_REVERTED = 22,
    FWD_REC_FULL = 23 /* fills the boot log when fwd_boot reverted without it: no reader takes it */
};
#define FWD_HEADER_PART 52u
#define FWD_HEADER_PARTS 5u
#define FWD_MAX_MAP_PARTS 256u

/* What the agent log says (AgentRecords.java). */
typedef struct {
    int active; /* all five HEADER parts and a BEGIN naming that header */
    uint8_t header[FWD_HEADER_MAX];
    uint64_t patch_id;
    int has_block;
    fwd_resume last_block;
    uint8_t pending[FWD_MAX_PROGRAM_UNIT]; /* fewer than program_unit bytes */
    uint32_t pending_len;
    int staged;
    uint8_t map_parts[FWD_MAX_MAP_PARTS / 8u]; /* which MAP parts were logged */
} fwd_agent_records;

/* 0, -1 on a flash error, FWD_ERR_BAD_ARGUMENT for a NULL l or r (the layout one fwd_layout_check took). */
int fwd_agent_records_read(const fwd_layout *l, fwd_agent_records *r);
/* First 8 bytes (little-endian) of SHA-256 of the header zero-padded to 256 bytes. */
uint64_t fwd_patch_id(const uint8_t header[FWD_HEADER_MAX]);

/* What the boot log says (BootRecords.java). */
typedef struct {
    uint64_t patch_id;
    int installed;
    uint32_t groups;
    int32_t last_group[2];
    uint32_t last_phase[2];
    int swapped, trial, confirmed, revert_started, reverted;
} fwd_boot_records;

/* STEP fields (docs/DEVICE.md): pass 0 (install) or 1 (revert), phase 1..3, group below INSTALL's count. */
#define FWD_PASS_INSTALL 0u
#define FWD_PASS_REVERT 1u
#define FWD_PHASE_FIRST 1u
#define FWD_PHASE_LAST 3u
/* For fwd_boot_records_expect: an INSTALL may name any group count up to fwd_boot_max_groups. */
#define FWD_ANY_GROUPS 0u

/* What the boot log says. A record whose CRC holds but whose fields are out of their limits is
 * ignored as a torn one is (BootRecords.java): an INSTALL naming no group, more than
 * fwd_boot_max_groups, or (fwd_boot_records_expect) other than groups; a STEP of another pass or
 * phase, or of a group not below the INSTALL's count, or with no INSTALL before it. 0, -1 on a
 * flash error, FWD_ERR_BAD_ARGUMENT for a NULL l or b (the layout one fwd_layout_check took). */
int fwd_boot_records_read(const fwd_layout *l, fwd_boot_records *b);
int fwd_boot_records_expect(const fwd_layout *l, uint32_t groups, fwd_boot_records *b);
/* The most groups an INSTALL may name in a boot log of capacity records: 1 + 6 x groups + 5 records fit
 * (install, revert, one more: the fit check before FWD_BOOT_LOG_SPARE; BootRecords.maxGroups). Every
 * install an agent begins, with or without the spare slots, is within it. */
uint32_t fwd_boot_max_groups(uint32_t capacity);
int fwd_boot_awaiting_confirmation(const fwd_boot_records *b);
/* The bootloader installs, runs on trial or reverts patch_id (the agent log's): from the INSTALL
 * record until CONFIRMED or REVERTED. The agent log must stay as it is (the bootloader acts on the
 * boot log only while the agent log names the same patch). */
int fwd_boot_install_under_way(const fwd_boot_records *b, uint64_t patch_id);

/* ---- Swap plan: groups of consecutive slot sectors that fit the scratch area ---- */
/* Number of groups covering bytes of the slot; also the offset and length of group g when wanted. */
uint32_t fwd_swap_groups(const fwd_layout *l, uint32_t bytes, uint32_t g, uint32_t *group_offset,
                         uint32_t *group_len);

/* ---- Update agent (UpdateAgent.java) ---- */
enum { FWD_AGENT_IDLE = 0, FWD_AGENT_RECEIVING = 1, FWD_AGENT_STAGED = 2, FWD_AGENT_FAILED = 3 };

/* The device's rules on a header (UpdatePolicy.java). trust: the keys whose signatures it accepts
 * (fwd_crypto.h; must outlive the agent); NULL accepts unsigned patches, a development setting.
 * running_image: the running image's checksums as the device measured them at this boot
 * (fwd_image_checksums_measure over the active slot; must outlive the agent), or NULL. A patch
 * whose old_size is that size is checked against them instead of the agent reading the whole
 * active slot again (Java: UpdateAgent's runningImage). */
typedef struct {
    uint32_t ram_budget;
    uint64_t installed_version;
    uint32_t hardware_id;
    const fwd_trust *trust;
    const fwd_image_checksums *running_image;
} fwd_policy;

#define FWD_STAGING_CHUNK 256u

/* The RAM budget of fwd_agent on a 32-bit MCU (checked at compile time in fwd_agent.c): the
 * applier's context (at most FWD_CONTEXT_MAX, which decoder_ram counts), the staging buffer, one
 * record, the header, a MAP part and 140 bytes for the policy, the log and the counters: 1,792
 * bytes (1,760 on a Cortex-M4). The applier's work buffer (decoder_ram - FWD_CONTEXT_MAX) is the
 * caller's, on top. */
#define FWD_AGENT_RAM_MAX (FWD_CONTEXT_MAX + FWD_STAGING_CHUNK + FWD_RECORD + FWD_HEADER_MAX + FWD_HEADER_PART + 140u)

/* Agent results beyond fwd_error: the running image is on trial (or being installed or reverted:
 * fwd_agent_begin and fwd_agent_abort refuse then); the agent is not receiving; on an ECC part a
 * unit torn by a power cut made the agent begin the same patch again (fwd_agent_receive,
 * fwd_agent_finish): the patch is expected again from fwd_agent.offset, the payload start (the
 * UART session answers NAK reason 3; docs/PROTOCOL.md "Restart"). */
#define FWD_AGENT_ON_TRIAL 0xFFFE
#define FWD_AGENT_NOT_RECEIVING 0xFFFD
#define FWD_AGENT_RESTARTED 0xFFFC

typedef struct {
    const fwd_layout *layout;
    fwd_policy policy;
    fwd_log log;
    uint32_t state;
    uint8_t header[FWD_HEADER_MAX];
    uint32_t header_size;
    uint32_t patch_length;
    uint32_t offset;
    int applier_open;
    fwd_applier applier;
    uint8_t *work;
    uint32_t work_size;
    /* staging writer */
    uint8_t buffer[FWD_STAGING_CHUNK];
    uint32_t buffer_start;
    uint32_t buffered;
    uint32_t session_start;
    int32_t prepared_upto;
    /* map section being logged (MAP records) */
    uint8_t map_part[FWD_HEADER_PART];
    uint32_t map_seen;
    /* scratch for verification and records */
    uint8_t record[FWD_RECORD];
    /* the staging writer met a torn unit on an ECC part: the update begins again */
    uint32_t torn_unit;
} fwd_agent;

/* Reads the agent's state from flash. work: the applier's work buffer (decoder_ram). A layout
 * fwd_layout_check refuses, or a NULL policy: FWD_ERR_BAD_ARGUMENT, nothing read, and the agent
 * refuses every call (begin and abort with FWD_ERR_BAD_ARGUMENT, receive and finish with
 * FWD_AGENT_NOT_RECEIVING, as an agent never initialised, all zero, does). A NULL g: BAD_ARGUMENT. */
int fwd_agent_init(fwd_agent *g, const fwd_layout *l, const fwd_policy *p, uint8_t *work, uint32_t work_size);
/* Offers a patch by its header (header_size bytes): 0 and *from = the patch offset to send from,
 * or an fwd_error / FWD_AGENT_ON_TRIAL (nothing written before every check passed). A NULL g,
 * header or from: FWD_ERR_BAD_ARGUMENT, nothing read or written. A work buffer smaller than the
 * patch needs: FWD_ERR_RAM_BUDGET_EXCEEDED, also when the agent takes up a logged update after a
 * reboot (the resume's own code, not IO_ERROR; the update has then FAILED, the flash untouched). */
int fwd_agent_begin(fwd_agent *g, const uint8_t *header, uint32_t len, uint32_t *from);
/* The patch's next len bytes. A NULL g, or a NULL b with len above 0: FWD_ERR_BAD_ARGUMENT, nothing
 * consumed, the update goes on. Not receiving (before begin, after finish or a failure):
 * FWD_AGENT_NOT_RECEIVING. Any other error ends the update (FWD_AGENT_FAILED; on an ECC part a torn
 * unit begins it again instead, FWD_AGENT_RESTARTED), a flash callback's nonzero return as
 * FWD_ERR_IO_ERROR; nothing is then staged. */
int fwd_agent_receive(fwd_agent *g, const uint8_t *b, uint32_t len);
/* Checks the patch and the staged image read back from flash, then logs STAGED: 0. A NULL g:
 * FWD_ERR_BAD_ARGUMENT; called twice or while not receiving: FWD_AGENT_NOT_RECEIVING. */
int fwd_agent_finish(fwd_agent *g);
/* Drops an update being received or staged (not yet installed): erases the agent log. While the
 * bootloader installs, runs on trial or reverts the agent log's patch: FWD_AGENT_ON_TRIAL, nothing
 * written (the bootloader finishes, reverts or keeps the image by that log). After its CONFIRMED or
 * REVERTED: FWD_OK, nothing written (nothing to drop; the log tells fwd_boot which image runs).
 * A NULL g: FWD_ERR_BAD_ARGUMENT. */
int fwd_agent_abort(fwd_agent *g);

/* ---- Bootloader (Bootloader.java) ---- */
/* The RAM budget of fwd_boot's static state (checked at compile time in fwd_boot.c): the 256-byte
 * copy buffer and what the two logs say, read once per boot (fwd_agent_records with the 256-byte
 * header, fwd_boot_records). Its stack comes on top (the parsed header, a record, the SHA-256 state
 * that checks a slot): docs/DEVICE.md's RAM table gives both, tools/stack-depth.py checks the stack. */
#define FWD_BOOT_RAM_MAX 704u
enum { FWD_BOOT_OLD = 0, FWD_BOOT_NEW = 1, FWD_BOOT_UNKNOWN = 2 };

typedef struct {
    uint32_t image; /* FWD_BOOT_OLD / NEW / UNKNOWN: what the active slot holds */
    int trial;
} fwd_boot_result;

/* Runs at reset: finishes an install or revert under way, then says what the active slot holds.
 * With the boot log full it reverts by the slots' checksums, without the log (docs/DEVICE.md "When
 * the boot log is full"). 0, or nonzero: -1 on a flash error, FWD_ERR_BAD_ARGUMENT for a layout fwd_layout_check refuses
 * or a NULL result (the flash untouched). */
int fwd_boot(const fwd_layout *l, fwd_boot_result *result);
/* The application confirms the image it runs on trial (the same results as fwd_boot). */
int fwd_boot_confirm(const fwd_layout *l);

#endif
