/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the C applier: checksum known answers, every golden vector at chunk sizes 1, 7
 * and 4096, and crafted bad patches with the error code each must raise (the differential
 * test in Java compares all of it with the Java runtime), and every vector of the directory with a
 * work buffer of exactly fwd_work_size(header) bytes, and each transform next to the end of the
 * largest old image. Usage: fwd_unit_tests VECTOR_DIR
 */
#define _POSIX_C_SOURCE 200809L /* opendir: the vectors of the directory */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd_bytes.h"
#include "fwd_crypto_host.h"
#include "fwd_internal.h"
#include "fwdelta/fwd_apply.h"
#include "vector_file.h"

#define MAX_FILE 4096u

static int failures;
static int checks;

#define EXPECT(cond, what) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what); } } while (0)

typedef struct {
    const uint8_t *old;
    uint32_t old_size;
    uint8_t out[MAX_FILE];
    uint32_t out_size;
    int fail_read;
    uint32_t bytes_read;
} mem_images;

static int mem_read(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    mem_images *m = (mem_images *) user;
    if (m->fail_read || offset > m->old_size || len > m->old_size - offset) {
        return -1;
    }
    memcpy(buf, m->old + offset, len);
    m->bytes_read += len;
    return 0;
}

static int mem_write(void *user, const uint8_t *buf, uint32_t len) {
    mem_images *m = (mem_images *) user;
    if (len > MAX_FILE - m->out_size) {
        return -1;
    }
    memcpy(m->out + m->out_size, buf, len);
    m->out_size += len;
    return 0;
}

static uint32_t work[(20000u + 3u) / 4u];

/* Applies patch to old in chunks of chunk bytes; the error code, output in m->out. */
static const fwd_trust *trust_for_apply;
/* The slot address apply() gives the applier (fwd_apply_set_slot_address), when not NULL. */
static const uint32_t *slot_for_apply;
/* The work buffer apply() gives the applier when exact_work is set (else the 20,000 bytes above). */
static int exact_work;
static uint8_t *exact_work_buffer;
static uint32_t exact_work_size;

static fwd_error apply(mem_images *m, const uint8_t *old, uint32_t old_size, const uint8_t *patch, uint32_t len,
                       uint32_t chunk) {
    static fwd_applier a;
    fwd_port port;
    fwd_error e;
    uint32_t at = 0;
    m->old = old;
    m->old_size = old_size;
    m->out_size = 0;
    port.read_old = mem_read;
    port.write_new = mem_write;
    port.user = m;
    port.old_size = old_size;
    port.ram_budget = 16384;
    e = exact_work ? fwd_apply_init(&a, &port, exact_work_buffer, exact_work_size)
                   : fwd_apply_init(&a, &port, (uint8_t *) work, (uint32_t) sizeof work);
    if (e == FWD_OK && trust_for_apply != NULL) {
        e = fwd_apply_set_trust(&a, trust_for_apply);
    }
    if (e == FWD_OK && slot_for_apply != NULL) {
        e = fwd_apply_set_slot_address(&a, *slot_for_apply);
    }
    while (e == FWD_OK && at < len) {
        uint32_t n = len - at < chunk ? len - at : chunk;
        e = fwd_apply_process(&a, patch + at, n);
        at += n;
    }
    if (e == FWD_OK) {
        e = fwd_apply_finish(&a);
    }
    /* sticky: a failed applier answers every later call with the same code */
    if (e != FWD_OK) {
        EXPECT(fwd_apply_process(&a, patch, 1) == e, "failure is sticky in process");
        EXPECT(fwd_apply_finish(&a) == e, "failure is sticky in finish");
    }
    return e;
}

static uint32_t load(const char *dir, const char *name, const char *ext, uint8_t *buf) {
    return load_vector_file(dir, name, ext, buf, MAX_FILE);
}

static void test_checksums(void) {
    static const uint8_t check[] = "123456789";
    static const uint8_t abc_sha[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
    };
    fwd_sha256 s;
    uint8_t d[32];
    EXPECT(fwd_crc32_update(0, check, 9) == 0xCBF43926u, "CRC-32 check value");
    EXPECT(fwd_crc32_update(fwd_crc32_update(0, check, 4), check + 4, 5) == 0xCBF43926u, "CRC-32 in pieces");
    EXPECT(fwd_crc32_combine(fwd_crc32_update(0, check, 4), fwd_crc32_update(0, check + 4, 5), 5) == 0xCBF43926u,
           "CRC-32 combined from two pieces");
    EXPECT(fwd_crc32_combine(fwd_crc32_update(0, check, 9), 0, 0) == 0xCBF43926u, "CRC-32 combined with nothing");
    EXPECT(fwd_crc32_combine(0, fwd_crc32_update(0, check, 9), 9) == 0xCBF43926u, "CRC-32 combined after nothing");
    EXPECT(fwd_crc32_mpeg2_update(0xFFFFFFFFu, check, 9) == 0x0376E6E7u, "CRC-32/MPEG-2 check value");
    fwd_sha256_init(&s);
    fwd_sha256_update(&s, (const uint8_t *) "abc", 3);
    fwd_sha256_final(&s, d);
    EXPECT(memcmp(d, abc_sha, 32) == 0, "SHA-256(\"abc\")");
    {
        /* FIPS 180-4's two-block example, then 1,000 bytes fed whole and in pieces of every size
         * from 1 to 129 (the partial-block, whole-block and carry-over paths of the update) */
        static const uint8_t two_block_sha[32] = {
            0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e, 0x60, 0x39,
            0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1
        };
        const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        uint8_t data[1000];
        uint8_t whole[32];
        uint8_t pieces[32];
        size_t piece;
        size_t at;
        int same = 1;
        fwd_sha256_init(&s);
        fwd_sha256_update(&s, (const uint8_t *) msg, strlen(msg));
        fwd_sha256_final(&s, d);
        EXPECT(memcmp(d, two_block_sha, 32) == 0, "SHA-256 of FIPS 180-4's two-block message");
        for (at = 0; at < sizeof data; at++) {
            data[at] = (uint8_t) (at * 7u + 3u);
        }
        fwd_sha256_init(&s);
        fwd_sha256_update(&s, data, sizeof data);
        fwd_sha256_final(&s, whole);
        for (piece = 1; piece <= 129; piece++) {
            fwd_sha256_init(&s);
            for (at = 0; at < sizeof data; at += piece) {
                fwd_sha256_update(&s, data + at, sizeof data - at < piece ? sizeof data - at : piece);
            }
            fwd_sha256_final(&s, pieces);
            same &= memcmp(whole, pieces, 32) == 0;
        }
        EXPECT(same, "SHA-256 in pieces of 1..129 bytes equals SHA-256 at once");
    }
}

