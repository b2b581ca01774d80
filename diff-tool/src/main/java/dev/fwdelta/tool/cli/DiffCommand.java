// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.tool.diff.BsdiffMatcher;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.encode.ImageTarget;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.sign.KeyFiles;
import dev.fwdelta.tool.sign.PatchSigner;
import dev.fwdelta.tool.sign.SigningKey;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Make a patch that turns OLD into NEW: raw .bin, Intel HEX, Motorola S-record, ELF or DFU "
            + "images, recognised by content.",
            "The patch records NEW's address (from the file, or --address)."})
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

    @Mixin
    BuildOptionsMixin build;

    @Mixin
    JsonOption json;

    @Mixin
    ImageInputs images;

    @Option(names = "--address", paramLabel = "ADDR", converter = UnsignedNumber.U32.class,
            description = "Where a raw .bin OLD or NEW is programmed, recorded in the patch. Default: the other "
                + "image's address if it is a HEX, S-record, ELF or DfuSe file, else none (the patch records no address).")
    Long address;

    @Option(names = "--allow-move", description = "Allow OLD and NEW at different addresses (the patch records NEW's).")
    boolean allowMove;

    @Option(names = "--key", paramLabel = "KEY.pem", description = "Sign the patch with this private key.")
    Path key;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "fwdelta",
            description = "fwdelta (default) or bsdiff40 (classic bsdiff, for Debian's bspatch).")
    Format format;

    @Override
    public Integer call() throws Exception {
        if (format == Format.bsdiff40) {
            refuseFwdeltaOnlyOptions();
        }
        AtomicOutput.check(output, oldPath, newPath, key);
        long raw = address == null ? FirmwareImage.NO_ADDRESS : address;
        FirmwareImage[] both = images.loadBoth(oldPath, newPath, raw, spec.commandLine().getErr());
        FirmwareImage oldFile = both[0];
        FirmwareImage newFile = both[1];
        ImageTarget target = ImageInputs.target(oldFile, newFile, allowMove);
        byte[] oldImage = oldFile.bytes();
        byte[] newImage = newFile.bytes();
        refusePatch("OLD", oldPath, oldImage);
        refusePatch("NEW", newPath, newImage);
        if (oldImage.length == 0) {
            spec.commandLine().getErr().printf("fwdelta: note: OLD %s is empty: the patch carries the whole of NEW%n",
                    oldPath);
        }
        if (format == Format.bsdiff40) {
            ByteArrayOutputStream patch = new ByteArrayOutputStream();
            BsdiffMatcher.writeBsdiff40(oldImage, newImage, patch, "bzip2");
            AtomicOutput.write(output, patch.toByteArray(), oldPath, newPath);
            Map<String, Object> r = result("BSDIFF40", patch.size(), newImage.length);
            json.output(spec).result(r, w -> w.printf("wrote %s: BSDIFF40, %d bytes for a %d-byte image%n", output,
                    patch.size(), newImage.length));
            return ExitCodes.OK;
        }
        BuildOptions options = build.toOptions().withTarget(target);
        SigningKey signingKey = key == null ? null : KeyFiles.readPrivate(key);
        PatchBuilder.Built built = PatchBuilder.build(oldImage, newImage, options);
        byte[] patch = signingKey == null ? built.patch() : PatchSigner.sign(built.patch(), signingKey);
        AtomicOutput.write(output, patch, oldPath, newPath, key);
        Map<String, Object> r = result("fwdelta", patch.length, newImage.length);
        r.put("codec", built.header().codec().label());
        r.put("codec_setting", built.codecSetting());
        r.put("decoder_ram", built.header().decoderRam());
        r.put("signed", signingKey != null);
        r.put("load_address", target.loadAddress() == FirmwareImage.NO_ADDRESS ? null : target.loadAddress());
        json.output(spec).result(r, w -> w.printf(
                "wrote %s: %d bytes for a %d-byte image%s (%.2f%%), %s, decoder RAM %d bytes%n",
                output, patch.length, newImage.length, target.loadAddress() == FirmwareImage.NO_ADDRESS ? ""
                        : String.format(" at 0x%08x", target.loadAddress()),
                100.0 * patch.length / Math.max(1, newImage.length), built.codecSetting(), built.header().decoderRam()));
        return ExitCodes.OK;
    }

    /** BSDIFF40 records none of these: given with it, they would be dropped without a word. */
    private void refuseFwdeltaOnlyOptions() {
        if (key != null) {
            throw new IllegalArgumentException("BSDIFF40 has no signature: --key works with --format fwdelta only");
        }
        for (String name : BuildOptionsMixin.NAMES) {
            if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                throw new IllegalArgumentException("BSDIFF40 records no codec, RAM budget, block size, version or board"
                        + " id: " + name + " works with --format fwdelta only");
            }
        }
    }

    /** A patch given as OLD or NEW: a mistake, most often a swapped argument, never an image to diff. */
    private static void refusePatch(String which, Path path, byte[] image) {
        PatchKind kind = PatchKind.of(image);
        if (kind != PatchKind.NONE) {
            throw new IllegalArgumentException(which + " " + path + " is " + kind.description + ", not a firmware image:"
                    + " diff takes the two images (apply a patch to get its NEW)");
        }
    }

    private Map<String, Object> result(String written, long patchSize, long newSize) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("output", output.toString());
        r.put("format", written);
        r.put("patch_size", patchSize);
        r.put("new_size", newSize);
        r.put("ratio", Math.round(10000.0 * patchSize / Math.max(1, newSize)) / 10000.0);
        return r;
    }
}
