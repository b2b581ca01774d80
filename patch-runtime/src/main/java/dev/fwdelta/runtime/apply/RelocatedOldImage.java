package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.runtime.io.OldImage;
import java.io.IOException;

/**
 * The old image as a relocation map predicts the new one (docs/FORMAT.md 2.3): references into
 * moved code or data are re-aimed, every other byte is the old byte. The builder diffs the new
 * image against this view, and the applier reads the old image through it, so diff runs stay
 * long where only addresses changed. Each byte depends only on the old bytes at most 35 on either
 * side (an ADRP and its partner up to 8 instructions on) and, for an Xtensa call the map would
 * change, on the two old bytes at its target (read from the old image when they lie outside the
 * window), so any chunk can be computed on its own.
 * RAM: one window of {@value #WINDOW_BYTES} bytes, and 2 bytes for a call target's first bytes.
 */
public final class RelocatedOldImage implements OldImage {
    /** Old bytes read on either side of a chunk when ADRP pairs are re-aimed: an ADRP's reach to its partner. */
    private static final int MARGIN = 4 * (A64References.PARTNER_REACH + 1);
    /** Enough for every other rule, which reads one word (at most a 64-bit pointer): fewer old bytes per chunk. */
    private static final int WORD_MARGIN = 8;
    public static final int WINDOW_BYTES = Limits.OLD_READ_BUFFER + 2 * MARGIN;

    private final OldImage old;
    private final RelocationMap map;
    private final int margin;
    private final byte[] window = new byte[WINDOW_BYTES];
    private final Chunk chunk = new Chunk();

    public RelocatedOldImage(OldImage old, RelocationMap map) {
        this.old = old;
        this.map = map;
        this.margin = map.has(RelocationMap.A64_ADRP) ? MARGIN : WORD_MARGIN;
    }

