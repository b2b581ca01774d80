// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

import java.util.Arrays;

/**
 * Reads the fields of a compact (format 3) header or block header from a buffer that holds it
 * whole. Every read names its field, so a bad value is reported as that field with its range.
 */
final class ByteCursor {
    private final byte[] b;
    private final int end;
    private int at;

    ByteCursor(byte[] b, int from, int end) {
        this.b = b;
        this.at = from;
        this.end = end;
    }

    int position() {
        return at;
    }

    int u8(String field) throws PatchException {
        need(1, field);
        return b[at++] & 0xFF;
    }

    long u32(String field) throws PatchException {
        need(4, field);
        long v = LittleEndian.u32(b, at);
        at += 4;
        return v;
    }

    byte[] bytes(int n, String field) throws PatchException {
        need(n, field);
        byte[] out = Arrays.copyOfRange(b, at, at + n);
        at += n;
        return out;
    }

    /** An unsigned LEB128 varint of at most {@code maxBytes} bytes and value at most {@code max}. */
    long uvarint(String field, int maxBytes, long max) throws PatchException {
        long v = 0;
        for (int i = 0; ; i++) {
            if (i == maxBytes) {
                throw new PatchException(ErrorCode.BAD_VARINT, "bad value for " + field + ": varint longer than "
                        + maxBytes + " bytes");
            }
            int x = u8(field);
            if (x == 0 && i > 0) {
                throw new PatchException(ErrorCode.BAD_VARINT, "bad value for " + field
                        + ": varint not in its shortest form (a trailing 0x00 byte)");
            }
            v |= (long) (x & 0x7F) << (7 * i);
            if (x < 0x80) {
                break;
            }
        }
        if (v > max) {
            throw new PatchException(ErrorCode.BAD_VARINT, "bad value for " + field + ": " + v + " (valid range 0.."
                    + max + ")");
        }
        return v;
    }

    /** A varint of at most 5 bytes holding at most 2^31-1 (the format's usual field). */
    long uvarint(String field) throws PatchException {
        return uvarint(field, Limits.MAX_VARINT_BYTES, Limits.MAX_VARINT_VALUE);
    }

    private void need(int n, String field) throws PatchException {
        if (at + n > end) {
            throw new PatchException(ErrorCode.TRUNCATED, "bad value for " + field + ": ends past the "
                    + (end) + "-byte field area");
        }
    }
}
