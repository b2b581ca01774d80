package dev.fwdelta.bench.research;

import dev.fwdelta.bench.ImagePair;
import dev.fwdelta.bench.PairSource;
import dev.fwdelta.tool.diff.BsdiffMatcher;
import dev.fwdelta.tool.diff.DeltaRecord;
import dev.fwdelta.tool.encode.LzmaCompressor;
import dev.fwdelta.tool.encode.RawBlock;
import dev.fwdelta.tool.encode.RecordBlocker;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Research, not part of the format: how much smaller patches get if the diff bytes of relocated
 * references are predicted from bsdiff's own old-to-new alignment (issue 8). For each diff run the
 * prediction of a Thumb BL (halfword aligned, F0xx F8xx) is the old call retargeted through the
 * alignment map; of an aligned 32-bit word holding an address (given a non-zero image base), the
 * old address mapped through it. Diff bytes become new - prediction. It prints the patch payload
 * size with and without prediction (same LZMA settings as the default within 16 KiB).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.fwdelta.bench.research.RelocationPrediction}.
 * A device would need the alignment map before the first block (and again after a reboot to
 * resume): that, not the arithmetic, is the design work left.
 */
public final class RelocationPrediction {
    private static final long[] BASES = {0x0800_0000L, 0x4020_0000L, 0x4010_0000L, 0x0040_0000L, 0x1000_0000L};

    private RelocationPrediction() {}

    /** Old-to-new alignment: the diff runs as {oldStart, length, newStart}, sorted by oldStart. */
    record AlignmentMap(long[][] runs) {
        static AlignmentMap of(List<DeltaRecord> records) {
            List<long[]> runs = new ArrayList<>();
            long oldPos = 0;
            long newPos = 0;
            for (DeltaRecord r : records) {
                if (r.diff().length > 0) {
                    runs.add(new long[] {oldPos, r.diff().length, newPos});
                }
                newPos += r.diff().length + r.extra().length;
                oldPos += r.diff().length + r.seek();
            }
            runs.sort(Comparator.comparingLong(x -> x[0]));
            return new AlignmentMap(runs.toArray(new long[0][]));
        }

        /** The new offset of old offset {@code a}, or -1 if no diff run covers it. */
        long map(long a) {
            int lo = 0;
            int hi = runs.length - 1;
            while (lo <= hi) {
                int m = (lo + hi) >>> 1;
                if (runs[m][0] > a) {
                    hi = m - 1;
                } else if (runs[m][0] + runs[m][1] <= a) {
                    lo = m + 1;
                } else {
                    return runs[m][2] + (a - runs[m][0]);
                }
            }
            return -1;
        }
    }

    static int le32(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    /** The link address of the image: the base most aligned words point into, or 0 if none stands out. */
    static long imageBase(byte[] old) {
        long best = 0;
        int bestScore = old.length / 400; // at least 1% of the words must be pointers
        for (long base : BASES) {
            int score = 0;
            for (int i = 0; i + 4 <= old.length; i += 4) {
                long a = ((le32(old, i) & 0xFFFF_FFFFL) & ~1L) - base;
                if (a >= 0x100 && a < old.length) {
                    score++;
                }
            }
            if (score > bestScore) {
                bestScore = score;
                best = base;
            }
        }
        return best;
    }

    /** The records with their diff bytes taken against the predicted new bytes. */
    static List<DeltaRecord> predict(byte[] old, byte[] neu, List<DeltaRecord> records) {
        AlignmentMap map = AlignmentMap.of(records);
        long base = imageBase(old);
        List<DeltaRecord> out = new ArrayList<>();
        long op = 0;
        long np = 0;
        for (DeltaRecord r : records) {
            int len = r.diff().length;
            byte[] pred = new byte[len];
            System.arraycopy(old, (int) op, pred, 0, len);
            if (base != 0) {
                for (long w = (op + 3) & ~3L; w + 4 <= op + len; w += 4) {
                    long v = le32(old, (int) w) & 0xFFFF_FFFFL;
                    long m = map.map((v & ~1L) - base);
                    if ((v & ~1L) - base >= 0x100 && m >= 0) {
                        put32(pred, (int) (w - op), m + base + (v & 1));
                    }
                }
            }
            for (long q = (op + 1) & ~1L; q + 4 <= op + len; q += 2) {
                int i = (int) q;
                if ((old[i + 1] & 0xF8) == 0xF0 && (old[i + 3] & 0xF8) == 0xF8) {
                    int off = ((old[i + 1] & 7) << 19) | ((old[i] & 0xFF) << 11) | ((old[i + 3] & 7) << 8)
                            | (old[i + 2] & 0xFF);
                    long m = map.map(q + 4 + ((off << 10) >> 9));
                    if (m >= 0) {
                        long offset = (m - (np + (q - op) + 4)) >> 1;
                        int k = (int) (q - op);
                        pred[k + 1] = (byte) (0xF0 | ((offset >> 19) & 7));
                        pred[k] = (byte) (offset >> 11);
                        pred[k + 3] = (byte) (0xF8 | ((offset >> 8) & 7));
                        pred[k + 2] = (byte) offset;
                    }
                    q += 2;
                }
            }
            byte[] diff = new byte[len];
            for (int k = 0; k < len; k++) {
                diff[k] = (byte) (neu[(int) np + k] - pred[k]);
            }
            out.add(new DeltaRecord(diff, r.extra(), r.seek()));
            np += len + r.extra().length;
            op += len + r.seek();
        }
        return out;
    }

    private static void put32(byte[] b, int i, long v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) (v >>> 16);
        b[i + 3] = (byte) (v >>> 24);
    }

    static long payload(List<DeltaRecord> records) {
        LzmaCompressor lzma = new LzmaCompressor(9984, 0, 0, 0);
        long size = 0;
        for (RawBlock b : RecordBlocker.split(records, 1 << 20)) {
            size += lzma.compress(b.records()).length + 28;
        }
        return size;
    }

    public static void main(String[] args) throws Exception {
        System.out.printf("%-12s %10s %10s %10s  %s%n", "pair", "payload", "predicted", "ratio", "image base");
        for (ImagePair p : PairSource.pairs()) {
            byte[] old = Files.readAllBytes(p.oldPath());
            byte[] neu = Files.readAllBytes(p.newPath());
            List<DeltaRecord> records = BsdiffMatcher.diff(old, neu);
            long plain = payload(records);
            long predicted = payload(predict(old, neu, records));
            System.out.printf("%-12s %10d %10d %9.1f%%  0x%08x%n", p.name(), plain, predicted, 100.0 * predicted / plain,
                    imageBase(old));
        }
    }
}
