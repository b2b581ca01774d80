// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.tool.image.FirmwareImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks every --old image of a matrix before the first patch is built: a release with one bad
 * input would otherwise fail after minutes of diffing the others, with some patches written.
 * Each image is read as the build reads it (limits, format, --region), placed against NEW, and
 * compared with the others by its SHA-256; the bytes are dropped, so the old images are never all in
 * memory at once (the build reads its own again).
 */
final class MatrixInputs {
    private MatrixInputs() {}

    /** What an --old at another address than NEW is told: matrix has no --allow-move. */
    static final String MOVE_REFUSED = "matrix builds no patch between images at different addresses (it has no "
            + "--allow-move): make that one with fwdelta diff --allow-move";

    /**
     * Returns the SHA-256s (hex) of {@code olds}, in their order, when every one is good; the first
     * bad one is an exception that names it (an image that cannot be read keeps its I/O error,
     * which names the path). An --old that is NEW's image is bad: a device running it needs no
     * patch, and a manifest entry from NEW to NEW would offer it one.
     */
    static List<String> check(List<Path> olds, FirmwareImage newFile, ImageInputs images, long rawAddress,
                              PrintWriter err) throws IOException {
        String newSha = HexFormat.of().formatHex(ImageChecksums.of(newFile.bytes()).sha256());
        Map<String, Path> seen = new LinkedHashMap<>();
        for (Path old : olds) {
            requireRereadable(old);
            FirmwareImage oldFile;
            try {
                oldFile = images.load(old, rawAddress, err);
                ImageInputs.target(oldFile, newFile, false, MOVE_REFUSED);
            } catch (IllegalArgumentException e) {
                throw named(old, e);
            }
            String sha = HexFormat.of().formatHex(ImageChecksums.of(oldFile.bytes()).sha256());
            if (sha.equals(newSha)) {
                throw new IllegalArgumentException("--old " + old + " is the same image as --new (SHA-256 " + sha
                        + "): a device that runs it needs no patch; leave it out of the matrix");
            }
            Path earlier = seen.putIfAbsent(sha, old);
            if (earlier != null) {
                throw new IllegalArgumentException("--old " + old + " is the same image as an earlier --old ("
                        + earlier + ")");
            }
        }
        return List.copyOf(seen.keySet());
    }

    /**
     * Refuses an --old that can be read only once (a pipe, a device): the build reads it again, and
     * would get nothing the second time. A directory or a missing file gets the error of its read.
     */
    private static void requireRereadable(Path old) {
        if (Files.exists(old) && !Files.isRegularFile(old) && !Files.isDirectory(old)) {
            throw new IllegalArgumentException("--old " + old + " is not a regular file (a pipe or a device): matrix "
                    + "reads each --old twice, to check it before the first patch is built and to build its patch; "
                    + "save it to a file first");
        }
    }

    /** The error with the --old it is about, unless the message names it already. */
    private static IllegalArgumentException named(Path old, IllegalArgumentException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.contains(old.toString()) ? e : new IllegalArgumentException("--old " + old + ": " + message, e);
    }
}
