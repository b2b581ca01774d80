package dev.fwdelta.runtime.format;

import static dev.fwdelta.runtime.format.LittleEndian.put32;
import static dev.fwdelta.runtime.format.LittleEndian.u32;

/**
 * The 28-byte header in front of each payload block (docs/FORMAT.md, section 2). It records
 * the applier state at the start of the block, so an apply can resume there.
 */
public record BlockHeader(long index, long encodedLength, long rawLength, long newOffset, long oldOffset,
                          long outLength, long outCrc32) {

    /** Splits the raw fields; range checks need the applier's state and are done by the applier. */
    public static BlockHeader parse(byte[] b) {
        return new BlockHeader(u32(b, 0), u32(b, 4), u32(b, 8), u32(b, 12), u32(b, 16), u32(b, 20), u32(b, 24));
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
