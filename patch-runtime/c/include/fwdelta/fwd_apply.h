/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fwdelta's streaming patch applier in C99 (docs/FORMAT.md): push API, no malloc, no recursion.
 *
 *   fwd_applier a;                                  (the context: sizeof(fwd_applier) bytes)
 *   fwd_apply_init(&a, &port, work, sizeof work);   (work: the codec's memory, 4-byte aligned)
 *   fwd_apply_set_slot_address(&a, slot);           (optional: refuse a patch linked for another slot)
 *   fwd_apply_process(&a, chunk, n);                (any chunk size, down to 1 byte)
 *   fwd_apply_finish(&a);                           (FWD_OK only when every checksum matched)
 *
 * The old image is read through port.read_old (random access), the new image is written in
 * order through port.write_new. Any error is sticky: every later call returns it again.
 *
 * Misuse is FWD_ERR_BAD_ARGUMENT, with nothing read or written: a NULL context, port, callback or
 * chunk (a NULL chunk of 0 bytes is nothing to do), a misaligned work buffer, a context
 * fwd_apply_init never set up (all zero, as a static one is before init), process or finish after
 * finish returned FWD_OK, an option or the trust store after the first byte, a resume point the
 * header cannot hold. A work buffer or port.ram_budget below what the header needs is
 * FWD_ERR_RAM_BUDGET_EXCEEDED before the first write; a read_old or write_new or block callback
 * that returns nonzero (a status, a count: anything but 0) is FWD_ERR_IO_ERROR.
 */
#ifndef FWDELTA_FWD_APPLY_H
#define FWDELTA_FWD_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_crypto.h"
#include "fwdelta/fwd_errors.h"

/* Reads len bytes of the old image at offset into buf; returns 0, or nonzero on an I/O error. */
typedef int (*fwd_read_fn)(void *user, uint32_t offset, uint8_t *buf, uint32_t len);
/* Appends len bytes to the new image (the staging slot); returns 0, or nonzero on an I/O error. */
typedef int (*fwd_write_fn)(void *user, const uint8_t *buf, uint32_t len);

/*
 * An image's checksums as the device measured them, e.g. its bootloader at boot before starting it
 * (fwd_image_checksums_measure). crc32_mpeg2 counts only when has_mpeg2 is set.
 */
typedef struct {
    uint32_t size;
    uint32_t crc32;
    uint32_t crc32_mpeg2;
    uint8_t has_mpeg2;
    uint8_t sha256[32];
} fwd_image_checksums;

typedef struct {
    fwd_read_fn read_old;
    fwd_write_fn write_new;
    void *user;
    /* Size of the old image in its slot: must equal the patch's old_size [WRONG_BASE_IMAGE]. */
    uint32_t old_size;
    /* RAM the device gives the applier: a larger decoder_ram is refused [RAM_BUDGET_EXCEEDED]. */
    uint32_t ram_budget;
} fwd_port;

/*
 * Reads size bytes through read (buf_len bytes at a time into buf) and fills out with their size,
 * CRC-32, CRC-32/MPEG-2 and SHA-256: what a device measures of its running image at boot.
 * Returns FWD_OK, or FWD_ERR_IO_ERROR when read fails or an argument is missing (read, buf or out
 * NULL, buf_len 0).
 */
fwd_error fwd_image_checksums_measure(fwd_read_fn read, void *user, uint32_t size, uint8_t *buf, uint32_t buf_len,
                                      fwd_image_checksums *out);

/* The fixed applier state that decoder_ram counts (FORMAT.md 4): the context fits it on 32-bit MCUs. */
#define FWD_CONTEXT_MAX 1024u
#define FWD_HEADER_MAX 256u
#define FWD_BLOCK_HEADER_MAX 34u
#define FWD_OLD_READ_BUFFER 64u
#define FWD_LZMA_INPUT_BUFFER 64u

/* The checked header (docs/FORMAT.md 1). */
typedef struct {
    uint16_t version;
    uint16_t header_size;
    uint32_t flags;
    uint8_t codec;
    uint8_t codec_props;
    uint8_t has_mpeg2;
    uint8_t has_payload_sha;
    uint8_t sig_algorithm;
    /* Version 3 with flag LOAD_ADDRESS (bit 3): where the new image is programmed (FORMAT.md 1.2). */
    uint8_t has_load_address;
    /* 0 under flag SHA_ONLY (bit 4, FORMAT.md 1.2): old_crc32 and new_crc32 are not recorded. */
    uint8_t has_crc32;
    /* Bytes of old_sha256 recorded: 16 under flag SHA_ONLY (its first half), else 32. */
    uint8_t old_sha256_len;
    uint32_t load_address;
    uint32_t map_count;
    uint32_t map_bytes;
    uint32_t codec_window;
    uint32_t decoder_ram;
    uint32_t max_block_raw;
    uint32_t block_count;
    uint32_t payload_length;
    uint32_t old_size;
    uint32_t old_crc32;
    uint32_t old_crc32_mpeg2;
    uint32_t new_size;
    uint32_t new_crc32;
    uint32_t new_crc32_mpeg2;
    uint64_t firmware_version;
    uint32_t hardware_id;
    uint8_t old_sha256[32];
    uint8_t new_sha256[32];
    uint8_t payload_sha256[32];
} fwd_header;

/*
 * The applier's state at a block boundary (ResumePoint.java): what an update agent logs after each
 * block so that it can continue there after a power cut (docs/DEVICE.md).
 */
typedef struct {
    uint32_t blocks_done;
    uint32_t patch_offset;
    uint32_t new_offset;
    uint32_t old_offset;
} fwd_resume;

/* Called after each block was applied and checked; nonzero fails the apply with IO_ERROR. */
typedef int (*fwd_block_fn)(void *user, const fwd_resume *at);

/* Parses and checks a whole header in b[0..len) (len >= header_size; FWD_ERR_TRUNCATED if shorter,
 * FWD_ERR_BAD_ARGUMENT for a NULL b or h). */
fwd_error fwd_header_parse(const uint8_t *b, uint32_t len, fwd_header *h);
/* Checks the 8-byte prefix; *size receives header_size. FWD_ERR_BAD_ARGUMENT for a NULL b or size. */
fwd_error fwd_header_prefix(const uint8_t *b, uint32_t *size);
/*
 * An update agent's check before its first erase: FWD_OK if the patch records no load address or
 * records slot_address (where the new image will run), else FWD_ERR_WRONG_LOAD_ADDRESS. Safe after
 * fwd_apply_process only when exactly header_size bytes were fed: a longer chunk goes on into the
 * blocks and writes. fwd_apply_set_slot_address makes the applier check it in time whatever the chunks.
 */
fwd_error fwd_header_check_load_address(const fwd_header *h, uint32_t slot_address);
/*
 * Whether a measured image is the header's base: FWD_OK when its size, SHA-256, CRC-32 and (when
 * both record it) CRC-32/MPEG-2 are those the header records of the old image, else
 * FWD_ERR_WRONG_BASE_IMAGE. Under flag SHA_ONLY the header has no CRC-32 and the SHA-256's first
 * old_sha256_len (16) bytes: only those are compared. A caller that gets FWD_OK may call
 * fwd_apply_set_base_checked. A NULL measured is WRONG_BASE_IMAGE, a NULL h FWD_ERR_BAD_ARGUMENT.
 */
fwd_error fwd_base_matches(const fwd_header *h, const fwd_image_checksums *measured);

/* ---- Everything below is the applier's private state, public only so that it can be static. ---- */

/* The ring of the last window bytes decoded in a block (the codec's only output buffer). */
typedef struct {
    uint8_t *ring;
    uint32_t size;
    uint32_t pos;
    uint32_t flushed;
    uint32_t total;
} fwd_window;

typedef struct {
    uint8_t in[FWD_LZMA_INPUT_BUFFER];
    uint32_t in_pos;
    uint32_t in_limit;
    uint32_t range;
    uint32_t code;
    fwd_error err;
} fwd_range_decoder;

typedef struct {
    uint16_t *probs;
    uint32_t prob_count;
    uint32_t lc, lp_mask, pb_mask; /* lp_mask: 2^lp - 1 */
    fwd_range_decoder rc;
    uint32_t encoded_left;
    uint32_t raw_length;
    uint32_t started;
    uint32_t state;
    uint32_t rep0, rep1, rep2, rep3;
} fwd_lzma;

typedef struct {
    uint32_t state;
    uint32_t raw_length;
    uint32_t literals_left;
    uint32_t match_length;
    uint32_t offset;
} fwd_lz4;

typedef struct {
    uint32_t state;
    uint32_t varint;
    uint32_t varint_bytes;
    uint32_t remaining;
    uint32_t old_pos;
    uint32_t new_pos;
    uint32_t diff_left;
    uint32_t zero_run;
    /* old_buf holds old bytes cache_base + [0, cache_end) (relocated where there is a map) */
    uint32_t cache_base;
    uint8_t cache_end;
    uint8_t pending; /* new bytes in old_buf, just before old_pos, not emitted yet */
    uint8_t max_kind;
    uint8_t sparse;
} fwd_records;

/* The relocation map (its 8-byte entries, in the work buffer) and the view's window of old bytes. */
typedef struct {
    uint8_t *section;
    uint32_t filled;
    uint32_t field;
    uint64_t value;
    uint64_t previous_start;
    uint32_t varint_bytes;
    uint32_t ready;
    uint32_t image_base;
    uint32_t transforms;
    uint8_t window[FWD_OLD_READ_BUFFER + 2u * 36u];
} fwd_reloc;

typedef struct {
    uint32_t crc32;
    uint32_t mpeg2;
    fwd_sha256 sha;
    uint32_t size;
} fwd_image_sum;

typedef struct {
    fwd_port port;
    const fwd_trust *trust;
    uint8_t *work;
    uint32_t work_size;
    fwd_error err;
    uint32_t state;
    uint32_t buffered;
    uint32_t header_target;
    fwd_header h;
    uint32_t payload_left;
    uint32_t block_index;
    uint32_t block_fields[7];
    uint32_t block_encoded_left;
    uint32_t block_out_start;
    uint32_t block_crc;
    fwd_image_sum new_sum;
    fwd_sha256 payload_sha;
    fwd_window window;
    uint32_t stored_left;
    fwd_block_fn on_block;
    uint8_t resumed;
    /* fwd_apply_set_base_checked: the old image is not read and hashed before the first write. */
    uint8_t base_checked;
    /* fwd_apply_set_slot_address: a header's load_address must be slot_address. */
    uint8_t has_slot_address;
    uint32_t slot_address;
    /*
     * Two phases share these bytes. The header bytes are dead once the header is parsed and its
     * signature checked (on_header); only after that does on_header read old-image bytes into
     * old_buf (the base image check) and set up the codec, the relocation map and the records,
     * and only then do block headers arrive.
     */
    union {
        uint8_t header_buf[FWD_HEADER_MAX];
        struct {
            uint8_t block_header_buf[FWD_BLOCK_HEADER_MAX];
            uint8_t old_buf[FWD_OLD_READ_BUFFER];
            /* One codec per patch: only the state of the header's codec is ever used. */
            union {
                fwd_lzma lzma;
                fwd_lz4 lz4;
            } codec;
            fwd_records rec;
            fwd_reloc reloc;
        } blocks;
    } buf;
} fwd_applier;

/* Bytes of work buffer the codec of a checked header needs (0 for codec none). */
uint32_t fwd_codec_work_size(const fwd_header *h);
/* Bytes of work buffer a checked header needs: the codec's memory and 8 per relocation map entry. */
uint32_t fwd_work_size(const fwd_header *h);

fwd_error fwd_apply_init(fwd_applier *a, const fwd_port *port, uint8_t *work, uint32_t work_size);
/*
 * Requires a signature from one of trust's keys (fwd_crypto.h; NULL: no signature check). Call it
 * after fwd_apply_init and before the first fwd_apply_process; trust must outlive the applier.
 * FWD_ERR_BAD_ARGUMENT (sticky) for a trust store with no verify callback, or with key_count keys
 * but keys NULL, and after the first byte.
 */
fwd_error fwd_apply_set_trust(fwd_applier *a, const fwd_trust *trust);
/*
 * Before the first byte, only when the caller has compared the header's old-image checksums with a
 * measurement of the old image (fwd_base_matches, e.g. with what the bootloader measured at boot):
 * the applier then checks only old_size and does not read and hash the whole old image again.
 * Java: OldImage.knownChecksums(). FWD_ERR_BAD_ARGUMENT after the first byte.
 */
fwd_error fwd_apply_set_base_checked(fwd_applier *a);
/*
 * Before the first byte: the address of the slot the new image will run from. A patch that records
 * another load address (FORMAT.md 1.3) is then refused with FWD_ERR_WRONG_LOAD_ADDRESS as soon as
 * its header is in, right after the signature check, before the old image is read and before the
 * first write_new, however the patch is cut into chunks. Java: UpdatePolicy.slotAddress.
 * FWD_ERR_BAD_ARGUMENT after the first byte.
 */
fwd_error fwd_apply_set_slot_address(fwd_applier *a, uint32_t slot_address);
fwd_error fwd_apply_process(fwd_applier *a, const uint8_t *chunk, size_t len);
fwd_error fwd_apply_finish(fwd_applier *a);
/* Calls fn(port.user, resume point) after every block (set before the first block; a NULL a is ignored). */
void fwd_apply_on_block(fwd_applier *a, fwd_block_fn fn);
/*
 * Continues a patch at a block boundary: call after init and after processing the header (and the
 * relocation map section, if the patch has one). Later bytes are those from at->patch_offset on.
 * The payload SHA-256 and the new image's checksums then cannot be checked by the applier (earlier
 * bytes are gone): the caller verifies the stored new image itself (the update agent reads it back).
 * FWD_ERR_BAD_ARGUMENT (sticky) for a NULL at, a call before the header is in or after a block was
 * applied, or a point past the header's counts: blocks_done above block_count, patch_offset before
 * the payload (or its map) or past its end, new_offset above new_size, old_offset above old_size.
 */
fwd_error fwd_apply_resume(fwd_applier *a, const fwd_resume *at);
/* The checked header (also after finish), or NULL until all its bytes were processed, for a NULL
 * context and for one fwd_apply_init never set up. */
const fwd_header *fwd_apply_header(const fwd_applier *a);

#endif