static const char *const VECTORS[] = {
    "none-two-blocks", "lz77-window256", "lzma-dict4096", "ed25519-signed", "empty-new-image", "compact-lzma",
    "compact-ed25519-signed", "compact-sparse-records", "relocation-map", "relocation-a64",
    "compact-relocation-a64", "compact-relocation-xtensa", "compact-split", "compact-relocation-long-map",
    "compact-lzma-window1024", "compact-split-window256"
};

static uint8_t old_buf[MAX_FILE];
static uint8_t new_buf[MAX_FILE];
static uint8_t patch_buf[MAX_FILE + 1];
static mem_images images;

static void test_vectors(const char *dir) {
    static const uint32_t CHUNKS[] = {1, 7, 4096};
    size_t v;
    size_t c;
    for (v = 0; v < sizeof VECTORS / sizeof VECTORS[0]; v++) {
        uint32_t old_size = load(dir, VECTORS[v], "old", old_buf);
        uint32_t new_size = load(dir, VECTORS[v], "new", new_buf);
        uint32_t patch_size = load(dir, VECTORS[v], "fwd", patch_buf);
        for (c = 0; c < 3; c++) {
            fwd_error e = apply(&images, old_buf, old_size, patch_buf, patch_size, CHUNKS[c]);
            if (e != FWD_OK) {
                fprintf(stderr, "%s chunk %u: code %d %s\n", VECTORS[v], (unsigned) CHUNKS[c], (int) e,
                        fwd_error_name(e));
            }
            EXPECT(e == FWD_OK, VECTORS[v]);
            EXPECT(images.out_size == new_size && memcmp(images.out, new_buf, new_size) == 0, VECTORS[v]);
        }
    }
}

/*
 * Every vector of the directory (a new one is included without being listed) with a work buffer
 * malloc'd to exactly fwd_work_size(header) = decoder_ram - FWD_CONTEXT_MAX bytes, at chunks 1 and
 * 4096: the sanitizer build reports a codec or the relocation map that reads or writes past its
 * share, which the 20,000-byte buffer above would hide. One byte less is refused before anything
 * is written. Codecs none, lz77, lzma and split and a relocation map must all have been seen.
 */
static void test_exact_work_buffers(const char *dir) {
    static const uint32_t CHUNKS[] = {1, 4096};
    DIR *d = opendir(dir);
    struct dirent *entry;
    uint32_t codecs = 0;
    uint32_t vectors = 0;
    uint32_t with_map = 0;
    uint32_t largest = 0;
    if (d == NULL) {
        fprintf(stderr, "cannot list %s\n", dir);
        exit(2);
    }
    exact_work = 1;
    while ((entry = readdir(d)) != NULL) {
        char name[256];
        size_t len = strlen(entry->d_name);
        uint32_t old_size;
        uint32_t new_size;
        uint32_t patch_size;
        uint32_t header_size;
        uint32_t need;
        fwd_header h;
        size_t c;
        if (len < 5 || len >= sizeof name || strcmp(entry->d_name + len - 4, ".fwd") != 0) {
            continue;
        }
        memcpy(name, entry->d_name, len - 4);
        name[len - 4] = 0;
        old_size = load(dir, name, "old", old_buf);
        new_size = load(dir, name, "new", new_buf);
        patch_size = load(dir, name, "fwd", patch_buf);
        if (fwd_header_prefix(patch_buf, &header_size) != FWD_OK || header_size > patch_size
                || fwd_header_parse(patch_buf, header_size, &h) != FWD_OK) {
            EXPECT(0, name);
            continue;
        }
        need = fwd_work_size(&h);
        EXPECT(h.decoder_ram == FWD_CONTEXT_MAX + need, "fwd_work_size = decoder_ram - FWD_CONTEXT_MAX");
        /* malloc(0) may answer NULL: the applier then gets no buffer at all, as a stored patch needs */
        exact_work_buffer = (uint8_t *) malloc(need);
        exact_work_size = exact_work_buffer == NULL ? 0 : need;
        EXPECT(exact_work_size == need, "malloc");
        for (c = 0; c < sizeof CHUNKS / sizeof CHUNKS[0]; c++) {
            fwd_error e = apply(&images, old_buf, old_size, patch_buf, patch_size, CHUNKS[c]);
            if (e != FWD_OK) {
                fprintf(stderr, "%s with a %u-byte work buffer, chunk %u: code %d %s\n", name, (unsigned) need,
                        (unsigned) CHUNKS[c], (int) e, fwd_error_name(e));
            }
            EXPECT(e == FWD_OK, name);
            EXPECT(images.out_size == new_size && memcmp(images.out, new_buf, new_size) == 0, name);
        }
        if (need > 0) {
            exact_work_size = need - 1u;
            EXPECT(apply(&images, old_buf, old_size, patch_buf, patch_size, 4096) == FWD_ERR_RAM_BUDGET_EXCEEDED
                   && images.out_size == 0, "one byte less than fwd_work_size is refused before a write");
        }
        free(exact_work_buffer);
        codecs |= 1u << h.codec;
        with_map += h.map_count > 0;
        largest = need > largest ? need : largest;
        vectors++;
    }
    closedir(d);
    exact_work = 0;
    printf("exact work buffers: %u vectors (%u with a relocation map), largest %u bytes\n", (unsigned) vectors,
           (unsigned) with_map, (unsigned) largest);
    EXPECT(codecs == (1u << FWD_CODEC_NONE | 1u << FWD_CODEC_LZ77 | 1u << FWD_CODEC_LZMA | 1u << FWD_CODEC_SPLIT)
           && with_map > 0, "the vectors cover codecs none, lz77, lzma, split and a relocation map");
}