    @Override
    public long size() {
        return old.size();
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, Limits.OLD_READ_BUFFER);
            long from = Math.max(0, offset - margin);
            long to = Math.min(old.size(), offset + n + margin);
            old.read(from, window, 0, (int) (to - from));
            predict(chunk.set(map, old, window, from, to, offset, n, dst, off));
            offset += n;
            off += n;
            len -= n;
        }
    }

    /** The whole view at once (for the builder). */
    public static byte[] of(byte[] oldImage, RelocationMap map) {
        byte[] view = new byte[oldImage.length];
        viewOf(oldImage, map, 0, oldImage.length, view, 0);
        return view;
    }

    /**
     * The view of old offsets [from, from + len) into out[outOff..], the image in memory (for the
     * builder, which screens views on parts of an image and builds a view in parts side by side).
     */
    public static void viewOf(byte[] oldImage, RelocationMap map, long from, int len, byte[] out, int outOff) {
        try {
            // the window is the whole image: nothing is read from the source
            predict(new Chunk().set(map, new ByteArrayOldImage(oldImage), oldImage, 0, oldImage.length, from, len,
                    out, outOff));
        } catch (IOException e) {
            throw new IllegalStateException("reading an image in memory failed", e);
        }
    }

    /**
     * Writes the view of the chunk's old offsets to its output. Its window holds the old bytes
     * around them: MARGIN bytes on either side (8 without A64_ADRP), or up to the image's edge.
     * The rules are applied from the weakest up, so where several apply the strongest is written
     * last (pointer words over instructions).
     */
    private static void predict(Chunk c) throws IOException {
        RelocationMap map = c.map;
        byte[] window = c.window;
        long windowStart = c.windowStart;
        long windowEnd = c.windowEnd;
        long from = c.from;
        long end = c.end;
        System.arraycopy(window, (int) (from - windowStart), c.out, c.outOff, (int) (end - from));
        if (map.has(RelocationMap.XTENSA_CALL)) {
            // ascending: where re-aimed calls overlap, the later one's bytes are written last
            for (long q = Math.max(windowStart, from - 2); q < end && q + 3 <= windowEnd; q++) {
                if (XtensaCalls.isCall(window[(int) (q - windowStart)])) {
                    reaimXtensaCall(c, q);
                }
            }
        }
        if (map.has(RelocationMap.THUMB_BL)) {
            for (long q = Math.max(windowStart, from - 3) + 1 & ~1L; q < end && q + 4 <= windowEnd; q += 2) {
                if (isThumbBl(window, (int) (q - windowStart))) {
                    reaimThumbBl(c, q);
                }
            }
        }
        if (map.has(RelocationMap.A64_BRANCH) || map.has(RelocationMap.A64_ADRP)) {
            for (long p = Math.max(windowStart, from - MARGIN + 1) + 3 & ~3L; p < end && p + 4 <= windowEnd; p += 4) {
                int w = c.word(p);
                if (map.has(RelocationMap.A64_BRANCH) && A64References.isBranch(w) && p + 4 > from) {
                    reaimA64Branch(c, p, w);
                } else if (map.has(RelocationMap.A64_ADRP) && A64References.isAdrp(w)) {
                    reaimAdrp(c, p, w);
                }
            }
        }
        if (map.has(RelocationMap.POINTER32)) {
            for (long p = Math.max(windowStart, from & ~3L) + 3 & ~3L; p < end && p + 4 <= windowEnd; p += 4) {
                long moved = map.map(LittleEndian.u32(window, (int) (p - windowStart)) - map.imageBase());
                if (moved >= 0) {
                    c.place(map.imageBase() + moved, p, 4);
                }
            }
        }
        if (map.has(RelocationMap.POINTER64)) {
            for (long p = Math.max(windowStart, from & ~7L) + 7 & ~7L; p < end && p + 8 <= windowEnd; p += 8) {
                long value = LittleEndian.u64(window, (int) (p - windowStart));
                long moved = value < 0 ? -1 : map.map(value - map.imageBase());
                if (moved >= 0) {
                    c.place(map.imageBase() + moved, p, 8);
                }
            }
        }
    }

    /**
     * One chunk being predicted: the old bytes around it and where its view goes. Reused from
     * chunk to chunk, so that reading the view allocates nothing.
     */
    private static final class Chunk {
        private RelocationMap map;
        private OldImage source;
        private final byte[] twoBytes = new byte[2];
        private byte[] window;
        private long windowStart;
        private long windowEnd;
        private long from;
        private long end;
        private byte[] out;
        private int outOff;

        /** The view of old offsets [from, from + len) to out[outOff..], from window = old[windowStart, windowEnd). */
        Chunk set(RelocationMap map, OldImage source, byte[] window, long windowStart, long windowEnd, long from,
                  int len, byte[] out, int outOff) {
            this.map = map;
            this.source = source;
            this.window = window;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.from = from;
            this.end = from + len;
            this.out = out;
            this.outOff = outOff;
            return this;
        }

        int word(long p) {
            return LittleEndian.i32(window, (int) (p - windowStart));
        }

        /** True if the old bytes at {@code at} begin an Xtensa function; read from flash outside the window. */
        boolean startsFunction(long at) throws IOException {
            if (at >= windowStart && at + 2 <= windowEnd) {
                int i = (int) (at - windowStart);
                return XtensaCalls.startsFunction(window[i], window[i + 1]);
            }
            source.read(at, twoBytes, 0, 2);
            return XtensaCalls.startsFunction(twoBytes[0], twoBytes[1]);
        }

        /** Writes the {@code size} little-endian bytes of {@code value} that old offset {@code at} starts, clipped to the chunk. */
        void place(long value, long at, int size) {
            long first = Math.max(at, from);
            long last = Math.min(at + size, end);
            for (long q = first; q < last; q++) {
                out[outOff + (int) (q - from)] = (byte) (value >>> (8 * (q - at)));
            }
        }
    }

    /** True if {@code b[at..at+4)} is a Thumb BL: halfwords 11110xxx.. and 11111xxx.. (little-endian). */
    public static boolean isThumbBl(byte[] b, int at) {
        return (b[at + 1] & 0xF8) == 0xF0 && (b[at + 3] & 0xF8) == 0xF8;
    }

    /** The byte offset of the Thumb BL at {@code b[at]}, relative to its address + 4 (22-bit field, sign-extended, x2). */
    public static long thumbBlOffset(byte[] b, int at) {
        int field = ((b[at + 1] & 7) << 19) | ((b[at] & 0xFF) << 11) | ((b[at + 3] & 7) << 8) | (b[at + 2] & 0xFF);
        return (field << 10) >> 9;
    }

    /** A Thumb BL at old offset q, re-aimed if the map knows both it and its target. */
    private static void reaimThumbBl(Chunk c, long q) {
        long target = c.map.map(q + 4 + thumbBlOffset(c.window, (int) (q - c.windowStart)));
        long at = c.map.map(q);
        if (target < 0 || at < 0) {
            return;
        }
        long offset = (target - (at + 4)) >> 1;
        long bl = (offset >> 11 & 0xFF) | (0xF0 | (offset >> 19 & 7)) << 8 | (offset & 0xFF) << 16
                | (0xF8 | (offset >> 8 & 7)) << 24;
        c.place(bl, q, 4);
    }

    /**
     * An Xtensa CALLn at old offset q, re-aimed if the map knows it and its target, the re-aimed
     * offset differs and fits, and the target begins like a function (two old bytes there, read
     * from flash when the target lies outside the window: only for calls the map would change).
     */
    private static void reaimXtensaCall(Chunk c, long q) throws IOException {
        int x = XtensaCalls.instruction(c.window, (int) (q - c.windowStart));
        long target = XtensaCalls.target(x, q);
        if (target < 0 || target + 2 > c.map.oldSize()) {
            return;
        }
        long at = c.map.map(q);
        long movedTarget = c.map.map(target);
        if (at < 0 || movedTarget < 0) {
            return;
        }
        int moved = XtensaCalls.aimedAt(x, at, movedTarget);
        if (moved >= 0 && moved != x && c.startsFunction(target)) {
            c.place(moved, q, 3);
        }
    }

    /** An AArch64 B/BL at old offset p, re-aimed if the map knows both it and its target. */
    private static void reaimA64Branch(Chunk c, long p, int w) {
        long target = c.map.map(p + A64References.branchOffset(w));
        long at = c.map.map(p);
        if (target >= 0 && at >= 0) {
            c.place(A64References.withBranchOffset(w, target - at), p, 4);
        }
    }

    /**
     * An ADRP at old offset p and its partner: the first ADD or load/store based on its register
     * within {@link A64References#PARTNER_REACH} instructions, unless an ADRP to the same register
     * comes first. Both are re-aimed at the moved target (the partner only if the moved target
     * suits its scale).
     */
    private static void reaimAdrp(Chunk c, long p, int w) {
        int at = (int) (p - c.windowStart);
        int partnerAt = A64References.partner(c.window, at, (int) (c.windowEnd - c.windowStart));
        long base = c.map.imageBase();
        long movedTarget = c.map.map(A64References.adrpTarget(c.window, at, partnerAt, base + p) - base);
        long movedAt = c.map.map(p);
        if (movedTarget < 0 || movedAt < 0) {
            return;
        }
        long newTarget = base + movedTarget;
        long pages = ((newTarget & ~0xFFFL) - (base + movedAt & ~0xFFFL)) >> 12;
        c.place(A64References.withAdrpPages(w, pages), p, 4);
        if (partnerAt >= 0) {
            int x = LittleEndian.i32(c.window, partnerAt);
            int scale = A64References.partnerScale(x);
            if ((newTarget & ((1L << scale) - 1)) == 0) {
                c.place(A64References.withLo12(x, (newTarget & 0xFFF) >> scale), c.windowStart + partnerAt, 4);
            }
        }
    }
}
