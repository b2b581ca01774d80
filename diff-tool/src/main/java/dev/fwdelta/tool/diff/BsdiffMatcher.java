// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import io.sigpipe.jbsdiff.Diff;
import io.sigpipe.jbsdiff.DiffSettings;
import io.sigpipe.jbsdiff.InvalidHeaderException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.commons.compress.compressors.CompressorException;

/**
 * Writes classic BSDIFF40 patches (for Debian's bspatch) with jbsdiff's scan over the SA-IS
 * suffix array. fwdelta's own patches use {@link AlignmentScanner}, which makes records directly.
 */
public final class BsdiffMatcher {
    private BsdiffMatcher() {}

    /** A classic BSDIFF40 patch; {@code compression} is a Commons Compress name ("bzip2" for bspatch). */
    public static void writeBsdiff40(byte[] oldImage, byte[] newImage, OutputStream out, String compression) {
        try {
            Diff.diff(oldImage, newImage, out, new SaisSettings(compression));
        } catch (CompressorException | InvalidHeaderException e) {
            throw new IllegalStateException("jbsdiff failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record SaisSettings(String compression) implements DiffSettings {
        @Override
        public String getCompression() {
            return compression;
        }

        @Override
        public int[] sort(byte[] input) {
            return SuffixArray.bsdiffOrder(input);
        }
    }
}
