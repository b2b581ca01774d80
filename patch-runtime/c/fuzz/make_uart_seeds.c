/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds of fuzz/fuzz_uart.c: for each of its vectors, the whole transcript a host sends for a valid
 * update (docs/PROTOCOL.md section 1: HELLO, BEGIN with the patch length and header, the payload
 * in DATA frames from offset header_size, DONE), behind the target's input head (fuzz/fuzz_uart.h),
 * in a few DATA sizes, chunk seeds and HELLO capabilities, with and without the target's CRC
 * fix-up (FUZZ_UART_FIX_CRCS), so that the fuzzer starts from every
 * state of a transfer up to an installed and confirmed image; and on the ECC device
 * (FUZZ_UART_ECC_TEARS) with its reset events tearing writes, the update sent three times so that
 * it is staged after the tears (a torn unit restarts it). Frames from tests/uart_frame.h.
 * Usage: fwd_make_uart_seeds VECTOR_DIR OUT_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_uart.h"
#include "uart_frame.h"
#include "vector_file.h"

#define PATCH_MAX 4096u
/* The most patch bytes a DATA frame carries: the payload less its u32 offset. */
#define DATA_MAX (FWD_FRAME_MAX_PAYLOAD - 4u)
/* The ECC variant's chunk seed: its reset events tear writes the later sends get past (each seed
 * must install: replay_uart_main.c --seeds). */
#define CHUNK_SEED_ECC 163u
/* The most times a variant sends the update. */
#define SENDS_MAX 3u
/* A transcript: its sends' frames, each with at most the largest payload, one per patch byte at worst. */
#define TRANSCRIPT_MAX (FUZZ_UART_HEAD + SENDS_MAX * (4u * (FWD_FRAME_OVERHEAD + FWD_FRAME_MAX_PAYLOAD) \
                        + PATCH_MAX * (FWD_FRAME_OVERHEAD + 5u)))

typedef struct {
    uint32_t flags;
    uint32_t chunk_seed;
    uint32_t data_size;
    uint32_t caps;
    uint32_t sends; /* the whole update, sent this many times (1 to SENDS_MAX) */
} variant;

static const variant VARIANTS[] = {
    {0, 0, DATA_MAX, 0, 1},
    {FUZZ_UART_CONFIRM | FUZZ_UART_FIX_CRCS, 7, 64, FWD_CAP_SELECTIVE_REPEAT, 1},
    {FUZZ_UART_FIX_CRCS, 42, 17, FWD_CAP_SELECTIVE_REPEAT, 1},
    {FUZZ_UART_CONFIRM, 200, 256, 0, 1},
    {FUZZ_UART_ECC_TEARS | FUZZ_UART_RESETS | FUZZ_UART_CONFIRM, CHUNK_SEED_ECC, 1, FWD_CAP_SELECTIVE_REPEAT,
     SENDS_MAX}
};

static uint8_t patch[PATCH_MAX];
static uint8_t out[TRANSCRIPT_MAX];
static uint8_t payload[FWD_FRAME_MAX_PAYLOAD];

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
    p[2] = (uint8_t) (v >> 16);
    p[3] = (uint8_t) (v >> 24);
}

/* HELLO, BEGIN, the payload in DATA frames of w->data_size bytes, DONE, into o; their length. */
static uint32_t update(uint8_t *o, uint32_t *seq, const variant *w, uint32_t patch_size, uint32_t header_size) {
    uint32_t n = 0;
    uint32_t at;
    payload[0] = 1;
    payload[1] = (uint8_t) w->caps;
    n += uart_frame(o + n, FWD_F_HELLO, (*seq)++, payload, 2);
    put32(payload, patch_size);
    memcpy(payload + 4, patch, header_size);
    n += uart_frame(o + n, FWD_F_BEGIN, (*seq)++, payload, 4u + header_size);
    for (at = header_size; at < patch_size; at += w->data_size) {
        uint32_t len = patch_size - at < w->data_size ? patch_size - at : w->data_size;
        put32(payload, at);
        memcpy(payload + 4, patch + at, len);
        n += uart_frame(o + n, FWD_F_DATA, (*seq)++, payload, 4u + len);
    }
    put32(payload, patch_size);
    n += uart_frame(o + n, FWD_F_DONE, (*seq)++, payload, 4);
    return n;
}

/* The transcript of a whole update of this patch, sent w->sends times; its length. */
static uint32_t transcript(uint32_t vector_index, const variant *w, uint32_t patch_size, uint32_t header_size) {
    uint32_t n = 0;
    uint32_t seq = 0;
    uint32_t send;
    out[n++] = (uint8_t) vector_index;
    out[n++] = (uint8_t) w->flags;
    out[n++] = (uint8_t) w->chunk_seed;
    for (send = 0; send < w->sends; send++) {
        n += update(out + n, &seq, w, patch_size, header_size);
    }
    return n;
}

int main(int argc, char **argv) {
    uint32_t v;
    uint32_t w;
    if (argc != 3) {
        fprintf(stderr, "usage: %s VECTOR_DIR OUT_DIR\n", argv[0]);
        return 2;
    }
    (void) uart_capture; /* uart_frame.h's port for tests that read the answers: none here */
    for (v = 0; v < FUZZ_UART_VECTOR_COUNT; v++) {
        uint32_t patch_size = load_vector_file(argv[1], FUZZ_UART_VECTORS[v], "fwd", patch, PATCH_MAX);
        uint32_t header_size;
        if (patch_size == PATCH_MAX || fwd_header_prefix(patch, &header_size) != FWD_OK || header_size > patch_size) {
            fprintf(stderr, "%s: not a patch this tool takes\n", FUZZ_UART_VECTORS[v]);
            return 2;
        }
        for (w = 0; w < sizeof VARIANTS / sizeof VARIANTS[0]; w++) {
            char path[600];
            FILE *f;
            uint32_t n = transcript(v, &VARIANTS[w], patch_size, header_size);
            snprintf(path, sizeof path, "%s/%s-%u", argv[2], FUZZ_UART_VECTORS[v], (unsigned) w);
            f = fopen(path, "wb");
            if (f == NULL || fwrite(out, 1, n, f) != n || fclose(f) != 0) {
                fprintf(stderr, "cannot write %s\n", path);
                return 2;
            }
        }
    }
    return 0;
}
