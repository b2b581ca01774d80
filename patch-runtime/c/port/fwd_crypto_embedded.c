/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Embedded crypto port (fwd_crypto.h) for a Cortex-M build, on the libraries of Debian's source
 * packages: Ed25519 with libsodium's ref10 verifier (crypto_sign_ed25519_verify_detached), ECDSA
 * P-256 with mbed TLS (mbedtls_ecdsa_verify, SHA-256 from mbed TLS too). No RNG is needed to
 * verify. mbed TLS takes its bignums from mbedtls_calloc: give it a static pool with
 * MBEDTLS_MEMORY_BUFFER_ALLOC_C (tools/cortex-m4-crypto-size does). Built by that script.
 */
#include <string.h>

#include "mbedtls/ecdsa.h"
#include "mbedtls/sha256.h"
#include "sodium/crypto_sign_ed25519.h"

#include "fwdelta/fwd_crypto.h"

static int verify_p256(const fwd_trusted_key *key, const uint8_t *m, uint32_t len, const uint8_t *sig) {
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
    mbedtls_mpi r;
    mbedtls_mpi s;
    uint8_t digest[32];
    int rc;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    rc = mbedtls_sha256_ret(m, len, digest, 0);
    if (rc == 0) {
        rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    }
    if (rc == 0) {
        rc = mbedtls_ecp_point_read_binary(&grp, &q, key->raw_key, FWD_P256_KEY_BYTES);
    }
    if (rc == 0) {
        rc = mbedtls_ecp_check_pubkey(&grp, &q);
    }
    if (rc == 0) {
        rc = mbedtls_mpi_read_binary(&r, sig, 32);
    }
    if (rc == 0) {
        rc = mbedtls_mpi_read_binary(&s, sig + 32, 32);
    }
    if (rc == 0) {
        rc = mbedtls_ecdsa_verify(&grp, digest, sizeof digest, &q, &r, &s);
    }
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
    return rc == 0 ? 0 : -1;
}

int fwd_crypto_embedded_verify(void *user, const fwd_trusted_key *key, const uint8_t *message,
                               uint32_t message_len, const uint8_t signature[FWD_SIGNATURE_BYTES]);

int fwd_crypto_embedded_verify(void *user, const fwd_trusted_key *key, const uint8_t *message,
                               uint32_t message_len, const uint8_t signature[FWD_SIGNATURE_BYTES]) {
    (void) user;
    if (key->algorithm == FWD_SIG_ED25519) {
        return crypto_sign_ed25519_verify_detached(signature, message, message_len, key->raw_key) == 0 ? 0 : -1;
    }
    if (key->algorithm == FWD_SIG_ECDSA_P256) {
        return verify_p256(key, message, message_len, signature);
    }
    return -1;
}