/* One crafted bad patch per check this file covers: the code each must raise. */
static void test_bad_patches(const char *dir) {
    uint32_t old_size = load(dir, "none-two-blocks", "old", old_buf);
    uint32_t size = load(dir, "none-two-blocks", "fwd", patch_buf);
    uint32_t csize;
    fwd_error e;

    patch_buf[0] ^= 0xFFu;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 1) == FWD_ERR_BAD_MAGIC, "magic");
    patch_buf[0] ^= 0xFFu;

    patch_buf[4] = 9;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 5) == FWD_ERR_UNSUPPORTED_VERSION, "version");
    patch_buf[4] = 1;

    patch_buf[7] = 0; /* header_size 256 -> 0 */
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 4096) == FWD_ERR_BAD_HEADER_SIZE, "header size");
    patch_buf[7] = 1;

    patch_buf[100] ^= 1u;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 7) == FWD_ERR_BAD_HEADER_CRC, "header crc");
    patch_buf[100] ^= 1u;

    EXPECT(apply(&images, old_buf, old_size, patch_buf, size - 1, 7) == FWD_ERR_TRUNCATED, "truncated");
    EXPECT(apply(&images, old_buf, old_size, patch_buf, 100, 7) == FWD_ERR_TRUNCATED, "truncated header");
    patch_buf[size] = 0;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size + 1, 7) == FWD_ERR_TRAILING_BYTES, "trailing");

    old_buf[3] ^= 1u;
    e = apply(&images, old_buf, old_size, patch_buf, size, 7);
    EXPECT(e == FWD_ERR_WRONG_BASE_IMAGE, "wrong base");
    EXPECT(images.out_size == 0, "nothing written for a wrong base");
    old_buf[3] ^= 1u;
    EXPECT(apply(&images, old_buf, old_size - 1, patch_buf, size, 7) == FWD_ERR_WRONG_BASE_IMAGE, "old size");

    patch_buf[size - 1] ^= 0x55u; /* a byte of the last block's records */
    e = apply(&images, old_buf, old_size, patch_buf, size, 7);
    EXPECT(e != FWD_OK, "corrupt payload is refused");
    patch_buf[size - 1] ^= 0x55u;

    /* Format 3 with LZMA: a RAM budget below decoder_ram, and a corrupt codec byte. */
    old_size = load(dir, "compact-lzma", "old", old_buf);
    csize = load(dir, "compact-lzma", "fwd", patch_buf);
    {
        static fwd_applier a;
        fwd_port port;
        images.old = old_buf;
        images.old_size = old_size;
        images.out_size = 0;
        port.read_old = mem_read;
        port.write_new = mem_write;
        port.user = &images;
        port.old_size = old_size;
        port.ram_budget = 1024;
        EXPECT(fwd_apply_init(&a, &port, (uint8_t *) work, (uint32_t) sizeof work) == FWD_OK, "init");
        EXPECT(fwd_apply_process(&a, patch_buf, csize) == FWD_ERR_RAM_BUDGET_EXCEEDED, "ram budget");
        port.ram_budget = 1u << 20;
        EXPECT(fwd_apply_init(&a, &port, (uint8_t *) work, 100) == FWD_OK, "init small work");
        EXPECT(fwd_apply_process(&a, patch_buf, csize) == FWD_ERR_RAM_BUDGET_EXCEEDED, "work buffer too small");
        EXPECT(fwd_apply_init(&a, &port, (uint8_t *) work + 1, 100) == FWD_ERR_BAD_ARGUMENT, "misaligned work");
    }
    patch_buf[csize - 3] ^= 0x10u;
    e = apply(&images, old_buf, old_size, patch_buf, csize, 1);
    EXPECT(e != FWD_OK, "corrupt lzma data is refused");
}


/* One change to a format-1 patch: bytes at offset, the header CRC recomputed or not, the code. */
typedef struct {
    const char *what;
    uint32_t offset;
    uint8_t bytes[5];
    uint32_t count;
    int fix_crc;
    fwd_error expected;
} crafted;

#define V1_CRC_AT 172u

/* none-two-blocks (format 1, codec none): header fields as docs/FORMAT.md 1.0, the first block
 * header at 256 (2.), its records at 284 (2.2): kind 0, diff_len 100 (285), 100 diff bytes,
 * extra_len 11 (386), 11 extra bytes, seek 20 (398), the next record at 399. */
static const crafted V1_CASES[] = {
    {"flags bit 7", 8, {0x80}, 1, 1, FWD_ERR_BAD_FLAGS},
    {"codec 9", 12, {9}, 1, 1, FWD_ERR_BAD_CODEC},
    {"codec_props 1 with codec none", 13, {1}, 1, 1, FWD_ERR_BAD_CODEC_PROPS},
    {"reserved byte 178", 178, {1}, 1, 0, FWD_ERR_BAD_RESERVED},
    {"codec_window 1 with codec none", 16, {1}, 1, 1, FWD_ERR_BAD_CODEC_WINDOW},
    {"decoder_ram 1 with codec none", 20, {1}, 1, 1, FWD_ERR_BAD_DECODER_RAM},
    {"max_block_raw 0", 24, {0, 0, 0, 0}, 4, 1, FWD_ERR_BAD_MAX_BLOCK_RAW},
    {"block_count 2^24", 28, {0, 0, 0, 1}, 4, 1, FWD_ERR_BAD_BLOCK_COUNT},
    {"payload_length 2^31", 35, {0x80}, 1, 1, FWD_ERR_BAD_PAYLOAD_LENGTH},
    {"old_size 2^31", 43, {0x80}, 1, 1, FWD_ERR_BAD_OLD_SIZE},
    {"new_size 2^31", 87, {0x80}, 1, 1, FWD_ERR_BAD_NEW_SIZE},
    {"map_count 2 without RELOCATED", 14, {2}, 1, 1, FWD_ERR_BAD_MAP},
    {"payload_sha256 changed", 130, {0x5a}, 1, 1, FWD_ERR_PAYLOAD_HASH},
    {"new_sha256 changed", 100, {0x5a}, 1, 1, FWD_ERR_NEW_IMAGE_MISMATCH},
    {"block_index 1 first", 256, {1}, 1, 0, FWD_ERR_BAD_BLOCK_INDEX},
    {"encoded_length 2^24", 263, {1}, 1, 0, FWD_ERR_BAD_ENCODED_LENGTH},
    {"new_offset 1", 268, {1}, 1, 0, FWD_ERR_BAD_NEW_OFFSET},
    {"old_offset 1", 272, {1}, 1, 0, FWD_ERR_BAD_OLD_OFFSET},
    {"out_length 2^28", 279, {0x10}, 1, 0, FWD_ERR_BAD_OUT_LENGTH},
    {"out_crc32 changed", 280, {0x00}, 1, 0, FWD_ERR_BLOCK_CRC},
    {"record kind 7", 284, {7}, 1, 0, FWD_ERR_UNKNOWN_RECORD_KIND},
    {"diff_len of 5 continued bytes", 285, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 5, 0, FWD_ERR_BAD_VARINT},
    {"diff_len 401 > old_size 400", 285, {0x91, 0x03}, 2, 0, FWD_ERR_BAD_DIFF_LENGTH},
    {"diff_len 350 > new_size 310", 285, {0xDE, 0x02}, 2, 0, FWD_ERR_OUTPUT_OVERFLOW},
    {"seek -101 before the old image", 398, {0xC9, 0x01}, 2, 0, FWD_ERR_BAD_SEEK},
    {"block of 5 bytes ends in a record", 260, {5, 0, 0, 0}, 4, 0, FWD_ERR_RECORD_SPLIT},
};

