// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench;

import dev.fwdelta.tool.image.ImageFormat;
import dev.fwdelta.tool.image.ImageLoader;
import dev.fwdelta.tool.image.MainFlash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the benchmark pairs come from: the shared corpus (its README's pair table names each
 * pair's old and new file), or, with {@code -Dfwdelta.pairs=DIR}, any directory whose
 * subdirectories each hold one file named old* and one named new*.
 */
public final class PairSource {
    /** A README table row: | name | old/path | new/path | ... */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*([\\w.-]+)\\s*\\|\\s*([^|\\s]+)\\s*\\|\\s*([^|\\s]+)\\s*\\|");

    private PairSource() {}

    public static Path corpusDir() {
        return Path.of(System.getProperty("fwdelta.corpus", "../shared/corpus"));
    }

    /** The pairs of {@code -Dfwdelta.pairs} if set, else of the corpus. */
    public static List<ImagePair> pairs() {
        String dir = System.getProperty("fwdelta.pairs");
        return dir != null ? fromDirectory(Path.of(dir)) : fromCorpus(corpusDir());
    }

    public static ImagePair pair(String name) {
        return pairs().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no pair named " + name + " (have: "
                        + pairs().stream().map(ImagePair::name).toList() + ")"));
    }

    /**
     * The bytes of an image file as the benchmarks take it: a raw image as it is, an Intel HEX (or
     * other addressed) file as its main flash region ({@link MainFlash}), the bytes the corpus
     * README measured the peers on (the micro:bit pairs).
     */
    public static byte[] imageBytes(Path file) throws IOException {
        return ImageLoader.detect(file) == ImageFormat.BIN ? Files.readAllBytes(file) : MainFlash.read(file).bytes();
    }

    public static List<ImagePair> fromCorpus(Path corpus) {
        Path readme = corpus.resolve("README.md");
        List<ImagePair> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(readme)) {
                Matcher m = ROW.matcher(line);
                if (m.find() && Files.isRegularFile(corpus.resolve(m.group(2)))
                        && Files.isRegularFile(corpus.resolve(m.group(3)))) {
                    out.add(new ImagePair(m.group(1), corpus.resolve(m.group(2)), corpus.resolve(m.group(3))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the corpus README " + readme.toAbsolutePath(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no pairs found in " + readme.toAbsolutePath());
        }
        return out;
    }

    public static List<ImagePair> fromDirectory(Path dir) {
        List<ImagePair> out = new ArrayList<>();
        try (Stream<Path> subdirs = Files.list(dir)) {
            for (Path d : subdirs.filter(Files::isDirectory).sorted().toList()) {
                Path oldFile = single(d, "old");
                Path newFile = single(d, "new");
                out.add(new ImagePair(d.getFileName().toString(), oldFile, newFile));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Path single(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> match = files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
            if (match.size() != 1) {
                throw new IllegalArgumentException(dir + " must hold exactly one " + prefix + "* file");
            }
            return match.get(0);
        }
    }
}
