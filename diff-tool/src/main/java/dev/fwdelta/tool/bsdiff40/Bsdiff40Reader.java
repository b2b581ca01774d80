package dev.fwdelta.tool.bsdiff40;

import dev.fwdelta.tool.diff.DeltaRecord;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Reads a BSDIFF40 patch record by record. The three blocks may use any compression Commons
 * Compress detects (bzip2 from Debian's bsdiff, gzip from the builder's internal pass). Every
 * length is checked against the declared new size before data is read; data arrays grow only
 * with bytes actually present in the patch.
 */
public final class Bsdiff40Reader {
    private final long newSize;
    private final InputStream control;
    private final InputStream diff;
    private final InputStream extra;
    private long newPos;

    public Bsdiff40Reader(byte[] patch, long maxNewSize) throws IOException {
        if (patch.length < Bsdiff40Format.HEADER_SIZE || !Bsdiff40Format.hasMagic(patch)) {
            throw new BadBsdiffPatchException("not a BSDIFF40 patch (no BSDIFF40 magic)");
        }
        long controlLength = Bsdiff40Format.readOfftin(patch, 8);
        long diffLength = Bsdiff40Format.readOfftin(patch, 16);
        newSize = Bsdiff40Format.readOfftin(patch, 24);
        long room = patch.length - Bsdiff40Format.HEADER_SIZE;
        check("control block length", controlLength, room);
        check("diff block length", diffLength, room - controlLength);
        check("new size", newSize, maxNewSize);
        int c = Bsdiff40Format.HEADER_SIZE;
        int d = c + (int) controlLength;
        int e = d + (int) diffLength;
        control = decompress(patch, c, (int) controlLength, "control");
        diff = decompress(patch, d, (int) diffLength, "diff");
        extra = decompress(patch, e, patch.length - e, "extra");
    }

    private static void check(String field, long value, long max) throws BadBsdiffPatchException {
        if (value < 0 || value > max) {
            throw new BadBsdiffPatchException("bad value for BSDIFF40 " + field + ": " + value
                    + " (valid range 0.." + max + ")");
        }
    }

    private static InputStream decompress(byte[] patch, int off, int len, String block) throws IOException {
        try {
            return new CompressorStreamFactory().createCompressorInputStream(
                    new BufferedInputStream(new ByteArrayInputStream(patch, off, len)));
        } catch (CompressorException e) {
            throw new BadBsdiffPatchException("BSDIFF40 " + block + " block is not compressed data", e);
        }
    }

    public long newSize() {
        return newSize;
    }

    public boolean done() {
        return newPos == newSize;
    }

    /** The next record; call only while {@link #done()} is false. */
    public DeltaRecord next() throws IOException {
        byte[] triple = readFully(control, 24, "control");
        long diffLength = Bsdiff40Format.readOfftin(triple, 0);
        long extraLength = Bsdiff40Format.readOfftin(triple, 8);
        long seek = Bsdiff40Format.readOfftin(triple, 16);
        check("diff length at new offset " + newPos, diffLength, newSize - newPos);
        newPos += diffLength;
        check("extra length at new offset " + newPos, extraLength, newSize - newPos);
        newPos += extraLength;
        return new DeltaRecord(readFully(diff, (int) diffLength, "diff"), readFully(extra, (int) extraLength, "extra"),
                seek);
    }

    private static byte[] readFully(InputStream in, int n, String block) throws IOException {
        byte[] b;
        try {
            b = in.readNBytes(n);
        } catch (IOException | RuntimeException e) {
            throw new BadBsdiffPatchException("BSDIFF40 " + block + " block is corrupt: " + e.getMessage(), e);
        }
        if (b.length != n) {
            throw new BadBsdiffPatchException("BSDIFF40 " + block + " block ends early");
        }
        return b;
    }
}
