/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target over what a device runs on the bytes of its UART line: fwd_uart's frame decoder
 * and transfer session, the update agent staging into flash and its logs, then fwd_boot at the
 * reset after them (CMake option FWD_FUZZ; README "On a real MCU", Fuzzing). Input layout in
 * fuzz/fuzz_uart.h: the vector, flags (one of them sets the CRCs of the frames in the line bytes
 * right, so that mutated frames get past the decoder), the chunk seed, then the line bytes. The device is the C
 * tests' RAM flash (tests/ram_flash.h) with a golden vector's old image in its active slot, the
 * agent initialised as an application does (its running image measured, the vector's hardware id).
 * With FUZZ_UART_ECC_TEARS the device is the stm32l4-512k preset (ECC units of 8 bytes) on
 * tests/power_cut_flash.h's flash, and a reset event arms a torn write (a program or an erase of
 * the agent or the bootloader, in a region fuzz/uart_line.h draws) instead of resetting, as the
 * differential tool does (tools/fwdelta_c_uart.c): when it lands the device resets at once, the
 * rest of the chunk lost (in a region the bootloader writes the device resets there, the tear armed
 * for that boot only); after the line bytes one is armed for the boots that follow,
 * in place of one still armed.
 * Besides the sanitizers it aborts when:
 *   - the agent writes or erases outside the staging area and the agent log (it may also erase the
 *     boot log: a new BEGIN of the same patch drops its old history), or the bootloader outside
 *     the five regions of the layout;
 *   - a boot fails (also after a torn write), or the active slot then holds anything but the old
 *     image or the new one whole, or not the one fwd_boot names;
 *   - a call breaks a flash rule of the ECC part (a unit programmed twice between erases);
 *   - the new image boots without the agent having staged it, or a staged update does not install;
 *   - the second boot does not revert an unconfirmed trial, or loses a confirmed one;
 *   - a reply of the device is not a well-formed frame.
 * Static buffers only: nothing is allocated from an input size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_device.h"
#include "fwdelta/fwd_uart.h"
#include "fuzz_uart.h"
#include "power_cut_flash.h"
#include "preset_layouts.h"
#include "uart_line.h"
#include "ram_flash.h"
#include "uart_vectors.h"

#ifndef FWD_FUZZ_VECTORS
#error "FWD_FUZZ_VECTORS: the golden vector directory (CMakeLists.txt sets it)"
#endif

/* The applier's work buffer: what the agent tests give it, more than every vector here asks. */
#define WORK_BYTES 65536u

static vector vectors[FUZZ_UART_VECTOR_COUNT];
static int vectors_loaded;

static uint8_t work[WORK_BYTES];
static fwd_agent agent;
static fwd_policy policy;
static fwd_image_checksums running;
static fwd_uart uart;
static uint32_t replies;
/* The FUZZ_UART_ECC_TEARS device's flash, and the device of the input: its layout and its flash bytes. */
static power_cut_flash ecc_flash;
static const fwd_layout *dev;
static const uint8_t *cells;

/* Who may touch the flash now: the application (agent) or the bootloader (fwd_boot, fwd_boot_confirm). */
enum { BY_AGENT, BY_BOOT };
static int writer;
/* Whether the agent staged the update at some point of this input (the only way to a NEW boot). */
static int ever_staged;
/* Whether the application runs the new image (after a reset into it). */
static int runs_new;
/* Whether the last input's first boot after the line bytes ran the new image (fwd_fuzz_uart_installed). */
static int last_installed;

static int inside(fwd_region r, uint32_t offset, uint32_t len) {
    return offset >= r.offset && offset - r.offset <= r.size && len <= r.size - (offset - r.offset);
}

/* The regions each writer may change; the agent never touches the active slot or the scratch area. */
static void check_writable(uint32_t offset, uint32_t len, int erase) {
    if (inside(dev->staging, offset, len) || inside(dev->agent_log, offset, len)) {
        return;
    }
    if (inside(dev->boot_log, offset, len) && (erase || writer == BY_BOOT)) {
        return;
    }
    if (writer == BY_BOOT && (inside(dev->active, offset, len) || inside(dev->scratch, offset, len))) {
        return;
    }
    abort();
}

static int guarded_program(void *user, uint32_t offset, const uint8_t *buf, uint32_t len) {
    int e;
    check_writable(offset, len, 0);
    if (dev != &ecc_flash.layout) {
        return ram_program(user, offset, buf, len);
    }
    e = pcf_program(user, offset, buf, len);
    if (ecc_flash.violations > 0) {
        abort(); /* ecc_flash.first_violation says which rule */
    }
    return e;
}

static int guarded_erase(void *user, uint32_t sector) {
    if (sector >= fwd_sector_count(dev)) {
        abort();
    }
    check_writable(fwd_sector_start(dev, sector), fwd_sector_size(dev, sector), 1);
    return dev != &ecc_flash.layout ? ram_erase(user, sector) : pcf_erase(user, sector);
}

