// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Reads an untrusted BSDIFF40 patch record by record (layout in {@link Bsdiff40Format}). Every
 * header field and control triple is checked against a named limit before it is used: the block
 * lengths against the patch's size, the new size against the caller's maximum, each triple's
 * lengths against what remains of the new image, its seek against the old image, and the number
 * of triples against what bsdiff can write (one per new byte, plus one, and never two in a row
 * that move no new byte). Nothing is allocated
 * from a declared size: the caller pulls diff and extra bytes into its own buffers, so memory is
 * the three bzip2 decoders whatever the patch declares.
 *
 * <p>The patch is read from a channel the caller owns and closes; {@link #close} releases the
 * decoders only.
 */
public final class Bsdiff40Reader implements Closeable {
    /**
     * The largest old image the tool reads (images over 2 GiB - 1 are refused when loaded): the
     * bound of the seek check when the old image is not at hand, as for {@code inspect}.
     */
    public static final long MAX_OLD_SIZE = Integer.MAX_VALUE;
    private static final int TRIPLE_SIZE = 24;

    private final long oldSize;
    private final long newSize;
    private final long controlLength;
    private final long diffLength;
    private final long extraLength;
    private final Bzip2Block control;
    private final Bzip2Block diff;
    private final Bzip2Block extra;
    private final byte[] triple = new byte[TRIPLE_SIZE];
    private long triples;
    private long diffTotal;
    private long extraTotal;
    private long newPos;
    private long oldPos;
    private long diffLeft;
    private long extraLeft;
    private boolean previousMovedNothing;

    /**
     * Reads and checks the header and opens the three blocks.
     *
     * @param oldSize    size of the old image the seeks must stay inside ({@link #MAX_OLD_SIZE} if not known)
     * @param maxNewSize the largest new image accepted (the command line's {@code --max-size})
     */
    public Bsdiff40Reader(SeekableByteChannel patch, long oldSize, long maxNewSize) throws IOException {
        if (oldSize < 0 || oldSize > Long.MAX_VALUE / 4 || maxNewSize < 0 || maxNewSize > Long.MAX_VALUE / 4) {
            throw new IllegalArgumentException("oldSize " + oldSize + ", maxNewSize " + maxNewSize);
        }
        this.oldSize = oldSize;
        long patchSize = patch.size();
        byte[] header = readHeader(patch, patchSize);
        controlLength = Bsdiff40Format.readOfftin(header, 8);
        diffLength = Bsdiff40Format.readOfftin(header, 16);
        newSize = Bsdiff40Format.readOfftin(header, 24);
        long room = patchSize - Bsdiff40Format.HEADER_SIZE;
        check("control block length", controlLength, 0, room, "");
        check("diff block length", diffLength, 0, room - controlLength, "");
        extraLength = room - controlLength - diffLength;
        check("new size", newSize, 0, maxNewSize, ": the largest new image accepted, set by --max-size");
        long c = Bsdiff40Format.HEADER_SIZE;
        control = Bzip2Block.open(patch, c, controlLength, "control");
        diff = Bzip2Block.open(patch, c + controlLength, diffLength, "diff");
        extra = Bzip2Block.open(patch, c + controlLength + diffLength, extraLength, "extra");
    }

    private static byte[] readHeader(SeekableByteChannel patch, long patchSize) throws IOException {
        if (patchSize < Bsdiff40Format.HEADER_SIZE) {
            throw new BadBsdiffPatchException("not a BSDIFF40 patch: " + patchSize + " bytes, shorter than its "
                    + Bsdiff40Format.HEADER_SIZE + "-byte header");
        }
        ByteBuffer b = ByteBuffer.allocate(Bsdiff40Format.HEADER_SIZE);
        patch.position(0);
        while (b.hasRemaining()) {
            if (patch.read(b) < 0) {
                throw new BadBsdiffPatchException("BSDIFF40 patch ends inside its header");
            }
        }
        if (!Bsdiff40Format.hasMagic(b.array())) {
            throw new BadBsdiffPatchException("not a BSDIFF40 patch (no BSDIFF40 magic)");
        }
        return b.array();
    }

    private static void check(String field, long value, long lo, long hi, String why) throws BadBsdiffPatchException {
        if (value < lo || value > hi) {
            throw new BadBsdiffPatchException("bad value for BSDIFF40 " + field + ": " + value
                    + " (valid range " + lo + ".." + hi + why + ")");
        }
    }

    public long newSize() {
        return newSize;
    }

    public long oldSize() {
        return oldSize;
    }

    public long controlBlockLength() {
        return controlLength;
    }

    public long diffBlockLength() {
        return diffLength;
    }

    public long extraBlockLength() {
        return extraLength;
    }

    /** Control triples read so far. */
    public long triples() {
        return triples;
    }

    /** Diff bytes of the records read so far. */
    public long diffTotal() {
        return diffTotal;
    }

    /** Extra bytes of the records read so far. */
    public long extraTotal() {
        return extraTotal;
    }

    /** True once the records read cover the whole new image; {@link #finish()} then checks the blocks end. */
    public boolean done() {
        return newPos == newSize;
    }

    /**
     * The next record, checked. Call only while {@link #done()} is false and after the previous
     * record's diff and extra bytes were read.
     */
    public Bsdiff40Record next() throws IOException {
        if (done() || diffLeft != 0 || extraLeft != 0) {
            throw new IllegalStateException("next() at new offset " + newPos + " of " + newSize + " with " + diffLeft
                    + " diff and " + extraLeft + " extra bytes of the previous record unread");
        }
        if (triples == newSize + 1) {
            // bsdiff moves forward at least one new byte between two triples, so a longer
            // control block only spins (a few bytes of bzip2 can hold millions of empty triples).
            throw new BadBsdiffPatchException("BSDIFF40 control block has more than new size + 1 = " + (newSize + 1)
                    + " triples before the new image is complete (new offset " + newPos + " of " + newSize + ")");
        }
        long n = triples + 1;
        try {
            control.readFully(triple, 0, TRIPLE_SIZE, n * TRIPLE_SIZE);
        } catch (BadBsdiffPatchException e) {
            throw new BadBsdiffPatchException("BSDIFF40 control triple " + n + " (new offset " + newPos + " of "
                    + newSize + "): " + e.getMessage(), e);
        }
        long d = Bsdiff40Format.readOfftin(triple, 0);
        long x = Bsdiff40Format.readOfftin(triple, 8);
        long seek = Bsdiff40Format.readOfftin(triple, 16);
        long left = newSize - newPos;
        check("diff length of control triple " + n, d, 0, left, ": new bytes left");
        check("extra length of control triple " + n, x, 0, left - d, ": new bytes left after its diff");
        if (previousMovedNothing) {
            // bsdiff writes a triple that moves nothing (a pure seek) only right after one that
            // moved new bytes, so a run of them is only a way to make the reader spin.
            check("diff + extra length of control triple " + n, d + x, 1, left, ": the triple before moved no new "
                    + "byte, and bsdiff never writes two such triples in a row");
        }
        long after = oldPos + d;
        check("seek of control triple " + n, seek, -after, oldSize - after, ": keeps the old position inside 0.."
                + oldSize);
        Bsdiff40Record r = new Bsdiff40Record(oldPos, d, x);
        triples = n;
        newPos += d + x;
        diffTotal += d;
        extraTotal += x;
        oldPos = after + seek;
        diffLeft = d;
        extraLeft = x;
        previousMovedNothing = d + x == 0;
        return r;
    }

    /** Reads {@code len} bytes of the current record's diff bytes (at most what it has left). */
    public void readDiff(byte[] b, int off, int len) throws IOException {
        if (len > diffLeft) {
            throw new IllegalStateException(len + " diff bytes asked, " + diffLeft + " left in the record");
        }
        diff.readFully(b, off, len, diffTotal);
        diffLeft -= len;
    }

    /** Reads {@code len} bytes of the current record's extra bytes; the diff bytes come first. */
    public void readExtra(byte[] b, int off, int len) throws IOException {
        if (diffLeft != 0 || len > extraLeft) {
            throw new IllegalStateException(len + " extra bytes asked, " + extraLeft + " left in the record and "
                    + diffLeft + " diff bytes unread");
        }
        extra.readFully(b, off, len, extraTotal);
        extraLeft -= len;
    }

    /**
     * Call once {@link #done()} and the last record's bytes are read: each block must end there,
     * and reading to its end checks the bzip2 CRCs, so a corrupt block is caught even where its
     * bytes decode (bspatch checks neither).
     */
    public void finish() throws IOException {
        if (!done() || diffLeft != 0 || extraLeft != 0) {
            throw new IllegalStateException("finish() at new offset " + newPos + " of " + newSize);
        }
        control.expectEnd();
        diff.expectEnd();
        extra.expectEnd();
    }

    @Override
    public void close() throws IOException {
        control.close();
        diff.close();
        extra.close();
    }
}
