package dev.fwdelta.tool.cli;

import com.fazecast.jSerialComm.SerialPort;
import dev.fwdelta.tool.image.ImageLoader;
import dev.fwdelta.tool.stm32.An3155Client;
import dev.fwdelta.tool.stm32.DeltaFlasher;
import dev.fwdelta.tool.stm32.Stm32Part;
import dev.fwdelta.tool.transport.SerialLink;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "flash", mixinStandardHelpOptions = true,
        description = {"Update a chip over its AN3155 UART bootloader.",
            "--patch: read the installed image, check it is the patch's base, rebuild the new image here,",
            "erase and write only the sectors that change. --image: a plain full write."})
final class Stm32FlashCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "PATH")
    String port;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--patch", paramLabel = "PATCH")
        Path patch;

        @Option(names = "--image", paramLabel = "NEW.bin")
        Path image;
    }

    @Option(names = "--baud", defaultValue = "115200")
    int baud;

    @Option(names = "--parity", defaultValue = "even", description = "even (AN3155, default) or none (pseudo-terminals).")
    String parity;

    @Option(names = "--verify", description = "Read back what was written.")
    boolean verify;

    @Option(names = "--go", description = "Start the new firmware afterwards (Go to the flash base).")
    boolean go;

    @Override
    public Integer call() throws Exception {
        int p = switch (parity) {
            case "even" -> SerialPort.EVEN_PARITY;
            case "none" -> SerialPort.NO_PARITY;
            default -> throw new IllegalArgumentException("--parity must be even or none");
        };
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (SerialLink link = SerialLink.open(port, baud, p)) {
            An3155Client chip = new An3155Client(link);
            Stm32Part part = chip.connect();
            err.printf("%s (product id 0x%03x), bootloader %d.%d, %d KiB flash%n", part.name(), part.productId(),
                    chip.bootloaderVersion() >> 4, chip.bootloaderVersion() & 15, part.flashSize() / 1024);
            DeltaFlasher.Progress progress = (phase, done, total) -> {
                err.printf("\r%-22s %3d%%", phase, total == 0 ? 100 : 100 * done / total);
                err.flush();
            };
            DeltaFlasher.Summary s = source.patch != null
                    ? DeltaFlasher.flashPatch(chip, Files.readAllBytes(source.patch), verify, progress)
                    : DeltaFlasher.flashImage(chip, ImageLoader.load(source.image).bytes(), verify, progress);
            err.println();
            if (go) {
                chip.go(part.flashBase());
            }
            out.printf("sectors erased and written   %d of the %d the image spans (a full write erases all %d)%n",
                    s.sectorsErased(), s.sectorsInImage(), s.sectorsInImage());
            out.printf("bytes written                %d of %d%n", s.bytesWritten(), s.imageBytes());
            out.printf("bytes on the wire            %d%n", s.wireBytes());
            out.printf("time                         %.2f s%s%n", s.seconds(), s.verified() ? ", verified" : "");
        }
        return ExitCodes.OK;
    }
}
