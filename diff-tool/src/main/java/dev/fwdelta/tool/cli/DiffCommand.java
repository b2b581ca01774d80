package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.tool.diff.BsdiffMatcher;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.image.ImageLoader;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "Make a patch that turns OLD into NEW (raw .bin or Intel .hex images).")
final class DiffCommand implements Callable<Integer> {
    enum Format { fwdelta, bsdiff40 }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "Image on the device now.")
    Path oldPath;

    @Parameters(index = "1", paramLabel = "NEW", description = "Image to install.")
    Path newPath;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PATCH", description = "Patch file to write.")
    Path output;

    @Option(names = "--codec", paramLabel = "CODEC",
            description = "none, lz77 or lzma. Default: whichever gives the smaller patch within the RAM budget.")
    String codec;

    @Option(names = "--ram-budget", paramLabel = "BYTES", converter = ByteSize.class,
            description = "Decoder RAM the device gives the applier (default: ${DEFAULT-VALUE}).",
            defaultValue = "16384")
    long ramBudget;

    @Option(names = "--block-size", paramLabel = "BYTES", converter = ByteSize.class,
            description = "Largest decoded block: resume granularity (default: ${DEFAULT-VALUE}).",
            defaultValue = "262144")
    long blockSize;

    @Option(names = "--firmware-version", paramLabel = "N", converter = UnsignedNumber.class, defaultValue = "0",
            description = "Anti-rollback version of NEW (default: ${DEFAULT-VALUE}).")
    long firmwareVersion;

    @Option(names = "--hardware-id", paramLabel = "ID", converter = UnsignedNumber.class, defaultValue = "0",
            description = "Board/product id NEW is for, 32 bits (default: ${DEFAULT-VALUE}).")
    long hardwareId;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "fwdelta",
            description = "fwdelta (default) or bsdiff40 (classic bsdiff, for Debian's bspatch).")
    Format format;

    @Override
    public Integer call() throws Exception {
        byte[] oldImage = ImageLoader.load(oldPath).bytes();
        byte[] newImage = ImageLoader.load(newPath).bytes();
        if (format == Format.bsdiff40) {
            ByteArrayOutputStream patch = new ByteArrayOutputStream();
            BsdiffMatcher.writeBsdiff40(oldImage, newImage, patch, "bzip2");
            AtomicOutput.write(output, patch.toByteArray());
            spec.commandLine().getOut().printf("wrote %s: BSDIFF40, %d bytes for a %d-byte image%n", output,
                    patch.size(), newImage.length);
            return ExitCodes.OK;
        }
        if (blockSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--block-size " + blockSize + " is too large");
        }
        BuildOptions options = new BuildOptions(codec == null ? null : Codec.byLabel(codec), ramBudget,
                (int) blockSize, firmwareVersion, hardwareId);
        PatchBuilder.Built built = PatchBuilder.build(oldImage, newImage, options);
        AtomicOutput.write(output, built.patch());
        spec.commandLine().getOut().printf("wrote %s: %d bytes for a %d-byte image (%.2f%%), %s, decoder RAM %d bytes%n",
                output, built.patch().length, newImage.length, 100.0 * built.patch().length / Math.max(1, newImage.length),
                built.codecSetting(), built.header().decoderRam());
        return ExitCodes.OK;
    }
}
