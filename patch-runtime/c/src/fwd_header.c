/* SPDX-License-Identifier: Apache-2.0 */
/* Header parsing and checks, field by field in the order of PatchHeader/CompactHeader.java. */
#include <string.h>

#include "fwd_internal.h"

#define FLAG_SIGNED 1u
#define FLAG_RELOCATED 2u
/* Bit 2 (4) is reserved for a record kind of another change. */
#define FLAG_LOAD_ADDRESS 8u
#define FLAG_SHA_ONLY 16u
#define MAX_IMAGE 0x7FFFFFFFu
#define MAX_MAP_ENTRIES 256u
#define MIN_COMPACT_HEADER 74u
#define SIGNED_SIZE 176u
#define MIN_COMPACT_BLOCK 11u
#define BLOCK_HEADER_SIZE 28u
/* codec_window of lzma and split (FORMAT.md 1.0): each block is its own LZMA stream, whose matches
 * never reach past the block's start, so a ring as small as lz77's smallest is sound */
#define MIN_LZMA_WINDOW 256u
#define MAX_LZMA_WINDOW (1u << 20)

uint32_t fwd_codec_work_size(const fwd_header *h) {
    if (h->codec == FWD_CODEC_LZ77) {
        return h->codec_window;
    }
    if (h->codec >= FWD_CODEC_LZMA) {
        uint32_t lc = h->codec_props % 9u;
        uint32_t lp = (h->codec_props / 9u) % 5u;
        uint32_t lzma = h->codec_window + 2u * (FWD_LZMA_FIXED_PROBS + (0x300u << (lc + lp))) + FWD_LZMA_INPUT_BUFFER;
#if FWD_WITH_SPLIT
        if (h->codec == FWD_CODEC_SPLIT) {
            return lzma + 2u * FWD_SPLIT_CONTROL_PROBS + FWD_SPLIT_STATE;
        }
#endif
        return lzma;
    }
    return 0;
}

uint32_t fwd_work_size(const fwd_header *h) {
    return fwd_codec_work_size(h) + 8u * h->map_count;
}