/* The flash of the input's device, holding the vector's old image, its writes guarded. */
static void provision(const vector *v, uint32_t flags) {
    if ((flags & FUZZ_UART_ECC_TEARS) != 0) {
        fwd_layout l;
        preset_to_layout(&preset_layouts[1], preset_layouts[1].program_unit, &l);
        pcf_provision(&ecc_flash, &l, v->old_image, v->old_size);
        ecc_flash.layout.flash.program = guarded_program;
        ecc_flash.layout.flash.erase = guarded_erase;
        dev = &ecc_flash.layout;
        cells = ecc_flash.cells;
        return;
    }
    memset(flash, 0xFF, sizeof flash);
    memcpy(flash + layout.active.offset, v->old_image, v->old_size);
    dev = &layout;
    cells = flash;
}

/* 1 (and the power on again) if an armed tear just cut the ECC device's power. */
static int power_cut(void) {
    if (dev != &ecc_flash.layout || ecc_flash.powered) {
        return 0;
    }
    ecc_flash.powered = 1;
    return 1;
}

static const char *vector_dir(void) {
    const char *dir = getenv("FWD_FUZZ_VECTORS");
    return dir != NULL ? dir : FWD_FUZZ_VECTORS;
}

/* Reads each vector's images and its patch's hardware id; exits when one is not a patch. */
static void load_vectors(void) {
    if (!load_uart_vectors(vector_dir(), vectors)) {
        exit(2);
    }
    init_layout();
    layout.flash.program = guarded_program;
    layout.flash.erase = guarded_erase;
    vectors_loaded = 1;
}

/* The device's replies: each one well-formed frame, counted and dropped. */
static void uart_write(void *user, const uint8_t *b, uint32_t len) {
    uint32_t payload;
    (void) user;
    if (len < FWD_FRAME_OVERHEAD || len > sizeof uart.reply || b[0] != FWD_FRAME_SOF) {
        abort();
    }
    payload = (uint32_t) b[3] | (uint32_t) b[4] << 8;
    if (payload != len - FWD_FRAME_OVERHEAD || fwd_crc16_ccitt(b, 5) != ((uint32_t) b[5] | (uint32_t) b[6] << 8)
            || fwd_crc32_update(0, b, len - 4u) != ((uint32_t) b[len - 4u] | (uint32_t) b[len - 3u] << 8
                                                    | (uint32_t) b[len - 2u] << 16 | (uint32_t) b[len - 1u] << 24)) {
        abort();
    }
    replies++;
}

static int read_active(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    (void) user;
    return dev->flash.read(dev->flash.user, dev->active.offset + offset, buf, len);
}

/* The application after a reset: it measures the image it runs, then starts the agent and the session. */
static void start_application(const vector *v, int new_image) {
    static uint8_t buf[64];
    uint32_t running_size = new_image ? v->new_size : v->old_size;
    runs_new = new_image;
    memset(&policy, 0, sizeof policy);
    policy.ram_budget = WORK_BYTES;
    policy.hardware_id = v->hardware_id;
    if (fwd_image_checksums_measure(read_active, NULL, running_size, buf, sizeof buf, &running) != FWD_OK) {
        abort();
    }
    policy.running_image = &running;
    writer = BY_AGENT;
    if (fwd_agent_init(&agent, dev, &policy, work, sizeof work) != 0) {
        abort(); /* the agent reads logs only it and the bootloader wrote */
    }
    fwd_uart_init(&uart, &agent, uart_write, NULL, dev->name);
}

/* A reset: fwd_boot (again after a torn write in it), and what it says the active slot holds must
 * be what it holds, old or new whole. */
static fwd_boot_result boot(const vector *v) {
    fwd_boot_result r;
    const uint8_t *active = cells + dev->active.offset;
    int e;
    writer = BY_BOOT;
    do {
        memset(&r, 0, sizeof r);
        e = fwd_boot(dev, &r);
    } while (power_cut());
    if (e != 0) {
        abort();
    }
    if (r.image == FWD_BOOT_OLD ? memcmp(active, v->old_image, v->old_size) != 0
            : r.image == FWD_BOOT_NEW ? memcmp(active, v->new_image, v->new_size) != 0 || !ever_staged : 1) {
        abort();
    }
    return r;
}

/* A reset in the middle of the line bytes: the bootloader, the application's confirm if it gives
 * one (a torn confirm is a reset: the bootloader again), then the application again on the image
 * that runs. */
static void reset(const vector *v, uint32_t flags) {
    fwd_boot_result r;
    int e = 0;
    do {
        r = boot(v);
        if (r.trial && (flags & FUZZ_UART_CONFIRM) != 0) {
            e = fwd_boot_confirm(dev);
        }
    } while (power_cut());
    if (e != 0) {
        abort();
    }
    start_application(v, r.image == FWD_BOOT_NEW);
}

