// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import com.fazecast.jSerialComm.SerialPort;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.sim.An3155Simulator;
import dev.fwdelta.tool.stm32.DeltaFlasher;
import dev.fwdelta.tool.stm32.Stm32Part;
import dev.fwdelta.tool.transport.SerialLink;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Answer the AN3155 bootloader protocol on a serial port, with a flash model behind it.")
final class Stm32SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "PATH", description = "Serial port (or pseudo-terminal) the simulated bootloader answers on.")
    String port;

    @Option(names = "--part", defaultValue = "f405", description = "f030, f103, f405, f411, l476, g071 (default: ${DEFAULT-VALUE}).")
    String partName;

    @Option(names = "--flash-file", required = true, paramLabel = "FILE", description = "The flash content (kept).")
    Path flashFile;

    @Option(names = "--image", paramLabel = "IMAGE", description = {"Program this image first, at its address: a HEX, "
        + "S-record or ELF file's own, a raw .bin's the flash base.",
        "It must lie in the part's flash and start on a sector (as stm32 flash --image refuses otherwise)."})
    Path image;

    @Option(names = "--baud", defaultValue = "115200", converter = BaudRate.class,
            description = "Line rate, 1200..4000000 (default: ${DEFAULT-VALUE}).")
    int baud;

    @Mixin
    JsonOption json;

    @Mixin
    ImageInputs images;

    @Override
    public Integer call() throws Exception {
        Stm32Part part = Stm32Part.byName(partName);
        AtomicOutput.refuseInputs(flashFile, image); // the flash file is rewritten in place
        // The image is read and placed before the flash file or the port is opened: one that does
        // not fit the part's flash creates nothing.
        byte[] padded = null;
        int offset = 0;
        if (image != null) {
            FirmwareImage img = images.load(image, FirmwareImage.NO_ADDRESS, spec.commandLine().getErr());
            long at = img.hasAddress() ? img.address() : part.flashBase();
            try {
                offset = DeltaFlasher.offsetInFlash(part, at, img.bytes().length);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--image " + image + ": " + e.getMessage());
            }
            // Sector starts and flash sizes are multiples of 8: the padding stays in the flash.
            padded = Arrays.copyOf(img.bytes(), (img.bytes().length + 7) & ~7);
            Arrays.fill(padded, img.bytes().length, padded.length, (byte) 0xFF);
        }
        try (NorFlash flash = NorFlash.file(An3155Simulator.geometry(part), flashFile);
             SerialLink link = SerialLink.open(port, baud, SerialPort.NO_PARITY)) {
            if (padded != null) {
                flash.provision(offset, padded);
            }
            spec.commandLine().getErr().printf("simulated %s bootloader on %s%n", part.name(), port);
            spec.commandLine().getErr().flush();
            json.output(spec).event("serving", ServeCommand.serving(part.name(), port));
            new An3155Simulator(link, part, flash).run();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", "stopped");
        json.output(spec).result(r, w -> { });
        return ExitCodes.OK;
    }
}
