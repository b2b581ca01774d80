/* SPDX-License-Identifier: Apache-2.0 */
/* Little-endian fields of records and frames (private to the device library). */
#ifndef FWDELTA_FWD_BYTES_H
#define FWDELTA_FWD_BYTES_H

#include <stdint.h>

static inline uint32_t fwd_rd16(const uint8_t *b) {
    return (uint32_t) b[0] | (uint32_t) b[1] << 8;
}

static inline uint32_t fwd_rd32(const uint8_t *b) {
    return (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16 | (uint32_t) b[3] << 24;
}

static inline void fwd_wr32(uint8_t *b, uint32_t v) {
    b[0] = (uint8_t) v;
    b[1] = (uint8_t) (v >> 8);
    b[2] = (uint8_t) (v >> 16);
    b[3] = (uint8_t) (v >> 24);
}

#endif
