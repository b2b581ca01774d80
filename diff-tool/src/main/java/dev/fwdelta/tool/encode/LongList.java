// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import java.util.Arrays;
import java.util.List;

/**
 * A growable array of longs: the builder's evidence (hundreds of thousands of packed samples on
 * a large image) kept without a boxed object each, and sorted as primitives.
 */
final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    /** The values of all these lists in ascending order, as a new array: parts of one pass, merged. */
    static long[] sorted(List<LongList> parts) {
        long[] out = new long[parts.stream().mapToInt(LongList::size).sum()];
        int at = 0;
        for (LongList part : parts) {
            System.arraycopy(part.values, 0, out, at, part.size);
            at += part.size;
        }
        Arrays.sort(out);
        return out;
    }
}
