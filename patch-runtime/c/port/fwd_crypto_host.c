/* SPDX-License-Identifier: Apache-2.0 */
/* Host crypto port: libsodium (Ed25519) and OpenSSL libcrypto (ECDSA P-256), see fwd_crypto_host.h. */
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "fwd_crypto_host.h"

/* A PEM key is a few hundred bytes; as KeyFiles.MAX_KEY_FILE_BYTES. */
#define MAX_KEY_FILE_BYTES (64L * 1024L)
#define P256_SPKI_PREFIX 26u
#define ED25519_SPKI_PREFIX 12u

static const uint8_t ED25519_PREFIX[ED25519_SPKI_PREFIX] = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
static const uint8_t P256_PREFIX[P256_SPKI_PREFIX] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};

static int verify_ed25519(const fwd_trusted_key *key, const uint8_t *m, uint32_t len, const uint8_t *sig) {
    if (sodium_init() < 0) {
        return -1;
    }
    return crypto_sign_verify_detached(sig, m, len, key->raw_key) == 0 ? 0 : -1;
}

/* r || s (big-endian, 32 bytes each) as the DER ECDSA-Sig-Value OpenSSL verifies; 0 on success. */
static int der_signature(const uint8_t *sig, unsigned char *der, int *der_len) {
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL);
    BIGNUM *ss = BN_bin2bn(sig + 32, 32, NULL);
    unsigned char *p = der;
    int ok = s != NULL && r != NULL && ss != NULL && ECDSA_SIG_set0(s, r, ss) == 1;
    if (!ok) {
        BN_free(r);
        BN_free(ss);
        ECDSA_SIG_free(s);
        return -1;
    }
    *der_len = i2d_ECDSA_SIG(s, &p);
    ECDSA_SIG_free(s);
    return *der_len > 0 ? 0 : -1;
}

static int verify_p256(const fwd_trusted_key *key, const uint8_t *m, uint32_t len, const uint8_t *sig) {
    uint8_t spki[P256_SPKI_PREFIX + FWD_P256_KEY_BYTES];
    const unsigned char *p = spki;
    unsigned char der[80];
    int der_len = 0;
    int result = -1;
    EVP_PKEY *pk;
    EVP_MD_CTX *ctx;
    memcpy(spki, P256_PREFIX, P256_SPKI_PREFIX);
    memcpy(spki + P256_SPKI_PREFIX, key->raw_key, FWD_P256_KEY_BYTES);
    pk = d2i_PUBKEY(NULL, &p, (long) sizeof spki);
    if (pk == NULL || der_signature(sig, der, &der_len) != 0) {
        EVP_PKEY_free(pk);
        return -1;
    }
    ctx = EVP_MD_CTX_new();
    if (ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pk) == 1
            && EVP_DigestVerify(ctx, der, (size_t) der_len, m, len) == 1) {
        result = 0;
    }
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pk);
    return result;
}

int fwd_crypto_host_verify(void *user, const fwd_trusted_key *key, const uint8_t *message, uint32_t message_len,
                           const uint8_t signature[FWD_SIGNATURE_BYTES]) {
    (void) user;
    if (key->algorithm == FWD_SIG_ED25519) {
        return verify_ed25519(key, message, message_len, signature);
    }
    if (key->algorithm == FWD_SIG_ECDSA_P256) {
        return verify_p256(key, message, message_len, signature);
    }
    return -1;
}

/* The public key of a PEM file: "PUBLIC KEY" first, else the public half of a private key. */
static EVP_PKEY *read_pem(FILE *f) {
    EVP_PKEY *pk = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    if (pk == NULL) {
        rewind(f);
        pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    }
    return pk;
}

static int fail(char *why, size_t why_len, const char *path, const char *reason) {
    snprintf(why, why_len, "%s %s", path, reason);
    return -1;
}

int fwd_crypto_host_read_key(const char *path, fwd_trusted_key *key, char *why, size_t why_len) {
    FILE *f = fopen(path, "rb");
    long size;
    EVP_PKEY *pk;
    unsigned char *spki = NULL;
    int spki_len;
    int rc = -1;
    if (f == NULL) {
        return fail(why, why_len, path, "cannot be read");
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return fail(why, why_len, path, "cannot be read");
    }
    if (size > MAX_KEY_FILE_BYTES) {
        fclose(f);
        return fail(why, why_len, path, "is not a key file: larger than 65536 bytes");
    }
    pk = read_pem(f);
    fclose(f);
    if (pk == NULL) {
        return fail(why, why_len, path, "holds no public key (PEM \"PUBLIC KEY\")");
    }
    spki_len = i2d_PUBKEY(pk, &spki);
    EVP_PKEY_free(pk);
    if (spki_len == (int) (ED25519_SPKI_PREFIX + FWD_ED25519_KEY_BYTES)
            && memcmp(spki, ED25519_PREFIX, ED25519_SPKI_PREFIX) == 0
            && fwd_trusted_key_init(key, FWD_SIG_ED25519, spki + ED25519_SPKI_PREFIX, FWD_ED25519_KEY_BYTES) == FWD_OK) {
        rc = 0;
    } else if (spki_len == (int) (P256_SPKI_PREFIX + FWD_P256_KEY_BYTES)
            && memcmp(spki, P256_PREFIX, P256_SPKI_PREFIX) == 0
            && fwd_trusted_key_init(key, FWD_SIG_ECDSA_P256, spki + P256_SPKI_PREFIX, FWD_P256_KEY_BYTES) == FWD_OK) {
        rc = 0;
    }
    OPENSSL_free(spki);
    return rc == 0 ? 0 : fail(why, why_len, path, "public key is neither Ed25519 nor ECDSA P-256 (uncompressed)");
}
