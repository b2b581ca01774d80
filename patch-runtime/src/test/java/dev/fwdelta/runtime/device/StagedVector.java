// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bootloader tests' device: stm32f405-1m with a golden vector's old image in the active slot
 * and its patch staged by the agent; its slots and its boot log as the tests compare them.
 */
final class StagedVector {
    static final DeviceLayout LAYOUT = DeviceLayout.preset("stm32f405-1m");
    private static final Path DIR = Path.of("src/test/resources/vectors");

    final NorFlash flash;
    final StatusLog bootLog;
    final byte[] old;
    final byte[] newImage;
    final long patchId;

    StagedVector(String vector) throws Exception {
        old = Files.readAllBytes(DIR.resolve(vector + ".old"));
        newImage = Files.readAllBytes(DIR.resolve(vector + ".new"));
        byte[] patch = Files.readAllBytes(DIR.resolve(vector + ".fwd"));
        flash = DeviceSimulator.provision(LAYOUT, old);
        bootLog = new StatusLog(flash, LAYOUT.bootLog());
        byte[] header = Arrays.copyOf(patch, PatchHeader.sizeFromPrefix(patch));
        patchId = AgentRecords.patchId(Arrays.copyOf(header, 256));
        UpdateAgent a = new UpdateAgent(LAYOUT, flash, UpdatePolicy.ramOnly(1 << 20));
        long from = a.begin(header);
        a.receive(patch, (int) from, patch.length - (int) from);
        a.finish();
    }

    BootResult boot() throws IOException {
        return new Bootloader(LAYOUT, flash).boot();
    }

    byte[] slot(Region r, int length) {
        byte[] b = new byte[length];
        flash.read(r.offset(), b, 0, length);
        return b;
    }

    /** The boot log as "TYPE fields" lines, torn records left out. */
    List<String> records() {
        List<String> out = new ArrayList<>();
        int p = StatusLog.PAYLOAD_AT;
        bootLog.read((type, r) -> out.add(switch (type) {
            case BootRecords.INSTALL -> "INSTALL " + LittleEndian.u32(r, p + 8);
            case BootRecords.STEP -> "STEP " + (r[p] & 0xFF) + " " + LittleEndian.u32(r, p + 1) + " " + (r[p + 5] & 0xFF);
            default -> "TYPE " + type;
        }));
        return out;
    }

}
