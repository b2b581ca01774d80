/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest program of tools/m4-instructions-per-byte: applies OLD + PATCH on an emulated Cortex-M4
 * (qemu-system-arm -M mps2-an386) so that a QEMU plugin can count the instructions the applier
 * executes. Semihosting command line: "MODE BASE OLD PATCH OUT".
 *
 *   MODE apply  reads OLD and PATCH into RAM, applies the patch (chunks of 4096, as fwdelta-c-apply),
 *               writes the new image to the host file OUT; exits 0 only on FWD_OK
 *   MODE read   reads OLD and PATCH into RAM (and with BASE measured, measures OLD) and exits: the
 *               baseline the script subtracts, so that the difference is fwd_apply_init/process/
 *               finish with their callbacks
 *   BASE read      the applier reads and hashes OLD itself
 *   BASE measured  OLD is measured first, as a bootloader does at boot (fwd_image_checksums_measure),
 *                  and when the header's old image is that measurement (fwd_base_matches) the
 *                  applier is told so (fwd_apply_set_base_checked): fwdelta-c-apply --base measured
 *
 * The callbacks do what fwdelta-c-apply's do (the host figure counts the same work): the old image
 * is read from memory, as a device reads its memory-mapped flash, and the new image is collected in
 * a 64 KiB buffer and written a buffer at a time, as a device fills a flash page. Reading the files
 * and writing OUT are semihosting calls: the host does that work, the guest executes a few
 * instructions per call.
 */
#include <stdint.h>
#include <string.h>

#include "fwdelta/fwd_apply.h"
#include "semihosting.h"

/* ---- Arm semihosting (what qemu-system-arm -semihosting-config enable=on serves) ---- */
#define OPEN_READ_BINARY 1u
#define OPEN_WRITE_BINARY 5u

static void fail(const char *why, const char *what) {
    semihost(SYS_WRITE0, "m4_qemu_apply: ");
    semihost(SYS_WRITE0, why);
    semihost(SYS_WRITE0, what);
    semihost(SYS_WRITE0, "\n");
    semihost(SYS_EXIT, (const void *) ADP_STOPPED_RUNTIME_ERROR);
    for (;;) {
    }
}

static uint32_t open_file(const char *path, uint32_t mode) {
    uint32_t a[3];
    uint32_t h;
    a[0] = (uint32_t) (uintptr_t) path;
    a[1] = mode;
    a[2] = (uint32_t) strlen(path);
    h = semihost(SYS_OPEN, a);
    if (h == 0xFFFFFFFFu) {
        fail("cannot open ", path);
    }
    return h;
}

static void write_file(uint32_t handle, const uint8_t *b, uint32_t len) {
    uint32_t a[3];
    a[0] = handle;
    a[1] = (uint32_t) (uintptr_t) b;
    a[2] = len;
    if (semihost(SYS_WRITE, a) != 0) {
        fail("cannot write the output", "");
    }
}

/*
 * The inputs go to the board's 16 MiB PSRAM (mps2-an386: 0x21000000); the program itself, its
 * buffers and stack are in SSRAM (m4-instructions-per-byte's linker script).
 */
#define INPUT_RAM ((uint8_t *) 0x21000000u)
#define INPUT_RAM_SIZE (16u << 20)

/* Reads the whole file at path to at (at most room bytes); returns its length. */
static uint32_t load(const char *path, uint8_t *at, uint32_t room) {
    uint32_t h = open_file(path, OPEN_READ_BINARY);
    uint32_t a[3];
    uint32_t len = semihost(SYS_FLEN, &h);
    if (len > room) {
        fail("does not fit the board's 16 MiB PSRAM: ", path);
    }
    a[0] = h;
    a[1] = (uint32_t) (uintptr_t) at;
    a[2] = len;
    if (semihost(SYS_READ, a) != 0) {
        fail("cannot read ", path);
    }
    semihost(SYS_CLOSE, &h);
    return len;
}

/* ---- The applier's port, as in fwdelta-c-apply ---- */
/* The largest codec memory a valid header can ask for (fwdelta-c-apply's WORK_MAX). */
#define WORK_MAX ((1u << 20) + 2u * (1846u + (0x300u << 4)) + 64u)
#define CHUNK 4096u
#define STAGED_MAX (1u << 16)

