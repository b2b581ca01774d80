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
     * fwdelta's default, each codec on its own, and the peers a user would pick instead. fwdelta
     * runs as its launcher runs it: java @jvmOptions -jar fwdeltaJar.
     */
    static List<Tool> all(Path fwdeltaJar, Path jvmOptions) {
        jvmOptions(jvmOptions); // a missing or unreadable file fails here, before any run
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String options = "@" + jvmOptions;
        List<Tool> tools = new ArrayList<>();
        for (String codec : new String[] {null, "lzma", "lz77", "none"}) {
            String name = codec == null ? "fwdelta" : "fwdelta-" + codec;
            tools.add(new Tool(name, true, fwdeltaJar.toString(), new Commands() {
                @Override
                public List<String> diff(Path o, Path n, Path p) {
                    List<String> c = new ArrayList<>(List.of(java, options, "-jar", fwdeltaJar.toString(), "diff",
                            o.toString(), n.toString(), "-o", p.toString()));
                    if (codec != null) {
                        c.addAll(List.of("--codec", codec));
                    }
                    return c;
                }

                @Override
                public List<String> apply(Path o, Path p, Path out) {
                    return List.of(java, options, "-jar", fwdeltaJar.toString(), "apply", o.toString(), p.toString(), "-o",
                            out.toString());
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
            return java.nio.file.Files.isRegularFile(Path.of(binary));
        }
        for (String dir : System.getenv("PATH").split(":")) {
            if (java.nio.file.Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
