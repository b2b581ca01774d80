/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The push-style applier (a port of PatchApplier.java):
 *   HEADER --header_size bytes--> (check header, RAM, old image) --> MAP (if any) -->
 *   BLOCK_HEADER --28 bytes (format 3: 10..34)--> BLOCK_DATA --encoded_length--> ... --> END
 * Any error is sticky; FWD_OK from fwd_apply_finish only after every checksum matched.
 */
#include <string.h>

#include "fwd_internal.h"

static fwd_error fail(fwd_applier *a, fwd_error e);

/*
 * decoder_ram (docs/FORMAT.md 4) counts FWD_CONTEXT_MAX bytes of fixed applier state: on a 32-bit
 * MCU the whole context must fit them, so that context + work buffer <= decoder_ram. The build of
 * any 32-bit target fails here when the context outgrows it (64-bit hosts have wider pointers).
 */
typedef char fwd_context_fits_decoder_ram[(sizeof(void *) > 4u || sizeof(fwd_applier) <= FWD_CONTEXT_MAX) ? 1 : -1];

/* ST_DONE is 0: a context fwd_apply_init never set up (a static one is all zero) is refused as one
 * used after finish is, at no cost in code. */
enum { ST_DONE, ST_HEADER, ST_MAP, ST_BLOCK_HEADER, ST_BLOCK_DATA, ST_END };

#define PREFIX_SIZE 8u
#define BLOCK_HEADER_SIZE 28u
#define MIN_COMPACT_BLOCK_HEADER 10u
#define F_INDEX 0
#define F_ENCODED 1
#define F_RAW 2
#define F_NEW_OFFSET 3
#define F_OLD_OFFSET 4
#define F_OUT_LENGTH 5
#define F_OUT_CRC 6

