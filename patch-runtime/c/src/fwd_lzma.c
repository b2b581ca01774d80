/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Codec "lzma": raw LZMA, one stream per block, pushed in chunks. A port of OUR
 * LzmaBlockDecoder.java and RangeDecoder.java: a packet never needs more than 20 input bytes,
 * so a packet is decoded only while that much look-ahead is buffered, or once the block's last
 * byte is in. Memory (the work buffer): probabilities, then the dictionary ring.
 */
#include "fwd_internal.h"

#define BIT_MODEL_TOTAL (1u << 11)
#define MOVE_BITS 5u
#define TOP (1u << 24)
#define MAX_PACKET_INPUT 20u
#define STATES 12u
#define POS_STATES_MAX 16u
#define END_POS_MODEL 14u
#define FULL_DISTANCES 128u
#define MATCH_MIN 2u

#define LEN_CHOICE 0u
#define LEN_CHOICE2 1u
#define LEN_LOW 2u
#define LEN_MID (LEN_LOW + (POS_STATES_MAX << 3))
#define LEN_HIGH (LEN_MID + (POS_STATES_MAX << 3))
#define LEN_PROBS (LEN_HIGH + 256u)

#define IS_MATCH 0u
#define IS_REP (IS_MATCH + STATES * POS_STATES_MAX)
#define IS_REP_G0 (IS_REP + STATES)
#define IS_REP_G1 (IS_REP_G0 + STATES)
#define IS_REP_G2 (IS_REP_G1 + STATES)
#define IS_REP0_LONG (IS_REP_G2 + STATES)
#define POS_SLOT (IS_REP0_LONG + STATES * POS_STATES_MAX)
#define SPEC_POS (POS_SLOT + 4u * 64u)
#define ALIGN (SPEC_POS + FULL_DISTANCES - END_POS_MODEL)
#define LEN (ALIGN + 16u)
#define REP_LEN (LEN + LEN_PROBS)
#define LITERAL (REP_LEN + LEN_PROBS)

#if LITERAL != 1846
#error "LZMA probability layout must hold 1846 fixed entries (FORMAT.md 4)"
#endif

/* ---- range decoder ---- */

/*
 * The bit decoder runs for every bit of the patch: inline it into its callers, so that range, code
 * and the input position stay in registers (GCC's -O2 leaves it out of line on a Cortex-M4, and
 * then every bit loads and stores them through memory). Not in a small-code build, where the 21
 * copies would cost more flash than the calls cost time.
 */
#if defined(FWD_SMALL_CODE) && FWD_SMALL_CODE
#define RC_INLINE static
#elif defined(__GNUC__)
#define RC_INLINE static inline __attribute__((always_inline))
#else
#define RC_INLINE static inline
#endif

/*
 * The range decoder works on a copy of its state in local variables (rc_state) while a run of
 * packets is decoded, so that range, code and the input position stay in registers instead of
 * being loaded and stored through the context for every bit; decode_buffered copies it back.
 */
typedef struct {
    const uint8_t *in;
    uint32_t pos;
    uint32_t limit;
    uint32_t range;
    uint32_t code;
    fwd_error err;
} rc_state;

static void rc_reset(fwd_range_decoder *rc) {
    rc->in_pos = 0;
    rc->in_limit = 0;
    rc->err = FWD_OK;
}

static uint32_t rc_buffered(const fwd_range_decoder *rc) {
    return rc->in_limit - rc->in_pos;
}

static void rc_load(rc_state *rc, const fwd_range_decoder *from) {
    rc->in = from->in;
    rc->pos = from->in_pos;
    rc->limit = from->in_limit;
    rc->range = from->range;
    rc->code = from->code;
    rc->err = from->err;
}

static void rc_store(fwd_range_decoder *to, const rc_state *rc) {
    to->in_pos = rc->pos;
    to->range = rc->range;
    to->code = rc->code;
    to->err = rc->err;
}

