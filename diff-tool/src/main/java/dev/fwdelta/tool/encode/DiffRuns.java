// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.tool.diff.DeltaRecord;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Where each record's diff run lies in the old and the new image: for the passes that read every
 * run of a plain diff (relocation plan, link address, reference evidence, view gain). The
 * positions are summed once, so that a pass over a large image can be split in parts, one per
 * core, each starting where its first record lies.
 */
final class DiffRuns {
    /** One pass's work on one diff run, into that part's accumulator. */
    interface Visitor<A> {
        void visit(A part, long oldPos, long newPos, int length);
    }

    private final List<DeltaRecord> records;
    private final long[] oldStarts;
    private final long[] newStarts;
    /** Diff bytes before each record, and in all records (the last element). */
    private final long[] diffBytesBefore;

    private DiffRuns(List<DeltaRecord> records) {
        this.records = records;
        int n = records.size();
        oldStarts = new long[n];
        newStarts = new long[n];
        diffBytesBefore = new long[n + 1];
        long oldPos = 0;
        long newPos = 0;
        for (int i = 0; i < n; i++) {
            DeltaRecord r = records.get(i);
            oldStarts[i] = oldPos;
            newStarts[i] = newPos;
            diffBytesBefore[i + 1] = diffBytesBefore[i] + r.diff().length;
            newPos += r.diff().length + r.extra().length;
            oldPos += r.diff().length + r.seek();
        }
    }

    static DiffRuns of(List<DeltaRecord> records) {
        return new DiffRuns(records);
    }

    /** Every run in order, into one accumulator. */
    <A> A scan(A part, Visitor<A> visitor) {
        visit(0, records.size(), part, visitor);
        return part;
    }

    /**
     * Every run, in parts of about equal diff bytes scanned side by side, one accumulator each:
     * for passes whose result does not depend on the order runs were seen in.
     */
    <A> List<A> scanInParts(Supplier<A> newPart, Visitor<A> visitor) {
        int parts = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), records.size()));
        int[] bounds = partBounds(parts);
        return IntStream.range(0, parts).parallel().mapToObj(p -> {
            A part = newPart.get();
            visit(bounds[p], bounds[p + 1], part, visitor);
            return part;
        }).toList();
    }

    /** Record indexes where parts begin, plus the end: cut where the diff bytes reach each share. */
    private int[] partBounds(int parts) {
        int[] bounds = new int[parts + 1];
        long total = diffBytesBefore[records.size()];
        int r = 0;
        for (int p = 1; p < parts; p++) {
            long share = total * p / parts;
            while (r < records.size() && diffBytesBefore[r] < share) {
                r++;
            }
            bounds[p] = r;
        }
        bounds[parts] = records.size();
        return bounds;
    }

    private <A> void visit(int from, int to, A part, Visitor<A> visitor) {
        for (int i = from; i < to; i++) {
            visitor.visit(part, oldStarts[i], newStarts[i], records.get(i).diff().length);
        }
    }
}
