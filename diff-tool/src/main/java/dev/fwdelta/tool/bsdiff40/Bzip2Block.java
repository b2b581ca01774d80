// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.HexFormat;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.utils.BoundedSeekableByteChannelInputStream;

/**
 * One of a BSDIFF40 patch's three blocks: a single bzip2 stream, the only compression the format
 * defines. It is opened as bzip2 directly, never by format detection, so an LZMA, deflate or
 * Pack200 block is refused by its first bytes instead of being decoded with that format's
 * memory. The decoder reads only this block's byte range of the patch, and its memory is fixed
 * by the stream's block size (at most 900 kB of data, about 4.5 MB of tables).
 */
final class Bzip2Block implements Closeable {
    /** Unused bytes read past the last one a patch uses before it is refused. */
    static final long MAX_TRAILING_BYTES = 16L << 20;

    /** "BZh" and the block size digit '1'..'9'. */
    static final int MAGIC_SIZE = 4;
    private static final int BUFFER = 8192;

    private final String name;
    private final InputStream in;
    private long delivered;

    private Bzip2Block(String name, InputStream in) {
        this.name = name;
        this.in = in;
    }

    /**
     * Opens {@code length} bytes at {@code offset} of {@code patch} as a bzip2 stream. The channel
     * stays the caller's: closing the block does not close it.
     */
    static Bzip2Block open(SeekableByteChannel patch, long offset, long length, String name) throws IOException {
        // The bounded stream positions the shared channel before each read, so the three blocks
        // can be read in turn; the buffer keeps bzip2's single-byte reads off the channel.
        InputStream raw = new BufferedInputStream(new BoundedSeekableByteChannelInputStream(offset, length, patch),
                BUFFER);
        raw.mark(MAGIC_SIZE);
        byte[] magic = raw.readNBytes(MAGIC_SIZE);
        raw.reset();
        if (!isBzip2(magic)) {
            throw new BadBsdiffPatchException("BSDIFF40 " + name + " block is not a bzip2 stream: it starts with "
                    + (magic.length == 0 ? "nothing (0 bytes)" : "bytes " + HexFormat.ofDelimiter(" ").formatHex(magic))
                    + " (BSDIFF40 blocks are bzip2, starting \"BZh1\"..\"BZh9\")");
        }
        try {
            return new Bzip2Block(name, new BZip2CompressorInputStream(raw, false));
        } catch (IOException | RuntimeException e) {
            throw corrupt(name, e);
        }
    }

    static boolean isBzip2(byte[] b) {
        return b.length >= MAGIC_SIZE && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] >= '1' && b[3] <= '9';
    }

    /**
     * Reads exactly {@code len} decompressed bytes; a stream that ends first is a bad patch, and
     * {@code asked} (the control block's total for this block so far) goes in the message.
     */
    void readFully(byte[] b, int off, int len, long asked) throws IOException {
        int done = 0;
        while (done < len) {
            int n;
            try {
                n = in.read(b, off + done, len - done);
            } catch (IOException | RuntimeException e) {
                // The decoder's own checks (block CRC, Huffman tables, block size) fail here.
                throw corrupt(name, e);
            }
            if (n < 0) {
                throw new BadBsdiffPatchException("BSDIFF40 " + name + " block ends after " + (delivered + done)
                        + " bytes; the control block asks for " + asked);
            }
            done += n;
        }
        delivered += len;
    }

    /**
     * Reads the stream to its end, which is what makes the decoder check the last block's CRC and
     * the stream CRC, BSDIFF40's only checksums. Bytes after the last one the control block uses
     * are skipped as bspatch skips them (jbsdiff's writer leaves some in the diff block), up to
     * {@link #MAX_TRAILING_BYTES}, so that a small patch cannot make the reader decompress forever.
     */
    void expectEnd() throws IOException {
        byte[] skip = new byte[4096];
        long trailing = 0;
        while (true) {
            int n;
            try {
                n = in.read(skip, 0, skip.length);
            } catch (IOException | RuntimeException e) {
                throw corrupt(name, e);
            }
            if (n < 0) {
                return;
            }
            trailing += n;
            if (trailing > MAX_TRAILING_BYTES) {
                throw new BadBsdiffPatchException("BSDIFF40 " + name + " block goes on for more than "
                        + MAX_TRAILING_BYTES + " bytes after the new image is complete (the control block uses its first "
                        + delivered + " bytes; allowed trailing bytes 0.." + MAX_TRAILING_BYTES + ")");
            }
        }
    }

    private static BadBsdiffPatchException corrupt(String name, Exception e) {
        return new BadBsdiffPatchException("BSDIFF40 " + name + " block is corrupt bzip2 data: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
