// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Motorola S-record output: an S0 header, S3 data records (32-bit addresses) and an S7 end record
 * whose start address is the image's first address.
 */
final class SrecWriter extends RecordWriter {
    private final long start;
    private boolean headerWritten;

    SrecWriter(OutputStream out, long startAddress) {
        super(out, startAddress);
        this.start = startAddress;
    }

    @Override
    protected String[] dataRecords(long at, byte[] data) {
        String rec = record('3', at, data);
        if (headerWritten) {
            return new String[] {rec};
        }
        headerWritten = true;
        return new String[] {header(), rec};
    }

    @Override
    public void finish() throws IOException {
        if (!headerWritten) {
            headerWritten = true;
            line(header());
        }
        super.finish();
    }

    private static String header() {
        byte[] name = "fwdelta".getBytes(StandardCharsets.US_ASCII);
        return record0(name);
    }

    @Override
    protected String endRecord() {
        return record('7', start, new byte[0]);
    }

    /** S0: 16-bit address 0, then the header bytes. */
    private static String record0(byte[] data) {
        byte[] body = new byte[2 + data.length];
        System.arraycopy(data, 0, body, 2, data.length);
        return "S0" + withCount(body);
    }

    /** S3/S7: 32-bit address, then data. */
    private static String record(char type, long address, byte[] data) {
        byte[] body = new byte[4 + data.length];
        body[0] = (byte) (address >> 24);
        body[1] = (byte) (address >> 16);
        body[2] = (byte) (address >> 8);
        body[3] = (byte) address;
        System.arraycopy(data, 0, body, 4, data.length);
        return "S" + type + withCount(body);
    }

    /** Count byte (body + checksum), body, checksum (ones' complement of the sum of count and body). */
    private static String withCount(byte[] body) {
        int count = body.length + 1;
        int sum = count;
        for (byte b : body) {
            sum += b & 0xFF;
        }
        return String.format("%02X", count) + hex(body) + String.format("%02X", ~sum & 0xFF);
    }
}
