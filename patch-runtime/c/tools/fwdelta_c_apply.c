/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fwdelta-c-apply OLD PATCH OUT [--chunk N] [--trust PUB.pem]... [--slot ADDR] [--base read|measured]: applies a patch
 * with the C library, the way a device does (patch pushed in chunks of N bytes, default 4096). With
 * --trust (repeatable, PEM files as `fwdelta apply --trust` reads them) the patch must be signed by
 * one of those keys; with --slot the applier refuses a patch whose load address is not ADDR as
 * soon as its header is in, before the first write (fwd_apply_set_slot_address). With --base measured the tool first measures
 * OLD as a bootloader does at boot (fwd_image_checksums_measure) and, when the header's old image
 * is that measurement (fwd_base_matches), lets the applier skip reading and hashing OLD
 * (fwd_apply_set_base_checked); otherwise the applier checks OLD itself. Exit codes as the Java CLI's: 0 ok, 2 usage,
 * 3 bad patch, 4 wrong base image, 5 I/O (also an unreadable key file), 6 refused by policy. A
 * failure prints one line
 * "fwdelta: error: code N NAME" (N as in docs/FORMAT.md 5) and leaves no OUT behind.
 *
 * fwdelta-c-apply --batch OLD MUTANTS [--chunk N] [--trust PUB.pem] [--signed-only] [--slot ADDR] [--budget BYTES]
 *                 [--installed-version N --hardware-id ID]: applies each patch of MUTANTS (records of a u32
 * little-endian length and that many patch bytes) to OLD, one apply each, and prints one line per
 * patch: "INDEX CODE WRITTEN SHA256" (CODE 0 when it applied; WRITTEN the new-image bytes handed to
 * write_new, also when it failed; SHA256 of those bytes). One process for thousands of patches is
 * what lets the mutation differential test (MutationDifferentialTest) run them in seconds. Each chunk
 * is copied into a buffer of exactly its size, so that under ASan a read past the bytes pushed so
 * far stops the tool. --signed-only requires a signature even without --trust (no key is trusted:
 * an unsigned patch is UNSIGNED_PATCH, a signed one UNKNOWN_KEY). With --installed-version and
 * --hardware-id (together: the device's fwd_policy has no "any" for either) each patch's header is
 * first offered to the C update agent (fwd_agent_begin) on tests/ram_flash.h's flash with OLD in its
 * active slot, under that policy: the anti-rollback, board and fit checks live there, not in the
 * applier. A header it refuses prints that code with nothing written; one it accepts is applied as
 * without the options. A patch too short for its header is left to the applier to report.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fwd_crypto_host.h"
#include "fwdelta/fwd_apply.h"
#include "fwdelta/fwd_device.h"
#include "ram_flash.h"

/* The largest codec memory a valid header can ask for: a 1 MiB LZMA dictionary, lc+lp = 4. */
#define WORK_MAX ((1u << 20) + 2u * (1846u + (0x300u << 4)) + 64u)
#define CHUNK_MAX (1u << 20)
/* --trust may be given this many times (a device keeps a few keys for rotation). */
#define TRUST_MAX 8

/* Bytes of new image collected before each fwrite, as a device fills a flash page before programming it. */
#define STAGED_MAX (1u << 16)

static uint32_t work[WORK_MAX / 4u + 1u];
static uint8_t chunk[CHUNK_MAX];
static uint8_t staged[STAGED_MAX];

typedef struct {
    FILE *old;
    /* The old image mapped into memory, as a device reads its memory-mapped flash. */
    const uint8_t *old_map;
    uint32_t old_size;
    FILE *out;
    uint32_t staged_len;
} files;

static int read_old(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    files *f = (files *) user;
    if (offset > f->old_size || len > f->old_size - offset) {
        return -1;
    }
    memcpy(buf, f->old_map + offset, len);
    return 0;
}

static int flush_staged(files *f) {
    size_t n = f->staged_len;
    f->staged_len = 0;
    return fwrite(staged, 1, n, f->out) == n ? 0 : -1;
}

/* The applier writes a few bytes at a time: collected here, written a buffer at a time. */
static int write_new(void *user, const uint8_t *buf, uint32_t len) {
    files *f = (files *) user;
    if (len > STAGED_MAX - f->staged_len && flush_staged(f) != 0) {
        return -1;
    }
    if (len > STAGED_MAX) {
        return fwrite(buf, 1, len, f->out) == len ? 0 : -1;
    }
    memcpy(staged + f->staged_len, buf, len);
    f->staged_len += len;
    return 0;
}

static int exit_code(fwd_error e) {
    if (e == FWD_ERR_WRONG_BASE_IMAGE) {
        return 4;
    }
    if (e == FWD_ERR_IO_ERROR) {
        return 5;
    }
    if ((e >= FWD_ERR_SIGNATURE_INVALID && e <= FWD_ERR_WRONG_HARDWARE) || e == FWD_ERR_DOES_NOT_FIT
            || e == FWD_ERR_WRONG_LOAD_ADDRESS) {
        return 6;
    }
    return 3;
}

static int usage(const char *why) {
    fprintf(stderr, "fwdelta: error: %s\nusage: fwdelta-c-apply OLD PATCH OUT [--chunk N] [--trust PUB.pem]... [--slot ADDR] [--base read|measured]\n", why);
    return 2;
}

static int io_error(const char *what, const char *path) {
    fprintf(stderr, "fwdelta: error: cannot %s %s\n", what, path);
    return 5;
}

/* Opens and maps OLD into f (f->old, f->old_map, f->old_size): 0, or the exit code of an I/O error. */
static int open_old(files *f, const char *path) {
    long old_size;
    f->old = fopen(path, "rb");
    if (f->old == NULL) {
        return io_error("read", path);
    }
    if (fseek(f->old, 0, SEEK_END) != 0 || (old_size = ftell(f->old)) < 0 || old_size > 0x7FFFFFFFL) {
        fclose(f->old);
        return io_error("size", path);
    }
    f->old_size = (uint32_t) old_size;
    f->old_map = NULL;
    if (old_size > 0) {
        void *m = mmap(NULL, (size_t) old_size, PROT_READ, MAP_PRIVATE, fileno(f->old), 0);
        if (m == MAP_FAILED) {
            fclose(f->old);
            return io_error("map", path);
        }
        f->old_map = (const uint8_t *) m;
    }
    return 0;
}

/*
 * Whether the patch's header records OLD as measured before the apply (--base measured): the
 * measurement is what a bootloader does at boot, outside fwd_apply_* (which instructions-per-byte
 * counts). An unreadable or invalid header is left to the applier to report. Rewinds the patch.
 */
static int base_is_measured(files *f, FILE *patch) {
    static uint8_t buf[4096];
    fwd_image_checksums m;
    fwd_header h;
    uint32_t size;
    size_t got = fread(buf, 1, FWD_HEADER_MAX, patch);
    int ok = fwd_header_prefix(buf, &size) == FWD_OK && size <= got && fwd_header_parse(buf, size, &h) == FWD_OK
            && fwd_image_checksums_measure(read_old, f, f->old_size, buf, sizeof buf, &m) == FWD_OK
            && fwd_base_matches(&h, &m) == FWD_OK;
    rewind(patch);
    return ok;
}

/*
 * The work buffer: malloc'd to exactly fwd_work_size of the patch's header when that parses and
 * fits WORK_MAX, so that the ASan build the JUnit differential tests drive sees a codec or the
 * relocation map reaching past its share (*exact = 1; NULL for 0 bytes); else the static buffer,
 * and the applier reports the header. Rewinds the patch.
 */
static uint8_t *work_for(FILE *patch, uint32_t *size, int *exact) {
    static uint8_t buf[FWD_HEADER_MAX];
    fwd_header h;
    uint32_t header_size;
    size_t got = fread(buf, 1, FWD_HEADER_MAX, patch);
    rewind(patch);
    *exact = got >= 8 && fwd_header_prefix(buf, &header_size) == FWD_OK && header_size <= got
            && fwd_header_parse(buf, header_size, &h) == FWD_OK && fwd_work_size(&h) <= sizeof work;
    if (*exact) {
        uint8_t *w = (uint8_t *) malloc(fwd_work_size(&h));
        *size = w == NULL ? 0 : fwd_work_size(&h);
        return w;
    }
    *size = (uint32_t) sizeof work;
    return (uint8_t *) work;
}

/* The batch mode's port user: OLD to read, and a sink that counts and hashes what is written. */
typedef struct {
    files *old;
    uint32_t written;
    fwd_sha256 sha;
} batch_sink;

static int batch_read_old(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    return read_old(((batch_sink *) user)->old, offset, buf, len);
}

static int batch_write(void *user, const uint8_t *buf, uint32_t len) {
    batch_sink *s = (batch_sink *) user;
    s->written += len;
    fwd_sha256_update(&s->sha, buf, len);
    return 0;
}

/* What the batch applies every patch with: --chunk, and the policy of the other options. */
typedef struct {
    unsigned long chunk_size;
    uint32_t ram_budget;
    fwd_trust trust;
    int signed_only;
    int has_slot;
    uint32_t slot;
    /* --installed-version and --hardware-id: the header goes to the agent first. */
    int has_installed_version;
    int has_hardware_id;
    fwd_policy policy;
} batch_options;

/* A decimal number 0..max (no sign, no blanks: strtoull would take "-1" as 2^64-1): 1 if it is one. */
static int parse_decimal(const char *text, unsigned long long max, unsigned long long *out) {
    char *end;
    if (text[0] < '0' || text[0] > '9') {
        return 0;
    }
    errno = 0;
    *out = strtoull(text, &end, 10);
    return errno == 0 && *end == '\0' && *out <= max;
}

/*
 * The agent's answer to the patch's header under the policy (fwd_agent_begin on a flash holding OLD
 * in its active slot, erased elsewhere), or FWD_OK when the patch is too short to hold its header.
 */
static int agent_begin(const uint8_t *patch, uint32_t len, const batch_options *o, const files *old) {
    static fwd_agent agent;
    uint32_t header_size;
    uint32_t from;
    int e;
    if (len < 8u || fwd_header_prefix(patch, &header_size) != FWD_OK || header_size > len) {
        return FWD_OK;
    }
    if (old->old_size > layout.active.size) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    memset(flash, 0xFF, sizeof flash);
    if (old->old_size > 0) {
        memcpy(flash + layout.active.offset, old->old_map, old->old_size);
    }
    e = fwd_agent_init(&agent, &layout, &o->policy, (uint8_t *) work, (uint32_t) sizeof work);
    return e != FWD_OK ? e : fwd_agent_begin(&agent, patch, header_size, &from);
}

/* One patch of the batch: the work buffer sized as work_for sizes it, chunks in exact-size copies. */
static fwd_error batch_apply_one(const uint8_t *patch, uint32_t len, const batch_options *o, batch_sink *sink) {
    unsigned long chunk_size = o->chunk_size;
    static fwd_applier a;
    fwd_port port;
    fwd_header h;
    uint32_t header_size;
    uint32_t work_size = (uint32_t) sizeof work;
    uint8_t *work_buffer = (uint8_t *) work;
    int exact = 0;
    uint32_t at;
    fwd_error e;
    if (len >= 8 && fwd_header_prefix(patch, &header_size) == FWD_OK && header_size <= len
            && fwd_header_parse(patch, header_size, &h) == FWD_OK && fwd_work_size(&h) <= sizeof work) {
        exact = 1;
        work_size = fwd_work_size(&h);
        work_buffer = (uint8_t *) malloc(work_size);
        if (work_buffer == NULL) {
            work_size = 0;
        }
    }
    port.read_old = batch_read_old;
    port.write_new = batch_write;
    port.user = sink;
    port.old_size = sink->old->old_size;
    port.ram_budget = o->ram_budget;
    e = fwd_apply_init(&a, &port, work_buffer, work_size);
    if (e == FWD_OK && (o->trust.key_count > 0 || o->signed_only)) {
        e = fwd_apply_set_trust(&a, &o->trust);
    }
    if (e == FWD_OK && o->has_slot) {
        e = fwd_apply_set_slot_address(&a, o->slot);
    }
    for (at = 0; e == FWD_OK && at < len; at += (uint32_t) chunk_size) {
        uint32_t n = len - at < chunk_size ? len - at : (uint32_t) chunk_size;
        uint8_t *copy = (uint8_t *) malloc(n);
        if (copy == NULL) {
            e = FWD_ERR_IO_ERROR;
            break;
        }
        memcpy(copy, patch + at, n);
        e = fwd_apply_process(&a, copy, n);
        free(copy);
    }
    if (e == FWD_OK) {
        e = fwd_apply_finish(&a);
    }
    if (exact) {
        free(work_buffer);
    }
    return e;
}

/* --batch OLD MUTANTS and its options (the comment at the top). */
static int batch(int argc, char **argv) {
    static fwd_trusted_key key;
    batch_options o;
    files f;
    FILE *list;
    uint8_t len_bytes[4];
    uint32_t index = 0;
    int i;
    memset(&o, 0, sizeof o);
    o.chunk_size = 4096;
    o.ram_budget = 0xFFFFFFFFu;
    o.trust.verify = fwd_crypto_host_verify;
    o.trust.user = NULL;
    o.trust.keys = &key;
    o.trust.key_count = 0;
    if (argc < 4) {
        return usage("expected --batch OLD MUTANTS [--chunk N] [--trust PUB.pem] [--signed-only] [--slot ADDR] "
                     "[--budget BYTES] [--installed-version N --hardware-id ID]");
    }
    for (i = 4; i < argc; i += 2) {
        char *end;
        unsigned long long n;
        if (strcmp(argv[i], "--signed-only") == 0) {
            o.signed_only = 1;
            i--; /* a flag: no value */
            continue;
        }
        if (i + 1 >= argc) {
            return usage("an option of --batch has no value");
        }
        if (strcmp(argv[i], "--chunk") == 0) {
            o.chunk_size = strtoul(argv[i + 1], &end, 10);
            if (*end != '\0' || o.chunk_size < 1 || o.chunk_size > CHUNK_MAX) {
                return usage("--chunk must be 1..1048576");
            }
        } else if (strcmp(argv[i], "--trust") == 0 && o.trust.key_count == 0) {
            char why[512];
            if (fwd_crypto_host_read_key(argv[i + 1], &key, why, sizeof why) != 0) {
                fprintf(stderr, "fwdelta: error: %s\n", why);
                return 5;
            }
            o.trust.key_count = 1;
        } else if (strcmp(argv[i], "--slot") == 0) {
            unsigned long slot = strtoul(argv[i + 1], &end, 0);
            if (*end != '\0' || slot > 0xFFFFFFFFul) {
                return usage("--slot must be an address 0..0xffffffff");
            }
            o.has_slot = 1;
            o.slot = (uint32_t) slot;
        } else if (strcmp(argv[i], "--budget") == 0) {
            if (!parse_decimal(argv[i + 1], 0xFFFFFFFFull, &n)) {
                return usage("--budget must be 0..4294967295 bytes");
            }
            o.ram_budget = (uint32_t) n;
        } else if (strcmp(argv[i], "--installed-version") == 0) {
            if (!parse_decimal(argv[i + 1], 0xFFFFFFFFFFFFFFFFull, &n)) {
                return usage("--installed-version must be 0..18446744073709551615");
            }
            o.has_installed_version = 1;
            o.policy.installed_version = (uint64_t) n;
        } else if (strcmp(argv[i], "--hardware-id") == 0) {
            if (!parse_decimal(argv[i + 1], 0xFFFFFFFFull, &n)) {
                return usage("--hardware-id must be 0..4294967295");
            }
            o.has_hardware_id = 1;
            o.policy.hardware_id = (uint32_t) n;
        } else {
            return usage("--batch takes --chunk, one --trust, --signed-only, --slot, --budget, --installed-version "
                         "and --hardware-id");
        }
    }
    if (o.has_installed_version != o.has_hardware_id) {
        return usage("--installed-version and --hardware-id go together (the agent checks both)");
    }
    o.policy.ram_budget = o.ram_budget;
    o.policy.trust = o.trust.key_count > 0 || o.signed_only ? &o.trust : NULL;
    o.policy.running_image = NULL;
    init_layout();
    if ((i = open_old(&f, argv[2])) != 0) {
        return i;
    }
    list = fopen(argv[3], "rb");
    if (list == NULL) {
        return io_error("read", argv[3]);
    }
    while (fread(len_bytes, 1, 4, list) == 4) {
        uint32_t len = (uint32_t) len_bytes[0] | (uint32_t) len_bytes[1] << 8 | (uint32_t) len_bytes[2] << 16
                | (uint32_t) len_bytes[3] << 24;
        uint8_t *patch = (uint8_t *) malloc(len == 0 ? 1 : len);
        batch_sink sink;
        uint8_t digest[32];
        fwd_error e;
        int i;
        if (patch == NULL || fread(patch, 1, len, list) != len) {
            return io_error("read", argv[3]);
        }
        sink.old = &f;
        sink.written = 0;
        fwd_sha256_init(&sink.sha);
        e = o.has_installed_version ? (fwd_error) agent_begin(patch, len, &o, &f) : FWD_OK;
        if (e == FWD_OK) {
            e = batch_apply_one(patch, len, &o, &sink);
        }
        free(patch);
        fwd_sha256_final(&sink.sha, digest);
        printf("%lu %d %lu ", (unsigned long) index, (int) e, (unsigned long) sink.written);
        for (i = 0; i < 32; i++) {
            printf("%02x", digest[i]);
        }
        printf("\n");
        index++;
    }
    fclose(list);
    return fflush(stdout) == 0 ? 0 : 5;
}

int main(int argc, char **argv) {
    static fwd_applier a;
    static fwd_trusted_key keys[TRUST_MAX];
    fwd_trust trust;
    fwd_port port;
    files f;
    unsigned long chunk_size = 4096;
    FILE *patch;
    fwd_error e = FWD_OK;
    size_t n;
    int i;
    int has_slot = 0;
    unsigned long slot = 0;
    int base_measured = 0;
    uint8_t *work_buffer;
    uint32_t work_size;
    int exact_work;
    trust.verify = fwd_crypto_host_verify;
    trust.user = NULL;
    trust.keys = keys;
    trust.key_count = 0;
    if (argc >= 2 && strcmp(argv[1], "--batch") == 0) {
        return batch(argc, argv);
    }
    if (argc < 4 || argc % 2 != 0) {
        return usage("expected OLD PATCH OUT [--chunk N] [--trust PUB.pem]... [--slot ADDR] [--base read|measured]");
    }
    for (i = 4; i + 1 < argc; i += 2) {
        char *end;
        if (strcmp(argv[i], "--chunk") == 0) {
            chunk_size = strtoul(argv[i + 1], &end, 10);
            if (*end != '\0' || chunk_size < 1 || chunk_size > CHUNK_MAX) {
                return usage("--chunk must be 1..1048576");
            }
        } else if (strcmp(argv[i], "--trust") == 0) {
            char why[512];
            if (trust.key_count == TRUST_MAX) {
                return usage("--trust may be given at most 8 times");
            }
            if (fwd_crypto_host_read_key(argv[i + 1], &keys[trust.key_count], why, sizeof why) != 0) {
                fprintf(stderr, "fwdelta: error: %s\n", why);
                return 5;
            }
            trust.key_count++;
        } else if (strcmp(argv[i], "--slot") == 0) {
            slot = strtoul(argv[i + 1], &end, 0);
            if (*end != '\0' || slot > 0xFFFFFFFFul) {
                return usage("--slot must be an address 0..0xffffffff");
            }
            has_slot = 1;
        } else if (strcmp(argv[i], "--base") == 0) {
            if (strcmp(argv[i + 1], "read") != 0 && strcmp(argv[i + 1], "measured") != 0) {
                return usage("--base must be read or measured");
            }
            base_measured = strcmp(argv[i + 1], "measured") == 0;
        } else {
            return usage("unknown option");
        }
    }
    if ((i = open_old(&f, argv[1])) != 0) {
        return i;
    }
    patch = fopen(argv[2], "rb");
    if (patch == NULL) {
        fclose(f.old);
        return io_error("read", argv[2]);
    }
    f.out = fopen(argv[3], "wb");
    if (f.out == NULL) {
        fclose(f.old);
        fclose(patch);
        return io_error("write", argv[3]);
    }
    f.staged_len = 0;
    port.read_old = read_old;
    port.write_new = write_new;
    port.user = &f;
    port.old_size = f.old_size;
    port.ram_budget = 0xFFFFFFFFu;
    work_buffer = work_for(patch, &work_size, &exact_work);
    e = fwd_apply_init(&a, &port, work_buffer, work_size);
    if (e == FWD_OK && base_measured && base_is_measured(&f, patch)) {
        e = fwd_apply_set_base_checked(&a);
    }
    if (e == FWD_OK && trust.key_count > 0) {
        e = fwd_apply_set_trust(&a, &trust);
    }
    if (e == FWD_OK && has_slot) {
        e = fwd_apply_set_slot_address(&a, (uint32_t) slot);
    }
    while (e == FWD_OK && (n = fread(chunk, 1, chunk_size, patch)) > 0) {
        e = fwd_apply_process(&a, chunk, n);
    }
    if (e == FWD_OK && ferror(patch)) {
        e = FWD_ERR_IO_ERROR;
    }
    if (e == FWD_OK) {
        e = fwd_apply_finish(&a);
    }
    if (e == FWD_OK && flush_staged(&f) != 0) {
        e = FWD_ERR_IO_ERROR;
    }
    if (exact_work) {
        free(work_buffer);
    }
    if (f.old_map != NULL) {
        munmap((void *) f.old_map, f.old_size);
    }
    fclose(f.old);
    fclose(patch);
    if (fclose(f.out) != 0 && e == FWD_OK) {
        e = FWD_ERR_IO_ERROR;
    }
    if (e != FWD_OK) {
        remove(argv[3]);
        fprintf(stderr, "fwdelta: error: code %d %s\n", (int) e, fwd_error_name(e));
        return exit_code(e);
    }
    return 0;
}
