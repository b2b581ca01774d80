// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.A64References;
import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.LittleEndian;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** AArch64: B/BL branches and ADRP pairs, and 64-bit pointers. */
final class A64Architecture implements Architecture {
    static final A64Architecture INSTANCE = new A64Architecture();
    private static final int CODE = RelocationMap.A64_BRANCH | RelocationMap.A64_ADRP;

    private A64Architecture() {}

    @Override
    public int elfMachine() {
        return 183;
    }

    @Override
    public int step() {
        return 4;
    }

    @Override
    public void read(byte[] old, byte[] neu, int o, int n, long base, Samples samples) {
        if (base >= 0 && (o & 7) == 0 && o + 8 <= old.length && n + 8 <= neu.length
                && samples.add(LittleEndian.u64(old, o) - base, LittleEndian.u64(neu, n) - base)) {
            return;
        }
        int wo = LittleEndian.i32(old, o);
        int wn = LittleEndian.i32(neu, n);
        if (A64References.isBranch(wo) && A64References.isBranch(wn)) {
            samples.add(o + A64References.branchOffset(wo), n + A64References.branchOffset(wn));
        } else if (A64References.isAdrp(wo) && A64References.isAdrp(wn)) {
            long link = Math.max(base, 0);
            int po = A64References.partner(old, o, old.length);
            int pn = A64References.partner(neu, n, neu.length);
            if ((po < 0) == (pn < 0)) {
                samples.add(A64References.adrpTarget(old, o, po, link + o) - link,
                        A64References.adrpTarget(neu, n, pn, link + n) - link);
            }
        }
    }

    /** Branches and ADRP pairs; with a link address also with 64-bit pointers. */
    @Override
    public List<RelocationMap> variants(RelocationMap map, OptionalLong base) {
        List<RelocationMap> variants = new ArrayList<>();
        variants.add(map.withTransforms(base.orElse(0), CODE));
        if (base.isPresent()) {
            variants.add(map.withTransforms(base.getAsLong(), CODE | RelocationMap.POINTER64));
        }
        return variants;
    }
}
