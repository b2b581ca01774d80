// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each field of a valid patch lies, walked from docs/FORMAT.md (not from the runtime's
 * parser, so that a mutation aims at the spec's fields even where a parser reads them wrongly):
 * header, relocation map, block headers, and the records of codec none blocks (the only codec whose
 * record bytes lie in the patch as they are).
 */
final class PatchLayout {
    enum Encoding { U8, U16, U32, U64, UVARINT, SVARINT, BYTES }

    enum Region { HEADER, MAP, BLOCK_HEADER, RECORD }

    /** One field: {@code at} and {@code length} in the patch, {@code value} as read (BYTES: 0). */
    record Field(String name, Region region, Encoding encoding, int at, int length, long value) {
        int end() {
            return at + length;
        }

        boolean numeric() {
            return encoding != Encoding.BYTES;
        }
    }

    private static final int FLAG_SIGNED = 1;
    private static final int FLAG_RELOCATED = 2;
    private static final int FLAG_LOAD_ADDRESS = 8;
    private static final int FLAG_SHA_ONLY = 16;
    private static final int CODEC_NONE = 0;

    final byte[] patch;
    final int version;
    final int headerSize;
    /** Offset of header_crc32, and of the first byte it does not cover. */
    final int headerCrcAt;
    final List<Field> fields = new ArrayList<>();
    /** Each block's codec data: {offset, length}. */
    final List<int[]> blockData = new ArrayList<>();

    private final boolean records;
    private int pos;

    private PatchLayout(byte[] patch, boolean records) {
        this.patch = patch;
        this.records = records;
        this.version = (int) fixed(4, 2);
        this.headerSize = (int) fixed(6, 2);
        int mapCount;
        int blockCount;
        int flags;
        int codec;
        pos = 0;
        add("magic", Region.HEADER, Encoding.BYTES, 4);
        add("format_version", Region.HEADER, Encoding.U16, 2);
        add("header_size", Region.HEADER, Encoding.U16, 2);
        if (version == 3) {
            flags = (int) add("flags", Region.HEADER, Encoding.U8, 1);
            codec = (int) add("codec_id", Region.HEADER, Encoding.U8, 1);
            add("codec_props", Region.HEADER, Encoding.U8, 1);
            mapCount = (int) varint("map_count", Region.HEADER);
            varint("map_bytes", Region.HEADER);
            varint("codec_window", Region.HEADER);
            varint("decoder_ram", Region.HEADER);
            varint("max_block_raw", Region.HEADER);
            blockCount = (int) varint("block_count", Region.HEADER);
            varint("payload_length", Region.HEADER);
            boolean shaOnly = (flags & FLAG_SHA_ONLY) != 0;
            varint("old_size", Region.HEADER);
            if (!shaOnly) {
                add("old_crc32", Region.HEADER, Encoding.U32, 4);
            }
            add("old_sha256", Region.HEADER, Encoding.BYTES, shaOnly ? 16 : 32);
            varint("new_size", Region.HEADER);
            if (!shaOnly) {
                add("new_crc32", Region.HEADER, Encoding.U32, 4);
            }
            add("new_sha256", Region.HEADER, Encoding.BYTES, 32);
            varint("firmware_version", Region.HEADER);
            varint("hardware_id", Region.HEADER);
            if ((flags & FLAG_LOAD_ADDRESS) != 0) {
                add("load_address", Region.HEADER, Encoding.U32, 4);
            }
            if ((flags & FLAG_SIGNED) != 0) {
                add("payload_sha256", Region.HEADER, Encoding.BYTES, 32);
            }
            headerCrcAt = pos;
            add("header_crc32", Region.HEADER, Encoding.U32, 4);
            if ((flags & FLAG_SIGNED) != 0) {
                add("sig_algorithm", Region.HEADER, Encoding.U8, 1);
                add("key_id", Region.HEADER, Encoding.BYTES, 8);
                add("signature", Region.HEADER, Encoding.BYTES, 64);
            }
        } else {
            flags = (int) add("flags", Region.HEADER, Encoding.U32, 4);
            codec = (int) add("codec_id", Region.HEADER, Encoding.U8, 1);
            add("codec_props", Region.HEADER, Encoding.U8, 1);
            mapCount = (int) add("map_count", Region.HEADER, Encoding.U16, 2);
            add("codec_window", Region.HEADER, Encoding.U32, 4);
            add("decoder_ram", Region.HEADER, Encoding.U32, 4);
            add("max_block_raw", Region.HEADER, Encoding.U32, 4);
            blockCount = (int) add("block_count", Region.HEADER, Encoding.U32, 4);
            add("payload_length", Region.HEADER, Encoding.U64, 8);
            for (String image : new String[] {"old", "new"}) {
                add(image + "_size", Region.HEADER, Encoding.U32, 4);
                add(image + "_crc32", Region.HEADER, Encoding.U32, 4);
                add(image + "_crc32_mpeg2", Region.HEADER, Encoding.U32, 4);
                add(image + "_sha256", Region.HEADER, Encoding.BYTES, 32);
            }
            add("payload_sha256", Region.HEADER, Encoding.BYTES, 32);
            add("firmware_version", Region.HEADER, Encoding.U64, 8);
            add("hardware_id", Region.HEADER, Encoding.U32, 4);
            headerCrcAt = pos;
            add("header_crc32", Region.HEADER, Encoding.U32, 4);
            add("sig_algorithm", Region.HEADER, Encoding.U8, 1);
            add("reserved_177", Region.HEADER, Encoding.BYTES, 3);
            add("key_id", Region.HEADER, Encoding.BYTES, 8);
            add("signature", Region.HEADER, Encoding.BYTES, 64);
            add("reserved_252", Region.HEADER, Encoding.BYTES, 4);
        }
        if ((flags & FLAG_RELOCATED) != 0) {
            map(mapCount);
        }
        for (int i = 0; i < blockCount; i++) {
            block(i, codec);
        }
    }

