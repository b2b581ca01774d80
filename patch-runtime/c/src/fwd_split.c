/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Codec "split" (FORMAT.md 2.4), a port of SplitBlockDecoder.java: a block's records rebuilt from
 * two range-coded streams, the control values (an adaptive model per field) and the data bytes
 * (raw LZMA, fwd_lzma.c's packets). The streams arrive in chunks of up to 32 bytes, each for the
 * stream whose next step lacks input. Memory, all in the work buffer after the LZMA tables: the
 * control probabilities, then this state (with the control stream's 64-byte input buffer); the
 * ring holds the data stream's dictionary, and codec split keeps fwd_window_flush from handing
 * it to the records: the bytes of a packet go out here, between the control values.
 */
#include "fwd_internal.h"

#define CHUNK 32u
#define STEP_INPUT 20u
/*
 * Data bytes decoded ahead of the records at most, plus the packet that passes it (FORMAT.md 2.4);
 * no more than the smallest ring, so that a match copied only as far as the ring has room
 * (match_left) gets one byte in at least.
 */
#define AHEAD 256u
#define WAIT_CONTROLS 0u
#define WAIT_DATA 1u
#define WAIT_NONE 2u

enum { KIND, DIFF_LEN, ZERO_RUN, LITERAL_LEN, EXTRA_LEN, SEEK, BYTES };

typedef struct {
    fwd_range_decoder rc;
    uint32_t encoded_length;
    uint32_t raw_length;
    uint32_t produced;
    uint32_t length_bytes;
    uint32_t controls_length;
    uint32_t controls_arrived;
    uint32_t data_length;
    uint32_t data_arrived;
    uint32_t owner;
    uint32_t chunk_left;
    uint32_t state;
    uint32_t kind;
    uint32_t diff_left;
    uint32_t zero_run;
    uint32_t bytes_needed;
    uint32_t after_bytes;
    uint32_t pending; /* data bytes in the ring not yet handed to the records: at most the ring's size */
    uint32_t match_left; /* bytes of the last match not yet copied to the ring (pending filled it) */
    uint8_t length_read;
    uint8_t controls_started;
} fwd_split;

/* FORMAT.md 4 counts FWD_SPLIT_STATE bytes for this state: the build fails if it outgrows them. */
typedef char fwd_split_state_fits[sizeof(fwd_split) <= FWD_SPLIT_STATE ? 1 : -1];

static uint16_t *control_probs(fwd_applier *a) {
    return a->buf.blocks.codec.lzma.probs + a->buf.blocks.codec.lzma.prob_count;
}

static fwd_split *state_of(fwd_applier *a) {
    return (fwd_split *) (void *) (control_probs(a) + FWD_SPLIT_CONTROL_PROBS);
}

void fwd_split_start(fwd_applier *a, uint32_t encoded_length, uint32_t raw_length) {
    fwd_split *s = state_of(a);
    uint16_t *p = control_probs(a);
    uint32_t i;
    for (i = 0; i < FWD_SPLIT_CONTROL_PROBS; i++) {
        p[i] = 1024u;
    }
    s->encoded_length = encoded_length;
    s->raw_length = raw_length;
    s->produced = 0;
    s->length_bytes = 0;
    s->controls_length = 0;
    s->controls_arrived = 0;
    s->data_arrived = 0;
    s->chunk_left = 0;
    s->state = KIND;
    s->pending = 0;
    s->match_left = 0;
    s->bytes_needed = 0;
    s->length_read = 0;
    s->controls_started = 0;
    s->rc.in_pos = 0;
    s->rc.in_limit = 0;
    s->rc.err = FWD_OK;
}

/* n more bytes of the block's records, within raw_length, handed to the records. */
static fwd_error emit(fwd_applier *a, fwd_split *s, const uint8_t *b, uint32_t n) {
    if (n > s->raw_length - s->produced) {
        return FWD_ERR_CODEC_CORRUPT;
    }
    s->produced += n;
    return fwd_records_feed(a, b, n);
}

static fwd_error emit_varint(fwd_applier *a, fwd_split *s, uint32_t v) {
    uint8_t b[5];
    uint32_t n = 0;
    while (v >= 0x80u) {
        b[n++] = (uint8_t) (v | 0x80u);
        v >>= 7;
    }
    b[n++] = (uint8_t) v;
    return emit(a, s, b, n);
}

/* The next data bytes the current field needs, from the last packet's bytes at the ring's end (up
 * to the ring's end: the caller comes back for the rest). */
static fwd_error emit_data(fwd_applier *a, fwd_split *s) {
    fwd_window *w = &a->window;
    uint32_t from = w->pos >= s->pending ? w->pos - s->pending : w->pos + w->size - s->pending;
    uint32_t n = s->pending < s->bytes_needed ? s->pending : s->bytes_needed;
    if (n > w->size - from) {
        n = w->size - from;
    }
    s->pending -= n;
    s->bytes_needed -= n;
    return emit(a, s, w->ring + from, n);
}

/*
 * A codec error e in the data stream: the field's bytes decoded before it go to the records
 * first, and an error they find there is the answer instead (FORMAT.md 5). Out of line, so that
 * advance's frame, on the deepest call chain (README "Stack"), does not grow by it.
 */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif
NOINLINE static fwd_error emit_before(fwd_applier *a, fwd_split *s, fwd_error e) {
    while (s->pending > 0u && s->bytes_needed > 0u) {
        fwd_error f = emit_data(a, s);
        if (f != FWD_OK) {
            return f;
        }
    }
    return e;
}

/*
 * More of the match the ring's room cut short, as far as the ring has room again (its distance was
 * checked when it was decoded). Out of line, as emit_before.
 */
NOINLINE static fwd_error continue_match(fwd_applier *a, fwd_split *s) {
    uint32_t room = a->window.size - s->pending;
    uint32_t n = s->match_left < room ? s->match_left : room;
    s->match_left -= n;
    s->pending += n;
    return fwd_window_copy(a, a->buf.blocks.codec.lzma.rep0, n);
}

static void bytes(fwd_split *s, uint32_t count, uint32_t next) {
    s->bytes_needed = count;
    s->after_bytes = next;
    s->state = BYTES;
}

/*
 * One control value: the record's byte or uvarint, and the record's next field. A length above
 * 2^31-1 goes on to the records, which refuse it [BAD_VARINT].
 */
static fwd_error control(fwd_applier *a, fwd_split *s, uint32_t v) {
    switch (s->state) {
    case KIND:
        if (v > 1u) {
            return FWD_ERR_CODEC_CORRUPT;
        }
        s->kind = v;
        s->state = DIFF_LEN;
        break;
    case DIFF_LEN:
        s->diff_left = v;
        if (s->kind == 0u) {
            bytes(s, v, EXTRA_LEN);
        } else {
            s->state = v == 0u ? EXTRA_LEN : ZERO_RUN;
        }
        break;
    case ZERO_RUN:
    case LITERAL_LEN:
        if (v > s->diff_left || (s->state == LITERAL_LEN && v == 0u && s->zero_run == 0u)) {
            return FWD_ERR_CODEC_CORRUPT;
        }
        s->diff_left -= v;
        if (s->state == ZERO_RUN) {
            s->zero_run = v;
            s->state = LITERAL_LEN;
        } else {
            bytes(s, v, s->diff_left > 0u ? ZERO_RUN : EXTRA_LEN);
        }
        break;
    case EXTRA_LEN:
        bytes(s, v, SEEK);
        break;
    default: /* SEEK: any zig-zag value; the records check where it leads */
        s->state = KIND;
        break;
    }
    return emit_varint(a, s, v);
}

static int ready(const fwd_range_decoder *rc, uint32_t arrived, uint32_t length) {
    return rc->in_limit - rc->in_pos >= STEP_INPUT || arrived == length;
}

/* Decodes as far as the input allows: the stream whose next step lacks input, or WAIT_NONE. */
static fwd_error advance(fwd_applier *a, fwd_split *s, uint32_t *waiting) {
    fwd_lzma *z = &a->buf.blocks.codec.lzma;
    fwd_error e = FWD_OK;
    while (e == FWD_OK) {
        if (s->state == KIND && s->produced == s->raw_length) {
            *waiting = WAIT_NONE;
            return FWD_OK;
        }
        if (s->state == BYTES) {
            uint32_t want = s->bytes_needed < AHEAD ? s->bytes_needed : AHEAD;
            if (s->bytes_needed == 0u) {
                s->state = s->after_bytes;
            } else if (s->pending >= want) {
                e = emit_data(a, s);
            } else if (s->match_left > 0u) {
                e = continue_match(a, s);
            } else if (!ready(&z->rc, s->data_arrived, s->data_length)) {
                *waiting = WAIT_DATA;
                return FWD_OK;
            } else {
                /* the packets up to want pending while their input is in, in one call, within the
                 * ring's room (want <= AHEAD <= the ring's size: the room is want at least) */
                uint32_t before = a->window.total;
                e = fwd_lzma_step(a, want - s->pending, a->window.size - s->pending, s->data_arrived == s->data_length,
                                  &s->match_left);
                if (e == FWD_OK && a->window.total == before) {
                    e = FWD_ERR_CODEC_CORRUPT; /* no packet: the data would pass raw_length */
                }
                s->pending += a->window.total - before;
                if (e != FWD_OK) {
                    return emit_before(a, s, e);
                }
            }
        } else if (!ready(&s->rc, s->controls_arrived, s->controls_length)) {
            *waiting = WAIT_CONTROLS;
            return FWD_OK;
        } else {
            uint32_t v;
            e = fwd_range_control_value(&s->rc, control_probs(a) + 174u * s->state, !s->controls_started, &v);
            s->controls_started = 1;
            if (e == FWD_OK) {
                e = control(a, s, v);
            }
        }
    }
    return e;
}

/* controls_length: a uvarint of at most 5 bytes, 1..(bytes of the block after it). */
static fwd_error read_controls_length(fwd_applier *a, fwd_split *s, uint8_t b) {
    uint32_t room;
    if (s->length_bytes == 4u && b > 0x0Fu) {
        return FWD_ERR_CODEC_CORRUPT;
    }
    s->controls_length |= (uint32_t) (b & 0x7Fu) << (7u * s->length_bytes);
    s->length_bytes++;
    if ((b & 0x80u) != 0) {
        return FWD_OK;
    }
    room = s->encoded_length - s->length_bytes;
    if (s->controls_length < 1u || s->controls_length > room) {
        return FWD_ERR_CODEC_CORRUPT;
    }
    s->length_read = 1;
    s->data_length = room - s->controls_length;
    fwd_lzma_start(&a->buf.blocks.codec.lzma, s->data_length, s->raw_length);
    return FWD_OK;
}

fwd_error fwd_split_feed(fwd_applier *a, const uint8_t *b, uint32_t len) {
    fwd_split *s = state_of(a);
    while (len > 0) {
        uint32_t n;
        fwd_error e;
        if (!s->length_read) {
            e = read_controls_length(a, s, *b);
            if (e != FWD_OK) {
                return e;
            }
            b++;
            len--;
            continue;
        }
        if (s->chunk_left == 0) {
            e = advance(a, s, &s->owner);
            if (e != FWD_OK) {
                return e;
            }
            if (s->owner == WAIT_NONE) {
                return FWD_ERR_CODEC_CORRUPT; /* bytes after the block's last record */
            }
            n = s->owner == WAIT_CONTROLS ? s->controls_length - s->controls_arrived
                                          : s->data_length - s->data_arrived;
            s->chunk_left = n < CHUNK ? n : CHUNK;
        }
        n = len < s->chunk_left ? len : s->chunk_left;
        /* a stream gets a chunk only while it holds fewer than STEP_INPUT bytes: there is room */
        if (s->owner == WAIT_CONTROLS) {
            fwd_range_fill(&s->rc, b, n);
            s->controls_arrived += n;
        } else {
            fwd_range_fill(&a->buf.blocks.codec.lzma.rc, b, n);
            s->data_arrived += n;
        }
        s->chunk_left -= n;
        b += n;
        len -= n;
    }
    return FWD_OK;
}

fwd_error fwd_split_finish(fwd_applier *a) {
    fwd_split *s = state_of(a);
    const fwd_lzma *z = &a->buf.blocks.codec.lzma;
    uint32_t waiting;
    fwd_error e;
    if (!s->length_read) {
        return FWD_ERR_CODEC_CORRUPT;
    }
    e = advance(a, s, &waiting);
    if (e != FWD_OK) {
        return e;
    }
    if (waiting != WAIT_NONE || s->pending != 0u || s->match_left != 0u || s->rc.in_pos != s->rc.in_limit
            || s->rc.code != 0u) {
        return FWD_ERR_CODEC_CORRUPT;
    }
    if (s->data_length > 0u && (z->rc.in_pos != z->rc.in_limit || z->rc.code != 0u)) {
        return FWD_ERR_CODEC_CORRUPT;
    }
    return FWD_OK;
}
