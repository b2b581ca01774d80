// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.io;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that are whole after a power cut or a crash of the machine, not only of the process: the
 * new content is written beside the file, forced to the disk, renamed over the file, and the
 * directory is forced so that the rename itself survives. A rename alone is atomic for other
 * processes, but the kernel may write the directory entry before the file's bytes: after a power
 * cut the name can then stand for an empty or partial file (ext4 only guards some cases of this,
 * other file systems none).
 */
public final class DurableFiles {
    private DurableFiles() {}

    /** The file {@link #write} writes first, beside {@code target}: its name with ".part" after it. */
    public static Path partOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /** Replaces {@code target} by {@code bytes}, durably; no partial file is left under either name. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path part = partOf(target);
        try {
            Files.write(part, bytes);
            replace(part, target);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /**
     * Renames {@code written} (closed, complete) over {@code target}, durably: its bytes reach the
     * disk before the rename, and the rename before this returns.
     */
    public static void replace(Path written, Path target) throws IOException {
        rename(written, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * As {@link #replace}, for a name that must not exist yet: a file there is left as it is
     * ({@link java.nio.file.FileAlreadyExistsException}).
     */
    public static void create(Path written, Path target) throws IOException {
        rename(written, target);
    }

    private static void rename(Path written, Path target, CopyOption... options) throws IOException {
        force(written);
        Files.move(written, target, options);
        forceDirectory(target.toAbsolutePath().getParent());
    }

    /** Forces a file's bytes and size to the disk (fsync): for any descriptor, the whole file. */
    public static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Forces a directory's entries to the disk: after a rename in it, or after a directory was made
     * in it. Windows opens no directory as a file and orders its own renames, so there it is skipped.
     */
    public static void forceDirectory(Path dir) throws IOException {
        if (File.separatorChar == '\\') {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
