// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.LittleEndian;

/** AArch64 B/BL (A64_BRANCH) and ADRP with its ADD or load/store partner (A64_ADRP). */
final class A64Transform implements ViewTransform {
    static final A64Transform INSTANCE = new A64Transform();

    private A64Transform() {}

    @Override
    public int transforms() {
        return RelocationMap.A64_BRANCH | RelocationMap.A64_ADRP;
    }

    @Override
    public void reaim(ViewChunk c) {
        RelocationMap map = c.map;
        for (long p = Math.max(c.windowStart, c.from - RelocatedOldImage.MARGIN + 1) + 3 & ~3L;
             p < c.end && p + 4 <= c.windowEnd; p += 4) {
            int w = c.word(p);
            if (map.has(RelocationMap.A64_BRANCH) && A64References.isBranch(w) && p + 4 > c.from) {
                reaimBranch(c, p, w);
            } else if (map.has(RelocationMap.A64_ADRP) && A64References.isAdrp(w)) {
                reaimAdrp(c, p, w);
            }
        }
    }

    /** A B/BL at old offset p, re-aimed if the map knows both it and its target. */
    private static void reaimBranch(ViewChunk c, long p, int w) {
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
    private static void reaimAdrp(ViewChunk c, long p, int w) {
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
