// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Intel HEX output: an extended linear address record (04) whenever the upper 16 address bits
 * change, data records (00) that never cross a 64 KiB boundary, and the end-of-file record (01).
 */
final class IntelHexWriter extends RecordWriter {
    private long upper = -1;

    IntelHexWriter(OutputStream out, long startAddress) {
        super(out, startAddress);
    }

    @Override
    protected String[] dataRecords(long at, byte[] data) {
        // A record's 16-bit offset must not wrap: split at the 64 KiB boundary.
        int first = (int) Math.min(data.length, 0x10000 - (at & 0xFFFF));
        if (first == data.length) {
            return join(records(at, data, 0, data.length));
        }
        return join(records(at, data, 0, first), records(at + first, data, first, data.length - first));
    }

    private String[] records(long at, byte[] data, int from, int len) {
        String address = null;
        if (at >>> 16 != upper) {
            upper = at >>> 16;
            address = record(0, 4, new byte[] {(byte) (upper >> 8), (byte) upper});
        }
        byte[] part = Arrays.copyOfRange(data, from, from + len);
        String rec = record((int) (at & 0xFFFF), 0, part);
        return address == null ? new String[] {rec} : new String[] {address, rec};
    }

    private static String[] join(String[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }

    @Override
    protected String endRecord() {
        return ":00000001FF";
    }

    /** One record line (without its line end): count, offset, type, data and checksum; tests build files with it. */
    static String record(int offset, int type, byte[] data) {
        byte[] rec = new byte[4 + data.length];
        rec[0] = (byte) data.length;
        rec[1] = (byte) (offset >> 8);
        rec[2] = (byte) offset;
        rec[3] = (byte) type;
        System.arraycopy(data, 0, rec, 4, data.length);
        int sum = 0;
        for (byte b : rec) {
            sum += b;
        }
        return ":" + hex(rec) + String.format("%02X", -sum & 0xFF);
    }
}
