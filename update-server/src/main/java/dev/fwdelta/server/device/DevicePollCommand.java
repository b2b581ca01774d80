// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.image.ImageLoader;
import dev.fwdelta.tool.sign.KeyFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import dev.fwdelta.tool.cli.ByteSize;
import dev.fwdelta.tool.cli.UnsignedNumber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fwdelta device poll}: the simulated device checks in with an update server once. */
@Command(name = "device", mixinStandardHelpOptions = true, subcommands = DevicePollCommand.Poll.class,
        description = "Simulated device and an update server.")
public final class DevicePollCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (poll)");
    }

    @Command(name = "poll", mixinStandardHelpOptions = true,
            description = {"Check in once; download (resuming with Range), install and report an offered update.",
                "The flash is kept in --flash-file (created from --image the first time), so a run cut off",
                "continues where it stopped; after an install --image is replaced by the new image."})
    static final class Poll implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--server", required = true, paramLabel = "URL")
        URI server;

        @Option(names = "--id", required = true)
        String id;

        @Option(names = "--secret", required = true, description = "Device secret (from fwdelta server add-device).")
        String secret;

        @Option(names = "--layout", required = true, paramLabel = "NAME|FILE")
        String layoutName;

        @Option(names = "--image", required = true, paramLabel = "FILE", description = "The image the device runs.")
        Path image;

        @Option(names = "--flash-file", required = true, paramLabel = "FILE")
        Path flashFile;

        @Option(names = "--hardware-id", required = true, paramLabel = "ID", converter = UnsignedNumber.U32.class)
        long hardwareId;

        @Option(names = "--installed-version", defaultValue = "0", paramLabel = "N", converter = UnsignedNumber.class)
        long installedVersion;

        @Option(names = "--trust", paramLabel = "PUB.pem", description = "Release key(s) the device trusts.")
        List<Path> trust = new ArrayList<>();

        @Option(names = "--ram-budget", defaultValue = "16384", converter = ByteSize.class)
        long ramBudget;

        @Override
        public Integer call() throws Exception {
            DeviceLayout layout = DeviceLayout.load(layoutName);
            byte[] running = ImageLoader.load(image).bytes();
            TrustStore store = null;
            if (!trust.isEmpty()) {
                List<TrustedKey> keys = new ArrayList<>();
                for (Path p : trust) {
                    keys.add(KeyFiles.readPublic(p));
                }
                store = new TrustStore(keys);
            }
            UpdatePolicy policy = new UpdatePolicy(ramBudget, store, installedVersion == 0 ? -1 : installedVersion,
                    false, hardwareId);
            boolean fresh = !Files.exists(flashFile);
            try (NorFlash flash = NorFlash.file(layout.geometry(), flashFile)) {
                if (fresh) {
                    DeviceSimulator.provision(layout, flash, running);
                }
                OtaDevice device = new OtaDevice(server, id, secret, hardwareId, layout, flash, policy);
                OtaDevice.Outcome outcome = device.poll(new OtaDevice.Installed(installedVersion, running));
                if (outcome == OtaDevice.Outcome.NOTHING_TO_DO) {
                    spec.commandLine().getOut().println("up to date");
                    return 0;
                }
                byte[] now = device.activeImage(OtaDevice.newSize(device.lastHeader()));
                Path tmp = image.resolveSibling(image.getFileName() + ".part");
                Files.write(tmp, now);
                Files.move(tmp, image, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                spec.commandLine().getOut().printf("installed: %d bytes downloaded, image %s now %d bytes%n",
                        device.bytesDownloaded(), image, now.length);
            }
            return 0;
        }
    }
}
