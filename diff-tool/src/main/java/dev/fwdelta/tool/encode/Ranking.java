// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One diff's trials: of each codec the trials with its smallest fast-mode size, that size by
 * codec, and the smallest of all; or, for codecs without a cheaper trial and for tiny diffs,
 * their patches encoded in full already.
 */
record Ranking(List<Finalist> finalists, Map<Codec, Long> bestByCodec, long smallest, List<Encoded> encoded) {
    static Ranking encodedAlready(List<Encoded> encoded) {
        return new Ranking(List.of(), Map.of(), Long.MAX_VALUE, encoded);
    }

    /**
     * Patches encoded in full in place of fast-mode trials: their sizes stand for the fast
     * ones (FastModeBest, the views' screen), as exact sizes below
     * {@link TrialRanking#CHEAP_ENCODE_BYTES} where every finalist is encoded anyway.
     */
    static Ranking exact(List<Encoded> encoded) {
        Map<Codec, Long> best = new EnumMap<>(Codec.class);
        encoded.forEach(e -> best.merge(e.setting().codec(), (long) e.size(), Math::min));
        long smallest = best.values().stream().min(Long::compare).orElse(Long.MAX_VALUE);
        return new Ranking(List.of(), best, smallest, encoded);
    }

    /**
     * The finalists worth a full encoding ({@link FastModeBest}), its codecs' best sizes
     * then seen. Rankings are made side by side and admitted one by one, in the order of the
     * diffs, so that the search comes out the same on any number of cores.
     */
    Ranking admitted(FastModeBest fastBest) {
        List<Finalist> worth = finalists.stream()
                .filter(f -> fastBest.worthEncoding(f.trial().codec().codec(), f.fastSize())).toList();
        bestByCodec.forEach(fastBest::saw);
        return new Ranking(worth, bestByCodec, smallest, encoded);
    }

    /**
     * Whether fast mode alone settles this diff's choices: its finalists are of one codec
     * (the others were surely behind already in fast mode) and too large for fast mode to
     * mislead. Then their full encodings can wait like those of later margins.
     */
    boolean decidedInFastMode() {
        return encoded.isEmpty() && !finalists.isEmpty() && smallest >= TrialRanking.CHEAP_ENCODE_BYTES
                && finalists.stream().map(f -> f.trial().codec().codec()).distinct().count() == 1;
    }
}
