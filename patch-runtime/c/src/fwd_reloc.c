/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The relocation map and the relocated view of the old image (docs/FORMAT.md 2.3): a port of
 * RelocationMap, CompactMapDecoder, RelocatedOldImage, ThumbTransform and PointerTransform.
 * XtensaTransform, A64Transform and A64References. The map lives in the work buffer after the
 * codec memory (8 bytes per entry, as decoder_ram counts it); every transform is ported.
 */
#include <string.h>

#include "fwd_internal.h"

#define THUMB_BL 1u
#define POINTER32 2u
#define A64_BRANCH 4u
#define A64_ADRP 8u
#define POINTER64 16u
#define XTENSA_CALL 32u
#define MAX_IMAGE 0x7FFFFFFFll
/* Old bytes read on either side of a chunk: an ADRP's reach to its partner (8 words), else one word. */
#define PARTNER_REACH 8
#define ADRP_MARGIN (4 * (PARTNER_REACH + 1))
#define WORD_MARGIN 8

static void put32(uint8_t *b, uint32_t v) {
    b[0] = (uint8_t) v;
    b[1] = (uint8_t) (v >> 8);
    b[2] = (uint8_t) (v >> 16);
    b[3] = (uint8_t) (v >> 24);
}

void fwd_map_start(fwd_applier *a, uint8_t *section) {
    uint32_t i;
    fwd_reloc *m = &a->buf.blocks.reloc;
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
    fwd_reloc *m = &a->buf.blocks.reloc;
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
    fwd_reloc *m = &a->buf.blocks.reloc;
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
    m->ready = 1;
    return FWD_OK;
}

