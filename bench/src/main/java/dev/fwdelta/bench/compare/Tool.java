// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A delta tool as a user runs it: the command that makes a patch and the one that applies it.
 * {@code binary} must be on PATH (or be a file) for the tool to count as present.
 */
record Tool(String name, boolean fwdelta, String binary, Commands commands) {

    interface Commands {
        List<String> diff(Path oldFile, Path newFile, Path patch);

        List<String> apply(Path oldFile, Path patch, Path out);
    }

    /**
     * The options in a JVM options file (one per line, # comments), as the fwdelta launcher
     * passes them with {@code java @FILE}.
     */
    static List<String> jvmOptions(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JVM options file " + file, e);
        }
    }

    /**
     * The JVM arguments the fwdelta launcher gives: the options file, and the class-data sharing
     * archive the build makes beside the jar (fwdelta.jsa) when there is one.
     */
    static List<String> launcherArguments(Path fwdeltaJar, Path jvmOptions) {
        List<String> args = new ArrayList<>(List.of("@" + jvmOptions));
        Path archive = fwdeltaJar.resolveSibling(CDS_ARCHIVE);
        if (Files.isRegularFile(archive)) {
            args.add("-XX:SharedArchiveFile=" + archive);
        }
        return args;
    }

    /** The class-data sharing archive's name beside fwdelta.jar (diff-tool/pom.xml makes it). */
    static final String CDS_ARCHIVE = "fwdelta.jsa";

    /**
     * fwdelta's default, each codec on its own, and the peers a user would pick instead. fwdelta
     * runs as its launcher runs it: java @jvmOptions [-XX:SharedArchiveFile=fwdelta.jsa] -jar fwdeltaJar.
     */
    static List<Tool> all(Path fwdeltaJar, Path jvmOptions) {
        jvmOptions(jvmOptions); // a missing or unreadable file fails here, before any run
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> launcher = launcherArguments(fwdeltaJar, jvmOptions);
        List<Tool> tools = new ArrayList<>();
        for (String codec : new String[] {null, "split", "lzma", "lz77", "none"}) {
            String name = codec == null ? "fwdelta" : "fwdelta-" + codec;
            tools.add(new Tool(name, true, fwdeltaJar.toString(), new Commands() {
                @Override
                public List<String> diff(Path o, Path n, Path p) {
                    List<String> c = new ArrayList<>(List.of(java));
                    c.addAll(launcher);
                    c.addAll(List.of("-jar", fwdeltaJar.toString(), "diff", o.toString(), n.toString(), "-o",
                            p.toString()));
                    if (codec != null) {
                        c.addAll(List.of("--codec", codec));
                    }
                    return c;
                }

                @Override
                public List<String> apply(Path o, Path p, Path out) {
                    List<String> c = new ArrayList<>(List.of(java));
                    c.addAll(launcher);
                    c.addAll(List.of("-jar", fwdeltaJar.toString(), "apply", o.toString(), p.toString(), "-o",
                            out.toString()));
                    return c;
                }
            }));
        }
        tools.add(new Tool("bsdiff", false, "bsdiff", new Commands() {
            @Override
            public List<String> diff(Path o, Path n, Path p) {
                return List.of("bsdiff", o.toString(), n.toString(), p.toString());
            }

            @Override
            public List<String> apply(Path o, Path p, Path out) {
                return List.of("bspatch", o.toString(), out.toString(), p.toString());
            }
        }));
        tools.add(new Tool("xdelta3", false, "xdelta3", new Commands() {
            @Override
            public List<String> diff(Path o, Path n, Path p) {
                return List.of("xdelta3", "-e", "-9", "-S", "djw", "-f", "-s", o.toString(), n.toString(), p.toString());
            }

            @Override
            public List<String> apply(Path o, Path p, Path out) {
                return List.of("xdelta3", "-d", "-f", "-s", o.toString(), p.toString(), out.toString());
            }
        }));
        tools.add(new Tool("zstd", false, "zstd", new Commands() {
            @Override
            public List<String> diff(Path o, Path n, Path p) {
                return List.of("zstd", "-q", "-f", "--ultra", "-22", "--patch-from=" + o, n.toString(), "-o", p.toString());
            }

            @Override
            public List<String> apply(Path o, Path p, Path out) {
                return List.of("zstd", "-q", "-f", "-d", "--patch-from=" + o, p.toString(), "-o", out.toString());
            }
        }));
        return tools;
    }

    boolean present() {
        if (binary.contains("/")) {
            return Files.isRegularFile(Path.of(binary));
        }
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
