// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.apply.ApplyResult;
import dev.fwdelta.runtime.apply.StreamApply;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.runtime.io.FileOldImage;
import dev.fwdelta.runtime.io.OldImage;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Applier;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Format;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Reader;
import dev.fwdelta.tool.image.ImageLoader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
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

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Apply PATCH (fwdelta or BSDIFF40) to OLD. NEW is written only after it verified.")
final class ApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "Image the patch was made from.")
    Path oldPath;

    @Parameters(index = "1", paramLabel = "PATCH", description = "Patch file.")
    Path patchPath;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "NEW", description = "Image file to write.")
    Path output;

    @Option(names = "--ram-budget", paramLabel = "BYTES", converter = ByteSize.class,
            description = "Refuse patches whose decoder needs more RAM than this (default: no limit).")
    Long ramBudget;

    @Mixin
    MaxSizeOption maxSize;

    @Mixin
    TrustOptions trust;

    @Mixin
    JsonOption json;

    @Option(names = "--installed-version", paramLabel = "N", converter = UnsignedNumber.class,
            description = "firmware_version of the running image: the patch's must be greater (anti-rollback).")
    Long installedVersion;

    @Option(names = "--allow-downgrade", description = "Development only: skip the anti-rollback check.")
    boolean allowDowngrade;

    @Option(names = "--hardware-id", paramLabel = "ID", converter = UnsignedNumber.U32.class,
            description = "This board's id: patches for another board are refused.")
    Long hardwareId;

    @Override
    public Integer call() throws Exception {
        AtomicOutput.refuseInputs(output, oldPath, patchPath);
        if (Bsdiff40Format.isBsdiff40(patchPath)) {
            return applyBsdiff40();
        }
        ApplyResult result;
        try (OldImageHandle old = OldImageHandle.open(oldPath);
             InputStream patch = new BufferedInputStream(Files.newInputStream(patchPath))) {
            // The declared new size is checked before the output exists (the applier checks the rest).
            maxSize.checkNewSize(PatchFileSummary.readHeader(patchPath).newSize());
            try (AtomicOutput out = new AtomicOutput(output, oldPath, patchPath)) {
                result = StreamApply.apply(patch, old.image(), out.stream()::write, policy());
                out.commit();
            }
        }
        Map<String, Object> r = result("fwdelta", result.newSize());
        r.put("blocks", result.blocks());
        r.put("verified", true);
        json.output(spec).result(r, w -> w.printf("wrote %s: %d bytes, %d blocks, SHA-256 and CRCs verified%n", output,
                result.newSize(), result.blocks()));
        return ExitCodes.OK;
    }

    private UpdatePolicy policy() throws IOException {
        return new UpdatePolicy(ramBudget == null ? Long.MAX_VALUE : ramBudget, trust.store(),
                installedVersion == null ? -1 : installedVersion, allowDowngrade, hardwareId == null ? -1 : hardwareId);
    }

    private int applyBsdiff40() throws Exception {
        if (trust.store() != null || installedVersion != null || hardwareId != null) {
            throw new IllegalArgumentException("a BSDIFF40 patch carries no signature, version or board id: "
                    + "--trust, --installed-version and --hardware-id cannot be checked");
        }
        long size;
        try (SeekableByteChannel patch = Files.newByteChannel(patchPath);
             OldImageHandle old = OldImageHandle.open(oldPath);
             Bsdiff40Reader reader = new Bsdiff40Reader(patch, old.image().size(), maxSize.bytes());
             AtomicOutput out = new AtomicOutput(output, oldPath, patchPath)) {
            // The reader checked the header (new size against --max-size) before the output existed.
            OutputStream buffered = new BufferedOutputStream(out.stream(), Bsdiff40Applier.CHUNK);
            size = Bsdiff40Applier.apply(reader, old.image(), buffered);
            buffered.flush();
            out.commit();
        }
        Map<String, Object> r = result("BSDIFF40", size);
        r.put("verified", false);
        json.output(spec).result(r, w -> w.printf(
                "wrote %s: %d bytes from a BSDIFF40 patch (BSDIFF40 has no checksum)%n", output, size));
        return ExitCodes.OK;
    }

    private Map<String, Object> result(String patchFormat, long newSize) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("output", output.toString());
        r.put("patch_format", patchFormat);
        r.put("new_size", newSize);
        return r;
    }

    /** A .bin old image is read by random access from its file; a .hex one is converted in memory. */
    private record OldImageHandle(OldImage image, AutoCloseable resource) implements AutoCloseable {
        static OldImageHandle open(Path path) throws Exception {
            if (ImageLoader.isIntelHex(path)) {
                return new OldImageHandle(new ByteArrayOldImage(ImageLoader.load(path).bytes()), () -> { });
            }
            FileOldImage file = new FileOldImage(path);
            return new OldImageHandle(file, file);
        }

        @Override
        public void close() throws Exception {
            resource.close();
        }
    }
}
