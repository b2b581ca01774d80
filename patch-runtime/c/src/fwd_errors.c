/* SPDX-License-Identifier: Apache-2.0 */
/* Names of the error codes, as in ErrorCode.java (for messages; a device may leave this file out). */
#include "fwdelta/fwd_errors.h"

static const char *const NAMES[] = {
    "OK", "BAD_MAGIC", "UNSUPPORTED_VERSION", "BAD_HEADER_SIZE", "BAD_FLAGS", "BAD_CODEC", "BAD_CODEC_PROPS",
    "BAD_RESERVED", "BAD_CODEC_WINDOW", "BAD_DECODER_RAM", "BAD_MAX_BLOCK_RAW", "BAD_BLOCK_COUNT",
    "BAD_PAYLOAD_LENGTH", "BAD_OLD_SIZE", "BAD_NEW_SIZE", "BAD_HEADER_CRC", "BAD_BLOCK_INDEX",
    "BAD_ENCODED_LENGTH", "BAD_RAW_LENGTH", "BAD_NEW_OFFSET", "BAD_OLD_OFFSET", "BAD_OUT_LENGTH", "BLOCK_CRC",
    "CODEC_CORRUPT", "UNKNOWN_RECORD_KIND", "BAD_VARINT", "BAD_DIFF_LENGTH", "OUTPUT_OVERFLOW", "BAD_SEEK",
    "RECORD_SPLIT", "TRUNCATED", "TRAILING_BYTES", "PAYLOAD_HASH", "NEW_IMAGE_MISMATCH", "WRONG_BASE_IMAGE",
    "RAM_BUDGET_EXCEEDED", "IO_ERROR", "SIGNATURE_INVALID", "UNKNOWN_KEY", "UNSIGNED_PATCH", "ROLLBACK",
    "WRONG_HARDWARE", "BAD_MAP", "DOES_NOT_FIT", "WRONG_LOAD_ADDRESS"
};

const char *fwd_error_name(int code) {
    if (code >= 0 && code < (int) (sizeof NAMES / sizeof NAMES[0])) {
        return NAMES[code];
    }
    if (code == FWD_ERR_NOT_YET_SUPPORTED) {
        return "NOT_YET_SUPPORTED";
    }
    if (code == FWD_ERR_BAD_ARGUMENT) {
        return "BAD_ARGUMENT";
    }
    return "UNKNOWN";
}
