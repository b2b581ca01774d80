// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import com.fazecast.jSerialComm.SerialPort;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.sim.DfuseDevice;
import dev.fwdelta.tool.stm32.An3155Client;
import dev.fwdelta.tool.stm32.DeltaFlasher;
import dev.fwdelta.tool.stm32.DfuseClient;
import dev.fwdelta.tool.stm32.FlashTarget;
import dev.fwdelta.tool.stm32.RecoveryCopies;
import dev.fwdelta.tool.stm32.Stm32Part;
import dev.fwdelta.tool.transport.SerialLink;
import dev.fwdelta.tool.transport.dfu.Usb4JavaControl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "flash", mixinStandardHelpOptions = true,
        description = {"Update a chip through its ROM bootloader: AN3155 over UART (--port) or DfuSe over USB (--usb).",
            "--patch: read the installed image, check it is the patch's base, rebuild the new image here, "
                + "erase and write only the sectors that change. An interrupted --patch flash is finished by running "
                + "the same command again; a chip that already holds the result is reported up to date.",
            "--image: a plain full write (raw .bin, Intel HEX, S-record, ELF or DFU).",
            "Both write at the image's address (the patch's load address, the file's, or --address) and refuse "
                + "an address outside the part's flash or not on a sector start; the sectors around the image are kept."})
