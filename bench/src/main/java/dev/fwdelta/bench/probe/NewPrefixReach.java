// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.probe;

import dev.fwdelta.bench.ImagePair;
import dev.fwdelta.bench.PairSource;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.DeltaRecord;
import dev.fwdelta.tool.diff.SuffixArrayIndex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a record copying from the new image already written (the staging slot) could reach, measured
 * before building one (issue 19's first direction; docs/bench, "Measured again on 2026-12-07"): of
 * the plain diff's extra bytes, how many a greedy match of at least {@code MIN} bytes among the new
 * image's earlier bytes covers within LZMA's window (which the codec reaches already) and beyond it.
 * <pre>java -cp bench/target/benchmarks.jar dev.fwdelta.bench.probe.NewPrefixReach [PAIR...]</pre>
 */
public final class NewPrefixReach {
    /** About the largest LZMA window of a default patch: what LZMA reaches already. */
    private static final int WINDOW = 6144;
    private static final int MIN_MATCH = 8;
    /** The plain diff at the builder's middle alignment margin. */
    private static final int MARGIN = 6;
    private static final int KEY_BYTES = 4;
    /** Candidates tried per position, newest first: enough for firmware's repeats, bounded for its runs. */
    private static final int CANDIDATES = 256;

    private NewPrefixReach() {}

    public static void main(String[] args) throws IOException {
        List<String> names = args.length > 0 ? List.of(args)
                : List.of("microbit-v2-4-8", "microbit-v2-7-8", "esp8266", "pyb-release");
        for (String name : names) {
            ImagePair pair = PairSource.pair(name);
            byte[] old = PairSource.imageBytes(pair.oldPath());
            byte[] neu = PairSource.imageBytes(pair.newPath());
            boolean[] extra = extraBytes(AlignmentScanner.diff(SuffixArrayIndex.of(old), neu, MARGIN), neu.length);
            long[] reach = reach(neu, extra);
            long extras = 0;
            for (boolean e : extra) {
                extras += e ? 1 : 0;
            }
            System.out.printf("%s: %d extra bytes; matches of %d bytes or more cover %d within %d bytes and %d"
                    + " beyond (%d matches)%n", name, extras, MIN_MATCH, reach[0], WINDOW, reach[1], reach[2]);
        }
    }

    /** Which new-image bytes the records write as extra bytes (new code the old image did not match). */
    private static boolean[] extraBytes(List<DeltaRecord> records, int newSize) {
        boolean[] extra = new boolean[newSize];
        int at = 0;
        for (DeltaRecord r : records) {
            at += r.diff().length;
            for (int i = 0; i < r.extra().length; i++) {
                extra[at + i] = true;
            }
            at += r.extra().length;
        }
        return extra;
    }

    /** Extra bytes matched in the new image's earlier bytes: within the window, beyond it, and matches beyond. */
    private static long[] reach(byte[] neu, boolean[] extra) {
        Map<Integer, List<Integer>> earlier = new HashMap<>();
        long near = 0;
        long far = 0;
        long farMatches = 0;
        int indexed = 0;
        int p = 0;
        while (p < neu.length) {
            for (; indexed < p && indexed + KEY_BYTES <= neu.length; indexed++) {
                earlier.computeIfAbsent(key(neu, indexed), k -> new ArrayList<>()).add(indexed);
            }
            if (!extra[p] || p + KEY_BYTES > neu.length) {
                p++;
                continue;
            }
            int bestNear = 0;
            int bestFar = 0;
            List<Integer> c = earlier.getOrDefault(key(neu, p), List.of());
            for (int i = c.size() - 1; i >= 0 && i >= c.size() - CANDIDATES; i--) {
                int q = c.get(i);
                int len = 0;
                while (p + len < neu.length && extra[p + len] && neu[q + len] == neu[p + len]) {
                    len++;
                }
                if (p - q <= WINDOW) {
                    bestNear = Math.max(bestNear, len);
                } else {
                    bestFar = Math.max(bestFar, len);
                }
            }
            if (bestNear >= MIN_MATCH && bestNear >= bestFar) {
                near += bestNear;
                p += bestNear;
            } else if (bestFar >= MIN_MATCH) {
                far += bestFar;
                farMatches++;
                p += bestFar;
            } else {
                p++;
            }
        }
        return new long[] {near, far, farMatches};
    }

    private static int key(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }
}
