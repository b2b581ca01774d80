package dev.fwdelta.tool.encode;

import dev.fwdelta.tool.diff.DeltaRecord;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
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

    private final int maxBlockRaw;
    private final List<RawBlock> blocks = new ArrayList<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private long newPos;
    private long oldPos;
    private long blockNewStart;
    private long blockOldStart;

    private RecordBlocker(int maxBlockRaw) {
        if (maxBlockRaw <= MAX_RECORD_OVERHEAD * 2) {
            throw new IllegalArgumentException("block size " + maxBlockRaw + " is too small");
        }
        this.maxBlockRaw = maxBlockRaw;
    }

    public static List<RawBlock> split(List<DeltaRecord> records, int maxBlockRaw) {
        RecordBlocker blocker = new RecordBlocker(maxBlockRaw);
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
            int diffTake = Math.min(diff.length - d, space);
            int extraTake = Math.min(extra.length - e, space - diffTake);
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
        current.write(KIND_BSDIFF);
        writeUvarint(diffLen);
        current.write(diff, d, diffLen);
        writeUvarint(extraLen);
        current.write(extra, e, extraLen);
        if (seek < Integer.MIN_VALUE || seek > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("seek " + seek + " does not fit the format's 32 bits");
        }
        writeUvarint(((seek << 1) ^ (seek >> 63)) & 0xFFFF_FFFFL);
        newPos += diffLen + extraLen;
        oldPos += diffLen + seek;
    }

    private void writeUvarint(long v) {
        while (v >= 0x80) {
            current.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        current.write((int) v);
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
