/*
 * The relocation map and the relocated view of the old image (docs/FORMAT.md 2.3): a port of
 * RelocationMap, CompactMapDecoder, RelocatedOldImage, ThumbTransform and PointerTransform.
 * The map lives in the work buffer after the codec memory (8 bytes per entry, as decoder_ram
 * counts it). Transforms ported: THUMB_BL, POINTER32, POINTER64; A64_BRANCH, A64_ADRP and
 * XTENSA_CALL are refused with NOT_YET_SUPPORTED once the map passed its checks.
 */
#include "fwd_internal.h"

#define THUMB_BL 1u
#define POINTER32 2u
#define A64_BRANCH 4u
#define A64_ADRP 8u
#define POINTER64 16u
#define XTENSA_CALL 32u
#define PORTED (THUMB_BL | POINTER32 | POINTER64)
#define MAX_IMAGE 0x7FFFFFFFll
/* Old bytes read on either side of a chunk: the widest ported rule reads one 8-byte word. */
#define WORD_MARGIN 8

static void put32(uint8_t *b, uint32_t v) {
    b[0] = (uint8_t) v;
    b[1] = (uint8_t) (v >> 8);
    b[2] = (uint8_t) (v >> 16);
    b[3] = (uint8_t) (v >> 24);
}

void fwd_map_start(fwd_applier *a, uint8_t *section) {
    uint32_t i;
    fwd_reloc *m = &a->reloc;
    m->section = section;
    m->filled = 0;
    m->field = 0;
    m->value = 0;
    m->varint_bytes = 0;
    m->previous_start = 0;
    m->ready = 0;
    for (i = 0; i < 8u * a->h.map_count; i++) {
        section[i] = 0;
    }
}

/* Format 3: one byte of the compact map, expanded into the 8-byte entries of format 2. */
static fwd_error compact_feed(fwd_applier *a, uint32_t b) {
    fwd_reloc *m = &a->reloc;
    uint64_t v;
    if (m->field == 1) {
        m->section[4] = (uint8_t) b;
        m->field++;
        return FWD_OK;
    }
    if (b == 0 && m->varint_bytes > 0) {
        return FWD_ERR_BAD_MAP;
    }
    m->value |= (uint64_t) (b & 0x7Fu) << (7u * m->varint_bytes);
    m->varint_bytes++;
    if (b >= 0x80u) {
        return m->varint_bytes == 5u ? FWD_ERR_BAD_MAP : FWD_OK;
    }
    v = m->value;
    m->value = 0;
    m->varint_bytes = 0;
    if (m->field == 0) {
        if (v > 0xFFFFFFFFu) {
            return FWD_ERR_BAD_MAP;
        }
        put32(m->section, (uint32_t) v);
    } else {
        uint8_t *entry = m->section + (m->field / 2u) * 8u;
        if (m->field % 2u == 0) {
            uint64_t start = m->previous_start + v;
            if (start > (uint64_t) MAX_IMAGE) {
                return FWD_ERR_BAD_MAP;
            }
            put32(entry, (uint32_t) start);
            m->previous_start = start;
        } else {
            int64_t shift = (int64_t) (v >> 1) ^ -(int64_t) (v & 1u);
            if (shift < -MAX_IMAGE || shift > MAX_IMAGE) {
                return FWD_ERR_BAD_MAP;
            }
            put32(entry + 4, (uint32_t) shift);
        }
    }
    m->field++;
    return FWD_OK;
}

/* The map's checks (RelocationMap.parse), then whether the C port has its transforms. */
static fwd_error map_check(fwd_applier *a) {
    fwd_reloc *m = &a->reloc;
    const uint8_t *s = m->section;
    uint32_t known = a->h.version >= 3u ? 63u : 31u;
    uint32_t count = a->h.map_count;
    uint32_t i;
    int64_t lo = 0;
    m->image_base = fwd_u32(s);
    m->transforms = s[4];
    if (m->transforms == 0 || (m->transforms & ~known) != 0) {
        return FWD_ERR_BAD_MAP;
    }
    if (s[5] != 0 || s[6] != 0 || s[7] != 0) {
        return FWD_ERR_BAD_MAP;
    }
    for (i = 1; i < count; i++) {
        int64_t start = fwd_u32(s + 8u * i);
        int64_t shift = (int32_t) fwd_u32(s + 8u * i + 4u);
        if (start < lo || start >= (int64_t) a->h.old_size || shift < -MAX_IMAGE) {
            return FWD_ERR_BAD_MAP;
        }
        lo = start + 1;
    }
    if ((m->transforms & ~PORTED) != 0) {
        return FWD_ERR_NOT_YET_SUPPORTED; /* A64 or Xtensa rules: not ported yet */
    }
    m->ready = 1;
    return FWD_OK;
}

