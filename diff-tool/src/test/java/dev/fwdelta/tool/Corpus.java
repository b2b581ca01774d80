// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool;

import dev.fwdelta.tool.image.MainFlash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The firmware pairs of ../shared/corpus (README there). A missing corpus fails the tests: it is
 * part of the CI contract, not an optional extra.
 */
public final class Corpus {
    /** One pair: name as in the corpus README, old and new file. */
    public record Pair(String name, Path oldPath, Path newPath) {
        public byte[] oldBytes() {
            return read(oldPath);
        }

        public byte[] newBytes() {
            return read(newPath);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Corpus() {}

    public static Path dir() {
        Path dir = Path.of(System.getProperty("fwdelta.corpus", "../../shared/corpus"));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("firmware corpus not found at " + dir.toAbsolutePath()
                    + " (set -Dfwdelta.corpus=DIR)");
        }
        return dir;
    }

    public static List<Pair> pairs() {
        Path d = dir();
        return List.of(
                new Pair("esp8266", d.resolve("esp8266-micropython/v1.9.4.bin"), d.resolve("esp8266-micropython/v1.10.bin")),
                new Pair("pyb-release", d.resolve("pybv11/v1.10-firmware1.bin"), d.resolve("pybv11/1f5d945af-dirty-firmware1.bin")),
                new Pair("pyb-small", d.resolve("pybv11/1f5d945af-firmware1.bin"), d.resolve("pybv11/1f5d945af-dirty-firmware1.bin")),
                new Pair("programmer", d.resolve("programmer/0.8.0.bin"), d.resolve("programmer/0.9.0.bin")),
                new Pair("synth-1-2", d.resolve("synthesizer/1.bin"), d.resolve("synthesizer/2.bin")),
                new Pair("synth-1-3", d.resolve("synthesizer/1.bin"), d.resolve("synthesizer/3.bin")),
                new Pair("shell", d.resolve("shell/old.bin"), d.resolve("shell/new.bin")),
                new Pair("libpython", d.resolve("libpython-aarch64/3.7.2-3.so"), d.resolve("libpython-aarch64/3.7.3-1.so")));
    }

    /**
     * The micro:bit pairs (Intel HEX), read as their main flash region ({@link MainFlash}): the
     * bytes the corpus README's peer figures were measured on.
     */
    public static List<Pair> microbitPairs() {
        Path d = dir().resolve("microbit");
        return List.of(
                new Pair("microbit-v2-7-8", d.resolve("v2-7.0.6.hex"), d.resolve("v2-8.1.9.hex")),
                new Pair("microbit-v2-4-8", d.resolve("v2-4.0.24.hex"), d.resolve("v2-8.1.9.hex")),
                new Pair("microbit-v1-7-8", d.resolve("v1-7.0.6.hex"), d.resolve("v1-8.1.9.hex")));
    }

    public static Pair pair(String name) {
        return Stream.concat(pairs().stream(), microbitPairs().stream()).filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static byte[] read(Path p) {
        try {
            return p.getFileName().toString().endsWith(".hex") ? MainFlash.read(p).bytes() : Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
