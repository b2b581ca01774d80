/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fast checksum paths against bit-at-a-time definitions: CRC-32 and CRC-32/MPEG-2 of 4 KiB in
 * pieces of every size from 1 to 67 bytes at every start alignment 0..7 (the slicing loops, their
 * tails and the byte loop), and SHA-256 of the same 4 KiB (64 blocks: every schedule word) against
 * its digest. CMake builds this with each checksum variant of src/fwd_checksum.c (FWD_CRC32_SLICES
 * 4 and 8, FWD_SMALL_CODE). Usage: fwd_checksum_tests
 */
#include <stdio.h>
#include <string.h>

#include "fwdelta/fwd_checksum.h"

#define DATA 4096u

static int failures;
static int checks;

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what); } } while (0)

static uint32_t crc32_bitwise(const uint8_t *b, size_t len) {
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < len; i++) {
        c ^= b[i];
        for (k = 0; k < 8; k++) {
            c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        }
    }
    return ~c;
}

static uint32_t mpeg2_bitwise(const uint8_t *b, size_t len) {
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < len; i++) {
        c ^= (uint32_t) b[i] << 24;
        for (k = 0; k < 8; k++) {
            c = (c & 0x80000000u) ? (c << 1) ^ 0x04C11DB7u : c << 1;
        }
    }
    return c;
}

int main(void) {
    /* SHA-256 of bytes (7 i + 3) mod 256, i = 0..4095 (Python's hashlib) */
    static const uint8_t data_sha[32] = {
        0x74, 0x86, 0xda, 0x8f, 0x1e, 0x13, 0x94, 0x3f, 0xae, 0x21, 0xa0, 0xb0, 0x43, 0xf1, 0xe9, 0x96,
        0x40, 0xd7, 0xd8, 0xeb, 0xaf, 0xb2, 0x52, 0x66, 0x47, 0x8b, 0x5c, 0xdd, 0xae, 0x12, 0x72, 0xb5
    };
    static uint8_t data[DATA + 8];
    uint8_t d[32];
    fwd_sha256 s;
    size_t i;
    size_t align;
    size_t piece;
    int crc_same = 1;
    int mpeg2_same = 1;
    for (i = 0; i < DATA; i++) {
        data[i] = (uint8_t) (i * 7u + 3u);
    }
    EXPECT(crc32_bitwise(data, DATA) == 0x5E4E1995u, "bitwise CRC-32 reference (zlib.crc32)");
    for (align = 0; align < 8; align++) {
        const uint8_t *b = data + align;
        size_t len = DATA - align;
        uint32_t want = crc32_bitwise(b, len);
        uint32_t want_mpeg2 = mpeg2_bitwise(b, len);
        for (piece = 1; piece <= 67; piece++) {
            uint32_t crc = 0;
            uint32_t mpeg2 = 0xFFFFFFFFu;
            size_t at;
            for (at = 0; at < len; at += piece) {
                size_t n = len - at < piece ? len - at : piece;
                crc = fwd_crc32_update(crc, b + at, n);
                mpeg2 = fwd_crc32_mpeg2_update(mpeg2, b + at, n);
            }
            crc_same &= crc == want;
            mpeg2_same &= mpeg2 == want_mpeg2;
        }
    }
    EXPECT(crc_same, "CRC-32 in pieces of 1..67 bytes at alignments 0..7 equals the bitwise CRC");
    EXPECT(mpeg2_same, "CRC-32/MPEG-2 in pieces of 1..67 bytes at alignments 0..7 equals the bitwise CRC");
    fwd_sha256_init(&s);
    fwd_sha256_update(&s, data, DATA);
    fwd_sha256_final(&s, d);
    EXPECT(memcmp(d, data_sha, 32) == 0, "SHA-256 of 4 KiB");
    {
        /* the SHA-256 of the digests of data's first 0..130 bytes (each padding case, one to three
           blocks; Python's hashlib), each prefix hashed in pieces of 1 to 67 bytes, which must agree */
        static const uint8_t prefixes_sha[32] = {
            0xb3, 0xd3, 0x1a, 0xa6, 0xb4, 0xf0, 0x81, 0x0c, 0xff, 0x11, 0xdc, 0x15, 0xfd, 0x10, 0x17, 0xd7,
            0xba, 0x04, 0x7a, 0xd1, 0x0e, 0x75, 0x7b, 0x0e, 0x36, 0xed, 0x68, 0x89, 0x7e, 0x6d, 0x18, 0x51
        };
        fwd_sha256 outer;
        size_t n;
        int pieces_same = 1;
        fwd_sha256_init(&outer);
        for (n = 0; n <= 130; n++) {
            uint8_t first[32];
            for (piece = 1; piece <= 67; piece++) {
                size_t at;
                fwd_sha256_init(&s);
                for (at = 0; at < n; at += piece) {
                    fwd_sha256_update(&s, data + at, n - at < piece ? n - at : piece);
                }
                fwd_sha256_final(&s, piece == 1 ? first : d);
                pieces_same &= piece == 1 || memcmp(d, first, 32) == 0;
            }
            fwd_sha256_update(&outer, first, 32);
        }
        fwd_sha256_final(&outer, d);
        EXPECT(pieces_same, "SHA-256 of each prefix in pieces of 1..67 bytes is the same");
        EXPECT(memcmp(d, prefixes_sha, 32) == 0, "SHA-256 of the digests of the prefixes of 0..130 bytes");
    }
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
