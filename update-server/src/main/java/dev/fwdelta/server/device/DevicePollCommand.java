// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.server.http.BodyDeadline;
import dev.fwdelta.server.http.ServerUrlOption;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.cli.ImageInputs;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.sign.KeyFiles;
import dev.fwdelta.tool.io.DurableFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import dev.fwdelta.tool.cli.ByteSize;
import dev.fwdelta.tool.cli.UnsignedNumber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fwdelta device poll}: the simulated device checks in with an update server once (without a subcommand: usage error). */
@Command(name = "device", mixinStandardHelpOptions = true, subcommands = DevicePollCommand.Poll.class,
        description = "Simulated device and an update server.")
public final class DevicePollCommand {
    @Command(name = "poll", mixinStandardHelpOptions = true,
            description = {"Power on, check in once; download (resuming with Range), install and report an offered update.",
                "The flash is kept in --flash-file (created from --image the first time), what the device runs in "
                    + "FLASH-FILE.state (version, size, SHA-256; from --installed-version the first time), the hash "
                    + "state of a download in progress in FLASH-FILE.download: a run cut off anywhere continues where "
                    + "it stopped, and the next run checks in with the new version.",
                "After an install --image is rewritten with the new image."})
    static final class Poll implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ImageInputs images;

        @Option(names = "--server", required = true, paramLabel = "URL", converter = ServerUrlOption.class,
                description = "The update server.")
        URI server;

        @Option(names = "--id", required = true, description = "Device id (from fwdelta server add-device).")
        String id;

        @Option(names = "--secret-file", paramLabel = "FILE",
                description = "File holding the device secret (from fwdelta server add-device); else " + DeviceSecret.ENV + ".")
        Path secretFile;

        @Option(names = "--layout", required = true, paramLabel = "NAME|FILE",
                description = "Preset (stm32f405-1m, stm32l4-512k, nrf52840, stm32l0-192k) or a layout file.")
        String layoutName;

        @Option(names = "--image", required = true, paramLabel = "FILE",
                description = "The image the device starts with; rewritten with the running image after an install.")
        Path image;

        @Option(names = "--flash-file", required = true, paramLabel = "FILE",
                description = "The device's flash, kept across runs (created from --image the first time).")
        Path flashFile;

        @Option(names = "--hardware-id", required = true, paramLabel = "ID", converter = UnsignedNumber.U32.class,
                description = "This board's id: patches for another board are refused.")
        long hardwareId;

        @Option(names = "--installed-version", defaultValue = "0", paramLabel = "N", converter = UnsignedNumber.class,
                description = "Version of --image, read when FLASH-FILE.state does not exist yet (default: ${DEFAULT-VALUE}).")
        long installedVersion;

        @Option(names = "--trust", paramLabel = "PUB.pem", description = "Release key(s) the device trusts.")
        List<Path> trust = new ArrayList<>();

        @Option(names = "--ram-budget", paramLabel = "BYTES", defaultValue = "16384", converter = ByteSize.class,
                description = "Decoder RAM the device has: patches that need more are refused (default: ${DEFAULT-VALUE}).")
        long ramBudget;

        /** Body limits other than OtaDevice's constants (tests, which cannot wait those out); null: the constants. */
        BodyDeadline.Limits answerLimits;
        BodyDeadline.Limits downloadLimits;
        /** A wait for answer headers other than OtaDevice's constants (tests); null: the constants. */
        Duration headerLimit;

        @Override
        public Integer call() throws Exception {
            String secret = DeviceSecret.read(secretFile, System.getenv(DeviceSecret.ENV));
            DeviceLayout layout = DeviceLayout.load(layoutName);
            TrustStore store = null;
            if (!trust.isEmpty()) {
                List<TrustedKey> keys = new ArrayList<>();
                for (Path p : trust) {
                    keys.add(KeyFiles.readPublic(p));
                }
                store = new TrustStore(keys);
            }
            Path stateFile = stateFile(flashFile);
            boolean fresh = !Files.exists(flashFile);
            try (NorFlash flash = NorFlash.file(layout.geometry(), flashFile)) {
                if (fresh || !Files.exists(stateFile)) {
                    byte[] running = images.load(image, FirmwareImage.NO_ADDRESS, spec.commandLine().getErr()).bytes();
                    if (fresh) {
                        DeviceSimulator.provision(layout, flash, running);
                    }
                    new DeviceState(DeviceState.Image.of(installedVersion, running), null).save(stateFile);
                }
                // Before the power-on: a run that finishes an interrupted install raises this floor to
                // the version it installed (OtaDevice.poll takes the settled version as the floor).
                long version = DeviceState.load(stateFile).installed().version();
                UpdatePolicy policy = policy(ramBudget, store, version, hardwareId);
                OtaDevice device = new OtaDevice(server, id, secret, hardwareId, layout, flash, policy);
                if (answerLimits != null && downloadLimits != null) {
                    device.setBodyLimits(answerLimits, downloadLimits);
                }
                if (headerLimit != null) {
                    device.setHeaderLimits(headerLimit, headerLimit);
                }
                DeviceState.Image before = DeviceState.load(stateFile).installed();
                PersistentDevice.Result r;
                try {
                    r = new PersistentDevice(device, stateFile).poll();
                } finally {
                    // Also when the poll fails after this run finished an interrupted install (the
                    // next offer refused, say): --image is the image the device runs.
                    DeviceState.Image after = DeviceState.load(stateFile).installed();
                    if (!after.equals(before)) {
                        DurableFiles.write(image, device.activeImage(after.size()));
                    }
                }
                if (r.resumedInstall()) {
                    spec.commandLine().getOut().printf("finished the install a power cut interrupted: version %d%n",
                            r.resumed().version());
                }
                if (r.outcome() == OtaDevice.Outcome.NOTHING_TO_DO) {
                    spec.commandLine().getOut().printf("up to date: version %d%n", r.running().version());
                } else {
                    spec.commandLine().getOut().printf("installed version %d: %d bytes downloaded, image %s now %d bytes%n",
                            r.running().version(), device.bytesDownloaded(), image, r.running().size());
                }
            }
            return 0;
        }
    }

    /**
     * The device model's update policy: its RAM budget, keys and board, and anti-rollback against the
     * installed version, 0 included (as a C device compares it): a patch must carry a greater
     * firmware_version.
     */
    public static UpdatePolicy policy(long ramBudget, TrustStore trust, long installedVersion, long hardwareId) {
        return new UpdatePolicy(ramBudget, trust, installedVersion, false, hardwareId);
    }

    /** Where a flash file's device state is kept: beside it, FLASH-FILE.state. */
    public static Path stateFile(Path flashFile) {
        return flashFile.resolveSibling(flashFile.getFileName() + ".state");
    }
}
