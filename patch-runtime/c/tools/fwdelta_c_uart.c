/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C device on a transcript of its UART line, for the Java-against-C differential test
 * (patch-runtime/c's UartDifferentialTest): the same device as fuzz/fuzz_uart.c (fwd_uart, the
 * agent, its logs, a RAM flash of tests/ram_flash.h's layout holding a golden vector's old image,
 * fwd_boot at each reset), fed the same way (fuzz/uart_line.h), but it prints what the device
 * does instead of checking invariants. With FUZZ_UART_ECC_TEARS in the flags the device is the
 * stm32l4-512k preset (tests/preset_layouts.h, ECC units of 8 bytes) on tests/power_cut_flash.h's
 * flash, and a reset event arms a torn write instead of resetting (a program or an erase in a region
 * fuzz/uart_line.h's uart_line_tear_* draw, by the agent or the bootloader; in a region the
 * bootloader writes the device resets there, the tear armed for that boot only; after the line
 * bytes one is armed for the boots that follow, in place of one still armed):
 *   fwdelta-c-uart VECTOR_DIR FILE...
 * For each FILE (fuzz/fuzz_uart.h's input layout) the lines
 *   transcript FILE
 *   tx HEX              each frame the device sends, in order
 *   idle                the line went quiet (fwd_uart_idle)
 *   reset IMAGE TRIAL   a reset in the line bytes: what fwd_boot said (0 old, 1 new, 2 unknown)
 *   unsafe boot         after a reset or boot line: the active slot is not the image fwd_boot
 *                       named, whole (or it named none)
 *   tear armed REGION KIND SKIP   (ECC_TEARS) a reset event: the KIND (program or erase) starting
 *                       in REGION after the next SKIP of them is torn
 *   power cut           (ECC_TEARS) it was: the device sends nothing more, "reset" follows (in a
 *                       boot or confirm, the same boot again), and the rest of the chunk is lost
 *                       (bytes are given one at a time while armed)
 *   agent STATE OFFSET  after the line bytes: the agent's state and resume offset
 *   REGION SHA256       staging, agent_log, boot_log and active, as the line bytes left them
 *   boot IMAGE TRIAL    the reset after them (and "confirm" when the application confirms a trial)
 *   boot IMAGE TRIAL    the reset after that
 *   active SHA256       what the active slot holds then
 * A boot that fails prints "boot error". Exit 0, or 2 on a usage or file error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_device.h"
#include "fwdelta/fwd_uart.h"
#include "fuzz_uart.h"
#include "power_cut_flash.h"
#include "preset_layouts.h"
#include "ram_flash.h"
#include "uart_line.h"
#include "uart_vectors.h"

/* The applier's work buffer and the policy's RAM budget, as fuzz/fuzz_uart.c gives them. */
#define WORK_BYTES 65536u
/* A longer transcript is cut here, as uart_line_fix_crcs cuts one. */
#define INPUT_MAX UART_LINE_FIXED_MAX

static vector vectors[FUZZ_UART_VECTOR_COUNT];
static uint8_t input[INPUT_MAX];
static uint8_t work[WORK_BYTES];
static fwd_agent agent;
static fwd_policy policy;
static fwd_image_checksums running;
static fwd_uart uart;
/* The ECC_TEARS device's flash, and the device of the transcript: its layout and its flash bytes. */
static power_cut_flash ecc_flash;
static const fwd_layout *dev;
static const uint8_t *cells;

static void print_hex(const uint8_t *b, uint32_t len) {
    uint32_t i;
    for (i = 0; i < len; i++) {
        printf("%02x", b[i]);
    }
}

static void uart_write(void *user, const uint8_t *b, uint32_t len) {
    (void) user;
    if (dev == &ecc_flash.layout && !ecc_flash.powered) {
        return; /* the power failed under this frame's handling */
    }
    printf("tx ");
    print_hex(b, len);
    printf("\n");
}

static void print_region(const char *name, fwd_region r) {
    fwd_sha256 s;
    uint8_t digest[32];
    fwd_sha256_init(&s);
    fwd_sha256_update(&s, cells + r.offset, r.size);
    fwd_sha256_final(&s, digest);
    printf("%s ", name);
    print_hex(digest, sizeof digest);
    printf("\n");
}

static int read_active(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    (void) user;
    return dev->flash.read(dev->flash.user, dev->active.offset + offset, buf, len);
}

/* The application after a reset, as fuzz/fuzz_uart.c starts it: the running image measured. */
static void start_application(const vector *v, int new_image) {
    static uint8_t buf[64];
    memset(&policy, 0, sizeof policy);
    policy.ram_budget = WORK_BYTES;
    policy.hardware_id = v->hardware_id;
    if (fwd_image_checksums_measure(read_active, NULL, new_image ? v->new_size : v->old_size, buf, sizeof buf,
                                    &running) == FWD_OK) {
        policy.running_image = &running;
    }
    if (fwd_agent_init(&agent, dev, &policy, work, sizeof work) != 0) {
        printf("agent init error\n");
    }
    fwd_uart_init(&uart, &agent, uart_write, NULL, dev->name);
}

/* Whether the active slot starts with the whole image fwd_boot named (never for UNKNOWN). */
static int holds_whole(const vector *v, uint32_t image) {
    const uint8_t *active = cells + dev->active.offset;
    return image == FWD_BOOT_OLD ? memcmp(active, v->old_image, v->old_size) == 0
           : image == FWD_BOOT_NEW ? memcmp(active, v->new_image, v->new_size) == 0 : 0;
}

/* 1 (and the power on again) if an armed tear just cut it: "power cut" printed. */
static int power_cut(void) {
    if (dev != &ecc_flash.layout || ecc_flash.powered) {
        return 0;
    }
    printf("power cut\n");
    ecc_flash.powered = 1;
    return 1;
}

/* fwd_boot, printed with the word given; the application's confirm of a trial when flags ask. When
 * an armed tear lands in them, "power cut" and the same again (the tear is spent). */
static fwd_boot_result boot(const vector *v, const char *word, uint32_t flags) {
    fwd_boot_result r;
    int e;
    for (;;) {
        memset(&r, 0, sizeof r);
        e = fwd_boot(dev, &r);
        if (power_cut()) {
            continue;
        }
        if (e != 0) {
            printf("%s error\n", word); /* the code is C's own: Java's device throws instead */
            r.image = FWD_BOOT_UNKNOWN;
            r.trial = 0;
            return r;
        }
        printf("%s %u %d\n", word, (unsigned) r.image, r.trial ? 1 : 0);
        if (!holds_whole(v, r.image)) {
            printf("unsafe boot\n");
        }
        if (r.trial && (flags & FUZZ_UART_CONFIRM) != 0) {
            e = fwd_boot_confirm(dev);
            if (power_cut()) {
                continue;
            }
            printf("confirm %d\n", e);
        }
        return r;
    }
}

/* An ECC transcript's reset event: a tear armed where the seed says (JavaUartDevice.arm); in a region
 * the bootloader writes (uart_line_tears_at_boot) the device resets there (reset_at_once: not for
 * the tear armed for the boots after the line bytes), the tear armed for that boot, then dropped. */
static void arm_tear(const vector *v, uint32_t seed, uint32_t flags, int reset_at_once) {
    const char *name = UART_LINE_TEAR_REGIONS[uart_line_tear_region(seed)];
    int erase = uart_line_tear_erase(seed);
    printf("tear armed %s %s %u\n", name, erase ? "erase" : "program", (unsigned) uart_line_tear_skip(seed));
    pcf_arm_tear(&ecc_flash, uart_line_region(dev, name), erase, uart_line_tear_skip(seed));
    if (reset_at_once && uart_line_tears_at_boot(uart_line_tear_region(seed))) {
        fwd_boot_result r = boot(v, "reset", flags);
        ecc_flash.tear_next_size = 0;
        start_application(v, r.image == FWD_BOOT_NEW);
    }
}

/* The flash of the transcript's device, holding the vector's old image. */
static void provision(const vector *v, uint32_t flags) {
    if ((flags & FUZZ_UART_ECC_TEARS) != 0) {
        fwd_layout l;
        preset_to_layout(&preset_layouts[1], preset_layouts[1].program_unit, &l);
        pcf_provision(&ecc_flash, &l, v->old_image, v->old_size);
        dev = &ecc_flash.layout;
        cells = ecc_flash.cells;
        return;
    }
    ecc_flash.tear_next_size = 0; /* a tear an ECC transcript armed that never came */
    memset(flash, 0xFF, sizeof flash);
    memcpy(flash + layout.active.offset, v->old_image, v->old_size);
    dev = &layout;
    cells = flash;
}

/* A chunk of line bytes while a torn write is armed, one byte at a time: when the power
 * fails the device resets at once and the bytes after that one are lost. */
static void receive_armed(const vector *v, uint32_t flags, const uint8_t *b, uint32_t n) {
    uint32_t i;
    for (i = 0; i < n && ecc_flash.powered; i++) {
        fwd_uart_receive(&uart, b + i, 1);
    }
    if (power_cut()) {
        fwd_boot_result r = boot(v, "reset", flags);
        start_application(v, r.image == FWD_BOOT_NEW);
    }
}

static void run(const char *path) {
    FILE *f = fopen(path, "rb");
    size_t size;
    const vector *v;
    uint32_t flags, seed, len, at = 0;
    const uint8_t *line;
    if (f == NULL) {
        fprintf(stderr, "fwdelta: error: cannot read %s\n", path);
        exit(2);
    }
    size = fread(input, 1, sizeof input, f);
    fclose(f);
    printf("transcript %s\n", path);
    if (size < FUZZ_UART_HEAD) {
        printf("short\n");
        return;
    }
    v = &vectors[input[0] % FUZZ_UART_VECTOR_COUNT];
    flags = input[1];
    seed = input[2];
    provision(v, flags);
    start_application(v, 0);
    line = input + FUZZ_UART_HEAD;
    len = (uint32_t) size - FUZZ_UART_HEAD;
    if ((flags & FUZZ_UART_FIX_CRCS) != 0) {
        line = uart_line_fix_crcs(line, &len);
    }
    while (at < len) {
        uint32_t n = uart_line_chunk(seed, len - at);
        if (ecc_flash.tear_next_size > 0) {
            receive_armed(v, flags, line + at, n);
        } else {
            fwd_uart_receive(&uart, line + at, n);
        }
        at += n;
        seed = uart_line_next_seed(seed);
        if ((flags & FUZZ_UART_IDLES) != 0 && uart_line_idles(seed)) {
            printf("idle\n");
            fwd_uart_idle(&uart);
        }
        if ((flags & FUZZ_UART_RESETS) != 0 && uart_line_resets(seed) && (flags & FUZZ_UART_ECC_TEARS) != 0) {
            if (ecc_flash.tear_next_size == 0) {
                arm_tear(v, seed, flags, 1);
            }
        } else if ((flags & FUZZ_UART_RESETS) != 0 && uart_line_resets(seed)) {
            fwd_boot_result r = boot(v, "reset", flags);
            start_application(v, r.image == FWD_BOOT_NEW);
        }
    }
    if ((flags & FUZZ_UART_ECC_TEARS) != 0) {
        arm_tear(v, seed, flags, 0); /* for the boots after the line bytes, which install what was staged */
    }
    printf("idle\n");
    fwd_uart_idle(&uart);
    printf("agent %u %u\n", (unsigned) agent.state, (unsigned) agent.offset);
    print_region("staging", dev->staging);
    print_region("agent_log", dev->agent_log);
    print_region("boot_log", dev->boot_log);
    print_region("active", dev->active);
    boot(v, "boot", flags);
    boot(v, "boot", flags);
    print_region("active", dev->active);
}

int main(int argc, char **argv) {
    int i;
    if (argc < 2) {
        fprintf(stderr, "usage: fwdelta-c-uart VECTOR_DIR FILE...\n");
        return 2;
    }
    init_layout();
    if (!load_uart_vectors(argv[1], vectors)) {
        fprintf(stderr, "fwdelta: error: a vector in %s is not a patch\n", argv[1]);
        return 2;
    }
    (void) ram_program;
    for (i = 2; i < argc; i++) {
        run(argv[i]);
    }
    return fflush(stdout) == 0 ? 0 : 2;
}