static uint32_t rc_fill(fwd_range_decoder *rc, const uint8_t *b, uint32_t len) {
    uint32_t i;
    uint32_t n;
    if (rc->in_pos > 0) {
        for (i = 0; i < rc->in_limit - rc->in_pos; i++) {
            rc->in[i] = rc->in[rc->in_pos + i];
        }
        rc->in_limit -= rc->in_pos;
        rc->in_pos = 0;
    }
    n = FWD_LZMA_INPUT_BUFFER - rc->in_limit < len ? FWD_LZMA_INPUT_BUFFER - rc->in_limit : len;
    for (i = 0; i < n; i++) {
        rc->in[rc->in_limit + i] = b[i];
    }
    rc->in_limit += n;
    return n;
}

/* The next input byte; past the end it records CODEC_CORRUPT and returns 0 (checked per packet). */
RC_INLINE uint32_t rc_next(rc_state *rc) {
    if (rc->pos == rc->limit) {
        rc->err = FWD_ERR_CODEC_CORRUPT;
        return 0;
    }
    return rc->in[rc->pos++];
}

static void rc_init(rc_state *rc) {
    uint32_t i;
    if (rc_next(rc) != 0) {
        rc->err = FWD_ERR_CODEC_CORRUPT;
    }
    rc->code = 0;
    for (i = 0; i < 4; i++) {
        rc->code = (rc->code << 8) | rc_next(rc);
    }
    rc->range = 0xFFFFFFFFu;
    if (rc->code == rc->range) {
        rc->err = FWD_ERR_CODEC_CORRUPT;
    }
}

RC_INLINE void rc_normalize(rc_state *rc) {
    if (rc->range < TOP) {
        rc->range <<= 8;
        rc->code = (rc->code << 8) | rc_next(rc);
    }
}

RC_INLINE uint32_t rc_bit(rc_state *rc, uint16_t *p) {
    uint32_t prob = *p;
    uint32_t bound = (rc->range >> 11) * prob;
    uint32_t bit;
    if (rc->code < bound) {
        rc->range = bound;
        *p = (uint16_t) (prob + ((BIT_MODEL_TOTAL - prob) >> MOVE_BITS));
        bit = 0;
    } else {
        rc->range -= bound;
        rc->code -= bound;
        *p = (uint16_t) (prob - (prob >> MOVE_BITS));
        bit = 1;
    }
    rc_normalize(rc);
    return bit;
}

static uint32_t rc_direct(rc_state *rc, uint32_t count) {
    uint32_t result = 0;
    uint32_t i;
    for (i = 0; i < count; i++) {
        uint32_t t;
        rc->range >>= 1;
        rc->code -= rc->range;
        t = 0u - (rc->code >> 31);
        rc->code += rc->range & t;
        if (rc->code == rc->range) {
            rc->err = FWD_ERR_CODEC_CORRUPT;
        }
        rc_normalize(rc);
        result = (result << 1) + (t + 1u);
    }
    return result;
}

/* Bit-tree symbol of bits bits, probabilities at probs[1..]. */
static uint32_t rc_tree(rc_state *rc, uint16_t *probs, uint32_t bits) {
    uint32_t m = 1;
    uint32_t i;
    for (i = 0; i < bits; i++) {
        m = (m << 1) + rc_bit(rc, probs + m);
    }
    return m - (1u << bits);
}

static uint32_t rc_reverse_tree(rc_state *rc, uint16_t *probs, uint32_t bits) {
    uint32_t m = 1;
    uint32_t symbol = 0;
    uint32_t i;
    for (i = 0; i < bits; i++) {
        uint32_t b = rc_bit(rc, probs + m);
        m = (m << 1) + b;
        symbol |= b << i;
    }
    return symbol;
}

/* ---- decoder ---- */

void fwd_lzma_setup(fwd_lzma *z, uint8_t *work, uint32_t props) {
    z->lc = props % 9u;
    z->lp_mask = (1u << ((props / 9u) % 5u)) - 1u;
    z->pb_mask = (1u << (props / 45u)) - 1u;
    z->probs = (uint16_t *) (void *) work;
    z->prob_count = LITERAL + ((0x300u * (z->lp_mask + 1u)) << z->lc);
}

