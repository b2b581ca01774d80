// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

/** Named limits every field read from a patch is checked against (docs/FORMAT.md). */
public final class Limits {
    private Limits() {}

    public static final int HEADER_SIZE = 256;
    /** Bytes 0..SIGNED_SIZE-1 of the header are covered by the signature. */
    public static final int SIGNED_SIZE = 176;
    public static final int BLOCK_HEADER_SIZE = 28;
    /**
     * Format 3: the smallest header_size (prefix, three bytes, eleven one-byte varints, under flag
     * SHA_ONLY half a SHA-256 and a whole one, the header CRC; FORMAT.md 1.2), and the longest
     * block header (six 5-byte varints, a CRC).
     */
    public static final int MIN_COMPACT_HEADER_SIZE = 8 + 3 + 11 + 16 + 32 + 4;
    public static final int MAX_COMPACT_BLOCK_HEADER_SIZE = 6 * 5 + 4;
    /** Format 3's shortest block header (six one-byte varints, the CRC) and the shortest block. */
    public static final int MIN_COMPACT_BLOCK_HEADER_SIZE = 6 + 4;
    public static final int MIN_COMPACT_BLOCK_SIZE = MIN_COMPACT_BLOCK_HEADER_SIZE + 1;
    /** firmware_version is a varint of up to 9 bytes in format 3 (63 bits). */
    public static final int MAX_VARINT64_BYTES = 9;

    /** Images, payloads: 2^31-1 bytes at most (a Java array, and far past any MCU flash). */
    public static final long MAX_IMAGE_SIZE = Integer.MAX_VALUE;
    public static final long MAX_PAYLOAD_LENGTH = Integer.MAX_VALUE;
    public static final int MAX_BLOCK_RAW = 1 << 20;

    public static final int MIN_LZ77_WINDOW = 256;
    public static final int MAX_LZ77_WINDOW = 1 << 16;
    /**
     * The smallest codec_window of lzma and split (their LZMA dictionary): every block is its own
     * LZMA stream, so a match never reaches past its block's start and a ring as small as lz77's
     * smallest is sound.
     */
    public static final int MIN_LZMA_WINDOW = 256;
    public static final int MAX_LZMA_DICT = 1 << 20;

    /** Unsigned LEB128 varints: 5 bytes hold any value up to 2^31-1. */
    public static final int MAX_VARINT_BYTES = 5;
    public static final long MAX_VARINT_VALUE = Integer.MAX_VALUE;

    /** Relocation map: entries at most, bytes per entry (u32 old_start, i32 shift), RAM per entry. */
    public static final int MAX_MAP_ENTRIES = 256;
    public static final int MAP_ENTRY_BYTES = 8;
    /**
     * The longest map section a payload carries: format 3's map_bytes bound for the most entries
     * (the prefix's 5-byte image_base and transforms byte, then two 5-byte varints an entry), longer
     * than formats 1 and 2's 8-byte entries.
     */
    public static final int MAX_MAP_SECTION_BYTES = 6 + 10 * (MAX_MAP_ENTRIES - 1);

    /** Applier state, header and block-header buffers, old-image read buffer. */
    public static final int APPLIER_BASE_RAM = 1024;
    /** Size of the applier's old-image read buffer (part of APPLIER_BASE_RAM). */
    public static final int OLD_READ_BUFFER = 256;
}
