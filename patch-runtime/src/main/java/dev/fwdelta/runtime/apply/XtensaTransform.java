// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import java.io.IOException;

/** Xtensa CALL0/4/8/12 (XTENSA_CALL): 18-bit word offsets, to a function start. */
final class XtensaTransform implements ViewTransform {
    static final XtensaTransform INSTANCE = new XtensaTransform();

    private XtensaTransform() {}

    @Override
    public int transforms() {
        return RelocationMap.XTENSA_CALL;
    }

    @Override
    public void reaim(ViewChunk c) throws IOException {
        // ascending: where re-aimed calls overlap, the later one's bytes are written last
        for (long q = Math.max(c.windowStart, c.from - 2); q < c.end && q + 3 <= c.windowEnd; q++) {
            if (XtensaCalls.isCall(c.window[(int) (q - c.windowStart)])) {
                reaimCall(c, q);
            }
        }
    }

    /**
     * A CALLn at old offset q, re-aimed if the map knows it and its target, the re-aimed offset
     * differs and fits, and the target begins like a function (two old bytes there, read from
     * flash when the target lies outside the window: only for calls the map would change).
     */
    private static void reaimCall(ViewChunk c, long q) throws IOException {
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
}