static void put_crc(uint8_t *b) {
    fwd_wr32(b + V1_CRC_AT, fwd_crc32_update(0, b, V1_CRC_AT));
}

/* A crafted bad patch per error code the applier raises (as detools' tests do). */
static void test_every_error_code(const char *dir) {
    static uint8_t original[MAX_FILE];
    uint32_t old_size = load(dir, "none-two-blocks", "old", old_buf);
    uint32_t size = load(dir, "none-two-blocks", "fwd", original);
    size_t i;
    fwd_error e;
    for (i = 0; i < sizeof V1_CASES / sizeof V1_CASES[0]; i++) {
        const crafted *c = &V1_CASES[i];
        memcpy(patch_buf, original, size);
        if (c->offset == 280) {
            patch_buf[280] ^= 1u; /* any change of the CRC */
        } else {
            memcpy(patch_buf + c->offset, c->bytes, c->count);
        }
        if (c->offset == 260) {
            memcpy(patch_buf + 264, c->bytes, c->count); /* codec none: raw_length = encoded_length */
        }
        if (c->fix_crc) {
            put_crc(patch_buf);
        }
        e = apply(&images, old_buf, old_size, patch_buf, size, 7);
        if (e != c->expected) {
            fprintf(stderr, "%s: code %d %s, expected %d %s\n", c->what, (int) e, fwd_error_name(e),
                    (int) c->expected, fwd_error_name(c->expected));
        }
        EXPECT(e == c->expected, c->what);
    }
    memcpy(patch_buf, original, size);
    images.fail_read = 1;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 7) == FWD_ERR_IO_ERROR, "old image unreadable");
    images.fail_read = 0;

    /* LZ4: a literal run longer than the block decodes to. */
    old_size = load(dir, "lz77-window256", "old", old_buf);
    size = load(dir, "lz77-window256", "fwd", patch_buf);
    memcpy(patch_buf + 284, "\xF0\xFF\xFF\xFF", 4);
    e = apply(&images, old_buf, old_size, patch_buf, size, 7);
    EXPECT(e == FWD_ERR_CODEC_CORRUPT, "lz4 literal run past raw_length");
}

/* A verify callback that answers what the test sets, and counts its calls. */
static int verify_answer;
static int verify_calls;

static int test_verify(void *user, const fwd_trusted_key *key, const uint8_t *message, uint32_t message_len,
                       const uint8_t signature[FWD_SIGNATURE_BYTES]) {
    (void) user;
    (void) key;
    (void) message;
    (void) signature;
    verify_calls++;
    return message_len == 176u ? verify_answer : -1;
}

/* Signature policy: the codes of HeaderSignature.java, with a stub and with the host crypto port. */
static void test_signatures(const char *dir) {
    static uint8_t raw[64];
    fwd_trusted_key keys[2];
    fwd_trust trust;
    uint32_t old_size = load(dir, "ed25519-signed", "old", old_buf);
    uint32_t size = load(dir, "ed25519-signed", "fwd", patch_buf);
    uint32_t raw_len = load(dir, "ed25519-signed", "pub", raw);
    uint8_t other[32] = {9};
    EXPECT(raw_len == 32 && fwd_trusted_key_init(&keys[0], FWD_SIG_ED25519, raw, raw_len) == FWD_OK, "key");
    EXPECT(fwd_trusted_key_init(&keys[1], FWD_SIG_ED25519, other, 31) == FWD_ERR_BAD_ARGUMENT, "short key");
    EXPECT(fwd_trusted_key_init(&keys[1], 3, other, 32) == FWD_ERR_BAD_ARGUMENT, "unknown algorithm");
    EXPECT(fwd_trusted_key_init(&keys[1], FWD_SIG_ED25519, other, 32) == FWD_OK, "other key");
    trust.verify = test_verify;
    trust.user = NULL;
    trust.keys = keys;
    trust.key_count = 2;
    trust_for_apply = &trust;

    verify_answer = 0;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 7) == FWD_OK, "signed by a trusted key");
    verify_answer = 1;
    verify_calls = 0;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 7) == FWD_ERR_SIGNATURE_INVALID, "bad signature");
    EXPECT(verify_calls == 1 && images.out_size == 0, "verified once, nothing written");
    trust.keys = keys + 1;
    trust.key_count = 1;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 7) == FWD_ERR_UNKNOWN_KEY, "untrusted key");
    keys[1] = keys[0];
    keys[1].algorithm = FWD_SIG_ECDSA_P256;
    verify_calls = 0;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 7) == FWD_ERR_SIGNATURE_INVALID, "algorithm differs");
    EXPECT(verify_calls == 0, "no verify for a key of another algorithm");

    /* The real Ed25519 check of the host port: valid as received, invalid with one bit changed. */
    trust.verify = fwd_crypto_host_verify;
    trust.keys = keys;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 1) == FWD_OK, "host port: valid Ed25519");
    patch_buf[200] ^= 4u;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 7) == FWD_ERR_SIGNATURE_INVALID, "host port: bad");

    old_size = load(dir, "none-two-blocks", "old", old_buf);
    size = load(dir, "none-two-blocks", "fwd", patch_buf);
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 7) == FWD_ERR_UNSIGNED_PATCH, "unsigned");
    old_size = load(dir, "compact-lzma", "old", old_buf);
    size = load(dir, "compact-lzma", "fwd", patch_buf);
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 7) == FWD_ERR_UNSIGNED_PATCH, "unsigned format 3");
    trust_for_apply = NULL;
    {
        static fwd_applier a;
        fwd_port port = {mem_read, mem_write, &images, 0, 0};
        EXPECT(fwd_apply_init(&a, &port, (uint8_t *) work, 64) == FWD_OK, "init");
        EXPECT(fwd_apply_process(&a, patch_buf, 3) != FWD_ERR_BAD_ARGUMENT, "process");
        EXPECT(fwd_apply_set_trust(&a, &trust) == FWD_ERR_BAD_ARGUMENT, "trust after the first byte");
        EXPECT(fwd_apply_set_base_checked(&a) == FWD_ERR_BAD_ARGUMENT, "base checked after the first byte");
    }
}

