/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Link probe of the Cortex-M4 size report (tools/cortex-m4-size): a firmware that uses the whole
 * applier API, so that --gc-sections keeps exactly what a bootloader links. FWD_PROBE_EMPTY gives
 * the baseline (startup code and libc alone) that the report subtracts; FWD_PROBE_CRYPTO adds the
 * embedded crypto port.
 */
#include "fwdelta/fwd_apply.h"

#ifdef FWD_PROBE_CRYPTO
#include "mbedtls/memory_buffer_alloc.h"
int fwd_crypto_embedded_verify(void *user, const fwd_trusted_key *key, const uint8_t *message,
                               uint32_t message_len, const uint8_t signature[FWD_SIGNATURE_BYTES]);
static unsigned char mbedtls_pool[FWD_PROBE_CRYPTO];
#endif

volatile uint32_t probe_sink;

#ifndef FWD_PROBE_EMPTY
static int read_old(void *user, uint32_t offset, uint8_t *buf, uint32_t len) {
    (void) user;
    buf[0] = (uint8_t) (offset + len);
    return 0;
}

static int write_new(void *user, const uint8_t *buf, uint32_t len) {
    (void) user;
    probe_sink += buf[0] + len;
    return 0;
}

static fwd_applier applier;
static uint32_t work[1024];
#endif

int main(void) {
#ifndef FWD_PROBE_EMPTY
    fwd_port port = {read_old, write_new, 0, 0, 0};
    static const uint8_t chunk[1] = {0};
    fwd_error e = fwd_apply_init(&applier, &port, (uint8_t *) work, sizeof work);
#ifdef FWD_PROBE_CRYPTO
    static fwd_trusted_key key;
    static fwd_trust trust;
    mbedtls_memory_buffer_alloc_init(mbedtls_pool, sizeof mbedtls_pool);
    trust.verify = fwd_crypto_embedded_verify;
    trust.keys = &key;
    trust.key_count = 1;
    fwd_trusted_key_init(&key, FWD_SIG_ED25519, chunk, 32);
    fwd_apply_set_trust(&applier, &trust);
#endif
#ifdef FWD_PROBE_BASE_MEASURED
    {
        /* The optional base measured at boot: measure, compare with the header, tell the applier. */
        static fwd_image_checksums measured;
        static fwd_header header;
        static uint8_t buf[64];
        if (fwd_image_checksums_measure(read_old, 0, probe_sink, buf, sizeof buf, &measured) == FWD_OK
                && fwd_base_matches(&header, &measured) == FWD_OK) {
            fwd_apply_set_base_checked(&applier);
        }
    }
#endif
    e = fwd_apply_process(&applier, chunk, probe_sink);
    e = fwd_apply_finish(&applier);
    probe_sink = (uint32_t) e;
#endif
    return 0;
}
