/* SPDX-License-Identifier: Apache-2.0 */
/* mbed TLS 2.28 configuration of the embedded crypto port: ECDSA P-256 verification only. */
#ifndef FWD_MBEDTLS_CONFIG_H
#define FWD_MBEDTLS_CONFIG_H

#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_NO_PLATFORM_ENTROPY
/* Verification handles no secret: no blinding RNG needed. */
#define MBEDTLS_ECP_NO_INTERNAL_RNG
/* Bignums from a static pool the firmware hands over (mbedtls_memory_buffer_alloc_init). */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
/* Smaller tables: verification is once per update, RAM matters more than speed. */
#define MBEDTLS_ECP_WINDOW_SIZE 2
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0

#include "mbedtls/check_config.h"

#endif
