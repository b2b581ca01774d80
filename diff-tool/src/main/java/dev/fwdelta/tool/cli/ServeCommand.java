// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.DeviceInfo;
import dev.fwdelta.runtime.transport.UartDevice;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.sim.DeviceServer;
import dev.fwdelta.tool.sim.FaultSpec;
import dev.fwdelta.tool.sim.ThrottledLink;
import dev.fwdelta.tool.transport.Link;
import dev.fwdelta.tool.transport.SerialLink;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run a simulated device (update agent + flash model) on a serial port, for fwdelta send.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "PATH", description = "Serial port (or pseudo-terminal) the device answers on.")
    String port;

    @Option(names = "--layout", required = true, paramLabel = "NAME|FILE",
            description = "Preset (stm32f405-1m, stm32l4-512k, nrf52840, stm32l0-192k) or a layout file.")
    String layoutName;

    @Option(names = "--image", required = true, paramLabel = "OLD", description = "The image the device runs now.")
    Path image;

    @Option(names = "--flash-file", paramLabel = "FILE", description = "Keep the flash in FILE (inspect it, resume across runs).")
    Path flashFile;

    @Option(names = "--faults", paramLabel = "SPEC", description = "drop=P,corrupt=P,dup=P,disconnect=N,seed=S")
    String faults;

    @Option(names = "--baud", defaultValue = "115200", converter = BaudRate.class,
            description = "Line rate, 1200..4000000 (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--throttle", description = "Pace answers to the baud rate (pseudo-terminals ignore it).")
    boolean throttle;

    @Option(names = "--ram-budget", paramLabel = "BYTES", defaultValue = "16384", converter = ByteSize.class,
            description = "Decoder RAM the device has: patches that need more are refused (default: ${DEFAULT-VALUE}).")
    long ramBudget;

    // Unset, the simulated device checks neither (as `apply` does); given, even as 0, it checks
    // them as a device built with the C library always does.
    @Option(names = "--installed-version", paramLabel = "N", converter = UnsignedNumber.class,
            description = "firmware_version of the running image: the patch's must be greater (unset: not checked).")
    Long installedVersion;

    @Option(names = "--hardware-id", paramLabel = "ID", converter = UnsignedNumber.U32.class,
            description = "This board's id: patches for another board are refused (unset: not checked).")
    Long hardwareId;

    @Option(names = "--go-back-n", description = "Keep no frames after a gap (no selective repeat), as version-1 devices do.")
    boolean goBackN;

    @Option(names = "--exit-after-update", description = "Exit once an update is staged and verified.")
    boolean exitAfterUpdate;

    @Mixin
    TrustOptions trust;

    @Mixin
    JsonOption json;

    @Mixin
    ImageInputs images;

    @Override
    public Integer call() throws Exception {
        // A bad or missing --trust file is reported before any image is read, as in every command that takes it.
        TrustStore trusted = trust.store();
        DeviceLayout layout = DeviceLayout.load(layoutName);
        if (flashFile != null) {
            AtomicOutput.refuseInputs(flashFile, image); // the flash file is rewritten in place
        }
        byte[] old = images.load(image, FirmwareImage.NO_ADDRESS, spec.commandLine().getErr()).bytes();
        UpdatePolicy policy = new UpdatePolicy(ramBudget, trusted, installedVersion == null ? -1 : installedVersion,
                false, hardwareId == null ? -1 : hardwareId);
        try (NorFlash flash = flashFile == null ? NorFlash.erased(layout.geometry())
                : NorFlash.file(layout.geometry(), flashFile);
             Link serial = SerialLink.open(port, baud);
             Link link = throttle ? new ThrottledLink(serial, baud) : serial) {
            DeviceSimulator.provision(layout, flash, old);
            // Measured once, as the device's bootloader does at boot: serve stages updates and
            // never installs one, so the active slot holds this image for the whole run.
            ImageChecksums running = UpdateAgent.measureRunningImage(layout, flash, old.length);
            DeviceInfo info = new DeviceInfo(ramBudget, installedVersion == null ? 0 : installedVersion,
                    hardwareId == null ? 0 : hardwareId, layout.name());
            DeviceServer server = new DeviceServer(link, faults == null ? FaultSpec.none() : FaultSpec.parse(faults),
                    out -> new UartDevice(() -> new UpdateAgent(layout, flash, policy, running), info, out,
                            goBackN ? 0 : UartDevice.DEFAULT_HOLD_BYTES),
                    () -> exitAfterUpdate && new UpdateAgent(layout, flash, policy).state() == UpdateAgent.State.STAGED);
            spec.commandLine().getErr().printf("device %s serving on %s%n", layout.name(), port);
            spec.commandLine().getErr().flush();
            json.output(spec).event("serving", serving(layout.name(), port));
            server.run();
            if (server.failure() != null) {
                throw server.failure();
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("status", "staged");
            r.put("device_resets", server.resets());
            json.output(spec).result(r, w -> w.printf("update staged and verified (%d device resets)%n",
                    server.resets()));
        }
        return ExitCodes.OK;
    }

    /** The JSON event a serving simulator writes first: what it simulates and where, for a script to wait on. */
    static Map<String, Object> serving(String device, String port) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("device", device);
        e.put("port", port);
        return e;
    }
}
