// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.apply.XtensaCalls;
import dev.fwdelta.runtime.format.LittleEndian;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Xtensa (ESP8266, ESP32): CALLn between two function starts, and 32-bit pointers. */
final class XtensaArchitecture implements Architecture {
    static final XtensaArchitecture INSTANCE = new XtensaArchitecture();

    private XtensaArchitecture() {}

    @Override
    public int elfMachine() {
        return 94;
    }

    /** Xtensa instructions need no alignment: every byte may start a call. */
    @Override
    public int step() {
        return 1;
    }

    /** A 32-bit pointer (aligned, with a link address), else a CALLn between two function starts. */
    @Override
    public void read(byte[] old, byte[] neu, int o, int n, long base, Samples samples) {
        if (base >= 0 && (o & 3) == 0 && samples.add(LittleEndian.u32(old, o) - base, LittleEndian.u32(neu, n) - base)) {
            return;
        }
        if (XtensaCalls.isCall(old[o]) && XtensaCalls.isCall(neu[n])) {
            long to = XtensaCalls.target(XtensaCalls.instruction(old, o), o);
            long tn = XtensaCalls.target(XtensaCalls.instruction(neu, n), n);
            if (to >= 0 && to + 2 <= old.length && tn >= 0 && tn + 2 <= neu.length
                    && XtensaCalls.startsFunction(old[(int) to], old[(int) to + 1])
                    && XtensaCalls.startsFunction(neu[(int) tn], neu[(int) tn + 1])) {
                samples.add(to, tn);
            }
        }
    }

    /**
     * Calls; with a link address also 32-bit pointers alone, then with the calls. Pointers alone
     * come first so that they win a tie: on a raw image of another architecture the evidence read
     * here is its pointers (read first, above) and its "calls" re-aim nothing, and a view that
     * carried them all the same was named, and applied by the device, as Xtensa code.
     */
    @Override
    public List<RelocationMap> variants(RelocationMap map, OptionalLong base) {
        List<RelocationMap> variants = new ArrayList<>();
        variants.add(map.withTransforms(base.orElse(0), RelocationMap.XTENSA_CALL));
        if (base.isPresent()) {
            variants.add(map.withTransforms(base.getAsLong(), RelocationMap.POINTER32));
            variants.add(map.withTransforms(base.getAsLong(), RelocationMap.XTENSA_CALL | RelocationMap.POINTER32));
        }
        return variants;
    }
}
