// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.stm32.DfuseFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export-dfu", mixinStandardHelpOptions = true,
        description = "Write IMAGE as a DfuSe .dfu file (prefix, target, element, suffix with CRC) for dfu-util.")
final class Stm32ExportDfuCommand implements Callable<Integer> {
    /** STM32 flash base: where a raw image goes without --address. */
    static final long DEFAULT_ADDRESS = 0x0800_0000L;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to write: raw .bin, Intel HEX, S-record, ELF or DFU.")
    Path image;

    @Option(names = "--address", paramLabel = "ADDR", converter = UnsignedNumber.U32.class,
            description = "Where a raw .bin image (or a plain DFU file's) goes (default: 0x08000000); HEX, S-record, "
                    + "ELF and DfuSe files carry their address.")
    Long address;

    @Mixin
    ImageInputs images;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.dfu", description = "The DfuSe file to write.")
    Path output;

    @Option(names = "--vid", paramLabel = "VID", defaultValue = "0x0483", converter = UnsignedNumber.U16.class,
            description = "USB vendor id in the suffix (default: ${DEFAULT-VALUE}, ST).")
    long vid;

    @Option(names = "--pid", paramLabel = "PID", defaultValue = "0xdf11", converter = UnsignedNumber.U16.class,
            description = "USB product id in the suffix (default: ${DEFAULT-VALUE}, ST's ROM DFU).")
    long pid;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        FirmwareImage loaded = images.load(image, address != null ? address : FirmwareImage.NO_ADDRESS,
                spec.commandLine().getErr());
        long at = loaded.hasAddress() ? loaded.address() : DEFAULT_ADDRESS;
        byte[] dfu = DfuseFile.write(loaded.bytes(), at, (int) vid, (int) pid, "Internal Flash");
        AtomicOutput.write(output, dfu, image);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("output", output.toString());
        r.put("image_size", loaded.bytes().length);
        r.put("address", at);
        r.put("dfu_size", dfu.length);
        r.put("vid", vid);
        r.put("pid", pid);
        json.output(spec).result(r, w -> w.printf("wrote %s: %d bytes at 0x%08x, %d-byte DfuSe file%n", output,
                loaded.bytes().length, at, dfu.length));
        return ExitCodes.OK;
    }
}