static fwd_applier applier;
static uint32_t work[WORK_MAX / 4u + 1u];
static uint8_t staged[STAGED_MAX];
static uint32_t staged_len;
static const uint8_t *old_image;
static uint32_t old_size;
static uint32_t out_handle;

static int read_old(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    (void) user;
    if (offset > old_size || len > old_size - offset) {
        return -1;
    }
    memcpy(buf, old_image + offset, len);
    return 0;
}

static void flush_staged(void) {
    write_file(out_handle, staged, staged_len);
    staged_len = 0;
}

static int write_new(void *user, const uint8_t *buf, uint32_t len) {
    (void) user;
    if (len > STAGED_MAX - staged_len) {
        flush_staged();
    }
    if (len > STAGED_MAX) {
        write_file(out_handle, buf, len);
        return 0;
    }
    memcpy(staged + staged_len, buf, len);
    staged_len += len;
    return 0;
}

/*
 * With BASE measured: whether the patch's header records OLD as measured, as fwdelta-c-apply's
 * base_is_measured decides; an invalid header is left to the applier to report.
 */
static int base_is_measured(const uint8_t *patch, uint32_t patch_size) {
    static uint8_t buf[4096];
    fwd_image_checksums m;
    fwd_header h;
    uint32_t size;
    return fwd_header_prefix(patch, &size) == FWD_OK && size <= patch_size && fwd_header_parse(patch, size, &h) == FWD_OK
            && fwd_image_checksums_measure(read_old, 0, old_size, buf, sizeof buf, &m) == FWD_OK
            && fwd_base_matches(&h, &m) == FWD_OK;
}

/* Splits the semihosting command line in place into up to max words. */
static int words(char *s, char **w, int max) {
    int n = 0;
    while (*s != 0 && n < max) {
        while (*s == ' ') {
            *s++ = 0;
        }
        if (*s == 0) {
            break;
        }
        w[n++] = s;
        while (*s != 0 && *s != ' ') {
            s++;
        }
    }
    return n;
}

int main(void) {
    static char cmd[1024];
    uint32_t a[2];
    char *arg[5];
    int measured;
    const uint8_t *patch;
    uint32_t patch_size;
    uint32_t at;
    fwd_port port;
    fwd_error e;
    a[0] = (uint32_t) (uintptr_t) cmd;
    a[1] = sizeof cmd - 1u;
    if (semihost(SYS_GET_CMDLINE, a) != 0) {
        fail("no semihosting command line", "");
    }
    cmd[a[1]] = 0;
    if (words(cmd, arg, 5) != 5) {
        fail("usage: apply|read read|measured OLD PATCH OUT (semihosting command line)", "");
    }
    old_image = INPUT_RAM;
    old_size = load(arg[2], INPUT_RAM, INPUT_RAM_SIZE);
    at = (old_size + 3u) & ~3u;
    patch = INPUT_RAM + at;
    patch_size = load(arg[3], INPUT_RAM + at, INPUT_RAM_SIZE - at);
    measured = strcmp(arg[1], "measured") == 0 && base_is_measured(patch, patch_size);
    if (strcmp(arg[0], "read") == 0) {
        semihost(SYS_EXIT, (const void *) ADP_STOPPED_APPLICATION_EXIT);
    }
    out_handle = open_file(arg[4], OPEN_WRITE_BINARY);
    port.read_old = read_old;
    port.write_new = write_new;
    port.user = 0;
    port.old_size = old_size;
    port.ram_budget = 0xFFFFFFFFu;
    e = fwd_apply_init(&applier, &port, (uint8_t *) work, (uint32_t) sizeof work);
    if (e == FWD_OK && measured) {
        e = fwd_apply_set_base_checked(&applier);
    }
    for (at = 0; e == FWD_OK && at < patch_size; at += CHUNK) {
        e = fwd_apply_process(&applier, patch + at, patch_size - at < CHUNK ? patch_size - at : CHUNK);
    }
    if (e == FWD_OK) {
        e = fwd_apply_finish(&applier);
    }
    if (e != FWD_OK) {
        fail("the applier failed: ", fwd_error_name((int) e));
    }
    flush_staged();
    semihost(SYS_CLOSE, &out_handle);
    semihost(SYS_EXIT, (const void *) ADP_STOPPED_APPLICATION_EXIT);
    return 0;
}
