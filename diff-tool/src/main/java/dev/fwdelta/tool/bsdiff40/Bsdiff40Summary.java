// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

import dev.fwdelta.runtime.io.OldImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/**
 * What {@code inspect} shows of a BSDIFF40 patch, found without the old image by applying it to
 * a stand-in and discarding the output: every control triple is checked as {@code apply} checks
 * it (seeks against the largest old image the tool reads) and the diff and extra blocks are
 * decompressed, so a patch that passes holds every byte its control block asks for and no bzip2
 * CRC error.
 */
public record Bsdiff40Summary(long patchSize, long controlBlockLength, long diffBlockLength, long extraBlockLength,
                              long newSize, long triples, long diffBytes, long extraBytes) {

    public static Bsdiff40Summary read(SeekableByteChannel patch, long maxNewSize) throws IOException {
        try (Bsdiff40Reader reader = new Bsdiff40Reader(patch, Bsdiff40Reader.MAX_OLD_SIZE, maxNewSize)) {
            Bsdiff40Applier.apply(reader, new UnknownOldImage(), OutputStream.nullOutputStream());
            return new Bsdiff40Summary(patch.size(), reader.controlBlockLength(), reader.diffBlockLength(),
                    reader.extraBlockLength(), reader.newSize(), reader.triples(), reader.diffTotal(),
                    reader.extraTotal());
        }
    }

    /** Zeros as large as any old image may be: the output is discarded, only the walk counts. */
    private static final class UnknownOldImage implements OldImage {
        @Override
        public long size() {
            return Bsdiff40Reader.MAX_OLD_SIZE;
        }

        @Override
        public void read(long offset, byte[] dst, int off, int len) {
            Arrays.fill(dst, off, off + len, (byte) 0);
        }
    }
}