/* A chunk of line bytes, one byte at a time while a torn write is armed: when the power fails the
 * device resets at once and the bytes after that one are lost. */
static void receive(const vector *v, uint32_t flags, const uint8_t *b, uint32_t n) {
    uint32_t i;
    if (dev != &ecc_flash.layout || ecc_flash.tear_next_size == 0) {
        fwd_uart_receive(&uart, b, n);
        ever_staged |= agent.state == FWD_AGENT_STAGED;
        return;
    }
    for (i = 0; i < n && ecc_flash.powered; i++) {
        fwd_uart_receive(&uart, b + i, 1);
        ever_staged |= ecc_flash.powered && agent.state == FWD_AGENT_STAGED;
    }
    if (power_cut()) {
        reset(v, flags);
    }
}

/* An ECC input's reset event: a tear armed where the seed says; in a region the bootloader writes
 * (uart_line_tears_at_boot) the device resets there (reset_at_once: not for the tear armed for the
 * boots after the line bytes), the tear armed for that boot, then dropped. */
static void arm_tear(const vector *v, uint32_t seed, uint32_t flags, int reset_at_once) {
    uint32_t region = uart_line_tear_region(seed);
    pcf_arm_tear(&ecc_flash, uart_line_region(dev, UART_LINE_TEAR_REGIONS[region]), uart_line_tear_erase(seed),
                 uart_line_tear_skip(seed));
    if (reset_at_once && uart_line_tears_at_boot(region)) {
        reset(v, flags);
        ecc_flash.tear_next_size = 0;
    }
}

/* The line bytes in chunks of 1..UART_LINE_CHUNK_MAX bytes (all at once for seed 0), with the quiet line
 * and the resets the flags allow where the seed puts them (on an ECC input a reset event arms a
 * torn write first). */
static void feed(const vector *v, const uint8_t *b, uint32_t len, uint32_t seed, uint32_t flags) {
    uint32_t at = 0;
    while (at < len) {
        uint32_t n = uart_line_chunk(seed, len - at);
        receive(v, flags, b + at, n);
        at += n;
        seed = uart_line_next_seed(seed);
        if ((flags & FUZZ_UART_IDLES) != 0 && uart_line_idles(seed)) {
            fwd_uart_idle(&uart);
        }
        if ((flags & FUZZ_UART_RESETS) != 0 && uart_line_resets(seed) && dev == &ecc_flash.layout) {
            if (ecc_flash.tear_next_size == 0) {
                arm_tear(v, seed, flags, 1);
            }
        } else if ((flags & FUZZ_UART_RESETS) != 0 && uart_line_resets(seed)) {
            reset(v, flags);
        }
    }
    if (dev == &ecc_flash.layout) {
        arm_tear(v, seed, flags, 0); /* for the boots after the line bytes, which install what was staged */
    }
    fwd_uart_idle(&uart);
    ever_staged |= agent.state == FWD_AGENT_STAGED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int fwd_fuzz_uart_installed(void);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const vector *v;
    uint32_t flags;
    fwd_boot_result first;
    fwd_boot_result second;
    const uint8_t *line;
    uint32_t line_len;
    int staged;
    int confirmed = 0;
    if (!vectors_loaded) {
        load_vectors();
    }
    last_installed = 0;
    if (size < FUZZ_UART_HEAD || size - FUZZ_UART_HEAD > UINT32_MAX) {
        return 0;
    }
    v = &vectors[data[0] % FUZZ_UART_VECTOR_COUNT];
    flags = data[1];
    provision(v, flags);
    ever_staged = 0;
    start_application(v, 0);
    line = data + FUZZ_UART_HEAD;
    line_len = (uint32_t) (size - FUZZ_UART_HEAD);
    if ((flags & FUZZ_UART_FIX_CRCS) != 0) {
        line = uart_line_fix_crcs(line, &line_len);
    }
    feed(v, line, line_len, data[2], flags);
    staged = agent.state == FWD_AGENT_STAGED;
    first = boot(v);
    if (staged && !runs_new && !(first.image == FWD_BOOT_NEW && first.trial)) {
        abort(); /* an update the agent staged and verified over the old image installs at the next reset */
    }
    last_installed = first.image == FWD_BOOT_NEW;
    if (first.trial && (flags & FUZZ_UART_CONFIRM) != 0) {
        int e = fwd_boot_confirm(dev);
        confirmed = !power_cut(); /* a torn CONFIRMED record is no confirm: the trial reverts */
        if (confirmed && e != 0) {
            abort();
        }
    }
    second = boot(v);
    if (first.trial ? second.trial || second.image != (confirmed ? FWD_BOOT_NEW : FWD_BOOT_OLD)
                    : second.trial || second.image != first.image) {
        abort(); /* an unconfirmed trial reverts, a confirmed one stays, and nothing else changes */
    }
    return 0;
}

/* For the replay driver: whether the last input's first boot after its line bytes ran the new image. */
int fwd_fuzz_uart_installed(void) {
    return last_installed;
}
