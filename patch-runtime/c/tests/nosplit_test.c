/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A library built without codec split (FWD_WITH_SPLIT=0, CMake FWD_WITH_SPLIT=OFF): the split
 * vector is refused with NOT_YET_SUPPORTED as soon as its header is in, before a byte of the new
 * image is written, and the lzma vectors of the same format still apply (compact-lzma-window1024:
 * a 1,024-byte ring, which this build's LZMA decoder fills without codec split's cut matches).
 * Usage: fwd_nosplit_test VECTORS_DIR
 */
#include <stdio.h>
#include <string.h>

#include "fwdelta/fwd_apply.h"

#define MAX_FILE 4096u

static uint8_t old_buf[MAX_FILE];
static uint8_t patch_buf[MAX_FILE];
static uint32_t old_size;
static uint32_t written;
static uint32_t work[16384 / 4];
static fwd_applier a;

static int read_old(void *user, uint32_t offset, uint8_t *dst, uint32_t len) {
    (void) user;
    if (offset > old_size || len > old_size - offset) {
        return -1;
    }
    memcpy(dst, old_buf + offset, len);
    return 0;
}

static int write_new(void *user, const uint8_t *b, uint32_t len) {
    (void) user;
    (void) b;
    written += len;
    return 0;
}

static uint32_t load(const char *dir, const char *name, uint8_t *buf) {
    char path[512];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "fwd_nosplit_test: cannot open %s\n", path);
        return 0;
    }
    n = fread(buf, 1, MAX_FILE, f);
    fclose(f);
    return (uint32_t) n;
}

/* Applies NAME.fwd to NAME.old a byte at a time; the first error, or FWD_OK. */
static fwd_error apply(const char *dir, const char *name) {
    char file[128];
    fwd_port port;
    uint32_t size;
    uint32_t i;
    fwd_error e;
    snprintf(file, sizeof file, "%s.old", name);
    old_size = load(dir, file, old_buf);
    snprintf(file, sizeof file, "%s.fwd", name);
    size = load(dir, file, patch_buf);
    written = 0;
    port.read_old = read_old;
    port.write_new = write_new;
    port.user = NULL;
    port.old_size = old_size;
    port.ram_budget = 16384;
    e = fwd_apply_init(&a, &port, (uint8_t *) work, (uint32_t) sizeof work);
    for (i = 0; e == FWD_OK && i < size; i++) {
        e = fwd_apply_process(&a, patch_buf + i, 1);
    }
    return e == FWD_OK ? fwd_apply_finish(&a) : e;
}

int main(int argc, char **argv) {
    fwd_error e;
    int failures = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: fwd_nosplit_test VECTORS_DIR\n");
        return 2;
    }
    e = apply(argv[1], "compact-split");
    if (e != FWD_ERR_NOT_YET_SUPPORTED || written != 0) {
        fprintf(stderr, "compact-split: code %d, %u bytes written; expected NOT_YET_SUPPORTED at the header, none\n",
                (int) e, (unsigned) written);
        failures++;
    }
    e = apply(argv[1], "compact-lzma");
    if (e != FWD_OK) {
        fprintf(stderr, "compact-lzma: code %d; expected it to apply without codec split\n", (int) e);
        failures++;
    }
    e = apply(argv[1], "compact-lzma-window1024");
    if (e != FWD_OK) {
        fprintf(stderr, "compact-lzma-window1024: code %d; expected it to apply without codec split\n", (int) e);
        failures++;
    }
    printf("%s: without codec split, the split vector refused at its header and lzma applied\n",
           failures == 0 ? "ok" : "FAILED");
    return failures == 0 ? 0 : 1;
}
