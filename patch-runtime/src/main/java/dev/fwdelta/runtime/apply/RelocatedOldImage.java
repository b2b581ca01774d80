// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.Limits;
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
    static final int MARGIN = 4 * (A64References.PARTNER_REACH + 1);
    /** Enough for every other rule, which reads one word (at most a 64-bit pointer): fewer old bytes per chunk. */
    private static final int WORD_MARGIN = 8;
    /** Applied in this order, weakest first, so where several apply the strongest is written last. */
    private static final ViewTransform[] TRANSFORMS = {XtensaTransform.INSTANCE, ThumbTransform.INSTANCE,
        A64Transform.INSTANCE, PointerTransform.POINTER32, PointerTransform.POINTER64};
    public static final int WINDOW_BYTES = Limits.OLD_READ_BUFFER + 2 * MARGIN;

    private final OldImage old;
    private final RelocationMap map;
    private final int margin;
    private final byte[] window = new byte[WINDOW_BYTES];
    private final ViewChunk chunk = new ViewChunk();

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
            predict(new ViewChunk().set(map, new ByteArrayOldImage(oldImage), oldImage, 0, oldImage.length, from, len,
                    out, outOff));
        } catch (IOException e) {
            throw new IllegalStateException("reading an image in memory failed", e);
        }
    }

    /**
     * Writes the view of the chunk's old offsets to its output. Its window holds the old bytes
     * around them: MARGIN bytes on either side (8 without A64_ADRP), or up to the image's edge.
     * The transforms are applied from the weakest up (TRANSFORMS), so where
     * several apply the strongest is written last (pointer words over instructions).
     */
    private static void predict(ViewChunk c) throws IOException {
        System.arraycopy(c.window, (int) (c.from - c.windowStart), c.out, c.outOff, (int) (c.end - c.from));
        for (int i = 0; i < TRANSFORMS.length; i++) { // indexed: no iterator per chunk
            if (c.map.has(TRANSFORMS[i].transforms())) {
                TRANSFORMS[i].reaim(c);
            }
        }
    }
}
