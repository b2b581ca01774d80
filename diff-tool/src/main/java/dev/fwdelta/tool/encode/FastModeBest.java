// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import java.util.EnumMap;
import java.util.Map;

/**
 * The smallest fast-mode size each codec reached so far in one small image's search (every
 * alignment margin, the plain diff and its views). A later diff whose best fast-mode size is
 * larger is not encoded in full: on no corpus pair did such an encoding win (docs/bench,
 * "In-process diff throughput"). Below {@link TrialRanking#CHEAP_ENCODE_BYTES} of fast-mode output
 * everything is encoded: such a full encoding costs little, and on patches that small the fast
 * mode's ranking misleads (synth-1-3's smallest patch comes from a diff its fast mode put well
 * behind the best).
 */
final class FastModeBest {
    private final Map<Codec, Long> smallest = new EnumMap<>(Codec.class);

    boolean worthEncoding(Codec codec, long fastSize) {
        Long seen = smallest.get(codec);
        return seen == null || fastSize <= seen || fastSize < TrialRanking.CHEAP_ENCODE_BYTES;
    }

    void saw(Codec codec, long fastSize) {
        smallest.merge(codec, fastSize, Math::min);
    }
}
