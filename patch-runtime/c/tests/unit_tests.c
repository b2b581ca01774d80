/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the C applier: checksum known answers, every golden vector at chunk sizes 1, 7
 * and 4096, and crafted bad patches with the error code each must raise (the differential
 * test in Java compares all of it with the Java runtime). Usage: fwd_unit_tests VECTOR_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwdelta/fwd_apply.h"

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
} mem_images;

static int mem_read(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    mem_images *m = (mem_images *) user;
    if (offset > m->old_size || len > m->old_size - offset) {
        return -1;
    }
    memcpy(buf, m->old + offset, len);
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
    e = fwd_apply_init(&a, &port, (uint8_t *) work, (uint32_t) sizeof work);
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
    char path[512];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "missing vector file %s\n", path);
        exit(2);
    }
    n = fread(buf, 1, MAX_FILE, f);
    fclose(f);
    return (uint32_t) n;
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
    EXPECT(fwd_crc32_mpeg2_update(0xFFFFFFFFu, check, 9) == 0x0376E6E7u, "CRC-32/MPEG-2 check value");
    fwd_sha256_init(&s);
    fwd_sha256_update(&s, (const uint8_t *) "abc", 3);
    fwd_sha256_final(&s, d);
    EXPECT(memcmp(d, abc_sha, 32) == 0, "SHA-256(\"abc\")");
}

static const char *const VECTORS[] = {
    "none-two-blocks", "lz77-window256", "lzma-dict4096", "ed25519-signed", "empty-new-image", "compact-lzma",
    "compact-ed25519-signed", "compact-sparse-records", "relocation-map", "relocation-a64",
    "compact-relocation-a64", "compact-relocation-xtensa"
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

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: fwd_unit_tests VECTOR_DIR\n");
        return 2;
    }
    printf("context: sizeof(fwd_applier) = %u bytes\n", (unsigned) sizeof(fwd_applier));
    test_checksums();
    test_vectors(argv[1]);
    test_bad_patches(argv[1]);
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
