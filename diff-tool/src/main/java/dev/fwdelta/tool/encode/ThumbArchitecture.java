// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.apply.ThumbTransform;
import dev.fwdelta.runtime.format.LittleEndian;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Thumb (ARM Cortex-M): BL calls, and 32-bit pointers. */
final class ThumbArchitecture implements Architecture {
    static final ThumbArchitecture INSTANCE = new ThumbArchitecture();

    private ThumbArchitecture() {}

    @Override
    public int elfMachine() {
        return 40;
    }

    @Override
    public int step() {
        return 2;
    }

    @Override
    public void read(byte[] old, byte[] neu, int o, int n, long base, Samples samples) {
        if (base >= 0 && (o & 3) == 0 && samples.add(LittleEndian.u32(old, o) - base, LittleEndian.u32(neu, n) - base)) {
            return;
        }
        if (ThumbTransform.isBl(old, o) && ThumbTransform.isBl(neu, n)) {
            samples.add(o + 4 + ThumbTransform.blOffset(old, o), n + 4 + ThumbTransform.blOffset(neu, n));
        }
    }

    /** BL calls; with a link address also 32-bit pointers, alone and with the calls. */
    @Override
    public List<RelocationMap> variants(RelocationMap map, OptionalLong base) {
        List<RelocationMap> variants = new ArrayList<>();
        variants.add(map.withTransforms(base.orElse(0), RelocationMap.THUMB_BL));
        if (base.isPresent()) {
            variants.add(map.withTransforms(base.getAsLong(), RelocationMap.THUMB_BL | RelocationMap.POINTER32));
            variants.add(map.withTransforms(base.getAsLong(), RelocationMap.POINTER32));
        }
        return variants;
    }
}
