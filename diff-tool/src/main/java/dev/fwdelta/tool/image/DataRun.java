// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.util.Arrays;

/**
 * Bytes given at consecutive addresses, one record after another: a HEX file of one-byte records
 * is held as one array, not as an object per record. The array grows by doubling at the end a
 * record joins (a file may list its records downwards), so each byte is copied a bounded number
 * of times on average and the slack is at most the bytes held.
 */
final class DataRun {
    private long start;
    private byte[] buffer;
    /** The bytes held are {@code buffer[from..to)}. */
    private int from;
    private int to;

    /** A run of {@code data} at {@code address}; the run keeps the array. */
    DataRun(long address, byte[] data) {
        this.start = address;
        this.buffer = data;
        this.to = data.length;
    }

    long start() {
        return start;
    }

    long end() {
        return start + length();
    }

    int length() {
        return to - from;
    }

    /** Adds {@code data} at {@link #end()}. */
    void append(byte[] data) {
        if (buffer.length - to < data.length) {
            regrow(data.length, false);
        }
        System.arraycopy(data, 0, buffer, to, data.length);
        to += data.length;
    }

    /** Adds {@code data} just below {@link #start()}. */
    void prepend(byte[] data) {
        if (from < data.length) {
            regrow(data.length, true);
        }
        from -= data.length;
        System.arraycopy(data, 0, buffer, from, data.length);
        start -= data.length;
    }

    /** Copies the run's bytes into {@code dest} from {@code at} on. */
    void copyInto(byte[] dest, int at) {
        System.arraycopy(buffer, from, dest, at, length());
    }

    /** The run's bytes: its own array when that holds nothing else, so a lone run is not copied. */
    byte[] bytes() {
        return from == 0 && to == buffer.length ? buffer : Arrays.copyOfRange(buffer, from, to);
    }

    /**
     * Room for {@code more} bytes at one end, plus as much again as is held, so the next records
     * fit without a copy. The collector has checked the bytes given against its data limit, so
     * the room is capped by that limit, and never below what is needed.
     */
    private void regrow(int more, boolean atFront) {
        int held = length();
        long room = Math.min(Math.max((long) more, held), RegionCollector.MAX_DATA - held);
        byte[] grown = new byte[Math.toIntExact(held + Math.max(room, more))];
        int at = atFront ? grown.length - held : 0;
        System.arraycopy(buffer, from, grown, at, held);
        buffer = grown;
        from = at;
        to = at + held;
    }
}
