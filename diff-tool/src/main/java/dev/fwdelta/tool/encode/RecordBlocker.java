// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.ByteWriter;
import dev.fwdelta.tool.diff.DeltaRecord;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Serialises records (docs/FORMAT.md 2.2) into blocks of at most {@code maxBlockRaw} bytes.
 * A record that does not fit is split into records that do (a diff run, then the extra run,
 * with the seek on the last piece), so that every block holds whole records and its header's
 * (new_offset, old_offset) is the complete applier state.
 */
public final class RecordBlocker {
    /** Kind byte plus three varints of at most 5 bytes. */
    private static final int MAX_RECORD_OVERHEAD = 16;
    static final int KIND_BSDIFF = 0;
    /** Format 3: diff bytes as (zero run, literal run) pairs (FORMAT.md 2.2). */
    static final int KIND_SPARSE = 1;

    private final int maxBlockRaw;
    private final boolean sparse;
    private final ByteArrayOutputStream pairs = new ByteArrayOutputStream();
    private final List<RawBlock> blocks = new ArrayList<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private long newPos;
    private long oldPos;
    private long blockNewStart;
    private long blockOldStart;

    private RecordBlocker(int maxBlockRaw, boolean sparse) {
        this.sparse = sparse;
        if (maxBlockRaw <= MAX_RECORD_OVERHEAD * 2) {
            throw new IllegalArgumentException("block size " + maxBlockRaw + " is too small");
        }
        this.maxBlockRaw = maxBlockRaw;
    }

    /** Records of kind 0 (the diff bytes as they are). */
    public static List<RawBlock> split(List<DeltaRecord> records, int maxBlockRaw) {
        return split(records, maxBlockRaw, false);
    }

    /** Records of kind 1 when {@code sparse} (format 3: zero runs as counts), else kind 0. */
    public static List<RawBlock> split(List<DeltaRecord> records, int maxBlockRaw, boolean sparse) {
        RecordBlocker blocker = new RecordBlocker(maxBlockRaw, sparse);
        for (DeltaRecord r : records) {
            blocker.add(r);
        }
        blocker.closeBlock();
        return blocker.blocks;
    }

    private void add(DeltaRecord r) {
        byte[] diff = r.diff();
        byte[] extra = r.extra();
        int d = 0;
        int e = 0;
        while (true) {
            int space = maxBlockRaw - current.size() - MAX_RECORD_OVERHEAD;
            if (space <= 0) {
                closeBlock();
                continue;
            }
            // A sparse piece is measured by its pairs, not its diff bytes: a long run of mostly
            // zero diff bytes fills a block only when its pairs do.
            int diffTake = sparse ? sparsePairsWithin(diff, d, space) : Math.min(diff.length - d, space);
            if (sparse && diffTake == 0 && d < diff.length && current.size() > 0) {
                closeBlock(); // not even one run fits: the rest goes to the next block
                continue;
            }
            int diffRaw = sparse ? pairs.size() : diffTake;
            // Extra bytes follow the whole diff run only: none in a piece that ends inside it.
            int extraTake = d + diffTake < diff.length ? 0 : Math.min(extra.length - e, space - diffRaw);
            boolean last = d + diffTake == diff.length && e + extraTake == extra.length;
            long seek = last ? r.seek() : 0;
            write(diff, d, diffTake, extra, e, extraTake, seek);
            d += diffTake;
            e += extraTake;
            if (last) {
                return;
            }
            closeBlock();
        }
    }

    private void write(byte[] diff, int d, int diffLen, byte[] extra, int e, int extraLen, long seek) {
        current.write(sparse ? KIND_SPARSE : KIND_BSDIFF);
        writeUvarint(current, diffLen);
        if (sparse) {
            current.write(pairs.toByteArray(), 0, pairs.size()); // the piece sparsePairsWithin encoded
        } else {
            current.write(diff, d, diffLen);
        }
        writeUvarint(current, extraLen);
        current.write(extra, e, extraLen);
        if (seek < Integer.MIN_VALUE || seek > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("seek " + seek + " does not fit the format's 32 bits");
        }
        writeUvarint(current, ((seek << 1) ^ (seek >> 63)) & 0xFFFF_FFFFL);
        newPos += diffLen + extraLen;
        oldPos += diffLen + seek;
    }

    /**
     * Encodes the longest piece of diff[d..] whose (zero run, literal run) pairs take at most
     * {@code space} bytes into {@link #pairs}, and returns its length in diff bytes: whole pairs
     * while they fit, then the zero run and the literal bytes that fit of the next one (a shorter
     * run's varints are never longer); zero when not even that pair's varints fit.
     * A literal run ends at the first zero byte. A lone zero would cost fewer raw bytes inside a
     * literal, but LZMA codes the resulting pairs better: smaller patches on most corpus pairs,
     * a hardly larger one on programmer.
     */
    private int sparsePairsWithin(byte[] diff, int d, int space) {
        pairs.reset();
        int end = diff.length;
        int i = d;
        while (i < end) {
            int z = zerosEnd(diff, i, end);
            int l = literalEnd(diff, z, end);
            int room = space - pairs.size() - uvarintSize(z - i) - uvarintSize(l - z);
            if (room < 0) {
                break;
            }
            l = Math.min(l, z + room); // all of the literal run if it fits, else what fits
            if (l == i) {
                break; // nothing of this pair fits
            }
            writeUvarint(pairs, z - i);
            writeUvarint(pairs, l - z);
            pairs.write(diff, z, l - z);
            i = l;
            if (l < end && diff[l] != 0) {
                break; // the literal run was cut: the block is full
            }
        }
        return i - d;
    }

    /** Where the run of zero bytes at {@code i} ends (most diff bytes are zero: compared by the block). */
    private static int zerosEnd(byte[] diff, int i, int end) {
        while (i < end) {
            int n = Math.min(ZEROS.length, end - i);
            int nonZero = Arrays.mismatch(diff, i, i + n, ZEROS, 0, n);
            if (nonZero >= 0) {
                return i + nonZero;
            }
            i += n;
        }
        return end;
    }

    private static final byte[] ZEROS = new byte[4096];

    /** Where the literal run at {@code i} ends: at the first zero byte. */
    private static int literalEnd(byte[] diff, int i, int end) {
        while (i < end && diff[i] != 0) {
            i++;
        }
        return i;
    }

    private static int uvarintSize(long v) {
        int n = 1;
        while (v >= 0x80) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static void writeUvarint(ByteArrayOutputStream out, long v) {
        ByteWriter.writeUvarint(out, v);
    }

    private void closeBlock() {
        if (current.size() == 0) {
            return;
        }
        blocks.add(new RawBlock(current.toByteArray(), blockNewStart, blockOldStart, newPos - blockNewStart));
        current.reset();
        blockNewStart = newPos;
        blockOldStart = oldPos;
    }
}
