/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host check of the embedded crypto port (tools/cortex-m4-crypto-size): gives mbed TLS the same
 * static pool the firmware gives it, before fwdelta-c-apply's main runs; the tool is built with
 * fwd_crypto_host_verify renamed to fwd_crypto_embedded_verify, so every signature goes through
 * libsodium ref10 and mbed TLS as on the device.
 */
#include "mbedtls/memory_buffer_alloc.h"

static unsigned char pool[FWD_MBEDTLS_POOL];

__attribute__((constructor)) static void give_mbedtls_its_pool(void) {
    mbedtls_memory_buffer_alloc_init(pool, sizeof pool);
}
