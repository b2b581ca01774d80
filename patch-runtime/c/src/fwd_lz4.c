/* SPDX-License-Identifier: Apache-2.0 */
/* Codec "lz77": one LZ4 block per fwdelta block, decoded byte by byte (port of Lz4BlockDecoder.java). */
#include "fwd_internal.h"

enum { TOKEN, LITERAL_LENGTH, LITERALS, OFFSET_LOW, OFFSET_HIGH, MATCH_LENGTH };

void fwd_lz4_start(fwd_lz4 *z, uint32_t raw_length) {
    z->state = TOKEN;
    z->raw_length = raw_length;
    z->literals_left = 0;
    z->match_length = 0;
    z->offset = 0;
}

static fwd_error check_fits(const fwd_applier *a, uint32_t length) {
    return length > a->buf.blocks.codec.lz4.raw_length - a->window.total ? FWD_ERR_CODEC_CORRUPT : FWD_OK;
}

static fwd_error after_literal_length(fwd_applier *a) {
    fwd_error e = check_fits(a, a->buf.blocks.codec.lz4.literals_left);
    a->buf.blocks.codec.lz4.state = a->buf.blocks.codec.lz4.literals_left == 0 ? OFFSET_LOW : LITERALS;
    return e;
}

static fwd_error copy_match(fwd_applier *a) {
    fwd_error e = check_fits(a, a->buf.blocks.codec.lz4.match_length);
    if (e != FWD_OK) {
        return e;
    }
    a->buf.blocks.codec.lz4.state = TOKEN;
    return fwd_window_copy(a, a->buf.blocks.codec.lz4.offset - 1u, a->buf.blocks.codec.lz4.match_length);
}

fwd_error fwd_lz4_feed(fwd_applier *a, const uint8_t *b, uint32_t len) {
    fwd_lz4 *z = &a->buf.blocks.codec.lz4;
    fwd_error e = FWD_OK;
    while (len > 0 && e == FWD_OK) {
        uint32_t v;
        if (z->state == LITERALS) {
            uint32_t n = z->literals_left < len ? z->literals_left : len;
            e = fwd_window_put(a, b, n);
            b += n;
            len -= n;
            z->literals_left -= n;
            if (z->literals_left == 0) {
                z->state = OFFSET_LOW;
            }
            continue;
        }
        v = *b++;
        len--;
        switch (z->state) {
        case TOKEN:
            z->literals_left = v >> 4;
            z->match_length = (v & 0x0Fu) + 4u;
            if (z->literals_left == 15u) {
                z->state = LITERAL_LENGTH;
            } else {
                e = after_literal_length(a);
            }
            break;
        case LITERAL_LENGTH:
            z->literals_left += v;
            e = check_fits(a, z->literals_left);
            if (e == FWD_OK && v != 255u) {
                e = after_literal_length(a);
            }
            break;
        case OFFSET_LOW:
            z->offset = v;
            z->state = OFFSET_HIGH;
            break;
        case OFFSET_HIGH:
            z->offset |= v << 8;
            if (z->offset == 0 || z->offset > a->window.total || z->offset > a->window.size) {
                e = FWD_ERR_CODEC_CORRUPT;
            } else if (z->match_length == 19u) {
                z->state = MATCH_LENGTH;
            } else {
                e = copy_match(a);
            }
            break;
        default: /* MATCH_LENGTH */
            z->match_length += v;
            e = check_fits(a, z->match_length);
            if (e == FWD_OK && v != 255u) {
                e = copy_match(a);
            }
            break;
        }
    }
    return fwd_window_flush_before(a, e); /* the bytes decoded before an error first */
}

fwd_error fwd_lz4_finish(fwd_applier *a) {
    fwd_error e = fwd_window_flush(a);
    if (e != FWD_OK) {
        return e;
    }
    /* The last sequence has literals only, as in LZ4 (FORMAT.md 2.1): a block ending after a match
     * (state TOKEN) is refused, as a strict LZ4 decoder would; fwdelta's encoder never wrote one. */
    if (a->buf.blocks.codec.lz4.state != OFFSET_LOW || a->window.total != a->buf.blocks.codec.lz4.raw_length) {
        return FWD_ERR_CODEC_CORRUPT;
    }
    return FWD_OK;
}
