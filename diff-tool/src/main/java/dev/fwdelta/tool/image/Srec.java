// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.List;

/**
 * Reads Motorola S-records into regions ({@link RegionCollector}): S0 header (ignored), S1/S2/S3
 * data with 16/24/32-bit addresses, S5/S6 record counts (checked against the data records seen),
 * S7/S8/S9 start address and end of file (the start address is not used). S4 is not defined.
 */
public final class Srec {
    /** Count byte at most 255: a longer line is not an S-record. */
    static final int MAX_LINE = 2 + 2 * (1 + 255);

    private Srec() {}

    public static List<ImageRegion> parse(Reader source, String what) throws IOException {
        RegionCollector regions = new RegionCollector(what);
        RecordLines lines = new RecordLines(source, what);
        boolean ended = false;
        long dataRecords = 0;
        String line;
        while ((line = lines.next()) != null) {
            int lineNo = lines.number();
            if (ended) {
                throw bad(what, lineNo, "data after the S7/S8/S9 end record");
            }
            byte[] rec = decodeLine(line, what, lineNo);
            int type = line.charAt(1) - '0';
            int addressBytes = addressBytes(type);
            if (addressBytes < 0) {
                throw bad(what, lineNo, "unknown record type S" + type + " (valid: S0..S3, S5..S9)");
            }
            if (rec.length - 2 < addressBytes) {
                throw bad(what, lineNo, "S" + type + " record too short for its " + addressBytes + "-byte address");
            }
            long address = 0;
            for (int i = 0; i < addressBytes; i++) {
                address = address << 8 | (rec[1 + i] & 0xFF);
            }
            byte[] data = Arrays.copyOfRange(rec, 1 + addressBytes, rec.length - 1);
            switch (type) {
                case 0 -> { }
                case 1, 2, 3 -> {
                    regions.add(address, data, " line " + lineNo);
                    dataRecords++;
                }
                case 5, 6 -> {
                    if (data.length != 0 || address != (dataRecords & (type == 5 ? 0xFFFF : 0xFF_FFFF))) {
                        throw bad(what, lineNo, "record count " + address + " but " + dataRecords
                                + " data records precede it");
                    }
                }
                default -> {
                    if (data.length != 0) {
                        throw bad(what, lineNo, "end record S" + type + " holds " + data.length + " data bytes");
                    }
                    ended = true;
                }
            }
        }
        if (!ended) {
            throw bad(what, lines.number(), "no S7/S8/S9 end record");
        }
        return regions.regions();
    }

    /** Whether {@code line} is one well-formed S-record (for recognising the format by content). */
    static boolean isRecord(String line) {
        try {
            decodeLine(line, "", 1);
            return addressBytes(line.charAt(1) - '0') >= 0;
        } catch (BadImageException e) {
            return false;
        }
    }

    /** Address bytes of a record type, -1 for an undefined type. */
    private static int addressBytes(int type) {
        return switch (type) {
            case 0, 1, 5, 9 -> 2;
            case 2, 6, 8 -> 3;
            case 3, 7 -> 4;
            default -> -1;
        };
    }

    /** The count byte, address, data and checksum; the checksum checked. */
    private static byte[] decodeLine(String line, String what, int lineNo) {
        if (line.length() < 4 || line.charAt(0) != 'S' || !Character.isDigit(line.charAt(1))
                || line.length() % 2 != 0 || line.length() > MAX_LINE) {
            throw bad(what, lineNo, "not an S-record");
        }
        byte[] rec = Hex.decode(line, 2, what + " line " + lineNo);
        int count = rec[0] & 0xFF;
        if (rec.length != count + 1 || count < 1) {
            throw bad(what, lineNo, "byte count " + count + " does not match the record length " + (rec.length - 1));
        }
        int sum = 0;
        for (int i = 0; i < rec.length - 1; i++) {
            sum += rec[i] & 0xFF;
        }
        if ((~sum & 0xFF) != (rec[rec.length - 1] & 0xFF)) {
            throw bad(what, lineNo, "checksum mismatch");
        }
        return rec;
    }

    private static BadImageException bad(String what, int lineNo, String problem) {
        return new BadImageException(what + ": S-record line " + lineNo + ": " + problem);
    }
}
