// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import java.util.ArrayList;
import java.util.List;

/** A codec, its lc/lp/pb, and a record kind (sparse or not, FORMAT.md 2.2). */
record Setting(Codec codec, int props, boolean sparse) {
    /** Record kinds in the order they are tried (plain records first, which ties then keep). */
    static final boolean[] RECORD_KINDS = {false, true};

    /**
     * LZMA and split code their data alike (same lc/lp/pb): a setting that wins with one is tried
     * with the other, which wins depends on how much of the records are controls.
     */
    static boolean sameFamily(Codec a, Codec b) {
        return a == b || (a == Codec.LZMA || a == Codec.SPLIT) && (b == Codec.LZMA || b == Codec.SPLIT);
    }

    static Setting of(BlockCompressor c, boolean sparse) {
        return new Setting(c.codec(), c.props(), sparse);
    }

    /** Every candidate with both record kinds. */
    static List<Setting> every(List<BlockCompressor> candidates) {
        List<Setting> out = new ArrayList<>();
        for (boolean sparse : RECORD_KINDS) {
            for (BlockCompressor c : candidates) {
                out.add(of(c, sparse));
            }
        }
        return out;
    }

    /**
     * The setting of each codec's smallest patch, less a codec whose best patch is more than
     * {@link SmallImageSearch#SURELY_BEHIND} times another's, when that one is over
     * {@link TrialRanking#CHEAP_ENCODE_BYTES}: LZMA and split win by what share of the records are
     * controls, and that share hardly moves between the margins and views of one pair.
     */
    static List<Setting> winners(List<Encoded> tried) {
        List<Encoded> best = Encoded.bestEncodedPerCodec(tried);
        int smallest = best.get(0).built().patch().length;
        return best.stream()
                .filter(e -> smallest < TrialRanking.CHEAP_ENCODE_BYTES
                        || e.built().patch().length <= smallest * SmallImageSearch.SURELY_BEHIND)
                .map(Encoded::setting).toList();
    }

    /**
     * The settings of the finalists that wait (one codec's, Ranking.decidedInFastMode):
     * those with the smallest fast-mode size.
     */
    static List<Setting> fastWinners(List<Finalist> finalists) {
        long smallest = finalists.stream().mapToLong(Finalist::fastSize).min().orElseThrow();
        return finalists.stream().filter(f -> f.fastSize() == smallest)
                .map(f -> Setting.of(f.trial().codec(), f.trial().sparse())).distinct().toList();
    }

    /**
     * For each split setting that does not fit beside a map (none of {@code fitting} matches
     * it), LZMA with the same lc/lp/pb, unless among the settings already: split's tables take
     * 2 KiB more than LZMA's, and where split won the plain diff but a full map left it no
     * compatible window, the view had no trial at all and the patch no map (docs/bench, "The
     * map's size where the budget limits it").
     */
    static List<Setting> siblingsBesideMap(List<Setting> settings, List<BlockCompressor> fitting) {
        List<Setting> out = new ArrayList<>();
        for (Setting s : settings) {
            Setting t = new Setting(Codec.LZMA, s.props(), s.sparse());
            if (s.codec() == Codec.SPLIT && fitting.stream().noneMatch(s::matches) && !settings.contains(t)
                    && !out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Trials of the candidates that match a setting, record kind by record kind. */
    static List<Pairing> pairings(List<Setting> settings, List<BlockCompressor> candidates) {
        List<Pairing> out = new ArrayList<>();
        for (boolean sparse : RECORD_KINDS) {
            for (BlockCompressor c : candidates) {
                if (settings.stream().anyMatch(s -> s.sparse() == sparse && s.matches(c))) {
                    out.add(new Pairing(c, sparse));
                }
            }
        }
        return out;
    }

    boolean matches(BlockCompressor c) {
        return c.codec() == codec && c.props() == props;
    }
}
