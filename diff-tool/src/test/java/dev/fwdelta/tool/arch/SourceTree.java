// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.arch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The repository's Java sources as the docs tests read them: where a class is declared. */
final class SourceTree {
    /** The repository, seen from a module's directory (where the tests run). */
    static final Path ROOT = Path.of("..");
    private static final List<String> MODULES = List.of("patch-runtime", "diff-tool", "update-server", "bench");

    private SourceTree() {
    }

    /** The .java file directly in {@code dir} that declares a class, interface, record or enum {@code name}, nested too. */
    static Optional<Path> declaringFile(Path dir, String name) {
        Path own = dir.resolve(name + ".java");
        if (Files.isRegularFile(own)) {
            return Optional.of(own);
        }
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Pattern declaration = Pattern.compile("\\b(?:class|interface|record|enum) " + name + "\\b");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> declaration.matcher(read(f)).find())
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean declaredIn(Path dir, String name) {
        return declaringFile(dir, name).isPresent();
    }

    /** The file declaring {@code name} anywhere under {@code tree}, build output left out. */
    static Optional<Path> declaringFileUnder(Path tree, String name) {
        try (Stream<Path> dirs = Files.walk(tree)) {
            return dirs.filter(Files::isDirectory).filter(d -> !d.toString().contains("target"))
                    .map(d -> declaringFile(d, name)).flatMap(Optional::stream).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file declaring {@code name} in any Java module's sources (patch-runtime/c's tests included). */
    static Optional<Path> declaringFileInAnyModule(String name) {
        for (String module : MODULES) {
            Optional<Path> file = declaringFileUnder(ROOT.resolve(module), name);
            if (file.isPresent()) {
                return file;
            }
        }
        return Optional.empty();
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
