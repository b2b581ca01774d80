// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A hash table of the old image's 8-byte strings, each slot holding the first position with that
 * hash. A search tries the current alignment and that one position, and keeps the longer match.
 * Where two versions of an image mostly keep their order (the usual case), that finds nearly
 * what the suffix array finds, without building one (the suffix array of a multi-megabyte image
 * took longer than Debian's whole bsdiff run).
 *
 * <p>Memory: one int per slot, at most one slot per old byte (the table size is the largest power
 * of two not above the old image's size), so at most 4 bytes per old byte. A slot keeps one
 * position, so strings far into the image are often lost to earlier ones with the same hash;
 * the scan needs to find moved code at one position only, and follows it from there. Twice the
 * slots, or four positions per slot, were tried on libpython: patches slightly smaller, the diff
 * much slower.
 */
public final class HashIndex implements MatchIndex {
    /** Bytes hashed: shorter strings collide in code (4-byte instructions repeat), longer ones miss edits. */
    static final int KEY_BYTES = 8;
    private static final int MIN_TABLE_BITS = 10;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final int EMPTY = -1;

    private final byte[] old;
    private final int[] slots;
    private final int shift;

    private HashIndex(byte[] old) {
        this.old = old;
        int bits = Math.max(MIN_TABLE_BITS, 31 - Integer.numberOfLeadingZeros(Math.max(1, old.length)));
        this.slots = new int[1 << bits];
        this.shift = 64 - bits;
        Arrays.fill(slots, EMPTY);
        // Backwards, so that the first occurrence of a string is the one kept: new code tends to
        // keep its old order, and the first occurrence is where a forward scan meets it.
        for (int i = old.length - KEY_BYTES; i >= 0; i--) {
            slots[slot(old, i)] = i;
        }
    }

    public static HashIndex of(byte[] old) {
        return new HashIndex(old);
    }

    @Override
    public byte[] old() {
        return old;
    }

    private int slot(byte[] b, int at) {
        // Fibonacci hashing: the multiply spreads all eight bytes into the top bits.
        return (int) (((long) LONG.get(b, at) * 0x9E3779B97F4A7C15L) >>> shift);
    }

    @Override
    public int longest(byte[] neu, int at, int to, int hint, int[] pos) {
        int best = MatchIndex.matchLength(old, hint, neu, at, to);
        pos[0] = best > 0 ? hint : 0;
        if (at + KEY_BYTES <= neu.length) {
            int candidate = slots[slot(neu, at)];
            if (candidate != EMPTY && candidate != hint) {
                int len = MatchIndex.matchLength(old, candidate, neu, at, to);
                if (len > best) {
                    best = len;
                    pos[0] = candidate;
                }
            }
        }
        return best;
    }
}