/*
 * Applies patch, telling the applier the caller checked the base when old_checked; returns
 * the bytes of OLD read while the header was processed, or UINT32_MAX when the apply failed.
 */
static uint32_t header_reads(const uint8_t *old, uint32_t old_size, const uint8_t *patch, uint32_t len,
                             const fwd_header *h, uint8_t old_checked, const uint8_t *expected, uint32_t new_size) {
    static fwd_applier a;
    fwd_port port;
    uint32_t during_header;
    memset(&port, 0, sizeof port);
    port.read_old = mem_read;
    port.write_new = mem_write;
    port.user = &images;
    port.old_size = old_size;
    port.ram_budget = 0xFFFFFFFFu;
    images.old = old;
    images.old_size = old_size;
    images.out_size = 0;
    images.bytes_read = 0;
    if (fwd_apply_init(&a, &port, (uint8_t *) work, (uint32_t) sizeof work) != FWD_OK
            || (old_checked && fwd_apply_set_base_checked(&a) != FWD_OK)
            || fwd_apply_process(&a, patch, h->header_size) != FWD_OK) {
        return UINT32_MAX;
    }
    during_header = images.bytes_read;
    if (fwd_apply_process(&a, patch + h->header_size, len - h->header_size) != FWD_OK || fwd_apply_finish(&a) != FWD_OK
            || images.out_size != new_size || memcmp(images.out, expected, new_size) != 0) {
        return UINT32_MAX;
    }
    return during_header;
}

/* A base measured before the apply (at boot): compared by fwd_base_matches, not read again. */
static void test_measured_base(const char *dir) {
    /* versions 2 and 3, and 3 with flag SHA_ONLY (no CRC-32s, half the old image's SHA-256) */
    static const char *const NAMES[] = {"none-two-blocks", "compact-lzma", "compact-sha-only"};
    static uint8_t buf[64];
    uint32_t v;
    for (v = 0; v < 3; v++) {
        uint32_t old_size = load(dir, NAMES[v], "old", old_buf);
        uint32_t new_size = load(dir, NAMES[v], "new", new_buf);
        uint32_t size = load(dir, NAMES[v], "fwd", patch_buf);
        uint32_t header_size;
        fwd_image_checksums m;
        fwd_image_checksums other;
        fwd_header h;
        images.old = old_buf;
        images.old_size = old_size;
        images.fail_read = 0;
        EXPECT(fwd_header_prefix(patch_buf, &header_size) == FWD_OK
               && fwd_header_parse(patch_buf, header_size, &h) == FWD_OK, NAMES[v]);
        EXPECT(fwd_image_checksums_measure(mem_read, &images, old_size, buf, sizeof buf, &m) == FWD_OK, "measure");
        EXPECT(m.size == old_size && (!h.has_crc32 || m.crc32 == h.old_crc32) && m.has_mpeg2,
               "measured size, CRC-32, MPEG-2 flag");
        EXPECT(h.has_crc32 == (v < 2) && h.old_sha256_len == (v < 2 ? 32u : 16u), "what flag SHA_ONLY leaves out");
        EXPECT(fwd_base_matches(&h, &m) == FWD_OK, "the measurement is the header's base");
        EXPECT(header_reads(old_buf, old_size, patch_buf, size, &h, 1, new_buf, new_size) == 0,
               "checked base: no old byte read for the header, exact new image");
        EXPECT(header_reads(old_buf, old_size, patch_buf, size, &h, 0, new_buf, new_size) == old_size,
               "unchecked base: the whole old image read once for the header");
        other = m;
        other.sha256[15] ^= 1u;
        EXPECT(fwd_base_matches(&h, &other) == FWD_ERR_WRONG_BASE_IMAGE, "another SHA-256");
        other = m;
        other.sha256[31] ^= 1u;
        EXPECT(fwd_base_matches(&h, &other) == (h.old_sha256_len == 32u ? FWD_ERR_WRONG_BASE_IMAGE : FWD_OK),
               "SHA-256 bytes 16..31 count when the header records them");
        other = m;
        other.crc32 ^= 1u;
        EXPECT(fwd_base_matches(&h, &other) == (h.has_crc32 ? FWD_ERR_WRONG_BASE_IMAGE : FWD_OK),
               "another CRC-32 counts when the header records one");
        other = m;
        other.size--;
        EXPECT(fwd_base_matches(&h, &other) == FWD_ERR_WRONG_BASE_IMAGE, "another size");
        EXPECT(fwd_base_matches(&h, NULL) == FWD_ERR_WRONG_BASE_IMAGE, "no measurement");
        other = m;
        other.crc32_mpeg2 ^= 1u;
        EXPECT(fwd_base_matches(&h, &other) == (h.has_mpeg2 ? FWD_ERR_WRONG_BASE_IMAGE : FWD_OK),
               "another CRC-32/MPEG-2 counts when the header records one");
        other.has_mpeg2 = 0;
        EXPECT(fwd_base_matches(&h, &other) == FWD_OK, "a measurement without MPEG-2 is compared without it");
    }
    EXPECT(fwd_image_checksums_measure(mem_read, &images, 10, NULL, 64, NULL) == FWD_ERR_IO_ERROR, "no buffer");
    images.fail_read = 1;
    {
        fwd_image_checksums m;
        EXPECT(fwd_image_checksums_measure(mem_read, &images, 10, buf, sizeof buf, &m) == FWD_ERR_IO_ERROR,
               "a read error");
    }
    images.fail_read = 0;
}

/*
 * One lz77 block through the codec and the records of a format-3 applier whose new image is 8
 * bytes, fed chunk bytes at a time: the codec's answer at the block's end, the new image in images.
 */
