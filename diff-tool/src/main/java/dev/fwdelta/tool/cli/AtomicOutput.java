// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.tool.io.DurableFiles;
import dev.fwdelta.tool.io.FileErrors;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A file that appears under its name only when {@link #commit} is called: bytes go to a
 * temporary file beside it, which {@link #close} deletes if it was not committed, and a shutdown
 * hook deletes if the run is stopped (Ctrl-C, SIGTERM). So a failed or stopped run never leaves a
 * partial or unverified output behind. The output's bytes reach the disk before its name does
 * ({@link DurableFiles}), so a run killed outright (SIGKILL, power cut) leaves the temporary file,
 * never a partial output: {@link #isTempOf} lets a command that owns a directory
 * recognise and remove it.
 *
 * <p>An output that is a symbolic link is written through: the file the link points to is
 * replaced and the link stays. An output that is one of the command's inputs (the same file,
 * also through links or hard links) is refused before anything is written, and so is one that is
 * not a regular file (a device, a pipe), which the rename would replace by a file. Every error,
 * also one while writing, names the output as the user gave it, never the temporary file.
 */
final class AtomicOutput implements AutoCloseable {
    /** Links followed before an output is refused as a loop (Linux's own limit is 40). */
    private static final int MAX_LINKS = 40;
    private static final Set<Path> LIVE_TEMPS = ConcurrentHashMap.newKeySet();
    /** Random names tried for the temporary file before giving up (another run may hold one). */
    private static final int TEMP_NAME_ATTEMPTS = 16;
    // A temporary file's name is TEMP_PREFIX + output name + TEMP_SEPARATOR + random + TEMP_SUFFIX:
    // hidden, and never the name of an output itself.
    private static final String TEMP_PREFIX = ".";
    private static final String TEMP_SEPARATOR = ".";
    private static final String TEMP_SUFFIX = ".part";
    private static final int TEMP_RADIX = 36;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AtomicOutput::deleteLiveTemps, "fwdelta-remove-partial-output"));
    }

    private final Path target;
    /** The output as the user named it, for errors: never the temporary file. */
    private final Path named;
    private final Path temp;
    private final OutputStream out;
    private boolean committed;

    AtomicOutput(Path target, Path... inputs) throws IOException {
        this.target = resolveLinks(target);
        this.named = target;
        check(target, inputs);
        Path dir = this.target.getParent();
        try {
            this.temp = createTemp(dir, this.target.getFileName().toString());
        } catch (IOException e) {
            throw FileErrors.naming(named, e);
        }
        LIVE_TEMPS.add(temp);
        this.out = new NamedErrors(Files.newOutputStream(temp), named);
    }

    /**
     * A new, empty file beside the output, made with the user's umask as any other program's
     * output is: {@code Files.createTempFile} would make it, and so the committed output, 0600.
     * The name only has to be unused ({@code createFile} fails on an existing one, links
     * included), not unguessable: seeding a SecureRandom was a noticeable part of every run's start
     * (docs/bench, "Diff time against bsdiff").
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path candidate = dir.resolve(tempName(name, ThreadLocalRandom.current().nextLong()));
            try {
                return Files.createFile(candidate);
            } catch (FileAlreadyExistsException e) {
                if (attempt == TEMP_NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** The temporary file name for output {@code name}: ".NAME.RANDOM.part", RANDOM in base 36. */
    private static String tempName(String name, long random) {
        return TEMP_PREFIX + name + TEMP_SEPARATOR + Long.toUnsignedString(random, TEMP_RADIX) + TEMP_SUFFIX;
    }

    /**
     * Whether {@code entry} is the name of a temporary file this class makes for an output whose
     * name {@code outputs} accepts: what a run killed too hard for the shutdown hook (SIGKILL, power
     * cut) leaves beside its output. Recognised by rebuilding the name with {@link #tempName}, so
     * the format stays defined once.
     */
    static boolean isTempOf(String entry, Predicate<String> outputs) {
        if (!entry.startsWith(TEMP_PREFIX) || !entry.endsWith(TEMP_SUFFIX)) {
            return false;
        }
        String middle = entry.substring(TEMP_PREFIX.length(), entry.length() - TEMP_SUFFIX.length());
        int separator = middle.lastIndexOf(TEMP_SEPARATOR);
        if (separator <= 0) {
            return false;
        }
        String name = middle.substring(0, separator);
        long random;
        try {
            random = Long.parseUnsignedLong(middle.substring(separator + TEMP_SEPARATOR.length()), TEMP_RADIX);
        } catch (NumberFormatException e) {
            return false;
        }
        return tempName(name, random).equals(entry) && outputs.test(name);
    }

    /**
     * Refuses {@code output}, before a command does any work, if it could not be written when the
     * work is done: one of {@code inputs}, a directory, or in a directory that does not exist.
     */
    static void check(Path output, Path... inputs) throws IOException {
        refuseInputs(output, inputs);
        Path out = resolveLinks(output);
        if (Files.isDirectory(out)) {
            throw new FileSystemException(output.toString(), null, "is a directory: name the output file in it");
        }
        if (Files.exists(out) && !Files.isRegularFile(out)) {
            // The output is written beside it and renamed over it: a device or a pipe would be
            // replaced by a file (as root, /dev/null itself), not written to.
            throw new FileSystemException(output.toString(), null, "is not a regular file (a pipe or a device): an "
                    + "output is written whole to a file and then takes its name");
        }
        if (Files.exists(out.getParent()) && !Files.isDirectory(out.getParent())) {
            // A file where the output's directory should be: it is there, so not "does not exist".
            throw new FileSystemException(givenDirectory(output, out).toString(), null, "is not a directory: the "
                    + "output " + output + " cannot be in it");
        }
        if (!Files.isDirectory(out.getParent())) {
            throw new NoSuchFileException(givenDirectory(output, out).toString(), null, "output directory does not exist");
        }
    }

    /**
     * The directory of {@code output} as the user named it (a relative path stays relative): its
     * parent as given, unless the path has none or a link leads elsewhere, where only the resolved
     * one says which directory is missing.
     */
    private static Path givenDirectory(Path output, Path resolved) {
        Path given = output.getParent();
        return given != null && resolved.equals(output.toAbsolutePath().normalize()) ? given : resolved.getParent();
    }

    /**
     * Refuses {@code output} if it is one of {@code inputs}: writing it would destroy what the
     * command reads (or, for a patch, the file a failed run is retried with).
     */
    static void refuseInputs(Path output, Path... inputs) throws IOException {
        Path out = resolveLinks(output);
        for (Path in : inputs) {
            if (in != null && Files.exists(out) && Files.exists(in) && Files.isSameFile(out, in)) {
                throw new IllegalArgumentException("the output " + output + " is the input " + in
                        + (output.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize()) ? "" : " (through a link)")
                        + ": choose another output file");
            }
        }
    }

    /** The file a path names once its symbolic links are followed, also a link to a file not yet there. */
    static Path resolveLinks(Path path) throws IOException {
        Path p = path.toAbsolutePath().normalize();
        for (int i = 0; Files.isSymbolicLink(p); i++) {
            if (i == MAX_LINKS) {
                throw new IOException("too many levels of symbolic links: " + path);
            }
            p = p.getParent().resolve(Files.readSymbolicLink(p)).normalize();
        }
        return p;
    }

    OutputStream stream() {
        return out;
    }

    void commit() throws IOException {
        out.close();
        try {
            DurableFiles.replace(temp, target);
        } catch (FileSystemException e) {
            throw FileErrors.naming(named, e);
        }
        LIVE_TEMPS.remove(temp);
        committed = true;
    }

    static void write(Path target, byte[] bytes, Path... inputs) throws IOException {
        try (AtomicOutput o = new AtomicOutput(target, inputs)) {
            o.stream().write(bytes);
            o.commit();
        }
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            out.close();
            Files.deleteIfExists(temp);
            LIVE_TEMPS.remove(temp);
        }
    }

    /**
     * The temporary file's stream, whose errors (a full disk, a file size limit) name the output:
     * the JDK's say only what failed ("File too large").
     */
    private static final class NamedErrors extends FilterOutputStream {
        private final Path named;

        NamedErrors(OutputStream out, Path named) {
            super(out);
            this.named = named;
        }

        @Override
        public void write(int b) throws IOException {
            naming(() -> out.write(b));
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            naming(() -> out.write(b, off, len));
        }

        @Override
        public void flush() throws IOException {
            naming(out::flush);
        }

        @Override
        public void close() throws IOException {
            naming(out::close);
        }

        private void naming(StreamStep step) throws IOException {
            try {
                step.run();
            } catch (IOException e) {
                throw FileErrors.naming(named, e);
            }
        }
    }

    /** One call on the temporary file's stream. */
    private interface StreamStep {
        void run() throws IOException;
    }

    private static void deleteLiveTemps() {
        for (Path p : LIVE_TEMPS) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the JVM is going down; the next run's temp name differs anyway
            }
        }
    }
}
