// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.device.DeviceLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Patches between the example firmware's builds, made with the fwdelta command line. */
final class QemuPatches {
    private QemuPatches() {}

    static DeviceLayout layout() throws IOException {
        return DeviceLayout.load(QemuFirmware.SOURCE.resolve("qemu-mps2-an386.layout").toString());
    }

    /** `fwdelta diff app-vFROM.bin app-vTO.bin --firmware-version VERSION --hardware-id (the board's)`. */
    static Path unsigned(Path dir, int from, int to, long version, String... extra) throws Exception {
        Path out = dir.resolve("v" + from + "-v" + to + "-" + version + "-" + extra.length + ".fwd");
        List<String> args = new ArrayList<>(List.of("diff", QemuFirmware.app(from).toString(),
                QemuFirmware.app(to).toString(), "-o", out.toString(), "--firmware-version", Long.toString(version),
                "--hardware-id", QemuFirmware.HARDWARE_ID));
        args.addAll(List.of(extra));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), "fwdelta diff: " + r.err());
        return out;
    }

    /** The same, signed with the key the firmware trusts ({@link QemuFirmware#KEY}). */
    static Path signed(Path dir, int from, int to, long version, String... extra) throws Exception {
        Path patch = unsigned(dir, from, to, version, extra);
        QemuFirmware.build();
        return signedWith(dir, patch, QemuFirmware.KEY);
    }

    /** `fwdelta sign --key KEY`. */
    static Path signedWith(Path dir, Path patch, Path key) throws Exception {
        Path signed = dir.resolve("signed-" + key.getFileName() + "-" + patch.getFileName());
        Cli.Result s = Cli.run("sign", "--key", key.toString(), "-o", signed.toString(), patch.toString());
        assertEquals(0, s.exit(), "fwdelta sign: " + s.err());
        return signed;
    }
}