void fwd_lzma_start(fwd_lzma *z, uint32_t encoded_length, uint32_t raw_length) {
    uint32_t i;
    z->encoded_left = encoded_length;
    z->raw_length = raw_length;
    for (i = 0; i < z->prob_count; i++) {
        z->probs[i] = (uint16_t) (BIT_MODEL_TOTAL / 2u);
    }
    rc_reset(&z->rc);
    z->started = 0;
    z->state = 0;
    z->rep0 = z->rep1 = z->rep2 = z->rep3 = 0;
}

static inline uint32_t decode_length(rc_state *rc, uint16_t *probs, uint32_t pos_state) {
    if (rc_bit(rc, probs + LEN_CHOICE) == 0) {
        return rc_tree(rc, probs + LEN_LOW + (pos_state << 3) - 1u, 3);
    }
    if (rc_bit(rc, probs + LEN_CHOICE2) == 0) {
        return 8u + rc_tree(rc, probs + LEN_MID + (pos_state << 3) - 1u, 3);
    }
    return 16u + rc_tree(rc, probs + LEN_HIGH - 1u, 8);
}

static uint32_t decode_distance(fwd_lzma *z, rc_state *rc, uint32_t length) {
    uint32_t len_state = length < 3u ? length : 3u;
    uint32_t slot = rc_tree(rc, z->probs + POS_SLOT + (len_state << 6), 6);
    uint32_t direct;
    uint32_t distance;
    if (slot < 4u) {
        return slot;
    }
    direct = (slot >> 1) - 1u;
    distance = (2u | (slot & 1u)) << direct;
    if (slot < END_POS_MODEL) {
        return distance + rc_reverse_tree(rc, z->probs + SPEC_POS + distance - slot - 1u, direct);
    }
    distance += rc_direct(rc, direct - 4u) << 4;
    return distance + rc_reverse_tree(rc, z->probs + ALIGN - 1u, 4);
}

/* A match distance must stay inside this block's output and the dictionary. */
static fwd_error check_reach(const fwd_applier *a, uint32_t distance) {
    uint32_t reach = a->window.total < a->window.size ? a->window.total : a->window.size;
    return distance >= reach ? FWD_ERR_CODEC_CORRUPT : FWD_OK;
}

static fwd_error decode_literal(fwd_applier *a, rc_state *rc) {
    fwd_lzma *z = &a->buf.blocks.codec.lzma;
    uint32_t previous = a->window.total > 0 ? fwd_window_back(&a->window, 0) : 0;
    uint32_t lit_state = ((a->window.total & z->lp_mask) << z->lc) + (previous >> (8u - z->lc));
    uint16_t *base = z->probs + LITERAL + 0x300u * lit_state;
    uint32_t symbol = 1;
    uint8_t byte;
    if (z->state >= 7u) {
        uint32_t match_byte = fwd_window_back(&a->window, z->rep0);
        do {
            uint32_t match_bit = (match_byte >> 7) & 1u;
            uint32_t bit;
            match_byte <<= 1;
            bit = rc_bit(rc, base + ((1u + match_bit) << 8) + symbol);
            symbol = (symbol << 1) | bit;
            if (match_bit != bit) {
                break;
            }
        } while (symbol < 0x100u);
    }
#if !(defined(FWD_SMALL_CODE) && FWD_SMALL_CODE)
    if (symbol == 1u) {
        /* a plain literal is always eight bits: unrolled, most of the literal bits of a patch */
        symbol = (symbol << 1) | rc_bit(rc, base + symbol);
        symbol = (symbol << 1) | rc_bit(rc, base + symbol);
        symbol = (symbol << 1) | rc_bit(rc, base + symbol);
        symbol = (symbol << 1) | rc_bit(rc, base + symbol);
        symbol = (symbol << 1) | rc_bit(rc, base + symbol);
        symbol = (symbol << 1) | rc_bit(rc, base + symbol);
        symbol = (symbol << 1) | rc_bit(rc, base + symbol);
        symbol = (symbol << 1) | rc_bit(rc, base + symbol);
    }
#endif
    while (symbol < 0x100u) {
        symbol = (symbol << 1) | rc_bit(rc, base + symbol);
    }
    if (rc->err != FWD_OK) {
        return rc->err;
    }
    byte = (uint8_t) symbol;
    z->state = z->state < 4u ? 0u : z->state < 10u ? z->state - 3u : z->state - 6u;
    return fwd_window_put_byte(a, byte);
}

