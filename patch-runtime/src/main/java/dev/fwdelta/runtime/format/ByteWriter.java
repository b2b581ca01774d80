// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

import java.io.ByteArrayOutputStream;

/** Writes the fields of compact (format 3) structures: bytes, little-endian words, LEB128 varints. */
public final class ByteWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ByteWriter u8(int v) {
        out.write(v);
        return this;
    }

    public ByteWriter u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public ByteWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** Unsigned LEB128, least significant group first. */
    public ByteWriter uvarint(long v) {
        writeUvarint(out, v);
        return this;
    }

    /** Unsigned LEB128 into any byte stream (the builder's record blocks). */
    public static void writeUvarint(ByteArrayOutputStream out, long v) {
        if (v < 0) {
            throw new IllegalArgumentException("uvarint of a negative value " + v);
        }
        while (v >= 0x80) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** How many bytes {@link #writeUvarint} takes for {@code v}. */
    public static int uvarintLength(long v) {
        int n = 1;
        for (long rest = v >>> 7; rest != 0; rest >>>= 7) {
            n++;
        }
        return n;
    }

    /** Zig-zag, then LEB128: small values of either sign take one byte. */
    public ByteWriter svarint(long v) {
        return uvarint((v << 1) ^ (v >> 63));
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
