// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.tool.encode.PatchBuilder.Built;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;

/** A patch and the setting it was made with. */
record Encoded(Built built, Setting setting, RelocationMap map) {
    boolean relocated() {
        return map != null;
    }

    int size() {
        return built.patch().length;
    }

    /**
     * Whether a view's patch is more than {@link SmallImageSearch#SURELY_BEHIND} times smaller
     * than the plain diff's: then the narrower margins do not diff the plain image again, since a
     * margin moves the plain diff and the views alike (on no corpus pair did a plain diff win
     * where a view was ahead at the widest margin).
     */
    static boolean viewSurelyAhead(List<Encoded> tried) {
        int plain = tried.stream().filter(e -> !e.relocated()).mapToInt(Encoded::size).min().orElseThrow();
        return tried.stream().filter(Encoded::relocated)
                .anyMatch(e -> e.size() * SmallImageSearch.SURELY_BEHIND < plain);
    }

    /** The smallest patch made with each codec, smallest first. */
    static List<Encoded> bestEncodedPerCodec(List<Encoded> built) {
        Map<Codec, Encoded> best = new EnumMap<>(Codec.class);
        for (Encoded e : built) {
            best.merge(e.setting().codec(), e, (x, y) -> y.built().patch().length < x.built().patch().length ? y : x);
        }
        return best.values().stream().sorted(Comparator.comparingInt(e -> e.built().patch().length)).toList();
    }
}