fwd_error fwd_header_prefix(const uint8_t *b, uint32_t *size) {
    uint32_t version;
    uint32_t min;
    if (b == NULL || size == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    /* "FWDP" read as a little-endian u32: without memcmp, which the LZMA + stored build does not
     * otherwise link (tools/cortex-m4-size) */
    if (fwd_u32(b) != 0x50445746u) {
        return FWD_ERR_BAD_MAGIC;
    }
    version = fwd_u16(b + 4);
    if (version < 1u || version > 3u) {
        return FWD_ERR_UNSUPPORTED_VERSION;
    }
    min = version == 3u ? MIN_COMPACT_HEADER : FWD_HEADER_MAX;
    *size = fwd_u16(b + 6);
    if (*size < min || *size > FWD_HEADER_MAX) {
        return FWD_ERR_BAD_HEADER_SIZE;
    }
    return FWD_OK;
}

static fwd_error check_codec(const fwd_header *h) {
    switch (h->codec) {
    case FWD_CODEC_NONE:
        if (h->codec_props != 0) {
            return FWD_ERR_BAD_CODEC_PROPS;
        }
        return h->codec_window == 0 ? FWD_OK : FWD_ERR_BAD_CODEC_WINDOW;
    case FWD_CODEC_LZ77:
        if (h->codec_props != 0) {
            return FWD_ERR_BAD_CODEC_PROPS;
        }
        if (h->codec_window < 256u || h->codec_window > 65536u
                || (h->codec_window & (h->codec_window - 1u)) != 0) {
            return FWD_ERR_BAD_CODEC_WINDOW;
        }
        return FWD_OK;
    default: {
        uint32_t lc = h->codec_props % 9u;
        uint32_t lp = (h->codec_props / 9u) % 5u;
        if (h->codec_props > (4u * 5u + 4u) * 9u + 8u || lc + lp > 4u) {
            return FWD_ERR_BAD_CODEC_PROPS;
        }
        if (h->codec_window < MIN_LZMA_WINDOW || h->codec_window > MAX_LZMA_WINDOW) {
            return FWD_ERR_BAD_CODEC_WINDOW;
        }
        return FWD_OK;
    }
    }
}

/* codec id, then props and window, then decoder_ram (= 1024 + codec memory + 8 * map_count). */
/* The codec fields, then decoder_ram: ram_read is how reading decoder_ram went (a compact header's
 * varint), whose error comes after the codec fields' as FORMAT.md 1.2 orders them. */
static fwd_error check_codec_and_ram(const fwd_header *h, fwd_error ram_read) {
    fwd_error e = check_codec(h);
    if (e != FWD_OK) {
        return e;
    }
    if (ram_read != FWD_OK) {
        return ram_read;
    }
    if ((uint64_t) h->decoder_ram != 1024u + (uint64_t) fwd_codec_work_size(h) + 8u * (uint64_t) h->map_count) {
        return FWD_ERR_BAD_DECODER_RAM;
    }
    return FWD_OK;
}

static fwd_error parse_fixed(const uint8_t *b, fwd_header *h) {
    uint64_t payload;
    uint32_t i;
    uint32_t nonzero = 0;
    if (fwd_crc32_update(0, b, 172) != fwd_u32(b + 172)) {
        return FWD_ERR_BAD_HEADER_CRC;
    }
    h->flags = fwd_u32(b + 8);
    if ((h->flags & ~(FLAG_SIGNED | FLAG_RELOCATED)) != 0) {
        return FWD_ERR_BAD_FLAGS;
    }
    if (((h->flags & FLAG_RELOCATED) != 0) != (h->version == 2u)) {
        return FWD_ERR_BAD_FLAGS;
    }
    h->codec = b[12];
    if (h->codec > FWD_CODEC_LZMA) {
        return FWD_ERR_BAD_CODEC;
    }
    h->codec_props = b[13];
    h->map_count = fwd_u16(b + 14);
    if ((h->flags & FLAG_RELOCATED) != 0 ? (h->map_count < 2u || h->map_count > MAX_MAP_ENTRIES)
            : h->map_count != 0) {
        return FWD_ERR_BAD_MAP;
    }
    h->map_bytes = 8u * h->map_count;
    h->codec_window = fwd_u32(b + 16);
    h->decoder_ram = fwd_u32(b + 20);
    {
        fwd_error e = check_codec_and_ram(h, FWD_OK);
        if (e != FWD_OK) {
            return e;
        }
    }
    h->max_block_raw = fwd_u32(b + 24);
    if (h->max_block_raw < 1u || h->max_block_raw > (1u << 20)) {
        return FWD_ERR_BAD_MAX_BLOCK_RAW;
    }
    payload = (uint64_t) fwd_u32(b + 32) | (uint64_t) fwd_u32(b + 36) << 32;
    if (payload > MAX_IMAGE) {
        return FWD_ERR_BAD_PAYLOAD_LENGTH;
    }
    h->payload_length = (uint32_t) payload;
    h->block_count = fwd_u32(b + 28);
    if (h->block_count > h->payload_length / BLOCK_HEADER_SIZE) {
        return FWD_ERR_BAD_BLOCK_COUNT;
    }
    h->old_size = fwd_u32(b + 40);
    if (h->old_size > MAX_IMAGE) {
        return FWD_ERR_BAD_OLD_SIZE;
    }
    h->new_size = fwd_u32(b + 84);
    if (h->new_size > MAX_IMAGE) {
        return FWD_ERR_BAD_NEW_SIZE;
    }
    h->has_mpeg2 = 1;
    h->has_crc32 = 1;
    h->old_sha256_len = 32;
    h->old_crc32 = fwd_u32(b + 44);
    h->old_crc32_mpeg2 = fwd_u32(b + 48);
    memcpy(h->old_sha256, b + 52, 32);
    h->new_crc32 = fwd_u32(b + 88);
    h->new_crc32_mpeg2 = fwd_u32(b + 92);
    memcpy(h->new_sha256, b + 96, 32);
    h->has_payload_sha = 1;
    memcpy(h->payload_sha256, b + 128, 32);
    h->firmware_version = (uint64_t) fwd_u32(b + 160) | (uint64_t) fwd_u32(b + 164) << 32;
    h->hardware_id = fwd_u32(b + 168);
    /* Signature section, bytes 176..255: algorithm, reserved 0, key id, signature, reserved 0. */
    h->sig_algorithm = b[SIGNED_SIZE];
    if (h->sig_algorithm > 2u) {
        return FWD_ERR_BAD_FLAGS;
    }
    if (b[177] != 0 || b[178] != 0 || b[179] != 0 || fwd_u32(b + 252) != 0) {
        return FWD_ERR_BAD_RESERVED;
    }
    for (i = 180; i < 252; i++) {
        nonzero |= b[i];
    }
    if (h->sig_algorithm == 0 && nonzero != 0) {
        return FWD_ERR_BAD_RESERVED;
    }
    if (((h->flags & FLAG_SIGNED) != 0) != (h->sig_algorithm != 0)) {
        return FWD_ERR_BAD_FLAGS;
    }
    return FWD_OK;
}

/* A cursor over the compact header's field area, as ByteCursor.java. */
typedef struct {
    const uint8_t *b;
    uint32_t at;
    uint32_t end;
} cursor;

static fwd_error cur_u8(cursor *c, uint32_t *v) {
    if (c->at + 1u > c->end) {
        return FWD_ERR_TRUNCATED;
    }
    *v = c->b[c->at++];
    return FWD_OK;
}

static fwd_error cur_bytes(cursor *c, uint8_t *out, uint32_t n) {
    if (c->at + n > c->end) {
        return FWD_ERR_TRUNCATED;
    }
    if (out != NULL) {
        memcpy(out, c->b + c->at, n);
    }
    c->at += n;
    return FWD_OK;
}

static fwd_error cur_u32(cursor *c, uint32_t *v) {
    if (c->at + 4u > c->end) {
        return FWD_ERR_TRUNCATED;
    }
    *v = fwd_u32(c->b + c->at);
    c->at += 4u;
    return FWD_OK;
}

/* Unsigned LEB128 of at most max_bytes bytes, in its shortest form, value at most max. */
static fwd_error cur_varint(cursor *c, uint32_t max_bytes, uint64_t max, uint64_t *v) {
    uint32_t i;
    *v = 0;
    for (i = 0;; i++) {
        uint32_t x;
        fwd_error e;
        if (i == max_bytes) {
            return FWD_ERR_BAD_VARINT;
        }
        e = cur_u8(c, &x);
        if (e != FWD_OK) {
            return e;
        }
        if (x == 0 && i > 0) {
            return FWD_ERR_BAD_VARINT;
        }
        *v |= (uint64_t) (x & 0x7Fu) << (7u * i);
        if (x < 0x80u) {
            break;
        }
    }
    return *v > max ? FWD_ERR_BAD_VARINT : FWD_OK;
}

static fwd_error cur_field(cursor *c, uint32_t *v) {
    uint64_t x;
    fwd_error e = cur_varint(c, 5, MAX_IMAGE, &x);
    *v = (uint32_t) x;
    return e;
}

#define TRY(expr) do { fwd_error e_ = (expr); if (e_ != FWD_OK) { return e_; } } while (0)

/* size, then crc32 unless flag SHA_ONLY, then sha_len bytes of SHA-256. A size past MAX_IMAGE is
 * already BAD_VARINT, as in Java, whose varints share that limit. */
static fwd_error compact_image(cursor *c, const fwd_header *h, uint32_t *size, uint32_t *crc, uint8_t *sha,
                               uint32_t sha_len) {
    TRY(cur_field(c, size));
    if (h->has_crc32) {
        TRY(cur_u32(c, crc));
    }
    return cur_bytes(c, sha, sha_len);
}

static fwd_error parse_compact(const uint8_t *b, uint32_t size, fwd_header *h) {
    cursor c;
    uint32_t v;
    uint64_t v64;
    uint32_t crc_at;
    uint32_t crc;
    c.b = b;
    c.at = 8;
    c.end = size;
    TRY(cur_u8(&c, &h->flags));
    if ((h->flags & ~(FLAG_SIGNED | FLAG_RELOCATED | FLAG_LOAD_ADDRESS | FLAG_SHA_ONLY)) != 0) {
        return FWD_ERR_BAD_FLAGS;
    }
    h->has_crc32 = (h->flags & FLAG_SHA_ONLY) == 0;
    h->old_sha256_len = h->has_crc32 ? 32u : 16u;
    TRY(cur_u8(&c, &v));
    if (v > FWD_CODEC_SPLIT) {
        return FWD_ERR_BAD_CODEC;
    }
#if !FWD_WITH_SPLIT
    if (v == FWD_CODEC_SPLIT) {
        return FWD_ERR_NOT_YET_SUPPORTED;
    }
#endif
    h->codec = (uint8_t) v;
    TRY(cur_u8(&c, &v));
    h->codec_props = (uint8_t) v;
    TRY(cur_field(&c, &h->map_count));
    TRY(cur_field(&c, &h->map_bytes));
    if ((h->flags & FLAG_RELOCATED) != 0) {
        if (h->map_count < 2u || h->map_count > MAX_MAP_ENTRIES
                || h->map_bytes < 2u || h->map_bytes > 6u + 10u * (h->map_count - 1u)) {
            return FWD_ERR_BAD_MAP;
        }
    } else if (h->map_count != 0 || h->map_bytes != 0) {
        return FWD_ERR_BAD_MAP;
    }
    TRY(cur_field(&c, &h->codec_window));
    TRY(check_codec_and_ram(h, cur_field(&c, &h->decoder_ram)));
    TRY(cur_field(&c, &h->max_block_raw));
    if (h->max_block_raw < 1u || h->max_block_raw > (1u << 20)) {
        return FWD_ERR_BAD_MAX_BLOCK_RAW;
    }
    TRY(cur_field(&c, &h->block_count));
    TRY(cur_field(&c, &h->payload_length));
    if (h->payload_length < h->map_bytes) {
        return FWD_ERR_BAD_PAYLOAD_LENGTH;
    }
    if (h->block_count > (h->payload_length - h->map_bytes) / MIN_COMPACT_BLOCK) {
        return FWD_ERR_BAD_BLOCK_COUNT;
    }
    TRY(compact_image(&c, h, &h->old_size, &h->old_crc32, h->old_sha256, h->old_sha256_len));
    TRY(compact_image(&c, h, &h->new_size, &h->new_crc32, h->new_sha256, 32u));
    h->has_mpeg2 = 0;
    TRY(cur_varint(&c, 9, 0x7FFFFFFFFFFFFFFFull, &h->firmware_version));
    TRY(cur_varint(&c, 5, 0xFFFFFFFFu, &v64));
    h->hardware_id = (uint32_t) v64;
    h->has_load_address = (h->flags & FLAG_LOAD_ADDRESS) != 0;
    if (h->has_load_address) {
        TRY(cur_u32(&c, &h->load_address));
    }
    h->has_payload_sha = (h->flags & FLAG_SIGNED) != 0;
    if (h->has_payload_sha) {
        TRY(cur_bytes(&c, h->payload_sha256, 32));
    }
    crc_at = c.at;
    TRY(cur_u32(&c, &crc));
    if (fwd_crc32_update(0, b, crc_at) != crc) {
        return FWD_ERR_BAD_HEADER_CRC;
    }
    h->sig_algorithm = 0;
    if ((h->flags & FLAG_SIGNED) != 0) {
        TRY(cur_u8(&c, &v));
        if (v < 1u || v > 2u) {
            return FWD_ERR_BAD_FLAGS;
        }
        h->sig_algorithm = (uint8_t) v;
        TRY(cur_bytes(&c, NULL, 8 + 64));
    }
    return c.at == size ? FWD_OK : FWD_ERR_BAD_HEADER_SIZE;
}

fwd_error fwd_header_check_load_address(const fwd_header *h, uint32_t slot_address) {
    if (h == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    return h->has_load_address && h->load_address != slot_address ? FWD_ERR_WRONG_LOAD_ADDRESS : FWD_OK;
}

fwd_error fwd_header_parse(const uint8_t *b, uint32_t len, fwd_header *h) {
    uint32_t size;
    if (h == NULL) {
        return FWD_ERR_BAD_ARGUMENT; /* b: fwd_header_prefix checks it */
    }
    if (len < 8u) {
        return FWD_ERR_TRUNCATED;
    }
    TRY(fwd_header_prefix(b, &size));
    if (len < size) {
        return FWD_ERR_TRUNCATED;
    }
    memset(h, 0, sizeof *h);
    h->version = fwd_u16(b + 4);
    h->header_size = (uint16_t) size;
    return h->version == 3u ? parse_compact(b, size, h) : parse_fixed(b, h);
}