fwd_error fwd_map_feed(fwd_applier *a, const uint8_t *b, uint32_t len, uint32_t *used, int *complete) {
    fwd_reloc *m = &a->reloc;
    uint32_t total = a->h.map_bytes;
    uint32_t n = total - m->filled < len ? total - m->filled : len;
    uint32_t i;
    *complete = 0;
    *used = n;
    for (i = 0; i < n; i++) {
        if (a->h.version >= 3u) {
            fwd_error e;
            if (m->field == 2u * a->h.map_count) {
                return FWD_ERR_BAD_MAP; /* the entries end before map_bytes */
            }
            e = compact_feed(a, b[i]);
            if (e != FWD_OK) {
                return e;
            }
        } else {
            m->section[m->filled + i] = b[i];
        }
    }
    m->filled += n;
    if (m->filled < total) {
        return FWD_OK;
    }
    if (a->h.version >= 3u && m->field != 2u * a->h.map_count) {
        return FWD_ERR_BAD_MAP; /* map_bytes ends before the last entry */
    }
    *complete = 1;
    return map_check(a);
}

/* The predicted new offset of old offset x, or -1 where the map says nothing of it. */
static int64_t map(const fwd_applier *a, int64_t x) {
    const uint8_t *s = a->reloc.section;
    uint32_t lo = 1;
    uint32_t hi = a->h.map_count - 1u;
    if (x < 0 || x >= (int64_t) a->h.old_size || x < (int64_t) fwd_u32(s + 8)) {
        return -1;
    }
    while (lo < hi) {
        uint32_t mid = (lo + hi + 1u) / 2u;
        if ((int64_t) fwd_u32(s + 8u * mid) <= x) {
            lo = mid;
        } else {
            hi = mid - 1u;
        }
    }
    return x + (int32_t) fwd_u32(s + 8u * lo + 4u);
}

typedef struct {
    const uint8_t *window;
    int64_t window_start;
    int64_t window_end;
    int64_t from;
    int64_t end;
    uint8_t *out;
} chunk;

/* Writes the size little-endian bytes of value that old offset at starts, clipped to the chunk. */
static void place(const chunk *c, uint64_t value, int64_t at, int size) {
    int64_t q = at > c->from ? at : c->from;
    int64_t last = at + size < c->end ? at + size : c->end;
    for (; q < last; q++) {
        c->out[q - c->from] = (uint8_t) (value >> (8 * (q - at)));
    }
}

static int64_t half_floor(int64_t x) {
    return (x - (x & 1)) / 2;
}

static void thumb(const fwd_applier *a, const chunk *c) {
    int64_t q = (c->window_start > c->from - 3 ? c->window_start : c->from - 3) + 1;
    q -= q & 1;
    for (; q < c->end && q + 4 <= c->window_end; q += 2) {
        const uint8_t *b = c->window + (q - c->window_start);
        if ((b[1] & 0xF8u) == 0xF0u && (b[3] & 0xF8u) == 0xF8u) {
            uint32_t field = (uint32_t) (b[1] & 7u) << 19 | (uint32_t) b[0] << 11 | (uint32_t) (b[3] & 7u) << 8 | b[2];
            int64_t delta = 2 * ((int64_t) (field ^ 0x200000u) - 0x200000);
            int64_t target = map(a, q + 4 + delta);
            int64_t at = map(a, q);
            if (target >= 0 && at >= 0) {
                uint64_t off = (uint64_t) half_floor(target - (at + 4));
                uint64_t bl = (off >> 11 & 0xFFu) | (0xF0u | (off >> 19 & 7u)) << 8 | (off & 0xFFu) << 16
                        | (0xF8u | (off >> 8 & 7u)) << 24;
                place(c, bl, q, 4);
            }
        }
    }
}

static void pointers(const fwd_applier *a, const chunk *c, int width) {
    int64_t align = width - 1;
    int64_t p = ((c->window_start > (c->from & ~align) ? c->window_start : (c->from & ~align)) + align) & ~align;
    uint64_t base = a->reloc.image_base;
    for (; p < c->end && p + width <= c->window_end; p += width) {
        const uint8_t *w = c->window + (p - c->window_start);
        int64_t moved;
        if (width == 4) {
            moved = map(a, (int64_t) fwd_u32(w) - (int64_t) base);
        } else {
            uint64_t value = (uint64_t) fwd_u32(w) | (uint64_t) fwd_u32(w + 4) << 32;
            moved = value >> 63 ? -1 : map(a, (int64_t) value - (int64_t) base);
        }
        if (moved >= 0) {
            place(c, base + (uint64_t) moved, p, width);
        }
    }
}

fwd_error fwd_view_read(fwd_applier *a, uint32_t offset, uint8_t *dst, uint32_t n) {
    chunk c;
    uint32_t from = offset > WORD_MARGIN ? offset - WORD_MARGIN : 0;
    uint32_t to = a->h.old_size - offset - n > WORD_MARGIN ? offset + n + WORD_MARGIN : a->h.old_size;
    uint32_t i;
    if (a->port.read_old(a->port.user, from, a->reloc.window, to - from) != 0) {
        return FWD_ERR_IO_ERROR;
    }
    for (i = 0; i < n; i++) {
        dst[i] = a->reloc.window[offset - from + i];
    }
    c.window = a->reloc.window;
    c.window_start = from;
    c.window_end = to;
    c.from = offset;
    c.end = (int64_t) offset + n;
    c.out = dst;
    if (a->reloc.transforms & THUMB_BL) {
        thumb(a, &c);
    }
    if (a->reloc.transforms & POINTER32) {
        pointers(a, &c, 4);
    }
    if (a->reloc.transforms & POINTER64) {
        pointers(a, &c, 8);
    }
    return FWD_OK;
}
