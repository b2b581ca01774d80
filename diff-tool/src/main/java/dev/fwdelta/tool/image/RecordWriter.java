// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Streams an image into a text format of address records (Intel HEX, S-records), 16 data bytes a
 * record, from a start address on; {@link #finish()} writes the end record. Nothing is held but
 * one record's bytes, so apply writes a .hex as it verifies the image.
 */
public abstract class RecordWriter extends OutputStream {
    static final int RECORD_BYTES = 16;

    private final OutputStream out;
    private final byte[] pending = new byte[RECORD_BYTES];
    private int filled;
    /** Address of pending[0]. */
    protected long address;

    protected RecordWriter(OutputStream out, long startAddress) {
        this.out = out;
        this.address = startAddress;
    }

    /** A writer of {@code format} (Intel HEX or S-records) starting at {@code startAddress}. */
    public static RecordWriter of(ImageFormat format, OutputStream out, long startAddress) {
        return switch (format) {
            case INTEL_HEX -> new IntelHexWriter(out, startAddress);
            case SREC -> new SrecWriter(out, startAddress);
            default -> throw new IllegalArgumentException(format.label() + " is not a record format");
        };
    }

    @Override
    public void write(int b) throws IOException {
        pending[filled++] = (byte) b;
        if (filled == RECORD_BYTES) {
            flushRecord();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = 0; i < len; i++) {
            write(b[off + i]);
        }
    }

    /** Writes the last partial record and the end record (does not close the stream). */
    public void finish() throws IOException {
        flushRecord();
        line(endRecord());
        out.flush();
    }

    private void flushRecord() throws IOException {
        if (filled == 0) {
            return;
        }
        if (address + filled > 1L << 32) {
            throw new IOException(String.format("image runs past 2^32 at 0x%x", address));
        }
        byte[] data = Arrays.copyOf(pending, filled);
        for (String record : dataRecords(address, data)) {
            line(record);
        }
        address += filled;
        filled = 0;
    }

    protected void line(String record) throws IOException {
        out.write((record + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The records that put {@code data} at {@code at} (an address record first when needed). */
    protected abstract String[] dataRecords(long at, byte[] data);

    protected abstract String endRecord();

    /** Hex digits of {@code bytes}, with the format's checksum appended by the caller. */
    protected static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02X", b & 0xFF));
        }
        return s.toString();
    }
}
