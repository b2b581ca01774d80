/* SPDX-License-Identifier: Apache-2.0 */
/* CRC-32 (IEEE), CRC-32/MPEG-2 and SHA-256, written from their definitions (docs/FORMAT.md). */
#include "fwdelta/fwd_checksum.h"

/* Half-byte tables: 128 bytes of flash instead of 2 KiB, and no RAM. */
static const uint32_t CRC32_NIBBLE[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
    0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu
};

uint32_t fwd_crc32_update(uint32_t crc, const uint8_t *b, size_t len) {
    uint32_t c = ~crc;
    size_t i;
    for (i = 0; i < len; i++) {
        c ^= b[i];
        c = (c >> 4) ^ CRC32_NIBBLE[c & 0x0Fu];
        c = (c >> 4) ^ CRC32_NIBBLE[c & 0x0Fu];
    }
    return ~c;
}

static const uint32_t MPEG2_NIBBLE[16] = {
    0x00000000u, 0x04C11DB7u, 0x09823B6Eu, 0x0D4326D9u, 0x130476DCu, 0x17C56B6Bu, 0x1A864DB2u, 0x1E475005u,
    0x2608EDB8u, 0x22C9F00Fu, 0x2F8AD6D6u, 0x2B4BCB61u, 0x350C9B64u, 0x31CD86D3u, 0x3C8EA00Au, 0x384FBDBDu
};

uint32_t fwd_crc32_mpeg2_update(uint32_t crc, const uint8_t *b, size_t len) {
    uint32_t c = crc;
    size_t i;
    for (i = 0; i < len; i++) {
        c ^= (uint32_t) b[i] << 24;
        c = (c << 4) ^ MPEG2_NIBBLE[c >> 28];
        c = (c << 4) ^ MPEG2_NIBBLE[c >> 28];
    }
    return c;
}

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p) {
    uint32_t w[64];
    uint32_t a, b, c, d, e, f, g, hh;
    int i;
    for (i = 0; i < 16; i++) {
        w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 | (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
    for (i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

void fwd_sha256_init(fwd_sha256 *s) {
    static const uint32_t IV[8] = {
        0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u
    };
    int i;
    for (i = 0; i < 8; i++) {
        s->h[i] = IV[i];
    }
    s->bytes = 0;
    s->fill = 0;
}

void fwd_sha256_update(fwd_sha256 *s, const uint8_t *b, size_t len) {
    size_t i;
    s->bytes += len;
    for (i = 0; i < len; i++) {
        s->block[s->fill++] = b[i];
        if (s->fill == 64) {
            sha256_block(s->h, s->block);
            s->fill = 0;
        }
    }
}

void fwd_sha256_final(fwd_sha256 *s, uint8_t out[32]) {
    uint64_t bits = s->bytes * 8u;
    uint8_t pad = 0x80;
    uint8_t zero = 0;
    uint8_t len[8];
    int i;
    fwd_sha256_update(s, &pad, 1);
    while (s->fill != 56) {
        fwd_sha256_update(s, &zero, 1);
    }
    for (i = 0; i < 8; i++) {
        len[i] = (uint8_t) (bits >> (56 - 8 * i));
    }
    fwd_sha256_update(s, len, 8);
    for (i = 0; i < 32; i++) {
        out[i] = (uint8_t) (s->h[i / 4] >> (24 - 8 * (i % 4)));
    }
}