/*
 * One packet, whose bytes go to the window until its total reaches cap: *left receives the bytes
 * of a match still to be copied (codec split's ring may hold fewer than a match's 273).
 */
static fwd_error decode_packet(fwd_applier *a, rc_state *rc, uint32_t cap, uint32_t *left) {
    fwd_lzma *z = &a->buf.blocks.codec.lzma;
    uint32_t pos_state = a->window.total & z->pb_mask;
    uint32_t length;
    fwd_error e;
    if (rc_bit(rc, z->probs + IS_MATCH + (z->state << 4) + pos_state) == 0) {
        return rc->err != FWD_OK ? rc->err : decode_literal(a, rc);
    }
    if (rc_bit(rc, z->probs + IS_REP + z->state) == 0) {
        z->rep3 = z->rep2;
        z->rep2 = z->rep1;
        z->rep1 = z->rep0;
        length = decode_length(rc, z->probs + LEN, pos_state);
        z->state = z->state < 7u ? 7u : 10u;
        z->rep0 = decode_distance(z, rc, length);
    } else {
        e = check_reach(a, 0);
        if (e != FWD_OK) {
            return rc->err != FWD_OK ? rc->err : e;
        }
        if (rc_bit(rc, z->probs + IS_REP_G0 + z->state) == 0) {
            if (rc_bit(rc, z->probs + IS_REP0_LONG + (z->state << 4) + pos_state) == 0) {
                uint8_t byte;
                if (rc->err != FWD_OK) {
                    return rc->err;
                }
                z->state = z->state < 7u ? 9u : 11u;
                byte = fwd_window_back(&a->window, z->rep0);
                return fwd_window_put_byte(a, byte);
            }
        } else {
            uint32_t distance;
            if (rc_bit(rc, z->probs + IS_REP_G1 + z->state) == 0) {
                distance = z->rep1;
            } else {
                if (rc_bit(rc, z->probs + IS_REP_G2 + z->state) == 0) {
                    distance = z->rep2;
                } else {
                    distance = z->rep3;
                    z->rep3 = z->rep2;
                }
                z->rep2 = z->rep1;
            }
            z->rep1 = z->rep0;
            z->rep0 = distance;
        }
        length = decode_length(rc, z->probs + REP_LEN, pos_state);
        z->state = z->state < 7u ? 8u : 11u;
    }
    if (rc->err != FWD_OK) {
        return rc->err;
    }
    e = check_reach(a, z->rep0);
    if (e != FWD_OK) {
        return e;
    }
    length += MATCH_MIN;
    if (length > z->raw_length - a->window.total) {
        return FWD_ERR_CODEC_CORRUPT;
    }
#if FWD_WITH_SPLIT
    if (length > cap - a->window.total) {
        *left = length - (cap - a->window.total);
        length = cap - a->window.total;
    }
#else
    (void) cap; /* codec lzma's ring hands its bytes on as it wraps: no match is cut */
    (void) left;
#endif
    return fwd_window_copy(a, z->rep0, length);
}

/*
 * Packets while their input is buffered (at least 20 bytes, or the stream's last byte is in) and
 * they have decoded fewer than want bytes; codec split passes its own count of the input's end,
 * and room, the bytes its ring takes: a match that would pass it stops there, *left the rest.
 */
static fwd_error decode_packets(fwd_applier *a, uint32_t want, uint32_t room, uint32_t last_input_in,
                                uint32_t *left) {
    fwd_lzma *z = &a->buf.blocks.codec.lzma;
    /* one bound for the loop, as cheap as the block's alone: want bytes, within raw_length */
    uint32_t limit = want >= z->raw_length - a->window.total ? z->raw_length : a->window.total + want;
    /* the ring's room as a total, past raw_length for codec lzma (its ring passes bytes on) */
    uint32_t cap = room >= z->raw_length - a->window.total ? z->raw_length : a->window.total + room;
    uint32_t cut = 0;
    rc_state rc;
    fwd_error e = FWD_OK;
    *left = 0;
    if (!z->started && rc_buffered(&z->rc) < 5u && !last_input_in) {
        return FWD_OK;
    }
    rc_load(&rc, &z->rc);
    if (!z->started) {
        rc_init(&rc);
        e = rc.err;
        z->started = e == FWD_OK;
    }
    /* want is at most room (limit <= cap): a packet starts with room for a byte, a cut match ends the loop */
    while (e == FWD_OK && a->window.total < limit && (rc.limit - rc.pos >= MAX_PACKET_INPUT || last_input_in)) {
        e = decode_packet(a, &rc, cap, &cut);
    }
    *left = cut;
    rc_store(&z->rc, &rc);
    return e;
}

