/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoded record stream (docs/FORMAT.md 2.2), applied as it arrives: a port of
 * RecordApplier.java. The old image is read through the port, the new image written in order;
 * every length and seek is checked against the image sizes before a byte moves.
 */
#include "fwd_internal.h"

enum { KIND, DIFF_LENGTH, DIFF_BYTES, ZERO_RUN, LITERAL_LENGTH, EXTRA_LENGTH, EXTRA_BYTES, SEEK };

#define KIND_SPARSE 1u
#define MAX_VARINT_BYTES 5u
#define MAX_VARINT_VALUE 0x7FFFFFFFu

void fwd_records_start(fwd_records *r, uint32_t max_kind) {
    r->state = KIND;
    r->varint = 0;
    r->varint_bytes = 0;
    r->remaining = 0;
    r->old_pos = 0;
    r->new_pos = 0;
    r->max_kind = (uint8_t) max_kind;
    r->sparse = 0;
    r->diff_left = 0;
    r->zero_run = 0;
    r->cache_base = 0;
    r->cache_end = 0;
    r->pending = 0;
}

/*
 * New-image bytes: to the block CRC, the new image's other checksums and the staging slot. The
 * image's CRC-32 is combined from the block CRCs at each block's end: one CRC pass, not two.
 */
static fwd_error emit(fwd_applier *a, const uint8_t *b, uint32_t len) {
    a->block_crc = fwd_crc32_update(a->block_crc, b, len);
    if (a->h.has_mpeg2) {
        a->new_sum.mpeg2 = fwd_crc32_mpeg2_update(a->new_sum.mpeg2, b, len);
    }
    fwd_sha256_update(&a->new_sum.sha, b, len);
    a->new_sum.size += len;
    return a->port.write_new(a->port.user, b, len) == 0 ? FWD_OK : FWD_ERR_IO_ERROR;
}

/*
 * A sparse record alternates short zero runs and literals over consecutive old bytes (a few bytes
 * each on far-apart releases). So that each pair costs neither a port read and a view scan nor a
 * pass through the checksums and the staging port, a read fills old_buf as far as it holds and the
 * next reads are served from it, and the new bytes a record's diff part makes there (old bytes as
 * they are, or with the diff added in place) are emitted together: when old_buf is refilled and
 * when the record's extra_len arrives, before its extra bytes and before any block ends (a block
 * holds whole records). Not in a small-code build (FWD_SMALL_CODE), where the code it takes
 * counts more: there every read goes to the port and every piece is emitted at once.
 */
#if defined(FWD_SMALL_CODE) && FWD_SMALL_CODE
#define BATCHED 0
#else
#define BATCHED 1
#endif

/* Emits the new bytes made in old_buf and not emitted yet: the pending bytes before old_pos. */
static fwd_error flush(fwd_applier *a) {
    fwd_records *r = &a->buf.blocks.rec;
    uint32_t n = r->pending;
    if (!BATCHED || n == 0) {
        return FWD_OK;
    }
    r->pending = 0;
    return emit(a, a->buf.blocks.old_buf + (r->old_pos - r->cache_base) - n, n);
}

/* n new bytes made at the end of what old_buf held unemitted (old_pos not yet advanced past them). */
static fwd_error made(fwd_applier *a, const uint8_t *b, uint32_t n) {
    if (BATCHED) {
        a->buf.blocks.rec.pending = (uint8_t) (a->buf.blocks.rec.pending + n);
        return FWD_OK;
    }
    return emit(a, b, n);
}

/* n (<= FWD_OLD_READ_BUFFER) old bytes at old_pos, relocated where there is a map, at *at in old_buf. */
static fwd_error read_old(fwd_applier *a, uint32_t n, uint8_t **at) {
    fwd_records *r = &a->buf.blocks.rec;
    uint32_t pos = r->old_pos;
    fwd_error e = FWD_OK;
#if BATCHED
    if (pos >= r->cache_base && pos - r->cache_base + n <= r->cache_end) {
        *at = a->buf.blocks.old_buf + (pos - r->cache_base);
        return FWD_OK;
    }
    e = flush(a);
    if (e != FWD_OK) {
        return e;
    }
    n = a->h.old_size - pos < FWD_OLD_READ_BUFFER ? a->h.old_size - pos : FWD_OLD_READ_BUFFER;
    r->cache_base = pos;
    r->cache_end = (uint8_t) n;
#endif
    if (a->buf.blocks.reloc.ready) {
        e = fwd_view_read(a, pos, a->buf.blocks.old_buf, n);
    } else if (a->port.read_old(a->port.user, pos, a->buf.blocks.old_buf, n) != 0) {
        e = FWD_ERR_IO_ERROR;
    }
    *at = a->buf.blocks.old_buf;
    return e; /* an error is sticky: nothing reads old_buf again */
}

static uint32_t after_pair(const fwd_records *r) {
    return r->diff_left > 0 ? ZERO_RUN : EXTRA_LENGTH;
}

/* The old bytes of a zero run, unchanged (diff_len was checked against both images). */
static fwd_error copy_old(fwd_applier *a, uint32_t n) {
    while (n > 0) {
        uint32_t k = n < FWD_OLD_READ_BUFFER ? n : FWD_OLD_READ_BUFFER;
        uint8_t *old;
        fwd_error e = read_old(a, k, &old);
        if (e == FWD_OK) {
            e = made(a, old, k);
        }
        if (e != FWD_OK) {
            return e;
        }
        a->buf.blocks.rec.old_pos += k;
        a->buf.blocks.rec.new_pos += k;
        n -= k;
    }
    return FWD_OK;
}

