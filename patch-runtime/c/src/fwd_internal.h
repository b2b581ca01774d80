/* SPDX-License-Identifier: Apache-2.0 */
/* Internal helpers shared by the applier's sources (not part of the API). */
#ifndef FWDELTA_FWD_INTERNAL_H
#define FWDELTA_FWD_INTERNAL_H

#include "fwdelta/fwd_apply.h"

#define FWD_CODEC_NONE 0u
#define FWD_CODEC_LZ77 1u
#define FWD_CODEC_LZMA 2u
#define FWD_CODEC_SPLIT 3u
/*
 * Codec split is compiled in unless FWD_WITH_SPLIT is 0 (CMake FWD_WITH_SPLIT=OFF, for the
 * smallest bootloaders): then a header naming it is refused [NOT_YET_SUPPORTED] before anything
 * is erased, and `fwdelta diff --codec lzma` makes patches for such a device.
 */
#ifndef FWD_WITH_SPLIT
#define FWD_WITH_SPLIT 1
#endif
/* Codec split (FORMAT.md 2.4): control probabilities (6 fields of 174), and its state's budget. */
#define FWD_SPLIT_CONTROL_PROBS 1044u
#define FWD_SPLIT_STATE 160u
/* LZMA probability counts: fixed part, and per literal coder (times 2^(lc+lp)). */
#define FWD_LZMA_FIXED_PROBS 1846u

static inline uint32_t fwd_u16(const uint8_t *b) {
    return (uint32_t) b[0] | (uint32_t) b[1] << 8;
}

static inline uint32_t fwd_u32(const uint8_t *b) {
    return (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16 | (uint32_t) b[3] << 24;
}

/* The consumer of a block's decoded bytes: the record applier. */
fwd_error fwd_records_feed(fwd_applier *a, const uint8_t *b, uint32_t len);

void fwd_window_reset(fwd_window *w);
fwd_error fwd_window_put(fwd_applier *a, const uint8_t *b, uint32_t len);
fwd_error fwd_window_copy(fwd_applier *a, uint32_t distance, uint32_t length);
fwd_error fwd_window_flush(fwd_applier *a);
/* The bytes decoded before the codec error e (FWD_OK: none) to the records: their error, else e. */
fwd_error fwd_window_flush_before(fwd_applier *a, fwd_error e);

/*
 * The LZMA literal coder reads and writes the window for every byte: inline, unless the build
 * optimises for size (FWD_SMALL_CODE, the default with -Os), where fwd_window.c holds one copy.
 */
#if !defined(FWD_SMALL_CODE) && defined(__OPTIMIZE_SIZE__)
#define FWD_SMALL_CODE 1
#endif
#if defined(FWD_SMALL_CODE) && FWD_SMALL_CODE && !defined(FWD_WINDOW_DEFINE)
uint8_t fwd_window_back(const fwd_window *w, uint32_t distance);
fwd_error fwd_window_put_byte(fwd_applier *a, uint8_t byte);
#else
#if defined(FWD_SMALL_CODE) && FWD_SMALL_CODE
#define FWD_WINDOW_INLINE
#else
#define FWD_WINDOW_INLINE static inline
#endif
/* The byte distance + 1 back in the window. */
FWD_WINDOW_INLINE uint8_t fwd_window_back(const fwd_window *w, uint32_t distance) {
    uint32_t i = w->pos >= distance + 1u ? w->pos - distance - 1u : w->pos + w->size - distance - 1u;
    return w->ring[i];
}

/* One decoded byte: stored at once unless it fills the ring (fwd_window_put then flushes it). */
FWD_WINDOW_INLINE fwd_error fwd_window_put_byte(fwd_applier *a, uint8_t byte) {
#if !(defined(FWD_SMALL_CODE) && FWD_SMALL_CODE)
    fwd_window *w = &a->window;
    if (w->size - w->pos > 1u) {
        w->ring[w->pos++] = byte;
        w->total++;
        return FWD_OK;
    }
#endif
    return fwd_window_put(a, &byte, 1);
}
#endif

void fwd_lzma_setup(fwd_lzma *z, uint8_t *work, uint32_t props);
void fwd_lzma_start(fwd_lzma *z, uint32_t encoded_length, uint32_t raw_length);
fwd_error fwd_lzma_feed(fwd_applier *a, const uint8_t *b, uint32_t len);
fwd_error fwd_lzma_finish(fwd_applier *a);
fwd_error fwd_lzma_step(fwd_applier *a, uint32_t want, uint32_t room, uint32_t last_input_in, uint32_t *left);
uint32_t fwd_range_fill(fwd_range_decoder *rc, const uint8_t *b, uint32_t len);
fwd_error fwd_range_control_value(fwd_range_decoder *rc, uint16_t *probs, int start, uint32_t *value);

void fwd_split_start(fwd_applier *a, uint32_t encoded_length, uint32_t raw_length);
fwd_error fwd_split_feed(fwd_applier *a, const uint8_t *b, uint32_t len);
fwd_error fwd_split_finish(fwd_applier *a);

void fwd_lz4_start(fwd_lz4 *z, uint32_t raw_length);
fwd_error fwd_lz4_feed(fwd_applier *a, const uint8_t *b, uint32_t len);
fwd_error fwd_lz4_finish(fwd_applier *a);

/* Adds bytes to an image's size, CRC-32, CRC-32/MPEG-2 (when recorded) and SHA-256. */
void fwd_image_sum_update(fwd_image_sum *s, const uint8_t *b, uint32_t len, int mpeg2);

void fwd_map_start(fwd_applier *a, uint8_t *section);
/* Map bytes of the payload; *complete once the whole map arrived and passed its checks. */
fwd_error fwd_map_feed(fwd_applier *a, const uint8_t *b, uint32_t len, uint32_t *used, int *complete);
/* n (<= FWD_OLD_READ_BUFFER) bytes of the relocated view of the old image at offset. */
fwd_error fwd_view_read(fwd_applier *a, uint32_t offset, uint8_t *dst, uint32_t n);

void fwd_records_start(fwd_records *r, uint32_t max_kind);

#endif