static fwd_error lz4_block(const uint8_t *block, uint32_t len, uint32_t raw_length, uint32_t chunk) {
    static fwd_applier a;
    uint32_t at = 0;
    fwd_error e = FWD_OK;
    memset(&a, 0, sizeof a);
    a.port.read_old = mem_read;
    a.port.write_new = mem_write;
    a.port.user = &images;
    images.out_size = 0;
    a.h.version = 3;
    a.h.codec = FWD_CODEC_LZ77;
    a.h.new_size = 8;
    a.window.ring = (uint8_t *) work;
    a.window.size = 256;
    fwd_window_reset(&a.window);
    fwd_records_start(&a.buf.blocks.rec, 1);
    fwd_lz4_start(&a.buf.blocks.codec.lz4, raw_length);
    while (e == FWD_OK && at < len) {
        uint32_t n = len - at < chunk ? len - at : chunk;
        e = fwd_lz4_feed(&a, block + at, n);
        at += n;
    }
    return e != FWD_OK ? e : fwd_lz4_finish(&a);
}

/*
 * FORMAT.md 2.1: an lz77 block's last sequence has literals only, as in LZ4, so a block that ends
 * after a match is refused. The same two blocks as Java's
 * CodecRoundTripTest.lz77BlockEndingAfterAMatchIsRefused: 12 raw bytes (a plain record whose 8
 * extra bytes are zeros) as 4 literals and a match of 8, then as 4 literals, a match of 7 and a
 * last literal.
 */
static void test_lz4_block_end(void) {
    static const uint8_t ENDS_AFTER_MATCH[] = {0x44, 0, 0, 8, 0, 1, 0};
    static const uint8_t ENDS_WITH_A_LITERAL[] = {0x43, 0, 0, 8, 0, 1, 0, 0x10, 0};
    static const uint8_t ZEROS[8] = {0};
    static const uint32_t CHUNKS[] = {1, 7};
    uint32_t c;
    for (c = 0; c < 2; c++) {
        EXPECT(lz4_block(ENDS_AFTER_MATCH, sizeof ENDS_AFTER_MATCH, 12, CHUNKS[c]) == FWD_ERR_CODEC_CORRUPT,
               "an lz77 block ending after a match");
        EXPECT(lz4_block(ENDS_WITH_A_LITERAL, sizeof ENDS_WITH_A_LITERAL, 12, CHUNKS[c]) == FWD_OK
               && images.out_size == 8 && memcmp(images.out, ZEROS, 8) == 0, "an lz77 block ending with a literal");
    }
}

/*
 * The slot the new image runs from, given to the applier: a patch recorded for another load address
 * is refused before the old image is read or a byte is written, even when one chunk holds the
 * header and every block (a caller checking fwd_apply_header after that chunk would be too late).
 */
static void test_slot_address(const char *dir) {
    static const uint32_t CHUNKS[] = {1, 4096};
    uint32_t old_size = load(dir, "compact-load-address", "old", old_buf);
    uint32_t new_size = load(dir, "compact-load-address", "new", new_buf);
    uint32_t size = load(dir, "compact-load-address", "fwd", patch_buf);
    uint32_t header_size;
    uint32_t slot;
    uint32_t c;
    fwd_header h;
    static fwd_applier a;
    fwd_port port;
    EXPECT(fwd_header_prefix(patch_buf, &header_size) == FWD_OK
           && fwd_header_parse(patch_buf, header_size, &h) == FWD_OK && h.has_load_address, "a load address");
    slot_for_apply = &slot;
    for (c = 0; c < 2; c++) {
        slot = h.load_address + 0x1000u;
        images.bytes_read = 0;
        EXPECT(apply(&images, old_buf, old_size, patch_buf, size, CHUNKS[c]) == FWD_ERR_WRONG_LOAD_ADDRESS,
               "another slot: WRONG_LOAD_ADDRESS");
        EXPECT(images.out_size == 0, "another slot: no new-image byte written");
        EXPECT(images.bytes_read == 0, "another slot: refused before the old image is read");
        slot = h.load_address;
        EXPECT(apply(&images, old_buf, old_size, patch_buf, size, CHUNKS[c]) == FWD_OK, "its slot applies");
        EXPECT(images.out_size == new_size && memcmp(images.out, new_buf, new_size) == 0, "its slot: exact new image");
    }
    /* a patch that records no load address fits any slot */
    old_size = load(dir, "compact-lzma", "old", old_buf);
    new_size = load(dir, "compact-lzma", "new", new_buf);
    size = load(dir, "compact-lzma", "fwd", patch_buf);
    slot = 0x08000000u;
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 4096) == FWD_OK, "no load address: any slot");
    EXPECT(images.out_size == new_size && memcmp(images.out, new_buf, new_size) == 0, "no load address: new image");
    slot_for_apply = NULL;
    /* only before the first byte, as fwd_apply_set_trust */
    memset(&port, 0, sizeof port);
    port.read_old = mem_read;
    port.write_new = mem_write;
    port.user = &images;
    port.old_size = old_size;
    port.ram_budget = 16384;
    EXPECT(fwd_apply_init(&a, &port, (uint8_t *) work, (uint32_t) sizeof work) == FWD_OK
           && fwd_apply_process(&a, patch_buf, 1) == FWD_OK, "one byte in");
    EXPECT(fwd_apply_set_slot_address(&a, 0) == FWD_ERR_BAD_ARGUMENT, "a slot address after the first byte");
}

/*
 * lzma's and split's smallest codec_window, 256 (FORMAT.md 1.0): lzma-dict4096 (format 1, window a
 * u32 at 16, decoder_ram at 20) with a window of 256 and its decoder_ram parses, 255 is refused;
 * compact-split-window256's uvarint window (80 02 at 13) made 255 (FF 01) is refused before a
 * write. The header CRCs are made right again each time.
 */
