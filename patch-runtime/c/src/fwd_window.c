/* SPDX-License-Identifier: Apache-2.0 */
/* The codec's history ring (HistoryWindow.java): bytes go to the records before being overwritten. */
/* the one copy of the window's byte helpers in a small-code build (fwd_internal.h) */
#define FWD_WINDOW_DEFINE 1
#include "fwd_internal.h"

void fwd_window_reset(fwd_window *w) {
    w->pos = 0;
    w->flushed = 0;
    w->total = 0;
}

fwd_error fwd_window_flush(fwd_applier *a) {
    fwd_window *w = &a->window;
#if FWD_WITH_SPLIT
    if (a->h.codec == FWD_CODEC_SPLIT) {
        w->flushed = w->pos; /* codec split hands a packet's bytes to the records itself */
        return FWD_OK;
    }
#endif
    if (w->pos > w->flushed) {
        uint32_t from = w->flushed;
        w->flushed = w->pos;
        return fwd_records_feed(a, w->ring + from, w->pos - from);
    }
    return FWD_OK;
}

/*
 * The end of a feed, or a codec error e found after bytes were decoded: they go to the records
 * first, and an error the records find in them is the answer instead of e (FORMAT.md 5), so the
 * code does not depend on where the patch's chunks ended. After an error of the records' own
 * nothing is left to flush (the flush marks bytes flushed before the records take them), and e
 * passes unchanged.
 */
fwd_error fwd_window_flush_before(fwd_applier *a, fwd_error e) {
    fwd_error f = fwd_window_flush(a);
    return f != FWD_OK ? f : e;
}

static fwd_error wrap(fwd_applier *a) {
    fwd_window *w = &a->window;
    fwd_error e = FWD_OK;
    if (w->pos == w->size) {
        e = fwd_window_flush(a);
        w->pos = 0;
        w->flushed = 0;
    }
    return e;
}

fwd_error fwd_window_put(fwd_applier *a, const uint8_t *b, uint32_t len) {
    fwd_window *w = &a->window;
    while (len > 0) {
        uint32_t n = w->size - w->pos < len ? w->size - w->pos : len;
        uint32_t i;
        fwd_error e;
        for (i = 0; i < n; i++) {
            w->ring[w->pos + i] = b[i];
        }
        w->pos += n;
        w->total += n;
        b += n;
        len -= n;
        e = wrap(a);
        if (e != FWD_OK) {
            return e;
        }
    }
    return FWD_OK;
}

/* Copies length bytes from distance + 1 back (the caller checked the range); overlaps repeat. */
fwd_error fwd_window_copy(fwd_applier *a, uint32_t distance, uint32_t length) {
    fwd_window *w = &a->window;
    uint32_t from = w->pos >= distance + 1u ? w->pos - distance - 1u : w->pos + w->size - distance - 1u;
#if defined(FWD_SMALL_CODE) && FWD_SMALL_CODE
    uint32_t i;
    for (i = 0; i < length; i++) {
        fwd_error e;
        w->ring[w->pos++] = w->ring[from++];
        w->total++;
        if (from == w->size) {
            from = 0;
        }
        e = wrap(a);
        if (e != FWD_OK) {
            return e;
        }
    }
#else
    /* in runs that neither end of the ring interrupts, the positions kept in locals */
    while (length > 0) {
        uint8_t *ring = w->ring;
        uint32_t pos = w->pos;
        uint32_t n = length;
        uint32_t i;
        fwd_error e;
        if (n > w->size - pos) {
            n = w->size - pos;
        }
        if (n > w->size - from) {
            n = w->size - from;
        }
        for (i = 0; i < n; i++) {
            ring[pos + i] = ring[from + i]; /* forwards, a byte at a time: a short distance repeats */
        }
        w->pos = pos + n;
        w->total += n;
        from = from + n == w->size ? 0 : from + n;
        length -= n;
        e = wrap(a);
        if (e != FWD_OK) {
            return e;
        }
    }
#endif
    return FWD_OK;
}
