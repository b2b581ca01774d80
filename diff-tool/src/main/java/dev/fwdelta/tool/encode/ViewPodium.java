// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The best screened views so far, at most one per map source, as screening tasks finish in any
 * order. A view is an image-sized array, so only those that can still be among the best
 * {@code places} are kept: the winners need not be made a second time, and the heap holds
 * {@code places} views plus one per task under way (a view screened on a sample has no bytes).
 *
 * <p>The outcome does not depend on the order tasks finish in: views rank by gain, then by
 * source, then by their place in the source's list (the first of equal gains wins).
 */
final class ViewPodium {
    /** A view with where its map came from: source number and place in that source's list. */
    record Entry(int source, int index, ViewScreen.View view) {
    }

    private static final Comparator<Entry> BEST_FIRST = Comparator.<Entry>comparingLong(e -> -e.view().gain())
            .thenComparingInt(Entry::source).thenComparingInt(Entry::index);

    private final int places;
    private final List<Entry> entries = new ArrayList<>(); // best first, one per source

    ViewPodium(int places) {
        this.places = places;
    }

    /**
     * Keeps the entry if it gains and ranks among the best, in place of its source's entry when
     * it beats that one. An entry that falls off never comes back: the podium only gets better.
     */
    synchronized void offer(Entry e) {
        if (e.view().gain() <= 0) {
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry same = entries.get(i);
            if (same.source() == e.source()) {
                if (BEST_FIRST.compare(e, same) > 0) {
                    return;
                }
                entries.remove(i);
                break;
            }
        }
        entries.add(e);
        entries.sort(BEST_FIRST);
        while (entries.size() > places) {
            entries.remove(entries.size() - 1);
        }
    }

    /** The views kept, best first. */
    synchronized List<ViewScreen.View> views() {
        return entries.stream().map(Entry::view).toList();
    }
}