    static PatchLayout of(byte[] patch) {
        return new PatchLayout(patch, true);
    }

    /** Header, map and block headers only: for a patch whose records are not whole. */
    static PatchLayout withoutRecords(byte[] patch) {
        return new PatchLayout(patch, false);
    }

    private void map(int count) {
        if (version == 3) {
            varint("map.image_base", Region.MAP);
            add("map.transforms", Region.MAP, Encoding.U8, 1);
            for (int i = 1; i < count; i++) {
                varint("map[" + i + "].distance", Region.MAP);
                signed("map[" + i + "].shift", Region.MAP);
            }
        } else {
            add("map.image_base", Region.MAP, Encoding.U32, 4);
            add("map.transforms", Region.MAP, Encoding.U8, 1);
            add("map.reserved", Region.MAP, Encoding.BYTES, 3);
            for (int i = 1; i < count; i++) {
                add("map[" + i + "].old_start", Region.MAP, Encoding.U32, 4);
                add("map[" + i + "].shift", Region.MAP, Encoding.U32, 4);
            }
        }
    }

    private void block(int index, int codec) {
        String p = "block[" + index + "].";
        long encoded;
        String[] names = {"block_index", "encoded_length", "raw_length", "new_offset", "old_offset", "out_length"};
        long[] values = new long[names.length];
        for (int f = 0; f < names.length; f++) {
            values[f] = version == 3 ? varint(p + names[f], Region.BLOCK_HEADER)
                    : add(p + names[f], Region.BLOCK_HEADER, Encoding.U32, 4);
        }
        add(p + "out_crc32", Region.BLOCK_HEADER, Encoding.U32, 4);
        encoded = values[1];
        int end = pos + (int) encoded;
        blockData.add(new int[] {pos, (int) encoded});
        if (codec == CODEC_NONE && records) {
            for (int r = 0; pos < end; r++) {
                record(p + "record[" + r + "].");
            }
        }
        pos = end;
    }

    private void record(String p) {
        int kind = (int) add(p + "kind", Region.RECORD, Encoding.U8, 1);
        long diff = varint(p + "diff_len", Region.RECORD);
        if (kind == 0) {
            add(p + "diff", Region.RECORD, Encoding.BYTES, (int) diff);
        } else {
            for (long covered = 0; covered < diff;) {
                long zeros = varint(p + "zero_run", Region.RECORD);
                long literals = varint(p + "literal_len", Region.RECORD);
                add(p + "literals", Region.RECORD, Encoding.BYTES, (int) literals);
                covered += zeros + literals;
            }
        }
        long extra = varint(p + "extra_len", Region.RECORD);
        add(p + "extra", Region.RECORD, Encoding.BYTES, (int) extra);
        signed(p + "seek", Region.RECORD);
    }

    private long add(String name, Region region, Encoding encoding, int length) {
        long value = encoding == Encoding.BYTES ? 0 : fixed(pos, length);
        fields.add(new Field(name, region, encoding, pos, length, value));
        pos += length;
        return value;
    }

    private long varint(String name, Region region) {
        return varint(name, region, Encoding.UVARINT);
    }

    /** A zig-zag svarint: {@code value} is the unsigned varint as written. */
    private long signed(String name, Region region) {
        return varint(name, region, Encoding.SVARINT);
    }

    private long varint(String name, Region region, Encoding encoding) {
        int start = pos;
        long value = 0;
        int shift = 0;
        int b;
        do {
            b = patch[pos++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        fields.add(new Field(name, region, encoding, start, pos - start, value));
        return value;
    }

    private long fixed(int at, int length) {
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            v = v << 8 | (patch[at + i] & 0xFF);
        }
        return v;
    }
}
