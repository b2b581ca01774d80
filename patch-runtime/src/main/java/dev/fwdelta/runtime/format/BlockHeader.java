// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

import static dev.fwdelta.runtime.format.LittleEndian.put32;
import static dev.fwdelta.runtime.format.LittleEndian.u32;

/**
 * The header in front of each payload block (docs/FORMAT.md, section 2): 28 bytes in formats 1
 * and 2, six varints and a CRC in format 3. It records the applier state at the start of the
 * block, so an apply can resume there.
 */
public record BlockHeader(long index, long encodedLength, long rawLength, long newOffset, long oldOffset,
                          long outLength, long outCrc32) {

    /** Splits the raw fields; range checks need the applier's state and are done by the applier. */
    public static BlockHeader parse(byte[] b) {
        return new BlockHeader(u32(b, 0), u32(b, 4), u32(b, 8), u32(b, 12), u32(b, 16), u32(b, 20), u32(b, 24));
    }

    /** Format 3: the six fields as varints, then out_crc32. */
    public byte[] encodeCompact() {
        return new ByteWriter().uvarint(index).uvarint(encodedLength).uvarint(rawLength).uvarint(newOffset)
                .uvarint(oldOffset).uvarint(outLength).u32(outCrc32).toByteArray();
    }

    /**
     * Whether {@code b[0..len)} holds a whole format-3 block header: six varints (each ends at a
     * byte below 0x80) and four bytes. A varint longer than 5 bytes is refused as soon as it is seen.
     */
    public static boolean compactComplete(byte[] b, int len) throws PatchException {
        int varints = 0;
        int run = 0;
        int i = 0;
        for (; i < len && varints < 6; i++) {
            run++;
            if (run > Limits.MAX_VARINT_BYTES) {
                throw new PatchException(ErrorCode.BAD_VARINT, "bad value for block header field " + varints
                        + ": varint longer than " + Limits.MAX_VARINT_BYTES + " bytes");
            }
            if ((b[i] & 0x80) == 0) {
                varints++;
                run = 0;
            }
        }
        return varints == 6 && len - i == 4;
    }

    /** Field order of {@link #fields} and {@link #compactFields}. */
    public static final int INDEX = 0;
    public static final int ENCODED_LENGTH = 1;
    public static final int RAW_LENGTH = 2;
    public static final int NEW_OFFSET = 3;
    public static final int OLD_OFFSET = 4;
    public static final int OUT_LENGTH = 5;
    public static final int OUT_CRC32 = 6;

    /** The seven fields of a 28-byte block header into {@code out}: the applier allocates nothing per block. */
    public static void fields(byte[] b, long[] out) {
        for (int i = 0; i < 7; i++) {
            out[i] = u32(b, 4 * i);
        }
    }

    /**
     * The seven fields of a complete format-3 block header into {@code out}, allocating nothing;
     * each varint is at most 2^31-1 [BAD_VARINT]. {@link #compactComplete} must have accepted the
     * bytes: it is where a varint longer than 5 bytes is refused.
     */
    public static void compactFields(byte[] b, int len, long[] out) throws PatchException {
        int at = 0;
        for (int f = 0; f < 6; f++) {
            long v = 0;
            int shift = 0;
            int x;
            do {
                x = b[at++] & 0xFF;
                if (x == 0 && shift > 0) {
                    throw new PatchException(ErrorCode.BAD_VARINT, "bad value for block header field " + f
                            + ": varint not in its shortest form (a trailing 0x00 byte)");
                }
                v |= (long) (x & 0x7F) << shift;
                shift += 7;
            } while (x >= 0x80);
            if (v > Limits.MAX_VARINT_VALUE) {
                throw PatchException.outOfRange(ErrorCode.BAD_VARINT, "block header field " + f, v, 0,
                        Limits.MAX_VARINT_VALUE);
            }
            out[f] = v;
        }
        out[OUT_CRC32] = u32(b, at);
    }

    /**
     * Splits a format-3 block header that {@link #compactComplete} accepted; range checks are the
     * applier's, as in {@link #parse}.
     */
    public static BlockHeader parseCompact(byte[] b, int len) throws PatchException {
        long[] f = new long[7];
        compactFields(b, len, f);
        return new BlockHeader(f[INDEX], f[ENCODED_LENGTH], f[RAW_LENGTH], f[NEW_OFFSET], f[OLD_OFFSET], f[OUT_LENGTH],
                f[OUT_CRC32]);
    }

    public byte[] encode() {
        byte[] b = new byte[Limits.BLOCK_HEADER_SIZE];
        put32(b, 0, index);
        put32(b, 4, encodedLength);
        put32(b, 8, rawLength);
        put32(b, 12, newOffset);
        put32(b, 16, oldOffset);
        put32(b, 20, outLength);
        put32(b, 24, outCrc32);
        return b;
    }
}
