// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.probe;

import dev.fwdelta.bench.ImagePair;
import dev.fwdelta.bench.PairSource;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.DeltaRecord;
import dev.fwdelta.tool.diff.SuffixArrayIndex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

/**
 * What LZMA primed with the old image would win on a diff's extra bytes, measured before building
 * it (docs/bench, "LZMA primed with the old image"): raw LZMA (lc0 lp0 pb0, normal mode, nice
 * length 273) of the plain diff's extra bytes at margin 6, as one stream with the default window,
 * in blocks of the window, in such blocks primed with the old image, and as one stream primed.
 * <pre>java -Dfwdelta.corpus=../shared/corpus -cp bench/target/benchmarks.jar dev.fwdelta.bench.probe.OldImageDictionary [PAIR...]</pre>
 */
public final class OldImageDictionary {
    /** Split's window at the default budget. */
    private static final int WINDOW = 5632;
    private static final int MARGIN = 6;
    private static final int WIDE = 16 << 20;

    private OldImageDictionary() {}

    public static void main(String[] args) throws IOException {
        List<String> names = args.length > 0 ? List.of(args)
                : List.of("microbit-v2-4-8", "microbit-v2-7-8", "esp8266", "pyb-release");
        System.out.println("| pair | extra bytes | one stream, window 5,632 | blocks of 5,632 | blocks of 5,632 primed"
                + " with the old image | one stream primed, 16 MiB |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : names) {
            ImagePair p = PairSource.pair(name);
            byte[] old = PairSource.imageBytes(p.oldPath());
            byte[] neu = PairSource.imageBytes(p.newPath());
            ByteArrayOutputStream extras = new ByteArrayOutputStream();
            for (DeltaRecord r : AlignmentScanner.diff(SuffixArrayIndex.of(old), neu, MARGIN)) {
                extras.writeBytes(r.extra());
            }
            byte[] e = extras.toByteArray();
            long whole = lzma(e, 0, e.length, WINDOW, null);
            long blocks = 0;
            long primedBlocks = 0;
            for (int off = 0; off < e.length; off += WINDOW) {
                int len = Math.min(WINDOW, e.length - off);
                blocks += lzma(e, off, len, WINDOW, null);
                primedBlocks += lzma(e, off, len, old.length + WINDOW, old);
            }
            long primed = lzma(e, 0, e.length, WIDE, old);
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d (%+.1f%%) | %d (%+.1f%%) |%n", name, e.length, whole,
                    blocks, primedBlocks, 100.0 * (primedBlocks - whole) / whole, primed, 100.0 * (primed - whole) / whole);
        }
    }

    /** Raw LZMA size of {@code len} bytes at {@code off}, its dictionary primed with {@code preset} (or not). */
    private static long lzma(byte[] data, int off, int len, int dict, byte[] preset) throws IOException {
        LZMA2Options o = new LZMA2Options(LZMA2Options.PRESET_MAX);
        o.setNiceLen(LZMA2Options.NICE_LEN_MAX);
        o.setLcLp(0, 0);
        o.setPb(0);
        o.setDictSize(Math.max(LZMA2Options.DICT_SIZE_MIN, dict));
        if (preset != null) {
            o.setPresetDict(preset);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (LZMAOutputStream z = new LZMAOutputStream(b, o, false)) {
            z.write(data, off, len);
        }
        return b.size();
    }
}
