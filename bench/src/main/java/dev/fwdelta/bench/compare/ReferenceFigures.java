// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Patch sizes of tools that cannot run here, quoted from the corpus README's tables: columns
 * whose header names detools (not packaged for Debian) or hdiffz (HDiffPatch, built from source
 * for the README; its best setting of a grid per pair).
 */
final class ReferenceFigures {
    private ReferenceFigures() {}

    /** pair -> (column label -> bytes), for the detools and HDiffPatch columns. */
    static Map<String, Map<String, Long>> quoted(Path corpus) throws IOException {
        Map<String, Map<String, Long>> out = new HashMap<>();
        Path readme = corpus.resolve("README.md");
        if (!Files.isRegularFile(readme)) {
            return out;
        }
        List<String> header = null;
        for (String line : Files.readAllLines(readme)) {
            if (!line.startsWith("|")) {
                header = null;
                continue;
            }
            List<String> cells = cells(line);
            if (header == null) {
                header = cells;
                continue;
            }
            for (int i = 1; i < Math.min(cells.size(), header.size()); i++) {
                String col = header.get(i);
                if ((col.startsWith("detools") || col.startsWith("hdiffz")) && cells.get(i).matches("\\d+")) {
                    String label = col.replace(" ", "-") + " (quoted)";
                    out.computeIfAbsent(cells.get(0), k -> new LinkedHashMap<>())
                            .put(label, Long.parseLong(cells.get(i)));
                }
            }
        }
        return out;
    }

    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        for (String c : line.split("\\|")) {
            out.add(c.strip());
        }
        out.remove(0);
        return out;
    }
}