static fwd_error on_pair_field(fwd_applier *a, uint32_t v) {
    fwd_records *r = &a->buf.blocks.rec;
    uint32_t lo;
    fwd_error e;
    if (r->state == ZERO_RUN) {
        if (v > r->diff_left) {
            return FWD_ERR_BAD_DIFF_LENGTH;
        }
        r->zero_run = v;
        r->state = LITERAL_LENGTH;
        return FWD_OK;
    }
    lo = r->zero_run == 0 ? 1u : 0u;
    if (v < lo || v > r->diff_left - r->zero_run) {
        return FWD_ERR_BAD_DIFF_LENGTH;
    }
    e = copy_old(a, r->zero_run);
    if (e != FWD_OK) {
        return e;
    }
    r->diff_left -= r->zero_run + v;
    r->remaining = v;
    r->state = v > 0 ? DIFF_BYTES : after_pair(r);
    return FWD_OK;
}

static fwd_error on_varint(fwd_applier *a) {
    fwd_records *r = &a->buf.blocks.rec;
    uint32_t v = r->varint;
    uint32_t old_size = a->h.old_size;
    uint32_t new_size = a->h.new_size;
    r->varint = 0;
    r->varint_bytes = 0;
    if (r->state == SEEK) {
        /* zig-zag: (v >> 1) ^ -(v & 1), a signed 32-bit step */
        int64_t step = (int64_t) (v >> 1) ^ -(int64_t) (v & 1u);
        int64_t target = (int64_t) r->old_pos + step;
        if (target < 0 || target > (int64_t) old_size) {
            return FWD_ERR_BAD_SEEK;
        }
        r->old_pos = (uint32_t) target;
#if BATCHED
        if (step < 0) {
            r->cache_end = 0; /* old_buf may hold new bytes (apply_diff) before old_pos */
        }
#endif
        r->state = KIND;
        return FWD_OK;
    }
    if (v > MAX_VARINT_VALUE) {
        return FWD_ERR_BAD_VARINT;
    }
    if (r->state == ZERO_RUN || r->state == LITERAL_LENGTH) {
        return on_pair_field(a, v);
    }
    if (r->state == EXTRA_LENGTH) {
        fwd_error e = flush(a); /* the diff part's bytes, before the extra bytes */
        if (e != FWD_OK) {
            return e;
        }
    }
    if (r->state == DIFF_LENGTH && v > old_size - r->old_pos) {
        return FWD_ERR_BAD_DIFF_LENGTH;
    }
    if (v > new_size - r->new_pos) {
        return FWD_ERR_OUTPUT_OVERFLOW;
    }
    r->remaining = v;
    if (r->state == DIFF_LENGTH && r->sparse) {
        r->diff_left = v;
        r->state = v > 0 ? ZERO_RUN : EXTRA_LENGTH;
    } else if (r->state == DIFF_LENGTH) {
        r->state = v > 0 ? DIFF_BYTES : EXTRA_LENGTH;
    } else {
        r->state = v > 0 ? EXTRA_BYTES : SEEK;
    }
    return FWD_OK;
}

static void advance(fwd_records *r, uint32_t n, uint32_t next_or_pair) {
    r->new_pos += n;
    r->remaining -= n;
    if (r->remaining == 0) {
        r->state = next_or_pair != KIND ? next_or_pair : after_pair(r);
    }
}

static fwd_error apply_diff(fwd_applier *a, const uint8_t *b, uint32_t len, uint32_t *used) {
    fwd_records *r = &a->buf.blocks.rec;
    uint32_t n = r->remaining < len ? r->remaining : len;
    uint32_t i;
    uint8_t *old;
    fwd_error e;
    if (n > FWD_OLD_READ_BUFFER) {
        n = FWD_OLD_READ_BUFFER;
    }
    e = read_old(a, n, &old);
    if (e != FWD_OK) {
        return e;
    }
    for (i = 0; i < n; i++) {
        old[i] = (uint8_t) (old[i] + b[i]);
    }
    e = made(a, old, n);
    /* those bytes of old_buf hold new bytes now: reads go on after them, or a seek back drops them */
    r->old_pos += n;
    /* KIND stands for "the sparse pair ended": the next pair or extra_len follows */
    advance(r, n, r->sparse ? KIND : EXTRA_LENGTH);
    *used = n;
    return e;
}

fwd_error fwd_records_feed(fwd_applier *a, const uint8_t *b, uint32_t len) {
    fwd_records *r = &a->buf.blocks.rec;
    while (len > 0) {
        uint32_t n = 1;
        fwd_error e = FWD_OK;
        if (r->state == DIFF_BYTES) {
            e = apply_diff(a, b, len, &n);
        } else if (r->state == EXTRA_BYTES) {
            n = r->remaining < len ? r->remaining : len;
            e = emit(a, b, n);
            advance(r, n, SEEK);
        } else if (r->state == KIND) {
            if (b[0] > r->max_kind) {
                return FWD_ERR_UNKNOWN_RECORD_KIND;
            }
            r->sparse = (uint8_t) (b[0] == KIND_SPARSE);
            r->state = DIFF_LENGTH;
        } else {
            uint32_t v = b[0];
            r->varint |= (v & 0x7Fu) << (7u * r->varint_bytes);
            r->varint_bytes++;
            if ((v & 0x80u) == 0) {
                if (r->varint_bytes == MAX_VARINT_BYTES && (v & 0x7Fu) > 0x0Fu) {
                    /* a fifth byte above 0x0F: the value needs more than 32 bits */
                    e = FWD_ERR_BAD_VARINT;
                } else {
                    e = on_varint(a);
                }
            } else if (r->varint_bytes == MAX_VARINT_BYTES) {
                e = FWD_ERR_BAD_VARINT;
            }
        }
        if (e != FWD_OK) {
            return e;
        }
        b += n;
        len -= n;
    }
    return FWD_OK;
}