static void test_small_lzma_windows(const char *dir) {
    uint32_t size = load(dir, "lzma-dict4096", "fwd", patch_buf);
    uint32_t old_size;
    uint32_t header_size;
    uint32_t ram = fwd_rd32(patch_buf + 20);
    uint32_t crc;
    fwd_header h;
    fwd_wr32(patch_buf + 16, 256);
    fwd_wr32(patch_buf + 20, ram - 4096u + 256u);
    put_crc(patch_buf);
    EXPECT(fwd_header_parse(patch_buf, size, &h) == FWD_OK && h.codec_window == 256u, "lzma window 256");
    fwd_wr32(patch_buf + 16, 255);
    fwd_wr32(patch_buf + 20, ram - 4096u + 255u);
    put_crc(patch_buf);
    EXPECT(fwd_header_parse(patch_buf, size, &h) == FWD_ERR_BAD_CODEC_WINDOW, "lzma window 255");

    old_size = load(dir, "compact-split-window256", "old", old_buf);
    size = load(dir, "compact-split-window256", "fwd", patch_buf);
    EXPECT(fwd_header_prefix(patch_buf, &header_size) == FWD_OK && patch_buf[9] == 3u && patch_buf[13] == 0x80u
           && patch_buf[14] == 2u, "compact-split-window256: codec split, window 256 at 13");
    patch_buf[13] = 0xFFu;
    patch_buf[14] = 1u;
    crc = fwd_crc32_update(0, patch_buf, header_size - 4u);
    fwd_wr32(patch_buf + header_size - 4u, crc);
    EXPECT(fwd_header_parse(patch_buf, size, &h) == FWD_ERR_BAD_CODEC_WINDOW, "split window 255");
    EXPECT(apply(&images, old_buf, old_size, patch_buf, size, 7) == FWD_ERR_BAD_CODEC_WINDOW && images.out_size == 0,
           "split window 255 is refused before a write");
}

/*
 * An old image of 2^31 - 1 bytes, the most old_size allows, made by the read callback instead of
 * allocated: zeros but for the words of a case near its end. There a position plus a word's size
 * passes 2^31 - 1, which the relocated view once computed in int32_t (undefined behaviour, and
 * reads past its window): each case puts a transform's word where the last whole one can be, and
 * the bytes of one the image's end cuts short, which the view must keep. The map moves the last 127
 * bytes back by 0x1010 (across a 4 KiB page, for ADRP); image_base 0x40000000 keeps a zero word
 * from being a pointer. Each new image is the view's last n bytes: the values of n start its
 * chunks, and so the view's windows, at each alignment, and 128 bytes make two chunks.
 */
#define BIG_OLD_SIZE 0x7FFFFFFFu
#define BIG_BASE 0x40000000u
#define BIG_MOVED 0x7FFFFF80u
#define BIG_TAIL 128u

/* size bytes little-endian at old offset at: old_value in the old image, view_value in the view */
typedef struct {
    uint32_t at;
    uint64_t old_value;
    uint64_t view_value;
    uint32_t size;
} big_word;

typedef struct {
    const char *what;
    uint8_t transforms;
    big_word words[5];
} big_case;

/* The view values are FORMAT.md 2.3's rules worked out apart from the C applier. */
static const big_case BIG_CASES[] = {
    {"THUMB_BL at the last even offset with a whole BL", 1, {
        {0x7FFFFFFAu, 0xF800F7FFu, 0xF808F000u, 4}, /* to 0x7FFFEFFE, before the moved part */
        {0x7FFFFFFEu, 0xF7u, 0xF7u, 1}}},
    {"POINTER32 in the last whole word", 2, {
        {0x7FFFFFF4u, 0xBFFFFFFFu, 0xBFFFFFFFu, 4}, /* base + old_size: no pointer */
        {0x7FFFFFF8u, 0xBFFFFFC0u, 0xBFFFEFB0u, 4},
        {0x7FFFFFFCu, 0xFFFFC0u, 0xFFFFC0u, 3}}},
    {"A64_BRANCH in the last whole word", 4, {
        {0x7FFFFFF4u, 0x14000003u, 0x14000003u, 4}, /* B to old_size + 1: kept */
        {0x7FFFFFF8u, 0x97FFFC00u, 0x94000004u, 4}, /* BL 4 KiB back, before the moved part */
        {0x7FFFFFFCu, 0xFFFC00u, 0xFFFC00u, 3}}},
    {"A64_ADRP whose partner search meets the image's end", 8, {
        {0x7FFFFFE4u, 0xF0C00081u, 0x90C000A1u, 4}, /* ADRP x1, no partner before the end */
        {0x7FFFFFF0u, 0xF0C00080u, 0x90C000A0u, 4}, /* ADRP x0 of base + 0x12345 */
        {0x7FFFFFF4u, 0xD503201Fu, 0xD503201Fu, 4}, /* NOP */
        {0x7FFFFFF8u, 0x910D1400u, 0x910D1400u, 4}, /* its ADD x0, x0, #0x345 */
        {0x7FFFFFFCu, 0x0D1400u, 0x0D1400u, 3}}},
    {"POINTER64 in the last whole 8-byte word", 16, {
        {0x7FFFFFC0u, 0xBFFFFFFEu, 0xBFFFEFEEu, 8}, /* to the image's last byte */
        {0x7FFFFFF0u, 0xBFFFFFA0u, 0xBFFFEF90u, 8},
        {0x7FFFFFF8u, 0xBFFFFFA0u, 0xBFFFFFA0u, 7}}},
    {"XTENSA_CALL in the last three bytes", 32, {
        {0x7FFF0000u, 0x4136u, 0x4136u, 2}, /* ENTRY a1: the target begins a function */
        {0x7FFFFFFCu, 0xF00015u, 0xF10115u, 3}}}, /* CALL4 to 0x7FFF0000 */
};

static const big_case *big_current;

/* The bytes of [from, from + len) of the old image (view 0) or of the view expected (view 1). */
static void big_bytes(const big_case *c, int view, uint32_t from, uint8_t *buf, uint32_t len) {
    size_t w;
    uint32_t i;
    memset(buf, 0, len);
    for (w = 0; w < sizeof c->words / sizeof c->words[0] && c->words[w].size > 0; w++) {
        const big_word *x = &c->words[w];
        for (i = 0; i < x->size; i++) {
            if (x->at + i >= from && x->at + i - from < len) {
                buf[x->at + i - from] = (uint8_t) ((view ? x->view_value : x->old_value) >> (8u * i));
            }
        }
    }
}

static int big_read(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    (void) user;
    if (offset > BIG_OLD_SIZE || len > BIG_OLD_SIZE - offset) {
        return -1;
    }
    big_bytes(big_current, 0, offset, buf, len);
    return 0;
}

