/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Header signature check through the crypto port (fwd_crypto.h), a port of HeaderSignature.java:
 * the same codes in the same order. Where the signature section lies (FORMAT.md 1.1, 1.2):
 *   formats 1, 2: signed part bytes 0..175; sig_algorithm at 176, key_id at 180, signature at 188
 *   format 3:     signed part = header minus its last 73 bytes: sig_algorithm, key_id, signature
 */
#include <string.h>

#include "fwdelta/fwd_checksum.h"
#include "fwdelta/fwd_crypto.h"

#define SIGNED_SIZE_256 176u
#define COMPACT_SIG_SECTION 73u
#define FLAG_SIGNED 1u

static const uint8_t ED25519_SPKI[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
static const uint8_t P256_SPKI[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};

fwd_error fwd_trusted_key_init(fwd_trusted_key *k, uint8_t algorithm, const uint8_t *raw, uint32_t raw_len) {
    fwd_sha256 s;
    uint8_t digest[32];
    if (k == NULL || raw == NULL) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    fwd_sha256_init(&s);
    if (algorithm == FWD_SIG_ED25519 && raw_len == FWD_ED25519_KEY_BYTES) {
        fwd_sha256_update(&s, ED25519_SPKI, sizeof ED25519_SPKI);
    } else if (algorithm == FWD_SIG_ECDSA_P256 && raw_len == FWD_P256_KEY_BYTES) {
        fwd_sha256_update(&s, P256_SPKI, sizeof P256_SPKI);
    } else {
        return FWD_ERR_BAD_ARGUMENT;
    }
    fwd_sha256_update(&s, raw, raw_len);
    fwd_sha256_final(&s, digest);
    memset(k, 0, sizeof *k);
    k->algorithm = algorithm;
    memcpy(k->key_id, digest, FWD_KEY_ID_BYTES);
    memcpy(k->raw_key, raw, raw_len);
    return FWD_OK;
}

fwd_error fwd_header_check_signature(const fwd_trust *trust, const uint8_t *header, uint32_t header_size) {
    uint32_t signed_len;
    uint32_t key_id_at;
    uint32_t i;
    const fwd_trusted_key *key = NULL;
    if (trust == NULL || trust->verify == NULL || header == NULL || header_size < 9u
            || (trust->keys == NULL && trust->key_count != 0)) {
        return FWD_ERR_BAD_ARGUMENT;
    }
    if (header[4] == 3u && header[5] == 0u) {
        /* An unsigned format-3 header has no signature section at all. */
        if ((header[8] & FLAG_SIGNED) == 0 || header_size < COMPACT_SIG_SECTION) {
            return FWD_ERR_UNSIGNED_PATCH;
        }
        signed_len = header_size - COMPACT_SIG_SECTION;
        key_id_at = signed_len + 1u;
    } else {
        if (header_size < SIGNED_SIZE_256 + 12u + FWD_SIGNATURE_BYTES) {
            return FWD_ERR_BAD_ARGUMENT;
        }
        signed_len = SIGNED_SIZE_256;
        key_id_at = SIGNED_SIZE_256 + 4u; /* after sig_algorithm and 3 reserved bytes */
    }
    if (header[signed_len] == FWD_SIG_NONE) {
        return FWD_ERR_UNSIGNED_PATCH;
    }
    for (i = 0; i < trust->key_count && key == NULL; i++) {
        /* key ids are public: a plain comparison, written out so that memcmp stays out of the link */
        uint32_t k = 0;
        while (k < FWD_KEY_ID_BYTES && trust->keys[i].key_id[k] == header[key_id_at + k]) {
            k++;
        }
        if (k == FWD_KEY_ID_BYTES) {
            key = &trust->keys[i];
        }
    }
    if (key == NULL) {
        return FWD_ERR_UNKNOWN_KEY;
    }
    if (key->algorithm != header[signed_len]) {
        return FWD_ERR_SIGNATURE_INVALID;
    }
    return trust->verify(trust->user, key, header, signed_len, header + key_id_at + FWD_KEY_ID_BYTES) == 0
            ? FWD_OK : FWD_ERR_SIGNATURE_INVALID;
}
