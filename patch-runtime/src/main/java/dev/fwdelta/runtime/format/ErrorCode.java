// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

/** Stable numbered error codes of the patch format (docs/FORMAT.md, section 5). */
public enum ErrorCode {
    BAD_MAGIC(1),
    UNSUPPORTED_VERSION(2),
    BAD_HEADER_SIZE(3),
    BAD_FLAGS(4),
    BAD_CODEC(5),
    BAD_CODEC_PROPS(6),
    BAD_RESERVED(7),
    BAD_CODEC_WINDOW(8),
    BAD_DECODER_RAM(9),
    BAD_MAX_BLOCK_RAW(10),
    BAD_BLOCK_COUNT(11),
    BAD_PAYLOAD_LENGTH(12),
    BAD_OLD_SIZE(13),
    BAD_NEW_SIZE(14),
    BAD_HEADER_CRC(15),
    BAD_BLOCK_INDEX(16),
    BAD_ENCODED_LENGTH(17),
    BAD_RAW_LENGTH(18),
    BAD_NEW_OFFSET(19),
    BAD_OLD_OFFSET(20),
    BAD_OUT_LENGTH(21),
    BLOCK_CRC(22),
    CODEC_CORRUPT(23),
    UNKNOWN_RECORD_KIND(24),
    BAD_VARINT(25),
    BAD_DIFF_LENGTH(26),
    OUTPUT_OVERFLOW(27),
    BAD_SEEK(28),
    RECORD_SPLIT(29),
    TRUNCATED(30),
    TRAILING_BYTES(31),
    PAYLOAD_HASH(32),
    NEW_IMAGE_MISMATCH(33),
    WRONG_BASE_IMAGE(34),
    RAM_BUDGET_EXCEEDED(35),
    IO_ERROR(36),
    SIGNATURE_INVALID(37),
    UNKNOWN_KEY(38),
    UNSIGNED_PATCH(39),
    ROLLBACK(40),
    WRONG_HARDWARE(41),
    BAD_MAP(42),
    /** A valid patch this device cannot hold: larger than its staging slot or its status logs. */
    DOES_NOT_FIT(43),
    /** The patch's load_address is not the address of the slot it would be installed in. */
    WRONG_LOAD_ADDRESS(44);

    private final int number;

    ErrorCode(int number) {
        this.number = number;
    }

    /** The code numbered {@code number}, or null if there is none. */
    public static ErrorCode ofNumber(int number) {
        for (ErrorCode c : values()) {
            if (c.number == number) {
                return c;
            }
        }
        return null;
    }

    /** The number written in docs/FORMAT.md; never reused for another meaning. */
    public int number() {
        return number;
    }
}
