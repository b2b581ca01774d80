// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tests README.md and docs/*.md name as evidence exist: every test class they name is declared
 * in a module's sources, and every method they name with it ({@code Test#method}, {@code
 * Test.method}, a {@code -Dtest='Test#prefix*'} pattern) is a method of that class.
 */
class DocumentedTestsTest {
    /** A test class, then maybe #method or .method (a trailing * a prefix); not -DskipTests or @FuzzTest. */
    private static final Pattern TEST = Pattern.compile("(?<![\\w@-])([A-Z][A-Za-z0-9]*Test)\\b(?:[#.](?!java\\b)([a-z][A-Za-z0-9]*)(\\*?))?");

    @Test
    void everyTestTheDocsNameExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int named = 0;
        for (Path doc : docs()) {
            Matcher m = TEST.matcher(Files.readString(doc));
            while (m.find()) {
                named++;
                Optional<Path> file = SourceTree.declaringFileInAnyModule(m.group(1));
                if (file.isEmpty()) {
                    missing.add(doc.getFileName() + ": " + m.group());
                } else if (m.group(2) != null && !hasMethod(SourceTree.read(file.get()), m.group(2), !m.group(3).isEmpty())) {
                    missing.add(doc.getFileName() + ": " + m.group() + " (no such method in " + file.get().getFileName() + ")");
                }
            }
        }
        assertTrue(named > 100, "the docs were read: " + named + " test names");
        assertEquals(List.of(), missing, "tests the docs name that the sources do not have");
    }

    private static boolean hasMethod(String source, String name, boolean prefix) {
        return Pattern.compile("\\b" + name + (prefix ? "\\w*" : "") + "\\s*\\(").matcher(source).find();
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(SourceTree.ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(SourceTree.ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }
}
