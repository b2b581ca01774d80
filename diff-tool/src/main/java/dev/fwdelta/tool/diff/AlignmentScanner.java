// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * bsdiff's matching (Percival 2003), written for fwdelta: the new image is cut into segments that
 * are scanned on all cores, and the records come out directly, with no BSDIFF40 round trip. The
 * segments depend on the image size only, never on the machine, so a patch is the same wherever
 * it is built.
 *
 * <p>The scan is bsdiff's: at each new position it asks a {@link MatchIndex} for a long match in
 * the old image and takes it when it beats the current alignment by more than a margin
 * ({@link #NEW_ALIGNMENT_MARGIN} bytes by default); between two alignments the bytes are split
 * into a forward extension of the first (diff bytes, mostly zero), a backward extension of the
 * second, and extra bytes in between. Then the covers that would cost more than their bytes sent
 * as extra bytes are dropped ({@link CostlyCoverDropper}).
 */
public final class AlignmentScanner {
    private AlignmentScanner() {}

    /** A match must beat the current alignment by this many bytes to start a new record (bsdiff's 8). */
    public static final int NEW_ALIGNMENT_MARGIN = 8;
    /** New-image bytes per segment scanned in parallel; a segment boundary costs at most a record. */
    static final int SEGMENT_BYTES = 256 * 1024;

    /** One record in absolute positions: {@code diffLen} bytes diffed at (newStart, oldStart), then extra bytes. */
    record Run(int newStart, int oldStart, int diffLen, int extraLen) {
    }

    /** The delta of {@code newImage} against {@code oldImage} as records, bsdiff's way (a suffix array). */
    public static List<DeltaRecord> diff(byte[] oldImage, byte[] newImage) {
        return diff(SuffixArrayIndex.of(oldImage), newImage, NEW_ALIGNMENT_MARGIN);
    }

    /** The delta of {@code newImage} against the index's old image, with the given margin. */
    public static List<DeltaRecord> diff(MatchIndex index, byte[] newImage, int margin) {
        byte[] oldImage = index.old();
        List<Run> runs = CostlyCoverDropper.drop(runs(index, newImage, margin), oldImage, newImage);
        index = null; // up to 4 bytes per old byte: let it go before the records' diff bytes are made
        return toRecords(runs, oldImage, newImage);
    }

    static List<Run> runs(MatchIndex index, byte[] newImage, int margin) {
        int segments = Math.max(1, (newImage.length + SEGMENT_BYTES - 1) / SEGMENT_BYTES);
        List<List<Run>> parts = IntStream.range(0, segments).parallel()
                .mapToObj(k -> scan(index, newImage, (int) ((long) newImage.length * k / segments),
                        (int) ((long) newImage.length * (k + 1) / segments), margin))
                .toList();
        List<Run> all = new ArrayList<>();
        parts.forEach(all::addAll);
        return all;
    }

    /** bsdiff's scan of new[from, to). */
    private static List<Run> scan(MatchIndex index, byte[] neu, int from, int to, int margin) {
        byte[] old = index.old();
        List<Run> runs = new ArrayList<>();
        int oldSize = old.length;
        int scan = from;
        int len = 0;
        int pos = 0;
        int lastScan = from;
        int lastPos = Math.min(from, oldSize);
        int lastOffset = lastPos - from;
        int[] found = new int[1];
        while (scan < to) {
            int oldScore = 0;
            int scsc = scan += len;
            for (; scan < to; scan++) {
                len = index.longest(neu, scan, to, scan + lastOffset, found);
                pos = found[0];
                for (; scsc < scan + len; scsc++) {
                    if (scsc + lastOffset >= 0 && scsc + lastOffset < oldSize && old[scsc + lastOffset] == neu[scsc]) {
                        oldScore++;
                    }
                }
                if ((len == oldScore && len != 0) || len > oldScore + margin) {
                    break;
                }
                if (scan + lastOffset >= 0 && scan + lastOffset < oldSize && old[scan + lastOffset] == neu[scan]) {
                    oldScore--;
                }
            }
            if (len != oldScore || scan == to) {
                int lenF = forwardExtension(old, neu, lastScan, lastPos, scan);
                int lenB = scan < to ? backwardExtension(old, neu, lastScan, scan, pos) : 0;
                if (lastScan + lenF > scan - lenB) {
                    int overlap = (lastScan + lenF) - (scan - lenB);
                    int s = 0;
                    int best = 0;
                    int lenS = 0;
                    for (int i = 0; i < overlap; i++) {
                        if (neu[lastScan + lenF - overlap + i] == old[lastPos + lenF - overlap + i]) {
                            s++;
                        }
                        if (neu[scan - lenB + i] == old[pos - lenB + i]) {
                            s--;
                        }
                        if (s > best) {
                            best = s;
                            lenS = i + 1;
                        }
                    }
                    lenF += lenS - overlap;
                    lenB -= lenS;
                }
                runs.add(new Run(lastScan, lastPos, lenF, (scan - lenB) - (lastScan + lenF)));
                lastScan = scan - lenB;
                lastPos = pos - lenB;
                lastOffset = pos - scan;
            }
        }
        return runs;
    }

    /** bsdiff's forward extension: the prefix where at least half the bytes match, best score. */
    private static int forwardExtension(byte[] old, byte[] neu, int lastScan, int lastPos, int scan) {
        int s = 0;
        int best = 0;
        int lenF = 0;
        for (int i = 0; lastScan + i < scan && lastPos + i < old.length; ) {
            if (old[lastPos + i] == neu[lastScan + i]) {
                s++;
            }
            i++;
            if (s * 2 - i > best * 2 - lenF) {
                best = s;
                lenF = i;
            }
        }
        return lenF;
    }

    private static int backwardExtension(byte[] old, byte[] neu, int lastScan, int scan, int pos) {
        int s = 0;
        int best = 0;
        int lenB = 0;
        for (int i = 1; scan >= lastScan + i && pos >= i; i++) {
            if (old[pos - i] == neu[scan - i]) {
                s++;
            }
            if (s * 2 - i > best * 2 - lenB) {
                best = s;
                lenB = i;
            }
        }
        return lenB;
    }

    /** Records with relative seeks; a record without diff bytes leaves the old position where it was. */
    static List<DeltaRecord> toRecords(List<Run> runs, byte[] old, byte[] neu) {
        List<DeltaRecord> records = new ArrayList<>(runs.size() + 1);
        long oldPos = 0;
        DeltaRecord pending = null;
        for (Run r : runs) {
            long start = r.diffLen() > 0 ? r.oldStart() : oldPos;
            if (pending != null) {
                records.add(new DeltaRecord(pending.diff(), pending.extra(), start - oldPos));
            } else if (start != 0) {
                records.add(new DeltaRecord(new byte[0], new byte[0], start));
            }
            byte[] diff = diffBytes(r, old, neu);
            int extraStart = r.newStart() + r.diffLen();
            pending = new DeltaRecord(diff, Arrays.copyOfRange(neu, extraStart, extraStart + r.extraLen()), 0);
            oldPos = start + r.diffLen();
        }
        if (pending != null) {
            records.add(pending);
        }
        return records;
    }

    /**
     * A run's diff bytes, new minus old. Most are zero (the bytes match): the array starts zeroed
     * and the loop skips to each difference with a vectorized compare.
     */
    private static byte[] diffBytes(Run r, byte[] old, byte[] neu) {
        int n = r.diffLen();
        int a = r.newStart();
        int b = r.oldStart();
        byte[] diff = new byte[n];
        for (int i = 0; i < n; i++) {
            int equal = Arrays.mismatch(neu, a + i, a + n, old, b + i, b + n);
            if (equal < 0) {
                break;
            }
            i += equal;
            diff[i] = (byte) (neu[a + i] - old[b + i]);
        }
        return diff;
    }
}
