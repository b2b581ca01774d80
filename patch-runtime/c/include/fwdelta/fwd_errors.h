/* SPDX-License-Identifier: Apache-2.0 */
/* Error codes of the fwdelta applier: the numbers of docs/FORMAT.md section 5 and ErrorCode.java. */
#ifndef FWDELTA_FWD_ERRORS_H
#define FWDELTA_FWD_ERRORS_H

typedef enum {
    FWD_OK = 0,
    FWD_ERR_BAD_MAGIC = 1,
    FWD_ERR_UNSUPPORTED_VERSION = 2,
    FWD_ERR_BAD_HEADER_SIZE = 3,
    FWD_ERR_BAD_FLAGS = 4,
    FWD_ERR_BAD_CODEC = 5,
    FWD_ERR_BAD_CODEC_PROPS = 6,
    FWD_ERR_BAD_RESERVED = 7,
    FWD_ERR_BAD_CODEC_WINDOW = 8,
    FWD_ERR_BAD_DECODER_RAM = 9,
    FWD_ERR_BAD_MAX_BLOCK_RAW = 10,
    FWD_ERR_BAD_BLOCK_COUNT = 11,
    FWD_ERR_BAD_PAYLOAD_LENGTH = 12,
    FWD_ERR_BAD_OLD_SIZE = 13,
    FWD_ERR_BAD_NEW_SIZE = 14,
    FWD_ERR_BAD_HEADER_CRC = 15,
    FWD_ERR_BAD_BLOCK_INDEX = 16,
    FWD_ERR_BAD_ENCODED_LENGTH = 17,
    FWD_ERR_BAD_RAW_LENGTH = 18,
    FWD_ERR_BAD_NEW_OFFSET = 19,
    FWD_ERR_BAD_OLD_OFFSET = 20,
    FWD_ERR_BAD_OUT_LENGTH = 21,
    FWD_ERR_BLOCK_CRC = 22,
    FWD_ERR_CODEC_CORRUPT = 23,
    FWD_ERR_UNKNOWN_RECORD_KIND = 24,
    FWD_ERR_BAD_VARINT = 25,
    FWD_ERR_BAD_DIFF_LENGTH = 26,
    FWD_ERR_OUTPUT_OVERFLOW = 27,
    FWD_ERR_BAD_SEEK = 28,
    FWD_ERR_RECORD_SPLIT = 29,
    FWD_ERR_TRUNCATED = 30,
    FWD_ERR_TRAILING_BYTES = 31,
    FWD_ERR_PAYLOAD_HASH = 32,
    FWD_ERR_NEW_IMAGE_MISMATCH = 33,
    FWD_ERR_WRONG_BASE_IMAGE = 34,
    FWD_ERR_RAM_BUDGET_EXCEEDED = 35,
    FWD_ERR_IO_ERROR = 36,
    FWD_ERR_SIGNATURE_INVALID = 37,
    FWD_ERR_UNKNOWN_KEY = 38,
    FWD_ERR_UNSIGNED_PATCH = 39,
    FWD_ERR_ROLLBACK = 40,
    FWD_ERR_WRONG_HARDWARE = 41,
    FWD_ERR_BAD_MAP = 42,
    /* The update agent's refusal of a patch larger than its slot (the applier never returns it). */
    FWD_ERR_DOES_NOT_FIT = 43,
    /* The patch's load_address is not the slot's (fwd_apply_set_slot_address, fwd_header_check_load_address). */
    FWD_ERR_WRONG_LOAD_ADDRESS = 44,
    /*
     * Codes of the C port only, above the format's range (never written in a patch):
     * NOT_YET_SUPPORTED: a valid patch uses a feature the C port does not implement yet; no
     * feature of the apply path is missing today, the code stays reserved for the next format
     * feature, so that a device never writes a silent wrong image.
     */
    FWD_ERR_NOT_YET_SUPPORTED = 100,
    /* The caller broke the API contract (null pointer, misaligned work buffer, a context never set
     * up by its init, a call after finish): fwd_apply.h, fwd_device.h and fwd_uart.h list them. */
    FWD_ERR_BAD_ARGUMENT = 101
} fwd_error;

/** The name of a code as in ErrorCode.java ("BAD_MAGIC"), or "UNKNOWN". */
const char *fwd_error_name(int code);

#endif