fwd_error fwd_map_feed(fwd_applier *a, const uint8_t *b, uint32_t len, uint32_t *used, int *complete) {
    fwd_reloc *m = &a->buf.blocks.reloc;
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

/* The last map entry whose start <= x (x inside the old image, at or after the first start). */
static uint32_t map_entry(const uint8_t *s, uint32_t count, uint32_t x) {
    uint32_t lo = 1;
    uint32_t n;
    /* halve the candidates [lo, lo + n) without branching on x */
    for (n = count - 1u; n > 1u; n -= n / 2u) {
        uint32_t mid = lo + n / 2u;
        lo = fwd_u32(s + 8u * mid) <= x ? mid : lo;
    }
    return lo;
}

/* A map entry found: it covers old offsets start + [0, length) and moves them by shift. */
typedef struct {
    uint32_t start;
    uint32_t length;
    int32_t shift;
} map_hit;

/*
 * One read of the view: its old bytes and the map entries last found. Positions are old-image
 * offsets (below 2^31, so 32-bit arithmetic: a Cortex-M does 64-bit in pairs of instructions).
 * The old image may be 2^31 - 1 bytes, where a position plus a word's size overflows: the tests
 * subtract from their bounds instead, and a start is rounded up only once it is below a bound.
 * Neighbouring pointers and call targets mostly land in one entry, and an instruction's own
 * offset in the entry of the chunk: one remembered entry each spares most searches.
 */
typedef struct {
    const uint8_t *window;
    int32_t window_start;
    int32_t window_end;
    int32_t from;
    int32_t end;
    uint8_t *out;
    map_hit here;   /* for the offsets of instructions in this chunk */
    map_hit target; /* for what they and pointers refer to */
} chunk;

/* map() of an offset outside the entry last found: the range tests, then the search. */
static int64_t map_search(const fwd_applier *a, map_hit *hit, uint32_t x) {
    const uint8_t *s = a->buf.blocks.reloc.section;
    uint32_t i;
    if (x >= a->h.old_size || x < fwd_u32(s + 8)) {
        return -1;
    }
    i = map_entry(s, a->h.map_count, x);
    hit->start = fwd_u32(s + 8u * i);
    hit->length = (i + 1u < a->h.map_count ? fwd_u32(s + 8u * (i + 1u)) : a->h.old_size) - hit->start;
    hit->shift = (int32_t) fwd_u32(s + 8u * i + 4u);
    return (int64_t) x + hit->shift;
}

/*
 * The predicted new offset of old offset x, or -1 where the map says nothing of it. Most lookups
 * fall in the entry last found: that test is small enough to inline, the rest is not.
 */
static inline int64_t map(const fwd_applier *a, map_hit *hit, uint32_t x) {
    return x - hit->start < hit->length ? (int64_t) x + hit->shift : map_search(a, hit, x);
}

/* map() of an offset computed in 64 bits (a branch target, a pointer less the image base). */
static int64_t map_wide(const fwd_applier *a, map_hit *hit, int64_t x) {
    return x < 0 || x >= (int64_t) a->h.old_size ? -1 : map(a, hit, (uint32_t) x);
}

/* Writes the size little-endian bytes of value that old offset at starts, clipped to the chunk. */
static void place(const chunk *c, uint64_t value, int32_t at, int size) {
    int32_t q = at > c->from ? at : c->from;
    int32_t last = at < c->end - size ? at + size : c->end;
    for (; q < last; q++) {
        c->out[q - c->from] = (uint8_t) (value >> (8 * (q - at)));
    }
}

static void thumb(const fwd_applier *a, chunk *c) {
    int32_t q = c->window_start > c->from - 3 ? c->window_start : c->from - 3;
    int32_t last = c->end < c->window_end - 3 ? c->end : c->window_end - 3;
    const uint8_t *b;
    if (q >= last) {
        return;
    }
    q += q & 1;
    b = c->window + (q - c->window_start);
    for (; q < last; q += 2, b += 2) {
        uint32_t w = fwd_u32(b);
        if ((w & 0xF800u) != 0xF000u && (w & 0xF8000000u) != 0xF0000000u) {
            q += 2; /* no BL's first half at q or q + 2 */
            b += 2;
            continue;
        }
        if ((w & 0xF800F800u) == 0xF800F000u) {
            uint32_t field = (uint32_t) (b[1] & 7u) << 19 | (uint32_t) b[0] << 11 | (uint32_t) (b[3] & 7u) << 8 | b[2];
            int32_t delta = 2 * ((int32_t) (field ^ 0x200000u) - 0x200000);
            int64_t target = map_wide(a, &c->target, (int64_t) q + 4 + delta);
            int64_t at = map(a, &c->here, (uint32_t) q);
            if (target >= 0 && at >= 0) {
                /*
                 * The halved offset, floor((target - at - 4) / 2): only its low 22 bits are
                 * encoded, and 32-bit arithmetic gets them right whatever the sign.
                 */
                uint32_t off = ((uint32_t) target - (uint32_t) at - 4u) >> 1;
                uint32_t bl = (off >> 11 & 0xFFu) | (0xF0u | (off >> 19 & 7u)) << 8 | (off & 0xFFu) << 16
                        | (0xF8u | (off >> 8 & 7u)) << 24;
                if (q >= c->from && q <= c->end - 4) {
                    put32(c->out + (q - c->from), bl);
                } else {
                    place(c, bl, q, 4); /* across the chunk's edge */
                }
            }
        }
    }
}

/*
 * POINTER32: every aligned word, the hottest loop of the view (most words of code and data are
 * tested and fail), so the window and the entry last found are held in locals: place() stores
 * through a byte pointer, which would make the compiler reload them from the chunk every word.
 */
static void pointers32(const fwd_applier *a, chunk *c) {
    int32_t p = c->window_start > (c->from & ~3) ? c->window_start : (c->from & ~3);
    int32_t last = c->end < c->window_end - 3 ? c->end : c->window_end - 3;
    const uint8_t *w;
    uint32_t base = a->buf.blocks.reloc.image_base;
    uint32_t old_size = a->h.old_size;
    map_hit hit = c->target;
    int32_t from = c->from;
    int32_t end = c->end;
    uint8_t *out = c->out;
    if (p >= last) {
        return;
    }
    p = (p + 3) & ~3;
    w = c->window + (p - c->window_start);
    for (; p < last; p += 4, w += 4) {
        uint32_t value = fwd_u32(w);
        uint32_t x = value - base;
        int64_t moved;
        if (value < base || x >= old_size) {
            continue; /* not a pointer into the image: most words */
        }
        moved = map(a, &hit, x);
        if (moved < 0) {
            continue;
        }
        value = base + (uint32_t) moved;
        if (p < from || p > end - 4) {
            place(c, value, p, 4); /* a word across the chunk's edge */
        } else if (fwd_u32(out + (p - from)) != value) {
            /* many candidates (zeros, small numbers where the image starts at 0) map to themselves */
            put32(out + (p - from), value);
        }
    }
}

static void pointers64(const fwd_applier *a, chunk *c) {
    int32_t p = c->window_start > (c->from & ~7) ? c->window_start : (c->from & ~7);
    uint32_t base = a->buf.blocks.reloc.image_base;
    if (p > c->window_end - 8) {
        return;
    }
    p = (p + 7) & ~7;
    for (; p < c->end && p <= c->window_end - 8; p += 8) {
        const uint8_t *w = c->window + (p - c->window_start);
        uint64_t value = (uint64_t) fwd_u32(w) | (uint64_t) fwd_u32(w + 4) << 32;
        int64_t moved = value >> 63 ? -1 : map_wide(a, &c->target, (int64_t) value - (int64_t) base);
        if (moved >= 0) {
            place(c, (uint64_t) base + (uint64_t) moved, p, 8);
        }
    }
}

static int32_t word(const chunk *c, int32_t p) {
    return (int32_t) fwd_u32(c->window + (p - c->window_start));
}

/* Xtensa CALL0/4/8/12 re-aimed where the target begins a function (12 C1 or 36 x1). */
static int starts_function(uint32_t b0, uint32_t b1) {
    return (b0 == 0x12u && b1 == 0xC1u) || (b0 == 0x36u && (b1 & 0x0Fu) == 0x01u);
}

/* Four bytes a test: bit 7 of a byte of the result is set where that byte's low half is 5 (a CALL). */
static uint32_t call_nibbles(uint32_t w) {
    return ~(((w & 0x0F0F0F0Fu) ^ 0x05050505u) + 0x7F7F7F7Fu) & 0x80808080u;
}

static fwd_error xtensa(fwd_applier *a, chunk *c) {
    int32_t q = c->window_start > c->from - 2 ? c->window_start : c->from - 2;
    int32_t last = c->end < c->window_end - 2 ? c->end : c->window_end - 2;
    for (; q < last; q++) {
        const uint8_t *b = c->window + (q - c->window_start);
        uint32_t x;
        int32_t offset18;
        int64_t target, at, moved_target, delta;
        uint8_t two[2];
        if (q <= last - 4) {
            uint32_t m = call_nibbles(fwd_u32(b));
            if (m == 0) {
                /* most words: skip them four bytes a test, in a loop of its own */
                do {
                    q += 4;
                } while (q <= last - 4 && call_nibbles(fwd_u32(c->window + (q - c->window_start))) == 0);
                q--; /* the for loop's q++ */
                continue;
            }
            if ((m & 0x80u) == 0) {
                q += (m & 0x8000u) ? 0 : (m & 0x800000u) ? 1 : 2; /* to the byte before the first hit */
                continue;
            }
        } else if ((b[0] & 0x0Fu) != 0x05u) {
            continue;
        }
        x = (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16;
        offset18 = (int32_t) ((x >> 6) ^ 0x20000u) - 0x20000;
        target = (int64_t) (q - (q & 3)) + 4 + 4 * (int64_t) offset18;
        if (target < 0 || target + 2 > (int64_t) a->h.old_size) {
            continue;
        }
        at = map(a, &c->here, (uint32_t) q);
        moved_target = map(a, &c->target, (uint32_t) target);
        if (at < 0 || moved_target < 0) {
            continue;
        }
        delta = moved_target - 4 - (at - (at & 3));
        if ((delta & 3) != 0 || delta / 4 < -(1 << 17) || delta / 4 >= (1 << 17)
                || (((uint32_t) (delta / 4) & 0x3FFFFu) << 6 | (x & 0x3Fu)) == x) {
            continue;
        }
        if (target >= c->window_start && target + 2 <= c->window_end) {
            two[0] = c->window[(int32_t) target - c->window_start];
            two[1] = c->window[(int32_t) target - c->window_start + 1];
        } else if (a->port.read_old(a->port.user, (uint32_t) target, two, 2) != 0) {
            return FWD_ERR_IO_ERROR;
        }
        if (starts_function(two[0], two[1])) {
            place(c, (x & 0x3Fu) | ((uint32_t) (delta / 4) & 0x3FFFFu) << 6, q, 3);
        }
    }
    return FWD_OK;
}

static int a64_partner_scale(uint32_t w) {
    if ((w & 0xFFC00000u) == 0x91000000u) {
        return 0;
    }
    if ((w & 0x3B000000u) == 0x39000000u) {
        return ((w >> 26) & 1u) && ((w >> 23) & 1u) ? 4 : (int) (w >> 30);
    }
    return -1;
}

static int a64_is_adrp(uint32_t w) {
    return (w & 0x9F000000u) == 0x90000000u;
}

/* The ADD or load/store completing the ADRP at p (offset into the window), or -1. */
static int32_t a64_partner(const chunk *c, int32_t p) {
    uint32_t reg = (uint32_t) word(c, p) & 31u;
    int32_t q;
    for (q = p + 4; q - p <= 4 * PARTNER_REACH && q <= c->window_end - 4; q += 4) {
        uint32_t x = (uint32_t) word(c, q);
        if (((x >> 5) & 31u) == reg && a64_partner_scale(x) >= 0) {
            return q;
        }
        if (a64_is_adrp(x) && (x & 31u) == reg) {
            return -1;
        }
    }
    return -1;
}

static void a64_adrp(const fwd_applier *a, chunk *c, int32_t p, uint32_t w) {
    int32_t partner = a64_partner(c, p);
    int64_t base = a->buf.blocks.reloc.image_base;
    uint32_t imm = ((w >> 5) & 0x7FFFFu) << 2 | ((w >> 29) & 3u);
    int64_t page = ((base + p) & ~(int64_t) 0xFFF) + ((int64_t) (imm ^ 0x100000u) - 0x100000) * 4096;
    int64_t moved_target, moved_at, new_target, pages;
    if (partner >= 0) {
        uint32_t x = (uint32_t) word(c, partner);
        page += (int64_t) ((x >> 10) & 0xFFFu) << a64_partner_scale(x);
    }
    moved_target = map_wide(a, &c->target, page - base);
    moved_at = map(a, &c->here, (uint32_t) p);
    if (moved_target < 0 || moved_at < 0) {
        return;
    }
    new_target = base + moved_target;
    pages = ((new_target & ~(int64_t) 0xFFF) - ((base + moved_at) & ~(int64_t) 0xFFF)) / 4096;
    place(c, (w & 0x9F00001Fu) | ((uint32_t) pages & 3u) << 29 | (((uint32_t) ((uint64_t) pages >> 2)) & 0x7FFFFu) << 5,
          p, 4);
    if (partner >= 0) {
        uint32_t x = (uint32_t) word(c, partner);
        int scale = a64_partner_scale(x);
        if ((new_target & (((int64_t) 1 << scale) - 1)) == 0) {
            uint32_t lo12 = (uint32_t) ((new_target & 0xFFF) >> scale);
            place(c, (x & ~(0xFFFu << 10)) | (lo12 & 0xFFFu) << 10, partner, 4);
        }
    }
}

static void a64(const fwd_applier *a, chunk *c) {
    uint32_t t = a->buf.blocks.reloc.transforms;
    int32_t p = c->window_start > c->from - ADRP_MARGIN + 1 ? c->window_start : c->from - ADRP_MARGIN + 1;
    if (p > c->window_end - 4) {
        return;
    }
    p = (p + 3) & ~(int32_t) 3;
    for (; p < c->end && p <= c->window_end - 4; p += 4) {
        uint32_t w = (uint32_t) word(c, p);
        if ((t & A64_BRANCH) && (w & 0x7C000000u) == 0x14000000u && p > c->from - 4) {
            int64_t offset = 4 * (int64_t) ((int32_t) ((w & 0x3FFFFFFu) ^ 0x2000000u) - 0x2000000);
            int64_t target = map_wide(a, &c->target, p + offset);
            int64_t at = map(a, &c->here, (uint32_t) p);
            if (target >= 0 && at >= 0) {
                uint64_t delta = (uint64_t) (target - at);
                place(c, (w & 0xFC000000u) | ((uint32_t) (delta >> 2) & 0x3FFFFFFu), p, 4);
            }
        } else if ((t & A64_ADRP) && a64_is_adrp(w)) {
            a64_adrp(a, c, p, w);
        }
    }
}

fwd_error fwd_view_read(fwd_applier *a, uint32_t offset, uint8_t *dst, uint32_t n) {
    chunk c;
    uint32_t margin = (a->buf.blocks.reloc.transforms & A64_ADRP) ? ADRP_MARGIN : WORD_MARGIN;
    uint32_t from = offset > margin ? offset - margin : 0;
    uint32_t to = a->h.old_size - offset - n > margin ? offset + n + margin : a->h.old_size;
    fwd_error e;
    if (a->port.read_old(a->port.user, from, a->buf.blocks.reloc.window, to - from) != 0) {
        return FWD_ERR_IO_ERROR;
    }
    memcpy(dst, a->buf.blocks.reloc.window + (offset - from), n);
    c.window = a->buf.blocks.reloc.window;
    c.window_start = (int32_t) from;
    c.window_end = (int32_t) to;
    c.from = (int32_t) offset;
    c.end = (int32_t) (offset + n);
    c.out = dst;
    c.here.start = c.target.start = 0;
    c.here.length = c.target.length = 0; /* nothing found yet */
    c.here.shift = c.target.shift = 0;
    /* weakest first, so where several rules apply the strongest is written last */
    if (a->buf.blocks.reloc.transforms & XTENSA_CALL) {
        e = xtensa(a, &c);
        if (e != FWD_OK) {
            return e;
        }
    }
    if (a->buf.blocks.reloc.transforms & THUMB_BL) {
        thumb(a, &c);
    }
    if (a->buf.blocks.reloc.transforms & (A64_BRANCH | A64_ADRP)) {
        a64(a, &c);
    }
    if (a->buf.blocks.reloc.transforms & POINTER32) {
        pointers32(a, &c);
    }
    if (a->buf.blocks.reloc.transforms & POINTER64) {
        pointers64(a, &c);
    }
    return FWD_OK;
}
