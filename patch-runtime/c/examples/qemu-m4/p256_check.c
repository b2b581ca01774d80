/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The P-256 pool check (QemuP256PoolTest): linked as an application (app.ld, the application's
 * 8 KiB stack), started by the bootloader from the active slot, it verifies one ECDSA P-256
 * signature through the embedded crypto port with mbed TLS's pool at the application's size
 * (APP_MBEDTLS_POOL, 6 KiB), refuses the signature with one bit changed, finds the smallest pool
 * that passes (in 16-byte steps), logs the results and its stack high-water mark on
 * the semihosting console, and stops QEMU (exit 0). Test code: no product firmware links it.
 *
 * The vector was made once with openssl (any P-256 key does; it is test data, not a trusted key):
 *   openssl ecparam -name prime256v1 -genkey -noout -out k.pem
 *   openssl dgst -sha256 -sign k.pem -out sig.der msg.bin   (msg.bin: MESSAGE below, no NUL)
 *   KEY_HEX: the last 65 bytes of `openssl pkey -in k.pem -pubout -outform DER`; SIGNATURE_HEX:
 *   r || s of sig.der, 32 bytes each, as fwdelta's signature field holds them (FORMAT.md 1.1).
 */
#include <string.h>

#include "board.h"
#include "fwdelta/fwd_crypto.h"
#include "mbedtls/memory_buffer_alloc.h"
#include "semihosting.h"

uint32_t stack_high_water(void);
int fwd_crypto_embedded_verify(void *user, const fwd_trusted_key *key, const uint8_t *message,
                               uint32_t message_len, const uint8_t signature[FWD_SIGNATURE_BYTES]);

/* The public key (an uncompressed point) and the signature, in hex. */
static const char KEY_HEX[] = "04f36de6510f41c1750c6a2715dcc18f7b6d29d7e31dea627f4d43f8bc7c32dc8a"
                             "96d2e7360830dba2a59a471eb076b31357a13ec60666071db08ba89c89805f8a";
static const char MESSAGE[] = "fwdelta qemu-m4: ECDSA P-256 with SHA-256, verified in a 6 KiB mbed TLS pool";
static const char SIGNATURE_HEX[] = "d72c9ab9d04cd80a583fd007d8c494c223647165c4a7f5413d107c2241ce5a14"
                                   "a133d1d148e98f3f976b91c63e0c8f88868c4050a71c0930638efeb1ee7ccb9a";

static unsigned char pool[APP_MBEDTLS_POOL] __attribute__((aligned(8)));
static uint8_t key_raw[FWD_P256_KEY_BYTES];
static uint8_t good_signature[FWD_SIGNATURE_BYTES];

static void from_hex(const char *hex, uint8_t *out, uint32_t len) {
    static const char DIGITS[] = "0123456789abcdef";
    uint32_t i;
    for (i = 0; i < len; i++) {
        out[i] = (uint8_t) ((strchr(DIGITS, hex[2u * i]) - DIGITS) << 4 | (strchr(DIGITS, hex[2u * i + 1u]) - DIGITS));
    }
}

/* 0 when the signature verifies with mbed TLS allocating from the first pool_bytes of the pool. */
static int verify(uint32_t pool_bytes, const uint8_t *sig) {
    fwd_trusted_key key;
    int rc;
    mbedtls_memory_buffer_alloc_init(pool, pool_bytes);
    rc = fwd_trusted_key_init(&key, FWD_SIG_ECDSA_P256, key_raw, sizeof key_raw) == FWD_OK
            ? fwd_crypto_embedded_verify(NULL, &key, (const uint8_t *) MESSAGE, sizeof MESSAGE - 1u, sig)
            : -1;
    mbedtls_memory_buffer_alloc_free();
    return rc;
}

int main(void) {
    uint8_t changed[FWD_SIGNATURE_BYTES];
    uint32_t smallest = 0;
    uint32_t n;
    board_init();
    from_hex(KEY_HEX, key_raw, sizeof key_raw);
    from_hex(SIGNATURE_HEX, good_signature, sizeof good_signature);
    board_log_u32("p256-check: pool bytes ", APP_MBEDTLS_POOL);
    board_log(verify(APP_MBEDTLS_POOL, good_signature) == 0 ? "p256-check: verified in the application's pool\n"
                                                       : "p256-check: refused in the application's pool\n");
    memcpy(changed, good_signature, sizeof changed);
    changed[40] ^= 0x10u;
    board_log(verify(APP_MBEDTLS_POOL, changed) == 0 ? "p256-check: changed signature verified\n"
                                                     : "p256-check: changed signature refused\n");
    for (n = 16u; n <= APP_MBEDTLS_POOL && smallest == 0; n += 16u) {
        if (verify(n, good_signature) == 0) {
            smallest = n;
        }
    }
    board_log_u32("p256-check: smallest pool that verifies ", smallest);
    board_log_u32("p256-check: stack high-water mark (bytes) ", stack_high_water());
    semihost(SYS_EXIT, (const void *) ADP_STOPPED_APPLICATION_EXIT);
    return 0;
}