static fwd_error decode_buffered(fwd_applier *a) {
    fwd_lzma *z = &a->buf.blocks.codec.lzma;
    uint32_t left; /* stays 0: the ring passes bytes on to the records as it wraps */
    return decode_packets(a, 0xFFFFFFFFu, 0xFFFFFFFFu, z->encoded_left == 0, &left);
}

fwd_error fwd_lzma_feed(fwd_applier *a, const uint8_t *b, uint32_t len) {
    fwd_lzma *z = &a->buf.blocks.codec.lzma;
    fwd_error e = FWD_OK;
    while (len > 0 && e == FWD_OK) {
        uint32_t n = rc_fill(&z->rc, b, len);
        if (n == 0) {
            e = FWD_ERR_CODEC_CORRUPT; /* data after the last symbol */
        } else {
            b += n;
            len -= n;
            z->encoded_left -= n;
            e = decode_buffered(a);
        }
    }
    return fwd_window_flush_before(a, e); /* the bytes decoded before an error first */
}

#if FWD_WITH_SPLIT
uint32_t fwd_range_fill(fwd_range_decoder *rc, const uint8_t *b, uint32_t len) {
    return rc_fill(rc, b, len);
}

/*
 * Codec split: packets until want bytes are decoded or the input runs short (last_input_in: all is
 * in), no more than room bytes of them; *left: the bytes of a match room cut short.
 */
fwd_error fwd_lzma_step(fwd_applier *a, uint32_t want, uint32_t room, uint32_t last_input_in, uint32_t *left) {
    return decode_packets(a, want, room, last_input_in, left);
}

/*
 * Codec split's control value (FORMAT.md 2.4) with one field's 174 probabilities: its bit length
 * (choice bits at 0 and 1, then a 3-bit tree at 2 for 0..7 or at 10 for 8..15, a 5-bit one at 18
 * above), the two bits below its top bit (a tree per length at 50), the rest as direct bits.
 * start: the stream's first value, which reads its 5-byte start first.
 */
fwd_error fwd_range_control_value(fwd_range_decoder *from, uint16_t *probs, int start, uint32_t *value) {
    rc_state rc;
    uint32_t length;
    rc_load(&rc, from);
    if (start) {
        rc_init(&rc);
    }
    if (rc_bit(&rc, probs) == 0) {
        length = rc_tree(&rc, probs + 2, 3);
    } else if (rc_bit(&rc, probs + 1) == 0) {
        length = 8u + rc_tree(&rc, probs + 10, 3);
    } else {
        length = 16u + rc_tree(&rc, probs + 18, 5);
    }
    if (length > 32u) {
        rc.err = FWD_ERR_CODEC_CORRUPT;
    } else if (length < 2u) {
        *value = length;
    } else {
        uint32_t high = length - 1u < 2u ? length - 1u : 2u;
        uint32_t rest = length - 1u - high;
        uint32_t top = rc_tree(&rc, probs + 50u + 4u * (length - 2u), high);
        *value = (1u << (length - 1u)) | (top << rest) | rc_direct(&rc, rest);
    }
    rc_store(from, &rc);
    return rc.err;
}
#endif

fwd_error fwd_lzma_finish(fwd_applier *a) {
    fwd_lzma *z = &a->buf.blocks.codec.lzma;
    fwd_error e = fwd_window_flush_before(a, decode_buffered(a));
    if (e != FWD_OK) {
        return e;
    }
    if (a->window.total != z->raw_length || rc_buffered(&z->rc) != 0 || z->rc.code != 0) {
        return FWD_ERR_CODEC_CORRUPT;
    }
    return FWD_OK;
}
