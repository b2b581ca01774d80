package dev.fwdelta.tool.diff;

import dev.fwdelta.tool.bsdiff40.Bsdiff40Reader;
import io.sigpipe.jbsdiff.Diff;
import io.sigpipe.jbsdiff.DiffSettings;
import io.sigpipe.jbsdiff.InvalidHeaderException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.compressors.CompressorException;

/**
 * Runs jbsdiff's bsdiff scan with the SA-IS suffix array and returns its control/diff/extra
 * data as records. jbsdiff only writes BSDIFF40, so the builder has it compress with gzip
 * (the fastest codec it offers) and reads the records back.
 */
public final class BsdiffMatcher {
    private BsdiffMatcher() {}

    /** The delta as records, for the fwdelta encoder. */
    public static List<DeltaRecord> diff(byte[] oldImage, byte[] newImage) {
        ByteArrayOutputStream patch = new ByteArrayOutputStream();
        writeBsdiff40(oldImage, newImage, patch, "gz");
        try {
            Bsdiff40Reader reader = new Bsdiff40Reader(patch.toByteArray(), newImage.length);
            List<DeltaRecord> records = new ArrayList<>();
            while (!reader.done()) {
                records.add(reader.next());
            }
            return records;
        } catch (IOException e) {
            throw new IllegalStateException("jbsdiff produced a patch its own reader rejects", e);
        }
    }

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
