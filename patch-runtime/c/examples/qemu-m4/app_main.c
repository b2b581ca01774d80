/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The application: reports its version, confirms itself if it runs on trial, and runs the update
 * agent behind the UART transfer session; once an update is staged it resets into the bootloader.
 * APP_VERSION and APP_FEATURE are set by CMake for the v1 and v2 builds. It accepts only patches
 * signed with the key CMake baked in (trusted_key.c).
 */
#include <string.h>

#include "board.h"
#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_uart.h"
#include "mbedtls/memory_buffer_alloc.h"

#ifndef APP_VERSION
#define APP_VERSION 1
#endif

uint32_t stack_high_water(void);

/* The applier's work buffer: the patch's decoder_ram must fit (16 KiB, the default profile). */
#define RAM_BUDGET 16384u
static uint8_t work[RAM_BUDGET] __attribute__((aligned(4)));
static fwd_agent agent;
static fwd_uart uart;

/* The key whose signatures this build accepts: CMake's trusted_key.c, from -DFWD_TRUSTED_KEY. */
extern const unsigned char app_trusted_key[];
extern const unsigned int app_trusted_key_size;
extern const unsigned char app_trusted_key_algorithm;
int fwd_crypto_embedded_verify(void *user, const fwd_trusted_key *key, const uint8_t *message,
                               uint32_t message_len, const uint8_t signature[FWD_SIGNATURE_BYTES]);
static fwd_trusted_key trusted_key;
static fwd_trust trust;
/* mbed TLS's bignums for a P-256 verify come from this pool (board.h; QemuP256PoolTest checks a
 * verify passes in it and finds the smallest that does); Ed25519 needs none. */
static unsigned char mbedtls_pool[APP_MBEDTLS_POOL];

#if APP_VERSION >= 2
/* v2's new feature: a checksum of its own banner, reported at start (changes code and data). */
static uint32_t banner_sum(const char *s) {
    uint32_t h = 2166136261u;
    while (*s != 0) {
        h = (h ^ (uint8_t) *s++) * 16777619u;
    }
    return h;
}
#endif

#if APP_VERSION >= 3
/* v3's new feature: a document kept in flash (generated from docs/FORMAT.md by CMake). */
extern const unsigned char app_document[];
extern const unsigned int app_document_size;
#endif

static const char banner[] = "fwdelta qemu-m4 app v" APP_VERSION_TEXT "\r\n";

/* The running image as the build wrote it (objcopy -O binary, app.ld): from the slot's start to the
 * end of .data's load image. A patch from this version has that old_size, so the agent compares
 * the checksums measured here instead of reading and hashing the slot again (fwd_policy). */
extern const uint8_t _sidata[];
extern uint8_t _sdata[];
extern uint8_t _edata[];
static fwd_image_checksums running_image;

static int read_active(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    const fwd_layout *l = (const fwd_layout *) user;
    return l->flash.read(l->flash.user, l->active.offset + offset, buf, len);
}

/* Measures the running image; NULL when it cannot be read (the agent then reads the slot itself). */
static const fwd_image_checksums *measure_running_image(void) {
    static uint8_t buf[64];
    uint32_t slot = board_layout.flash_base + board_layout.active.offset;
    uint32_t size = (uint32_t) ((uintptr_t) _sidata - slot) + (uint32_t) (_edata - _sdata);
    if (fwd_image_checksums_measure(read_active, (void *) &board_layout, size, buf, sizeof buf, &running_image)
            != FWD_OK) {
        return NULL;
    }
    board_log_u32("app: running image bytes ", size);
    return &running_image;
}

int main(void) {
    fwd_policy policy;
    uint32_t last_rx;
    uint32_t refusals;
    board_init();
    board_log(banner);
#if APP_VERSION >= 2
    board_log_u32("app: banner checksum ", banner_sum(banner));
#endif
#if APP_VERSION >= 3
    board_log_u32("app: document bytes ", app_document_size);
    board_log_u32("app: document crc32 ", fwd_crc32_update(0, app_document, app_document_size));
#endif
    if (fwd_boot_confirm(&board_layout) != 0) {
        board_log("app: cannot confirm the image\n");
    }
    mbedtls_memory_buffer_alloc_init(mbedtls_pool, sizeof mbedtls_pool);
    if (fwd_trusted_key_init(&trusted_key, app_trusted_key_algorithm, app_trusted_key, app_trusted_key_size) != FWD_OK) {
        board_log("app: the built-in trusted key is malformed\n");
    }
    trust.verify = fwd_crypto_embedded_verify;
    trust.keys = &trusted_key;
    trust.key_count = 1;
    policy.trust = &trust;
    policy.ram_budget = RAM_BUDGET;
    policy.installed_version = APP_VERSION;
    policy.hardware_id = BOARD_HARDWARE_ID;
    policy.running_image = measure_running_image();
    if (fwd_agent_init(&agent, &board_layout, &policy, work, sizeof work) != 0) {
        board_log("app: cannot read the agent log\n");
    }
    fwd_uart_init(&uart, &agent, board_uart_write, NULL, board_layout.name);
    board_uart_write(NULL, (const uint8_t *) banner, sizeof banner - 1u);
    last_rx = board_millis();
    refusals = 0;
    for (;;) {
        uint8_t b;
        if (board_uart_read(&b)) {
            fwd_uart_receive(&uart, &b, 1);
            last_rx = board_millis();
            if (uart.refused != refusals) {
                /* the refusal path's stack counts against the same bound as an update's */
                refusals = uart.refused;
                board_log("app: update refused\n");
                board_log_u32("app: stack high-water mark (bytes) ", stack_high_water());
            }
            if (uart.staged) {
                board_log("app: update staged, resetting into the bootloader\n");
                board_log_u32("app: stack high-water mark (bytes) ", stack_high_water());
                board_log_u32("app: flash operations ", board_flash_ops());
                board_reset();
            }
        } else if (uart.filled > 0 && board_millis() - last_rx >= 50u) {
            fwd_uart_idle(&uart);
        }
    }
}
