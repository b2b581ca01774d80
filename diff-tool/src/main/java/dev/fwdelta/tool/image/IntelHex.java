// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Intel HEX to a flat image: data records (00), extended segment (02) and linear (04) addresses,
 * end of file (01); start addresses (03, 05) are ignored. The image starts at the lowest
 * address; gaps hold the erased value 0xFF.
 */
public final class IntelHex {
    /** An image may span at most this many bytes (also bounds the allocation). */
    public static final long MAX_SPAN = 256L << 20;
    public static final byte ERASED = (byte) 0xFF;

    private IntelHex() {}

    public static FirmwareImage parse(Reader source) throws IOException {
        TreeMap<Long, byte[]> chunks = new TreeMap<>();
        BufferedReader in = new BufferedReader(source);
        long upper = 0;
        boolean ended = false;
        int lineNo = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (ended) {
                throw bad(lineNo, "data after the end-of-file record");
            }
            byte[] rec = decodeLine(line, lineNo);
            int count = rec[0] & 0xFF;
            int offset = (rec[1] & 0xFF) << 8 | (rec[2] & 0xFF);
            int type = rec[3] & 0xFF;
            byte[] data = Arrays.copyOfRange(rec, 4, 4 + count);
            switch (type) {
                case 0x00:
                    chunks.put(upper + offset, data);
                    break;
                case 0x01:
                    ended = true;
                    break;
                case 0x02:
                    upper = (long) be16(data, lineNo) << 4;
                    break;
                case 0x04:
                    upper = (long) be16(data, lineNo) << 16;
                    break;
                case 0x03:
                case 0x05:
                    break;
                default:
                    throw bad(lineNo, "unknown record type " + type + " (valid: 0..5)");
            }
        }
        if (!ended) {
            throw bad(lineNo, "no end-of-file record");
        }
        return flatten(chunks);
    }

    private static byte[] decodeLine(String line, int lineNo) throws IOException {
        if (line.charAt(0) != ':' || line.length() < 11 || line.length() % 2 == 0) {
            throw bad(lineNo, "not an Intel HEX record");
        }
        byte[] rec = new byte[(line.length() - 1) / 2];
        for (int i = 0; i < rec.length; i++) {
            int hi = Character.digit(line.charAt(1 + 2 * i), 16);
            int lo = Character.digit(line.charAt(2 + 2 * i), 16);
            if (hi < 0 || lo < 0) {
                throw bad(lineNo, "not a hex digit");
            }
            rec[i] = (byte) (hi << 4 | lo);
        }
        int count = rec[0] & 0xFF;
        if (rec.length != count + 5) {
            throw bad(lineNo, "byte count " + count + " does not match the record length " + (rec.length - 5));
        }
        int sum = 0;
        for (byte b : rec) {
            sum += b;
        }
        if ((sum & 0xFF) != 0) {
            throw bad(lineNo, "checksum mismatch");
        }
        return rec;
    }

    private static int be16(byte[] data, int lineNo) throws IOException {
        if (data.length != 2) {
            throw bad(lineNo, "address record must hold 2 bytes, has " + data.length);
        }
        return (data[0] & 0xFF) << 8 | (data[1] & 0xFF);
    }

    private static FirmwareImage flatten(TreeMap<Long, byte[]> chunks) throws IOException {
        if (chunks.isEmpty()) {
            return new FirmwareImage(new byte[0], 0);
        }
        long base = chunks.firstKey();
        long end = 0;
        for (var e : chunks.entrySet()) {
            end = Math.max(end, e.getKey() + e.getValue().length);
        }
        if (end - base > MAX_SPAN) {
            throw new IOException(String.format("Intel HEX spans 0x%x..0x%x (%d bytes); at most %d bytes allowed",
                    base, end, end - base, MAX_SPAN));
        }
        byte[] image = new byte[(int) (end - base)];
        Arrays.fill(image, ERASED);
        for (var e : chunks.entrySet()) {
            System.arraycopy(e.getValue(), 0, image, (int) (e.getKey() - base), e.getValue().length);
        }
        return new FirmwareImage(image, base);
    }

    private static IOException bad(int lineNo, String what) {
        return new IOException("Intel HEX line " + lineNo + ": " + what);
    }
}
