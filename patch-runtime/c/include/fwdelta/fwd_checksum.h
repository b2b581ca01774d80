/* SPDX-License-Identifier: Apache-2.0 */
/* CRC-32 (IEEE, zlib), CRC-32/MPEG-2 and SHA-256 (FIPS 180-4): the checksums of docs/FORMAT.md.
 * Primitives on the applier's hot path: b, s and out are not NULL (b points to len bytes, even when
 * len is 0); like memcpy they do not check (the applier's entry points do). */
#ifndef FWDELTA_FWD_CHECKSUM_H
#define FWDELTA_FWD_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE): start with 0, feed pieces, the value is the running result (as zlib's crc32()). */
uint32_t fwd_crc32_update(uint32_t crc, const uint8_t *b, size_t len);

/* CRC-32 of A followed by B, from crc1 = CRC-32 of A, crc2 = CRC-32 of B and len2 = B's length. */
uint32_t fwd_crc32_combine(uint32_t crc1, uint32_t crc2, uint32_t len2);

/* CRC-32/MPEG-2: start with 0xFFFFFFFF, no final xor. */
uint32_t fwd_crc32_mpeg2_update(uint32_t crc, const uint8_t *b, size_t len);

typedef struct {
    uint32_t h[8];
    uint64_t bytes;
    /* the block being filled: bytes, or in the small code (FWD_SMALL_CODE, fwd_checksum.c)
       big-endian words a byte is shifted into, where the message schedule then rolls */
    union {
        uint8_t bytes[64];
        uint32_t words[16];
    } block;
    uint32_t fill;
} fwd_sha256;

void fwd_sha256_init(fwd_sha256 *s);
void fwd_sha256_update(fwd_sha256 *s, const uint8_t *b, size_t len);
void fwd_sha256_final(fwd_sha256 *s, uint8_t out[32]);

#endif
