/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The golden vectors a UART device of fuzz/fuzz_uart.h holds (FUZZ_UART_VECTORS): each one's old
 * and new image and its patch's hardware id, read from the vector directory. Shared by the fuzz
 * target (fuzz/fuzz_uart.c) and the differential tool (tools/fwdelta_c_uart.c).
 */
#ifndef FWD_FUZZ_UART_VECTORS_H
#define FWD_FUZZ_UART_VECTORS_H

#include <stdint.h>

#include "fuzz_uart.h"
#include "fwdelta/fwd_apply.h"
#include "vector_file.h"

/* The vectors' files are a few hundred bytes; the agent tests read them into the same size. */
#define VECTOR_MAX 4096u

typedef struct {
    uint8_t old_image[VECTOR_MAX], new_image[VECTOR_MAX];
    uint32_t old_size, new_size;
    uint32_t hardware_id;
} vector;

/* Reads every vector into vectors; 0 when one's patch is not one (a missing file exits 2). */
static int load_uart_vectors(const char *dir, vector vectors[FUZZ_UART_VECTOR_COUNT]) {
    static uint8_t patch[VECTOR_MAX];
    uint32_t i;
    for (i = 0; i < FUZZ_UART_VECTOR_COUNT; i++) {
        vector *v = &vectors[i];
        fwd_header h;
        uint32_t header_size;
        uint32_t patch_size = load_vector_file(dir, FUZZ_UART_VECTORS[i], "fwd", patch, VECTOR_MAX);
        v->old_size = load_vector_file(dir, FUZZ_UART_VECTORS[i], "old", v->old_image, VECTOR_MAX);
        v->new_size = load_vector_file(dir, FUZZ_UART_VECTORS[i], "new", v->new_image, VECTOR_MAX);
        if (patch_size < 8u || fwd_header_prefix(patch, &header_size) != FWD_OK || header_size > patch_size
                || fwd_header_parse(patch, header_size, &h) != FWD_OK) {
            return 0;
        }
        v->hardware_id = h.hardware_id;
    }
    return 1;
}

#endif