fwd_error fwd_apply_init(fwd_applier *a, const fwd_port *port, uint8_t *work, uint32_t work_size) {
    if (a == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    memset(a, 0, sizeof *a);
    if (port == NULL || port->read_old == NULL || port->write_new == NULL
            || (work == NULL && work_size != 0) || ((uintptr_t) work & 3u) != 0) {
        a->err = FWD_ERR_BAD_ARGUMENT;
        return a->err;
    }
    a->port = *port;
    a->work = work;
    a->work_size = work_size;
    a->state = ST_HEADER;
    a->header_target = PREFIX_SIZE;
    fwd_sha256_init(&a->payload_sha);
    return FWD_OK;
}

fwd_error fwd_apply_set_trust(fwd_applier *a, const fwd_trust *trust) {
    if (a == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    if (a->err == FWD_OK && (a->state != ST_HEADER || a->buffered != 0
            || (trust != NULL && (trust->verify == NULL || (trust->keys == NULL && trust->key_count != 0))))) {
        a->err = FWD_ERR_BAD_ARGUMENT;
    }
    if (a->err == FWD_OK) {
        a->trust = trust;
    }
    return a->err;
}

/* The options that change what the header's checks do: set before the first byte or not at all
 * (a sticky BAD_ARGUMENT after it), since the header may already have been checked without them. */
static fwd_error option_in_time(fwd_applier *a) {
    if (a->err == FWD_OK && (a->state != ST_HEADER || a->buffered != 0)) {
        a->err = FWD_ERR_BAD_ARGUMENT;
    }
    return a->err;
}

fwd_error fwd_apply_set_base_checked(fwd_applier *a) {
    if (a == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    if (option_in_time(a) == FWD_OK) {
        a->base_checked = 1;
    }
    return a->err;
}

fwd_error fwd_apply_set_slot_address(fwd_applier *a, uint32_t slot_address) {
    if (a == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    if (option_in_time(a) == FWD_OK) {
        a->has_slot_address = 1;
        a->slot_address = slot_address;
    }
    return a->err;
}

const fwd_header *fwd_apply_header(const fwd_applier *a) {
    /* header_target: 0 in a context never set up, whose state reads as ST_DONE */
    return a == NULL || a->state == ST_HEADER || a->header_target == 0 ? NULL : &a->h;
}

static void sum_start(fwd_image_sum *s) {
    s->crc32 = 0;
    s->mpeg2 = 0xFFFFFFFFu;
    fwd_sha256_init(&s->sha);
    s->size = 0;
}

void fwd_image_sum_update(fwd_image_sum *s, const uint8_t *b, uint32_t len, int mpeg2) {
    s->crc32 = fwd_crc32_update(s->crc32, b, len);
    if (mpeg2) {
        s->mpeg2 = fwd_crc32_mpeg2_update(s->mpeg2, b, len);
    }
    fwd_sha256_update(&s->sha, b, len);
    s->size += len;
}

/* Whether the image summed in s has the size and checksums the header records: the CRC-32 unless
 * flag SHA_ONLY left it out, the first sha_len bytes of the SHA-256. */
static int sum_matches(fwd_image_sum *s, const fwd_header *h, uint32_t size, uint32_t crc, uint32_t mpeg2,
                       const uint8_t *sha, uint32_t sha_len) {
    uint8_t digest[32];
    uint32_t diff = 0;
    uint32_t i;
    fwd_sha256_final(&s->sha, digest);
    for (i = 0; i < sha_len; i++) {
        diff |= (uint32_t) (digest[i] ^ sha[i]);
    }
    return diff == 0 && s->size == size && (!h->has_crc32 || s->crc32 == crc) && (!h->has_mpeg2 || s->mpeg2 == mpeg2);
}

/* The same loop as check_old_image's, kept apart: one shared helper made the -Os LZMA + stored
 * build 84 bytes larger (tools/cortex-m4-size), past its 8 KiB goal. */
fwd_error fwd_image_checksums_measure(fwd_read_fn read, void *user, uint32_t size, uint8_t *buf, uint32_t buf_len,
                                      fwd_image_checksums *out) {
    fwd_image_sum s;
    uint32_t pos = 0;
    if (read == NULL || buf == NULL || buf_len == 0u || out == NULL) {
        return FWD_ERR_IO_ERROR;
    }
    sum_start(&s);
    while (pos < size) {
        uint32_t n = size - pos < buf_len ? size - pos : buf_len;
        if (read(user, pos, buf, n) != 0) {
            return FWD_ERR_IO_ERROR;
        }
        fwd_image_sum_update(&s, buf, n, 1);
        pos += n;
    }
    out->size = size;
    out->crc32 = s.crc32;
    out->crc32_mpeg2 = s.mpeg2;
    out->has_mpeg2 = 1;
    fwd_sha256_final(&s.sha, out->sha256);
    return FWD_OK;
}

fwd_error fwd_base_matches(const fwd_header *h, const fwd_image_checksums *m) {
    if (h == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    return m != NULL && m->size == h->old_size && (!h->has_crc32 || m->crc32 == h->old_crc32)
            && memcmp(m->sha256, h->old_sha256, h->old_sha256_len) == 0
            && (!h->has_mpeg2 || !m->has_mpeg2 || m->crc32_mpeg2 == h->old_crc32_mpeg2)
            ? FWD_OK : FWD_ERR_WRONG_BASE_IMAGE;
}

/* The base image check: size, CRC-32, CRC-32/MPEG-2 (formats 1, 2), SHA-256, before any write. */
static fwd_error check_old_image(fwd_applier *a) {
    fwd_image_sum s;
    uint32_t pos = 0;
    const fwd_header *h = &a->h;
    if (a->port.old_size != h->old_size) {
        return FWD_ERR_WRONG_BASE_IMAGE;
    }
    if (a->base_checked) {
        return FWD_OK; /* the caller compared a measurement of it (fwd_base_matches) */
    }
    sum_start(&s);
    while (pos < h->old_size) {
        uint32_t n = h->old_size - pos < FWD_OLD_READ_BUFFER ? h->old_size - pos : FWD_OLD_READ_BUFFER;
        if (a->port.read_old(a->port.user, pos, a->buf.blocks.old_buf, n) != 0) {
            return FWD_ERR_IO_ERROR;
        }
        fwd_image_sum_update(&s, a->buf.blocks.old_buf, n, h->has_mpeg2);
        pos += n;
    }
    return sum_matches(&s, h, h->old_size, h->old_crc32, h->old_crc32_mpeg2, h->old_sha256, h->old_sha256_len)
            ? FWD_OK : FWD_ERR_WRONG_BASE_IMAGE;
}

static fwd_error next_block_or_end(fwd_applier *a) {
    const fwd_header *h = &a->h;
    if (a->block_index < h->block_count) {
        if (a->payload_left < (h->version == 3u ? MIN_COMPACT_BLOCK_HEADER : BLOCK_HEADER_SIZE)) {
            return FWD_ERR_BAD_PAYLOAD_LENGTH;
        }
        a->state = ST_BLOCK_HEADER;
        return FWD_OK;
    }
    if (a->payload_left != 0) {
        return FWD_ERR_BAD_PAYLOAD_LENGTH;
    }
    if (a->buf.blocks.rec.new_pos != h->new_size) {
        return FWD_ERR_NEW_IMAGE_MISMATCH;
    }
    a->state = ST_END;
    return FWD_OK;
}

static fwd_error on_header(fwd_applier *a) {
    fwd_header *h = &a->h;
    fwd_error e = fwd_header_parse(a->buf.header_buf, a->header_target, h);
    uint32_t need;
    if (e != FWD_OK) {
        return e;
    }
    /* Device policy in the order of HeaderPolicyCheck.java: the signature, then the RAM budget. */
    if (a->trust != NULL) {
        e = fwd_header_check_signature(a->trust, a->buf.header_buf, a->header_target);
        if (e != FWD_OK) {
            return e;
        }
    }
    /* Before the old image is read or anything written: an image linked for another slot must
     * not reach this one, whatever the caller's chunks are. */
    if (a->has_slot_address && h->has_load_address && h->load_address != a->slot_address) {
        return FWD_ERR_WRONG_LOAD_ADDRESS;
    }
    /* The header bytes are dead from here on: the block phase's state starts from zero. */
    memset(&a->buf.blocks, 0, sizeof a->buf.blocks);
    if (h->decoder_ram > a->port.ram_budget) {
        return FWD_ERR_RAM_BUDGET_EXCEEDED;
    }
    need = fwd_work_size(h);
    if (need > a->work_size) {
        return FWD_ERR_RAM_BUDGET_EXCEEDED;
    }
    e = check_old_image(a);
    if (e != FWD_OK) {
        return e;
    }
    sum_start(&a->new_sum);
    a->payload_left = h->payload_length;
    if (h->codec >= FWD_CODEC_LZMA) {
        /* lzma: probabilities, ring; split: probabilities, control probabilities and state, ring */
        fwd_lzma_setup(&a->buf.blocks.codec.lzma, a->work, h->codec_props);
        a->window.ring = a->work + 2u * a->buf.blocks.codec.lzma.prob_count;
#if FWD_WITH_SPLIT
        if (h->codec == FWD_CODEC_SPLIT) {
            a->window.ring += 2u * FWD_SPLIT_CONTROL_PROBS + FWD_SPLIT_STATE;
        }
#endif
    } else {
        a->window.ring = a->work;
    }
    a->window.size = h->codec_window;
    if (h->map_count > 0) {
        if (a->payload_left < h->map_bytes) {
            return FWD_ERR_BAD_PAYLOAD_LENGTH;
        }
        fwd_map_start(a, a->work + fwd_codec_work_size(h));
        a->state = ST_MAP;
        return FWD_OK;
    }
    fwd_records_start(&a->buf.blocks.rec, h->version == 3u ? 1u : 0u);
    return next_block_or_end(a);
}

/* Whether b[0..len) holds a whole format-3 block header: six varints and four CRC bytes. */
static fwd_error compact_complete(const uint8_t *b, uint32_t len, int *complete) {
    uint32_t varints = 0;
    uint32_t run = 0;
    uint32_t i;
    for (i = 0; i < len && varints < 6u; i++) {
        run++;
        if (run > 5u) {
            return FWD_ERR_BAD_VARINT;
        }
        if ((b[i] & 0x80u) == 0) {
            varints++;
            run = 0;
        }
    }
    *complete = varints == 6u && len - i == 4u;
    return FWD_OK;
}

static fwd_error compact_fields(const uint8_t *b, uint32_t *out) {
    uint32_t at = 0;
    uint32_t f;
    for (f = 0; f < 6u; f++) {
        uint64_t v = 0;
        uint32_t shift = 0;
        uint32_t x;
        do {
            x = b[at++];
            if (x == 0 && shift > 0) {
                return FWD_ERR_BAD_VARINT;
            }
            v |= (uint64_t) (x & 0x7Fu) << shift;
            shift += 7u;
        } while (x >= 0x80u);
        if (v > 0x7FFFFFFFu) {
            return FWD_ERR_BAD_VARINT;
        }
        out[f] = (uint32_t) v;
    }
    out[F_OUT_CRC] = fwd_u32(b + at);
    return FWD_OK;
}

/* 32-bit on purpose: raw <= max_block_raw <= 1 MiB, and a 64-bit division would link libgcc's
 * __udivmoddi4 (700 bytes on a Cortex-M4) into every bootloader. */
static uint32_t encoded_bound(uint32_t codec, uint32_t raw) {
    if (codec == FWD_CODEC_LZ77) {
        return raw + raw / 255u + 16u;
    }
    if (codec == FWD_CODEC_LZMA) {
        return raw + raw / 2u + 64u;
    }
#if FWD_WITH_SPLIT
    if (codec == FWD_CODEC_SPLIT) {
        return 8u * raw + 128u; /* raw <= max_block_raw <= 1 MiB */
    }
#endif
    return raw;
}

/* The block header against the applier's own state (PatchApplier.onBlockHeader). */
static fwd_error on_block_header(fwd_applier *a) {
    const uint32_t *f = a->block_fields;
    const fwd_header *h = &a->h;
    uint32_t max_encoded;
    if (f[F_INDEX] != a->block_index) {
        return FWD_ERR_BAD_BLOCK_INDEX;
    }
    if (f[F_RAW] < 1u || f[F_RAW] > h->max_block_raw) {
        return FWD_ERR_BAD_RAW_LENGTH;
    }
    max_encoded = encoded_bound(h->codec, f[F_RAW]);
    if (max_encoded > a->payload_left) {
        max_encoded = a->payload_left;
    }
    if (f[F_ENCODED] < 1u || f[F_ENCODED] > max_encoded) {
        return FWD_ERR_BAD_ENCODED_LENGTH;
    }
    if (f[F_NEW_OFFSET] != a->buf.blocks.rec.new_pos) {
        return FWD_ERR_BAD_NEW_OFFSET;
    }
    if (f[F_OLD_OFFSET] != a->buf.blocks.rec.old_pos) {
        return FWD_ERR_BAD_OLD_OFFSET;
    }
    if (f[F_OUT_LENGTH] > h->new_size - a->buf.blocks.rec.new_pos) {
        return FWD_ERR_BAD_OUT_LENGTH;
    }
    a->block_encoded_left = f[F_ENCODED];
    a->block_out_start = a->buf.blocks.rec.new_pos;
    a->block_crc = 0;
    fwd_window_reset(&a->window);
    if (h->codec == FWD_CODEC_LZMA) {
        fwd_lzma_start(&a->buf.blocks.codec.lzma, f[F_ENCODED], f[F_RAW]);
#if FWD_WITH_SPLIT
    } else if (h->codec == FWD_CODEC_SPLIT) {
        fwd_split_start(a, f[F_ENCODED], f[F_RAW]);
#endif
    } else if (h->codec == FWD_CODEC_LZ77) {
        fwd_lz4_start(&a->buf.blocks.codec.lz4, f[F_RAW]);
    } else {
        a->stored_left = f[F_RAW];
    }
    a->state = ST_BLOCK_DATA;
    return FWD_OK;
}

static fwd_error decode(fwd_applier *a, const uint8_t *b, uint32_t n) {
    if (a->h.codec == FWD_CODEC_LZMA) {
        return fwd_lzma_feed(a, b, n);
    }
#if FWD_WITH_SPLIT
    if (a->h.codec == FWD_CODEC_SPLIT) {
        return fwd_split_feed(a, b, n);
    }
#endif
    if (a->h.codec == FWD_CODEC_LZ77) {
        return fwd_lz4_feed(a, b, n);
    }
    if (n > a->stored_left) {
        return FWD_ERR_CODEC_CORRUPT;
    }
    a->stored_left -= n;
    return fwd_records_feed(a, b, n);
}

static fwd_error on_block_end(fwd_applier *a) {
    fwd_error e = FWD_OK;
    if (a->h.codec == FWD_CODEC_LZMA) {
        e = fwd_lzma_finish(a);
#if FWD_WITH_SPLIT
    } else if (a->h.codec == FWD_CODEC_SPLIT) {
        e = fwd_split_finish(a);
#endif
    } else if (a->h.codec == FWD_CODEC_LZ77) {
        e = fwd_lz4_finish(a);
    } else if (a->stored_left != 0) {
        e = FWD_ERR_CODEC_CORRUPT;
    }
    if (e != FWD_OK) {
        return e;
    }
    if (a->buf.blocks.rec.state != 0) {
        return FWD_ERR_RECORD_SPLIT;
    }
    if (a->buf.blocks.rec.new_pos - a->block_out_start != a->block_fields[F_OUT_LENGTH]) {
        return FWD_ERR_BAD_OUT_LENGTH;
    }
    if (a->block_crc != a->block_fields[F_OUT_CRC]) {
        return FWD_ERR_BLOCK_CRC;
    }
    a->new_sum.crc32 = fwd_crc32_combine(a->new_sum.crc32, a->block_crc, a->block_fields[F_OUT_LENGTH]);
    a->block_index++;
    if (a->on_block != NULL) {
        fwd_resume at;
        at.blocks_done = a->block_index;
        at.patch_offset = a->h.header_size + a->h.payload_length - a->payload_left;
        at.new_offset = a->buf.blocks.rec.new_pos;
        at.old_offset = a->buf.blocks.rec.old_pos;
        if (a->on_block(a->port.user, &at) != 0) {
            return FWD_ERR_IO_ERROR;
        }
    }
    return next_block_or_end(a);
}

void fwd_apply_on_block(fwd_applier *a, fwd_block_fn fn) {
    if (a != NULL) {
        a->on_block = fn;
    }
}

fwd_error fwd_apply_resume(fwd_applier *a, const fwd_resume *at) {
    const fwd_header *h;
    uint32_t start;
    if (a == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    h = &a->h;
    if (a->err != FWD_OK) {
        return a->err;
    }
    /* Only right after the header (and map): before any block was applied in this context. */
    if (at == NULL || (a->state != ST_BLOCK_HEADER && a->state != ST_END) || a->block_index != 0
            || a->buf.blocks.rec.new_pos != 0) {
        return fail(a, FWD_ERR_BAD_ARGUMENT);
    }
    start = h->header_size + (h->map_count > 0 ? h->map_bytes : 0u);
    if (at->blocks_done > h->block_count || at->patch_offset < start
            || at->patch_offset - h->header_size > h->payload_length || at->new_offset > h->new_size
            || at->old_offset > h->old_size) {
        return fail(a, FWD_ERR_BAD_ARGUMENT);
    }
    a->resumed = 1;
    a->block_index = at->blocks_done;
    a->payload_left = h->payload_length - (at->patch_offset - h->header_size);
    a->buf.blocks.rec.new_pos = at->new_offset;
    a->buf.blocks.rec.old_pos = at->old_offset;
    return fail(a, next_block_or_end(a));
}

static void payload(fwd_applier *a, const uint8_t *b, uint32_t n) {
    /* hashed only when the header records the payload's SHA-256 (formats 1 and 2, a signed format 3) */
    if (a->h.has_payload_sha) {
        fwd_sha256_update(&a->payload_sha, b, n);
    }
    a->payload_left -= n;
}

/* Consumes bytes for the current state; *used receives how many. */
static fwd_error step(fwd_applier *a, const uint8_t *b, uint32_t len, uint32_t *used) {
    uint32_t n;
    fwd_error e = FWD_OK;
    switch (a->state) {
    case ST_HEADER:
        n = a->header_target - a->buffered < len ? a->header_target - a->buffered : len;
        memcpy(a->buf.header_buf + a->buffered, b, n);
        a->buffered += n;
        *used = n;
        if (a->buffered == PREFIX_SIZE && a->header_target == PREFIX_SIZE) {
            e = fwd_header_prefix(a->buf.header_buf, &a->header_target);
            if (e != FWD_OK) {
                return e;
            }
        }
        if (a->buffered == a->header_target) {
            a->buffered = 0;
            e = on_header(a);
        }
        return e;
    case ST_MAP: {
        int complete;
        e = fwd_map_feed(a, b, len, used, &complete);
        payload(a, b, *used);
        if (e == FWD_OK && complete) {
            fwd_records_start(&a->buf.blocks.rec, a->h.version == 3u ? 1u : 0u);
            e = next_block_or_end(a);
        }
        return e;
    }
    case ST_BLOCK_HEADER:
        if (a->h.version == 3u) {
            int complete;
            a->buf.blocks.block_header_buf[a->buffered++] = b[0];
            payload(a, b, 1);
            *used = 1;
            e = compact_complete(a->buf.blocks.block_header_buf, a->buffered, &complete);
            if (e != FWD_OK) {
                return e;
            }
            if (complete) {
                e = compact_fields(a->buf.blocks.block_header_buf, a->block_fields);
                a->buffered = 0;
                return e != FWD_OK ? e : on_block_header(a);
            }
            if (a->payload_left == 0 || a->buffered == FWD_BLOCK_HEADER_MAX) {
                return FWD_ERR_BAD_PAYLOAD_LENGTH;
            }
            return FWD_OK;
        }
        n = BLOCK_HEADER_SIZE - a->buffered < len ? BLOCK_HEADER_SIZE - a->buffered : len;
        memcpy(a->buf.blocks.block_header_buf + a->buffered, b, n);
        a->buffered += n;
        payload(a, b, n);
        *used = n;
        if (a->buffered == BLOCK_HEADER_SIZE) {
            uint32_t i;
            for (i = 0; i < 7u; i++) {
                a->block_fields[i] = fwd_u32(a->buf.blocks.block_header_buf + 4u * i);
            }
            a->buffered = 0;
            e = on_block_header(a);
        }
        return e;
    case ST_BLOCK_DATA:
        n = a->block_encoded_left < len ? a->block_encoded_left : len;
        payload(a, b, n);
        a->block_encoded_left -= n;
        *used = n;
        e = decode(a, b, n);
        if (e == FWD_OK && a->block_encoded_left == 0) {
            e = on_block_end(a);
        }
        return e;
    default: /* ST_END */
        return FWD_ERR_TRAILING_BYTES;
    }
}

static fwd_error fail(fwd_applier *a, fwd_error e) {
    if (e != FWD_OK) {
        a->err = e;
    }
    return e;
}

fwd_error fwd_apply_process(fwd_applier *a, const uint8_t *chunk, size_t len) {
    if (a == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    if (a->err != FWD_OK) {
        return a->err;
    }
    if (a->state == ST_DONE || (chunk == NULL && len > 0)) {
        return fail(a, FWD_ERR_BAD_ARGUMENT);
    }
    while (len > 0) {
        uint32_t piece = len > 0x40000000u ? 0x40000000u : (uint32_t) len;
        uint32_t used = 0;
        fwd_error e = step(a, chunk, piece, &used);
        if (e != FWD_OK) {
            return fail(a, e);
        }
        chunk += used;
        len -= used;
    }
    return FWD_OK;
}

fwd_error fwd_apply_finish(fwd_applier *a) {
    const fwd_header *h;
    if (a == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    if (a->err != FWD_OK) {
        return a->err;
    }
    if (a->state == ST_DONE) {
        return fail(a, FWD_ERR_BAD_ARGUMENT);
    }
    if (a->state != ST_END) {
        return fail(a, FWD_ERR_TRUNCATED);
    }
    h = &a->h;
    if (a->resumed) {
        a->state = ST_DONE; /* the caller checks the stored image (fwd_apply_resume) */
        return FWD_OK;
    }
    /* An unsigned format-3 patch records no payload hash: block CRCs and the image cover it. */
    if (h->has_payload_sha) {
        uint8_t digest[32];
        uint32_t diff = 0;
        uint32_t i;
        fwd_sha256_final(&a->payload_sha, digest);
        for (i = 0; i < 32; i++) {
            diff |= (uint32_t) (digest[i] ^ h->payload_sha256[i]);
        }
        if (diff != 0) {
            return fail(a, FWD_ERR_PAYLOAD_HASH);
        }
    }
    if (!sum_matches(&a->new_sum, h, h->new_size, h->new_crc32, h->new_crc32_mpeg2, h->new_sha256, 32u)) {
        return fail(a, FWD_ERR_NEW_IMAGE_MISMATCH);
    }
    a->state = ST_DONE;
    return FWD_OK;
}
