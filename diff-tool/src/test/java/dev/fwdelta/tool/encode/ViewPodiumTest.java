// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.RelocationMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The podium keeps the best view of each source, the best few of those, whatever order they come in. */
class ViewPodiumTest {
    private static final RelocationMap MAP = new RelocationMap(0, RelocationMap.THUMB_BL, new long[] {0}, new long[] {4}, 100);

    private static ViewPodium.Entry entry(int source, int index, long gain) {
        return new ViewPodium.Entry(source, index, new ViewScreen.View(MAP, new byte[1], gain));
    }

    @Test
    void keepsTheBestOfEachSourceThenTheBestSources() {
        List<ViewPodium.Entry> entries = List.of(entry(0, 0, 50), entry(0, 1, 70), entry(1, 0, 60), entry(1, 1, 60),
                entry(2, 0, 65), entry(2, 1, -5), entry(3, 0, 0));
        // expected, from the rule: per source the highest gain (the first of equals), then by gain
        List<String> expected = List.of("0/1 70", "2/0 65");
        Random rnd = new Random(5);
        for (int round = 0; round < 50; round++) {
            List<ViewPodium.Entry> shuffled = new ArrayList<>(entries);
            Collections.shuffle(shuffled, rnd);
            ViewPodium podium = new ViewPodium(2);
            shuffled.forEach(podium::offer);
            assertEquals(expected, describe(podium, shuffled));
        }
        ViewPodium three = new ViewPodium(3);
        entries.forEach(three::offer);
        assertEquals(List.of("0/1 70", "2/0 65", "1/0 60"), describe(three, entries));
    }

    @Test
    void viewsThatGainNothingAreNeverKept() {
        ViewPodium podium = new ViewPodium(2);
        podium.offer(entry(0, 0, 0));
        podium.offer(entry(1, 0, -10));
        assertTrue(podium.views().isEmpty());
    }

    /** "source/index gain" of each view kept, found back by identity among the offered entries. */
    private static List<String> describe(ViewPodium podium, List<ViewPodium.Entry> offered) {
        List<String> out = new ArrayList<>();
        for (ViewScreen.View v : podium.views()) {
            ViewPodium.Entry e = offered.stream().filter(x -> x.view() == v).findFirst().orElseThrow();
            out.add(e.source() + "/" + e.index() + " " + v.gain());
        }
        return out;
    }
}
