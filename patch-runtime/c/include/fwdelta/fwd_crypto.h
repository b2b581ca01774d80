/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The crypto port: how the applier has a patch header's signature checked (docs/FORMAT.md 1.1).
 *
 * The library holds no signature crypto of its own. A device gives it a trust store: its raw
 * public keys (as TrustedKey.java holds them) and one verify callback that a port implements with
 * a real crypto library (port/fwd_crypto_host.c: libsodium + OpenSSL's libcrypto; the Cortex-M4
 * build: see README "On a real MCU").
 *
 *   static const uint8_t raw[32] = {...};               (Ed25519 public key, from the PEM file)
 *   static fwd_trusted_key key;
 *   fwd_trusted_key_init(&key, FWD_SIG_ED25519, raw, sizeof raw);   (computes key_id once)
 *   fwd_trust trust = { my_verify, NULL, &key, 1 };
 *   fwd_apply_init(&a, &port, work, sizeof work);
 *   fwd_apply_set_trust(&a, &trust);                    (before the first fwd_apply_process)
 *
 * With a trust store the applier checks, once the header is complete and before the old image is
 * read or a byte is written, in the order of HeaderSignature.java:
 *   sig_algorithm 0 (unsigned)                      -> FWD_ERR_UNSIGNED_PATCH (39)
 *   key_id not among the trusted keys               -> FWD_ERR_UNKNOWN_KEY (38)
 *   sig_algorithm differs from that key's algorithm -> FWD_ERR_SIGNATURE_INVALID (37)
 *   verify callback returns nonzero                 -> FWD_ERR_SIGNATURE_INVALID (37)
 * then the RAM budget and the old image as without one. No trust store (NULL, the default after
 * fwd_apply_init) accepts unsigned and signed patches alike without checking a signature, as the
 * Java runtime's UpdatePolicy with trust == null does (a development setting).
 */
#ifndef FWDELTA_FWD_CRYPTO_H
#define FWDELTA_FWD_CRYPTO_H

#include <stdint.h>

#include "fwdelta/fwd_errors.h"

/* sig_algorithm values of the header. */
#define FWD_SIG_NONE 0u
/* Ed25519 (RFC 8032, pure): the signature is over the signed part itself. */
#define FWD_SIG_ED25519 1u
/* ECDSA P-256 with SHA-256 (FIPS 186-4): over SHA-256 of the signed part; r || s big-endian. */
#define FWD_SIG_ECDSA_P256 2u

#define FWD_KEY_ID_BYTES 8u
#define FWD_SIGNATURE_BYTES 64u
/* Raw public keys: Ed25519 32 bytes; P-256 65 bytes, uncompressed 04 || X || Y. */
#define FWD_ED25519_KEY_BYTES 32u
#define FWD_P256_KEY_BYTES 65u
#define FWD_RAW_KEY_MAX 65u

/* A public key the device trusts. */
typedef struct {
    uint8_t algorithm;                   /* FWD_SIG_ED25519 or FWD_SIG_ECDSA_P256 */
    uint8_t key_id[FWD_KEY_ID_BYTES];    /* first 8 bytes of SHA-256(SubjectPublicKeyInfo DER) */
    uint8_t raw_key[FWD_RAW_KEY_MAX];    /* the first 32 (Ed25519) or 65 (P-256) bytes are used */
} fwd_trusted_key;

/*
 * Checks a signature: signature[0..64) over message[0..message_len) with key (key->algorithm says
 * how: Ed25519 over the message, ECDSA P-256 over its SHA-256). message is the header's signed
 * part (FORMAT.md 1.1: 176 bytes in formats 1 and 2; format 3: the header up to and including
 * header_crc32). Returns 0 only when the signature is valid for that key; nonzero for any
 * failure (bad signature, key not on the curve, unsupported algorithm, internal error).
 */
typedef int (*fwd_verify_fn)(void *user, const fwd_trusted_key *key, const uint8_t *message,
                             uint32_t message_len, const uint8_t signature[FWD_SIGNATURE_BYTES]);

/* The device's trust store: keys[0..key_count) and the callback that verifies with them. */
typedef struct {
    fwd_verify_fn verify;
    void *user;
    const fwd_trusted_key *keys;
    uint32_t key_count;
} fwd_trust;

/*
 * Fills k from a raw public key and computes its key_id as FORMAT.md 1.1 (SHA-256 of the fixed
 * SubjectPublicKeyInfo prefix followed by the key). FWD_ERR_BAD_ARGUMENT for an unknown
 * algorithm or a raw_len other than 32 (Ed25519) / 65 (P-256).
 */
fwd_error fwd_trusted_key_init(fwd_trusted_key *k, uint8_t algorithm, const uint8_t *raw, uint32_t raw_len);

/*
 * Checks the signature of a header that fwd_header_parse accepted (header[0..header_size), as
 * received) against trust, with the codes listed at the top; FWD_OK when it verifies. The applier
 * calls it itself once a trust store is set; an update agent may call it on a header it parsed.
 * FWD_ERR_BAD_ARGUMENT for a NULL trust or verify callback.
 */
fwd_error fwd_header_check_signature(const fwd_trust *trust, const uint8_t *header, uint32_t header_size);

#endif
