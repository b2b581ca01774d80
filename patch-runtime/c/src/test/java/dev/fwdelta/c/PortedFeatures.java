package dev.fwdelta.c;

import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;

/**
 * What the C port applies today, read from a patch: everything but the relocation map's A64 and
 * Xtensa rules (A64_BRANCH, A64_ADRP, XTENSA_CALL; docs/FORMAT.md 2.3), which it refuses with
 * NOT_YET_SUPPORTED (100) once the map passed its checks.
 */
final class PortedFeatures {
    static final int UNPORTED_TRANSFORMS = 4 | 8 | 32;

    private PortedFeatures() {}

    /** True if the patch's map prefix names a transform the C port does not have (false for a bad header). */
    static boolean usesUnported(byte[] patch) {
        PatchHeader h;
        try {
            h = PatchHeader.parse(patch);
        } catch (PatchException e) {
            return false;
        }
        if ((h.flags() & PatchHeader.FLAG_RELOCATED) == 0) {
            return false;
        }
        int at = h.size();
        if (h.compact()) {
            while (at < patch.length && (patch[at] & 0x80) != 0) {
                at++; // image_base uvarint
            }
            at++;
        } else {
            at += 4; // image_base u32
        }
        return at < patch.length && (patch[at] & UNPORTED_TRANSFORMS) != 0;
    }
}
