// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.List;

/**
 * Reads Intel HEX into regions ({@link RegionCollector}): data (00), end of file (01), extended
 * segment address (02), start segment address (03: CS:IP, checked and not used), extended linear
 * address (04) and start linear address (05: checked and not used; a device starts from its
 * vector table). A data record that runs past the end of its segment after a 02 record is refused:
 * the specification wraps it to the segment's start (SBA*16 + ((offset + i) mod 64K)), objcopy and
 * Python's intelhex run on past the segment, so its bytes have no one address to be programmed at.
 *
 * <p>After the end-of-file record only records without image bytes may follow, and they are
 * checked and skipped: AltOS, for one, appends symbol records (type 0xFE, an address and a name)
 * with their extended linear addresses (an empty data record has none either). A data record with
 * bytes there is refused: it is most often a second file joined to the first, whose bytes would
 * otherwise be lost without a word.
 */
public final class IntelHex {
    /** A record holds at most 255 data bytes: a longer line is not Intel HEX. */
    static final int MAX_LINE = 1 + 2 * (5 + 255);
    /** A segment's size: in segment mode a data record must end within its segment. */
    private static final int SEGMENT = 0x10000;

    private IntelHex() {}

    public static List<ImageRegion> parse(Reader source, String what) throws IOException {
        RegionCollector regions = new RegionCollector(what);
        RecordLines lines = new RecordLines(source, what);
        long upper = 0;
        // After a 02 record: addresses are SBA*16 + offset within one 64 KiB segment.
        boolean segmentMode = false;
        boolean ended = false;
        String line;
        while ((line = lines.next()) != null) {
            int lineNo = lines.number();
            byte[] rec = decodeLine(line, what, lineNo);
            int count = rec[0] & 0xFF;
            int offset = (rec[1] & 0xFF) << 8 | (rec[2] & 0xFF);
            int type = rec[3] & 0xFF;
            if (ended) {
                if (type == 0x00 && count > 0) {
                    throw bad(what, lineNo, "data record after the end-of-file record (two files joined?): only "
                            + "records without image bytes may follow it");
                }
                continue;
            }
            byte[] data = Arrays.copyOfRange(rec, 4, 4 + count);
            switch (type) {
                case 0x00 -> {
                    if (segmentMode && offset + count > SEGMENT) {
                        throw bad(what, lineNo, String.format("data record of %d bytes at offset 0x%04x runs past the "
                                + "end of its 64 KiB segment 0x%05x..0x%05x (extended segment address record): the "
                                + "Intel HEX specification wraps it to the segment's start, other readers run on "
                                + "past the segment; split it at the segment's end", count, offset, upper,
                                upper + SEGMENT));
                    }
                    regions.add(upper + offset, data, " line " + lineNo);
                }
                case 0x01 -> {
                    length(data, 0, what, lineNo, "end-of-file");
                    ended = true;
                }
                case 0x02 -> {
                    upper = (long) be16(length(data, 2, what, lineNo, "extended segment address")) << 4;
                    segmentMode = true;
                }
                case 0x04 -> {
                    // Linear addresses run on across 64 KiB (the specification's (ULBA*64K + offset + i)
                    // mod 4G); the collector refuses, naming the line, data that would wrap at 4 GiB.
                    upper = (long) be16(length(data, 2, what, lineNo, "extended linear address")) << 16;
                    segmentMode = false;
                }
                case 0x03 -> length(data, 4, what, lineNo, "start segment address");
                case 0x05 -> length(data, 4, what, lineNo, "start linear address");
                default -> throw bad(what, lineNo, "unknown record type " + type + " (valid: 0..5)");
            }
        }
        if (!ended) {
            throw bad(what, lines.number(), "no end-of-file record");
        }
        return regions.regions();
    }

    /** Whether {@code line} is one well-formed record (for recognising the format by content). */
    static boolean isRecord(String line) {
        try {
            decodeLine(line, "", 1);
            return true;
        } catch (BadImageException e) {
            return false;
        }
    }

    private static byte[] decodeLine(String line, String what, int lineNo) {
        if (line.charAt(0) != ':' || line.length() < 11 || line.length() % 2 == 0 || line.length() > MAX_LINE) {
            throw bad(what, lineNo, "not an Intel HEX record");
        }
        byte[] rec = Hex.decode(line, 1, what + " line " + lineNo);
        int count = rec[0] & 0xFF;
        if (rec.length != count + 5) {
            throw bad(what, lineNo, "byte count " + count + " does not match the record length " + (rec.length - 5));
        }
        int sum = 0;
        for (byte b : rec) {
            sum += b;
        }
        if ((sum & 0xFF) != 0) {
            throw bad(what, lineNo, "checksum mismatch");
        }
        return rec;
    }

    private static byte[] length(byte[] data, int expected, String what, int lineNo, String record) {
        if (data.length != expected) {
            throw bad(what, lineNo, record + " record must hold " + expected + " bytes, has " + data.length);
        }
        return data;
    }

    private static int be16(byte[] data) {
        return (data[0] & 0xFF) << 8 | (data[1] & 0xFF);
    }

    private static BadImageException bad(String what, int lineNo, String problem) {
        return new BadImageException(what + ": Intel HEX line " + lineNo + ": " + problem);
    }
}