final class Stm32FlashCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Connection connection;

    static final class Connection {
        @Option(names = "--port", paramLabel = "PATH", description = "Serial port of the AN3155 UART bootloader.")
        String port;

        @Option(names = "--usb", paramLabel = "VID:PID", converter = UsbId.Converter.class,
                description = "ST's ROM DFU device (DfuSe), usually 0483:df11.")
        UsbId usb;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--patch", paramLabel = "PATCH", description = "Delta update: a patch whose base the chip holds now.")
        Path patch;

        @Option(names = "--image", paramLabel = "NEW", description = "Full write of this image (raw .bin, Intel HEX, S-record, ELF or DFU).")
        Path image;
    }

    @Option(names = "--baud", defaultValue = "115200", converter = BaudRate.class,
            description = "Line rate, 1200..4000000 (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--parity", defaultValue = "even", description = "even (AN3155, default) or none (pseudo-terminals).")
    String parity;

    @Mixin
    TimeoutOption timeout;

    @Option(names = "--verify", description = "Read back what was written.")
    boolean verify;

    @Option(names = "--go", arity = "0..1", paramLabel = "ADDR", fallbackValue = GO_IMAGE,
            description = "Start the new firmware afterwards: Go to the image's address, or to ADDR.")
    String go;

    @Option(names = "--address", paramLabel = "ADDR", converter = UnsignedNumber.U32.class,
            description = "Where a raw .bin --image, or a --patch that records no load address, is written "
                + "(default: the part's flash base). A patch that records one must record this one.")
    Long address;

    @Mixin
    ImageInputs images;

    /** --go without ADDR: the address the image was written at. */
    static final String GO_IMAGE = "image";

    @Option(names = "--recovery-dir", paramLabel = "DIR", description = "Where --patch keeps the new image until "
            + "the chip is verified, so that an interrupted flash can be finished with the same patch "
            + "(default: $XDG_STATE_HOME/fwdelta/stm32-flash or ~/.local/state/fwdelta/stm32-flash).")
    Path recoveryDir;

    @Mixin
    JsonOption json;

    /** --go ADDR as a number (checked before anything is read or written). */
    private long goAddress() {
        try {
            return new UnsignedNumber.U32().convert(go);
        } catch (CommandLine.TypeConversionException e) {
            throw new IllegalArgumentException("--go: " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (source.patch != null && images.region != null) {
            throw new IllegalArgumentException("--region selects regions of a HEX, S-record or ELF --image; with "
                    + "--patch there is no image file to select from (the patch records its address): leave it out");
        }
        if (go != null && !go.equals(GO_IMAGE)) {
            goAddress();
        }
        int p = switch (parity) {
            case "even" -> SerialPort.EVEN_PARITY;
            case "none" -> SerialPort.NO_PARITY;
            default -> throw new IllegalArgumentException("--parity must be even or none");
        };
        PrintWriter err = spec.commandLine().getErr();
        // The input is read and checked before the chip is touched: a bad patch or image file is
        // refused without opening the port or resetting a device into its bootloader for nothing.
        Input input = readInput(err);
        if (connection.usb != null) {
            try (Usb4JavaControl usb = Usb4JavaControl.open(connection.usb.vid(), connection.usb.pid(),
                    timeout.millis())) {
                return run(new DfuseClient(usb, usb.interfaceString(), DfuseDevice.TRANSFER_SIZE), input);
            }
        }
        try (SerialLink link = SerialLink.open(connection.port, baud, p)) {
            An3155Client chip = new An3155Client(link, (int) timeout.millis());
            Stm32Part part = chip.connect();
            err.printf("%s (product id 0x%03x), bootloader %d.%d, %d KiB flash%n", part.name(), part.productId(),
                    chip.bootloaderVersion() >> 4, chip.bootloaderVersion() & 15, part.flashSize() / 1024);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("part", part.name());
            e.put("product_id", part.productId());
            e.put("bootloader_version", (chip.bootloaderVersion() >> 4) + "." + (chip.bootloaderVersion() & 15));
            e.put("flash_size", part.flashSize());
            json.output(spec).event("chip", e);
            return run(chip, input);
        }
    }

    /** What is flashed: a patch with its header, or an image; the other null. */
    private record Input(byte[] patch, PatchHeader header, FirmwareImage image) {
    }

    private Input readInput(PrintWriter err) throws Exception {
        if (source.patch != null) {
            byte[] patch = DeltaFlasher.readPatch(source.patch);
            PatchHeader header;
            try {
                header = PatchHeader.parse(patch);
            } catch (PatchException e) {
                throw PatchFileSummary.named(source.patch, e);
            }
            if (address != null) {
                header.checkLoadAddress(address);
            }
            return new Input(patch, header, null);
        }
        return new Input(null, null, images.load(source.image, address != null ? address : FirmwareImage.NO_ADDRESS, err));
    }

    private int run(FlashTarget chip, Input input) throws Exception {
        DeltaFlasher.Progress progress = json.progress(spec);
        long defaultAt = address != null ? address : chip.part().flashBase();
        long at;
        DeltaFlasher.Summary s;
        if (input.patch() != null) {
            at = input.header().hasLoadAddress() ? input.header().loadAddress() : defaultAt;
            s = DeltaFlasher.flashPatch(chip, input.patch(), at, verify, progress,
                    new RecoveryCopies(recoveryDir != null ? recoveryDir : RecoveryCopies.defaultDir()));
        } else {
            FirmwareImage image = input.image();
            at = image.hasAddress() ? image.address() : defaultAt;
            s = DeltaFlasher.flashImage(chip, image.bytes(), at, verify, progress);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("start", s.start().name());
        r.put("image_address", at);
        r.put("sectors_erased", s.sectorsErased());
        r.put("sectors_in_image", s.sectorsInImage());
        r.put("bytes_written", s.bytesWritten());
        r.put("image_bytes", s.imageBytes());
        r.put("wire_bytes", s.wireBytes());
        r.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
        r.put("verified", s.verified());
        Consumer<PrintWriter> text = out -> {
            if (s.start() == DeltaFlasher.Start.UP_TO_DATE) {
                out.println("already up to date: the chip holds the patch's new image (SHA-256 matches), nothing written");
                return;
            }
            if (s.start() == DeltaFlasher.Start.RESUMED) {
                out.println("finished an interrupted update from the image kept when it started");
            }
            out.printf("sectors erased and written   %d of the %d the image spans (a full write erases all %d)%n",
                    s.sectorsErased(), s.sectorsInImage(), s.sectorsInImage());
            out.printf("image address                0x%08x%n", at);
            out.printf("bytes written                %d of %d%n", s.bytesWritten(), s.imageBytes());
            out.printf("bytes on the wire            %d%n", s.wireBytes());
            out.printf("time                         %.2f s%s%n", s.seconds(), s.verified() ? ", verified" : "");
        };
        CommandOutput output = json.output(spec);
        if (go != null) {
            startImage(chip, go.equals(GO_IMAGE) ? at : goAddress(), at, s.verified(), output, r, text);
        }
        output.result(r, text);
        return ExitCodes.OK;
    }

    /**
     * GO after the image is on the chip. A GO that fails does not undo the write, so the user is
     * first told what was written (the text summary, or a "flashed" step line with the fields of
     * "done", which only a run that succeeded ends with), then the error says the image is there.
     */
    private static void startImage(FlashTarget chip, long goAt, long imageAt, boolean verified, CommandOutput output,
                                   Map<String, Object> summary, Consumer<PrintWriter> text) throws IOException {
        try {
            chip.go(goAt);
        } catch (IOException e) {
            output.event("flashed", summary);
            output.text(text);
            throw new IOException(String.format("the image is written%s at 0x%08x, but GO 0x%08x failed: %s; reset "
                    + "the chip to start it", verified ? " and verified" : "", imageAt, goAt, e.getMessage()), e);
        }
    }
}
