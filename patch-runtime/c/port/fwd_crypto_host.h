/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host crypto port (fwd_crypto.h) on Debian libraries: Ed25519 with libsodium, ECDSA P-256 with
 * OpenSSL's libcrypto (libsodium has no P-256). Used by fwdelta-c-apply and the tests.
 */
#ifndef FWDELTA_FWD_CRYPTO_HOST_H
#define FWDELTA_FWD_CRYPTO_HOST_H

#include "fwdelta/fwd_crypto.h"

/* The verify callback of fwd_trust (user is unused). Returns 0 only for a valid signature. */
int fwd_crypto_host_verify(void *user, const fwd_trusted_key *key, const uint8_t *message, uint32_t message_len,
                           const uint8_t signature[FWD_SIGNATURE_BYTES]);

/*
 * Reads a PEM key file as the Java CLI's --trust does (KeyFiles.readPublic): a "PUBLIC KEY"
 * (SubjectPublicKeyInfo) or a private key whose public half is used; Ed25519 or P-256 only.
 * Returns 0, or -1 with a one-line reason in why[0..why_len).
 */
int fwd_crypto_host_read_key(const char *path, fwd_trusted_key *key, char *why, size_t why_len);

#endif
