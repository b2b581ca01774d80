/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target over the applier: clang -fsanitize=fuzzer,address,undefined (CMake option
 * FWD_FUZZ, README "On a real MCU", Fuzzing). Input layout, so that mutated patches still meet
 * their own old image and reach the codecs and records:
 *   byte 0      seed of the chunk sizes (1..64 bytes, or the whole patch when it is 0)
 *   byte 1      bit 0: require a signature from TEST_KEY (verify accepts an even first byte)
 *   bytes 2..3  old image length (little-endian, at most what follows)
 *   then        the old image, then the patch
 * Besides the sanitizers it checks the applier's own promises: it never reads the old image out
 * of range, never writes past the header's new_size, and FWD_OK means exactly new_size bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fwdelta/fwd_apply.h"

/* The fuzzed device's RAM budget: enough for LZMA with a 64 KiB dictionary. Its work buffer is
 * exactly what the patch's header asks for (fwd_work_size) when the header parses, malloc'd, so
 * that a codec or the relocation map going past its share meets the sanitizers' redzone; a patch
 * whose header does not parse gets the whole budget. */
#define WORK_BYTES (96u * 1024u)

typedef struct {
    const uint8_t *old;
    uint32_t old_size;
    uint32_t written;
    const fwd_applier *a;
} images;

static uint32_t work[WORK_BYTES / 4u];

static int read_old(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    images *m = (images *) user;
    if (offset > m->old_size || len > m->old_size - offset) {
        abort(); /* the applier must check offsets against old_size before it reads */
    }
    memcpy(buf, m->old + offset, len);
    return 0;
}

static int write_new(void *user, const uint8_t *buf, uint32_t len) {
    images *m = (images *) user;
    const fwd_header *h = fwd_apply_header(m->a);
    (void) buf;
    if (h == NULL || len > h->new_size - m->written) {
        abort(); /* never a byte before the header was checked, never past new_size */
    }
    m->written += len;
    return 0;
}

static int test_verify(void *user, const fwd_trusted_key *key, const uint8_t *message, uint32_t message_len,
                       const uint8_t signature[FWD_SIGNATURE_BYTES]) {
    (void) user;
    (void) key;
    (void) message;
    (void) message_len;
    return (signature[0] & 1u) == 0 ? 0 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static fwd_applier a;
    static fwd_trusted_key key;
    static const uint8_t TEST_KEY[32] = {1};
    fwd_trust trust;
    fwd_port port;
    images m;
    fwd_error e;
    uint32_t seed;
    size_t at;
    const uint8_t *patch;
    size_t patch_len;
    fwd_header h;
    uint32_t header_size;
    uint8_t *exact = NULL;
    int exact_size = -1;
    if (size < 4) {
        return 0;
    }
    seed = data[0];
    m.old_size = (uint32_t) data[2] | (uint32_t) data[3] << 8;
    if (m.old_size > size - 4) {
        m.old_size = (uint32_t) (size - 4);
    }
    m.old = data + 4;
    m.written = 0;
    m.a = &a;
    patch = data + 4 + m.old_size;
    patch_len = size - 4 - m.old_size;
    port.read_old = read_old;
    port.write_new = write_new;
    port.user = &m;
    port.old_size = m.old_size;
    port.ram_budget = WORK_BYTES;
    if (patch_len >= 8 && fwd_header_prefix(patch, &header_size) == FWD_OK && header_size <= patch_len
            && fwd_header_parse(patch, header_size, &h) == FWD_OK && fwd_work_size(&h) <= WORK_BYTES) {
        exact = (uint8_t *) malloc(fwd_work_size(&h)); /* NULL for 0 bytes is a valid empty buffer */
        exact_size = exact == NULL ? 0 : (int) fwd_work_size(&h);
    }
    e = exact_size >= 0 ? fwd_apply_init(&a, &port, exact, (uint32_t) exact_size)
                        : fwd_apply_init(&a, &port, (uint8_t *) work, WORK_BYTES);
    if (e == FWD_OK && (data[1] & 1u) != 0) {
        fwd_trusted_key_init(&key, FWD_SIG_ED25519, TEST_KEY, sizeof TEST_KEY);
        trust.verify = test_verify;
        trust.user = NULL;
        trust.keys = &key;
        trust.key_count = 1;
        e = fwd_apply_set_trust(&a, &trust);
    }
    for (at = 0; e == FWD_OK && at < patch_len;) {
        size_t n = seed == 0 ? patch_len : 1u + (seed % 64u);
        if (n > patch_len - at) {
            n = patch_len - at;
        }
        e = fwd_apply_process(&a, patch + at, n);
        at += n;
        seed = seed * 1103515245u + 12345u;
        seed = seed == 0 ? 1 : seed;
    }
    if (e == FWD_OK) {
        e = fwd_apply_finish(&a);
        if (e == FWD_OK && m.written != fwd_apply_header(&a)->new_size) {
            abort(); /* success must mean the whole new image */
        }
    }
    /* Sticky failure: once failed, every later call answers the same code. */
    if (e != FWD_OK && fwd_apply_process(&a, data, 1) != e) {
        abort();
    }
    free(exact);
    return 0;
}