static void put_uv(uint8_t *b, uint32_t *at, uint64_t v) {
    for (; v >= 0x80u; v >>= 7) {
        b[(*at)++] = (uint8_t) (v | 0x80u);
    }
    b[(*at)++] = (uint8_t) v;
}

/*
 * A format-3 patch (codec none, flags RELOCATED and SHA_ONLY) whose new image is expected, the
 * view's last n bytes: a record seeks to old_size - n, the next adds n zero diff bytes.
 */
static uint32_t big_patch(const big_case *c, const uint8_t *expected, uint32_t n, uint8_t *patch) {
    uint8_t map[32];
    uint8_t records[MAX_FILE / 2];
    uint8_t block[64];
    uint32_t map_len = 0;
    uint32_t records_len = 0;
    uint32_t block_len = 0;
    uint32_t at = 8;
    fwd_sha256 s;
    put_uv(map, &map_len, BIG_BASE);
    map[map_len++] = c->transforms;
    put_uv(map, &map_len, 0);               /* entry 1 at 0 */
    put_uv(map, &map_len, 0);               /* shift 0 */
    put_uv(map, &map_len, BIG_MOVED);       /* entry 2 */
    put_uv(map, &map_len, 2u * 0x1010u - 1u); /* shift -0x1010, zig-zag */
    records[records_len++] = 0;
    put_uv(records, &records_len, 0);
    put_uv(records, &records_len, 0);
    put_uv(records, &records_len, 2u * (uint64_t) (BIG_OLD_SIZE - n));
    records[records_len++] = 0;
    put_uv(records, &records_len, n);
    memset(records + records_len, 0, n);
    records_len += n;
    put_uv(records, &records_len, 0);
    put_uv(records, &records_len, 0);
    put_uv(block, &block_len, 0);           /* block_index */
    put_uv(block, &block_len, records_len); /* encoded_length */
    put_uv(block, &block_len, records_len); /* raw_length */
    put_uv(block, &block_len, 0);           /* new_offset */
    put_uv(block, &block_len, 0);           /* old_offset */
    put_uv(block, &block_len, n);           /* out_length */
    fwd_wr32(block + block_len, fwd_crc32_update(0, expected, n));
    block_len += 4;

    memcpy(patch, "FWDP\x03\x00", 6);
    patch[at++] = 2u | 16u; /* RELOCATED, SHA_ONLY */
    patch[at++] = 0;        /* codec none */
    patch[at++] = 0;
    put_uv(patch, &at, 3); /* map_count */
    put_uv(patch, &at, map_len);
    put_uv(patch, &at, 0);            /* codec_window */
    put_uv(patch, &at, 1024u + 8u * 3u); /* decoder_ram */
    put_uv(patch, &at, records_len);  /* max_block_raw */
    put_uv(patch, &at, 1);            /* block_count */
    put_uv(patch, &at, map_len + block_len + records_len);
    put_uv(patch, &at, BIG_OLD_SIZE);
    memset(patch + at, 0, 16); /* old_sha256: the test says the base is checked */
    at += 16;
    put_uv(patch, &at, n);
    fwd_sha256_init(&s);
    fwd_sha256_update(&s, expected, n);
    fwd_sha256_final(&s, patch + at);
    at += 32;
    put_uv(patch, &at, 0); /* firmware_version */
    put_uv(patch, &at, 0); /* hardware_id */
    patch[6] = (uint8_t) (at + 4u);
    patch[7] = 0;
    fwd_wr32(patch + at, fwd_crc32_update(0, patch, at));
    at += 4;
    memcpy(patch + at, map, map_len);
    at += map_len;
    memcpy(patch + at, block, block_len);
    at += block_len;
    memcpy(patch + at, records, records_len);
    return at + records_len;
}

static void test_old_image_of_max_size(void) {
    static const uint32_t SIZES[] = {BIG_TAIL, 64, 63, 62, 61};
    static const uint32_t CHUNKS[] = {7, 4096};
    static fwd_applier a;
    size_t k;
    size_t i;
    size_t c;
    for (k = 0; k < sizeof BIG_CASES / sizeof BIG_CASES[0]; k++) {
        big_current = &BIG_CASES[k];
        for (i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++) {
            uint32_t n = SIZES[i];
            uint32_t len;
            big_bytes(big_current, 1, BIG_OLD_SIZE - n, new_buf, n);
            len = big_patch(big_current, new_buf, n, patch_buf);
            for (c = 0; c < sizeof CHUNKS / sizeof CHUNKS[0]; c++) {
                fwd_port port;
                uint32_t at = 0;
                fwd_error e;
                memset(&port, 0, sizeof port);
                port.read_old = big_read;
                port.write_new = mem_write;
                port.user = &images;
                port.old_size = BIG_OLD_SIZE;
                port.ram_budget = 16384;
                images.out_size = 0;
                e = fwd_apply_init(&a, &port, (uint8_t *) work, (uint32_t) sizeof work);
                if (e == FWD_OK) {
                    e = fwd_apply_set_base_checked(&a); /* hashing 2 GiB would take seconds */
                }
                while (e == FWD_OK && at < len) {
                    uint32_t part = len - at < CHUNKS[c] ? len - at : CHUNKS[c];
                    e = fwd_apply_process(&a, patch_buf + at, part);
                    at += part;
                }
                if (e == FWD_OK) {
                    e = fwd_apply_finish(&a);
                }
                if (e != FWD_OK) {
                    fprintf(stderr, "%s, new image of %u bytes, chunk %u: code %d %s\n", big_current->what,
                            (unsigned) n, (unsigned) CHUNKS[c], (int) e, fwd_error_name(e));
                }
                EXPECT(e == FWD_OK, big_current->what);
                EXPECT(images.out_size == n && memcmp(images.out, new_buf, n) == 0, big_current->what);
            }
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: fwd_unit_tests VECTOR_DIR\n");
        return 2;
    }
    printf("context: sizeof(fwd_applier) = %u bytes\n", (unsigned) sizeof(fwd_applier));
    test_checksums();
    test_vectors(argv[1]);
    test_exact_work_buffers(argv[1]);
    test_bad_patches(argv[1]);
    test_every_error_code(argv[1]);
    test_signatures(argv[1]);
    test_measured_base(argv[1]);
    test_slot_address(argv[1]);
    test_lz4_block_end();
    test_small_lzma_windows(argv[1]);
    test_old_image_of_max_size();
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
