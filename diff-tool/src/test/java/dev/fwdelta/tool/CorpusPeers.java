// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The smallest patch any peer reaches on each pair, read from the peer tables of the corpus
 * README (bsdiff, xdelta3, zstd, detools, HDiffPatch's best setting): the goal is the README's
 * figures themselves, not a copy of them that could drift.
 */
public final class CorpusPeers {
    /** Columns of the README's tables that are not a peer's patch size. */
    private static final Set<String> NOT_PEERS = Set.of("pair", "old", "new", "what it is", "new size", "setting");

    private CorpusPeers() {}

    /** pair name -> smallest peer patch in bytes, over every table row that names the pair. */
    public static Map<String, Integer> best() {
        Map<String, Integer> best = new HashMap<>();
        List<String> columns = null;
        for (String line : readme()) {
            if (!line.startsWith("|")) {
                columns = null;
            } else if (columns == null) {
                columns = row(line);
            } else {
                List<String> cells = row(line);
                for (int i = 1; i < Math.min(cells.size(), columns.size()); i++) {
                    if (!NOT_PEERS.contains(columns.get(i)) && cells.get(i).matches("[0-9]{1,9}")) {
                        best.merge(cells.get(0), Integer.parseInt(cells.get(i)), Math::min);
                    }
                }
            }
        }
        return best;
    }

    private static List<String> readme() {
        try {
            return Files.readAllLines(Corpus.dir().resolve("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A table row's cells, trimmed, without the empty ones outside the outer bars. */
    private static List<String> row(String line) {
        String inner = line.strip().replaceAll("^\\|", "").replaceAll("\\|$", "");
        return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
    }
}
