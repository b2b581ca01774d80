// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import java.io.IOException;

/**
 * Patch bytes that arrived after a gap, kept until the missing ones come (selective repeat,
 * docs/PROTOCOL.md): a ring of {@code capacity} bytes indexed by patch offset, so that byte
 * {@code o} sits at {@code o % capacity}, and at most {@link #MAX_RANGES} disjoint ranges of held
 * offsets. Only bytes in {@code (expected, expected + capacity]} are kept, so no two held offsets
 * share a ring position. RAM: {@code capacity} bytes and {@link #MAX_RANGES} pairs of offsets; a
 * frame that would need more ranges or more room is not kept (the host sends it again).
 */
public final class HeldData {
    /** Disjoint held ranges at most: each lost frame in flight splits what follows into one more. */
    public static final int MAX_RANGES = 8;

    private final byte[] ring;
    /** Held ranges [starts[i], ends[i]), ascending, {@code count} of them. */
    private final long[] starts = new long[MAX_RANGES];
    private final long[] ends = new long[MAX_RANGES];
    private int count;

    /** @param capacity ring bytes, 1..65535 (INFO reports it as a u16) */
    public HeldData(int capacity) {
        if (capacity < 1 || capacity > 0xFFFF) {
            throw new IllegalArgumentException("hold capacity must be 1..65535 bytes, got " + capacity);
        }
        ring = new byte[capacity];
    }

    public int capacity() {
        return ring.length;
    }

    /** Held ranges. */
    public int ranges() {
        return count;
    }

    public long start(int i) {
        return starts[i];
    }

    public long end(int i) {
        return ends[i];
    }

    /** The index of the held range that holds patch offset {@code offset}, or -1. */
    public int rangeOf(long offset) {
        for (int i = 0; i < count; i++) {
            if (starts[i] <= offset && offset < ends[i]) {
                return i;
            }
        }
        return -1;
    }

    /** Nothing held (a new transfer, a restart, a reboot). */
    public void clear() {
        count = 0;
    }

    /**
     * Keeps {@code b[off..off+len)}, patch offsets {@code [offset, offset+len)}, while the device
     * expects {@code expected < offset}; false if it does not fit the ring or the ranges.
     */
    public boolean hold(long expected, long offset, byte[] b, int off, int len) {
        long end = offset + len;
        if (len <= 0 || offset <= expected || end - expected > ring.length || !addRange(offset, end)) {
            return false;
        }
        int at = (int) (offset % ring.length);
        int first = Math.min(len, ring.length - at);
        System.arraycopy(b, off, ring, at, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        return true;
    }

    /** Merges [s, e) into the ranges; false (nothing changed) if that would make too many. */
    private boolean addRange(long s, long e) {
        int i = 0;
        while (i < count && ends[i] < s) {
            i++;
        }
        int j = i;
        while (j < count && starts[j] <= e) {
            j++;
        }
        // ranges i..j-1 touch [s, e): they become one
        if (j == i) {
            if (count == MAX_RANGES) {
                return false;
            }
            System.arraycopy(starts, i, starts, i + 1, count - i);
            System.arraycopy(ends, i, ends, i + 1, count - i);
            starts[i] = s;
            ends[i] = e;
            count++;
            return true;
        }
        starts[i] = Math.min(s, starts[i]);
        ends[i] = Math.max(e, ends[j - 1]);
        System.arraycopy(starts, j, starts, i + 1, count - j);
        System.arraycopy(ends, j, ends, i + 1, count - j);
        count -= j - i - 1;
        return true;
    }

    /** Receives patch bytes in order. */
    @FunctionalInterface
    public interface Sink {
        void accept(byte[] b, int off, int len) throws IOException;
    }

    /**
     * If the first held range reaches {@code expected}, hands its bytes from {@code expected} on to
     * {@code sink} (in at most two pieces, where the ring wraps) and forgets it; the new expected
     * offset, or {@code expected} if nothing followed on.
     */
    public long release(long expected, Sink sink) throws IOException {
        if (count == 0 || starts[0] > expected) {
            return expected;
        }
        long end = ends[0];
        System.arraycopy(starts, 1, starts, 0, count - 1);
        System.arraycopy(ends, 1, ends, 0, count - 1);
        count--;
        if (end <= expected) {
            return expected;
        }
        int len = (int) (end - expected);
        int at = (int) (expected % ring.length);
        int first = Math.min(len, ring.length - at);
        sink.accept(ring, at, first);
        if (len > first) {
            sink.accept(ring, 0, len - first);
        }
        return end;
    }
}
