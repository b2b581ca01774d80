// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.apply.ApplyResult;
import dev.fwdelta.runtime.apply.StreamApply;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.runtime.io.FileOldImage;
import dev.fwdelta.runtime.io.OldImage;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Applier;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Format;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Reader;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.image.ImageFormat;
import dev.fwdelta.tool.image.ImageLoader;
import dev.fwdelta.tool.image.RecordWriter;
import dev.fwdelta.tool.io.BoundedFile;
import java.io.PrintWriter;
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
        description = {"Apply PATCH (fwdelta or BSDIFF40) to OLD. NEW is written only once it verified.",
            // Short lines: picocli may wrap a line between a '.' and an extension's letters.
            "NEW is written as Intel HEX if its name ends .hex, .ihex or .ihx.",
            "It is written as S-records if it ends .srec, .s19, .s28, .s37 or .mot.",
            "Any other name gets raw bytes.",
            "A patch that records a load address other than the slot's (OLD's address, or --address) is refused."})
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

    @Option(names = "--address", paramLabel = "ADDR", converter = UnsignedNumber.U32.class,
            description = {"Address of the slot NEW is installed at (a raw .bin OLD is taken to be there).",
                "Default: OLD's address if it is a HEX, S-record, ELF or DfuSe file, else none (not checked)."})
    Long address;

    @Mixin
    ImageInputs images;

    @Override
    public Integer call() throws Exception {
        // A bad or missing --trust file is reported before OLD or PATCH is read, as in every command that takes it.
        TrustStore trusted = trust.store();
        BoundedFile.requireFile(oldPath);
        BoundedFile.requireFile(patchPath);
        PatchFileSummary.requireRereadable(patchPath, "apply");
        refuseSwapped();
        AtomicOutput.check(output, oldPath, patchPath);
        ImageFormat outFormat = outputFormat(output);
        if (Bsdiff40Format.isBsdiff40(patchPath)) {
            return applyBsdiff40(outFormat, trusted);
        }
        ApplyResult result;
        long at;
        try (OldImageHandle old = OldImageHandle.open(oldPath, images, spec.commandLine().getErr());
             InputStream patch = new BufferedInputStream(Files.newInputStream(patchPath))) {
            // The declared new size and the load address are checked before the output exists
            // (the applier checks the rest).
            PatchHeader header = PatchFileSummary.readHeader(patchPath);
            maxSize.checkNewSize(header.newSize());
            long slot = address != null ? address : old.address();
            if (slot != FirmwareImage.NO_ADDRESS) {
                header.checkLoadAddress(slot);
            }
            at = header.hasLoadAddress() ? header.loadAddress() : slot;
            checkRecordsFit(outFormat, at, header.newSize(), header.hasLoadAddress() ? "the patch's load_address"
                    : "--address");
            try (AtomicOutput out = new AtomicOutput(output, oldPath, patchPath)) {
                OutputStream sink = encoder(outFormat, out.stream(), at);
                result = StreamApply.apply(patch, old.image(), sink::write, policy(trusted));
                finish(sink);
                out.commit();
            }
        }
        Map<String, Object> r = result("fwdelta", result.newSize());
        r.put("blocks", result.blocks());
        r.put("verified", true);
        r.put("load_address", at == FirmwareImage.NO_ADDRESS ? null : at);
        json.output(spec).result(r, w -> w.printf("wrote %s: %d bytes%s, %d block%s, verified (%s)%n", output,
                result.newSize(), describe(outFormat, at), result.blocks(), result.blocks() == 1 ? "" : "s", VerifiedChecks.of(result.header().newImage())));
        return ExitCodes.OK;
    }

    /** OLD and PATCH given the other way round: said as such, rather than as a PATCH with a bad magic. */
    private void refuseSwapped() throws IOException {
        if (Files.isRegularFile(patchPath) && PatchKind.ofFile(patchPath) == PatchKind.NONE
                && PatchKind.ofFile(oldPath) != PatchKind.NONE) {
            throw new PatchException(ErrorCode.BAD_MAGIC, "PATCH " + patchPath + " is not a patch, but OLD " + oldPath
                    + " is: the order is apply OLD PATCH -o NEW");
        }
    }

    /** The format NEW is written in, by its name: HEX and S-records need an address, ELF and DFU are not written. */
    private static ImageFormat outputFormat(Path output) {
        ImageFormat f = ImageFormat.byName(output.getFileName().toString());
        if (f == ImageFormat.ELF || f == ImageFormat.DFU) {
            throw new IllegalArgumentException("apply writes raw (.bin), Intel HEX (.hex) or S-record (.srec) images, "
                    + "not " + f.label() + ": name NEW " + output.getFileName() + " accordingly");
        }
        return f == null ? ImageFormat.BIN : f;
    }

    /**
     * A HEX or S-record NEW must end at or below 2^32 (records hold 32-bit addresses): checked before
     * the output exists, rather than failing when the writer reaches 2^32 half way through.
     */
    private static void checkRecordsFit(ImageFormat format, long at, long newSize, String addressFrom) {
        if (format != ImageFormat.BIN && at != FirmwareImage.NO_ADDRESS && at + newSize > 1L << 32) {
            throw new IllegalArgumentException(String.format("NEW (new_size %d bytes) at 0x%08x (%s) would end at "
                    + "0x%x, past 2^32: it cannot be written as %s records (a raw .bin can)", newSize, at,
                    addressFrom, at + newSize, format.label()));
        }
    }

    /** The stream NEW's bytes go through: as they are, or as address records from {@code at}. */
    private static OutputStream encoder(ImageFormat format, OutputStream out, long at) {
        if (format == ImageFormat.BIN) {
            return out;
        }
        if (at == FirmwareImage.NO_ADDRESS) {
            throw new IllegalArgumentException("NEW is " + format.label() + ", which needs an address: the patch "
                    + "records none and OLD is a raw binary; give --address");
        }
        return RecordWriter.of(format, out, at);
    }

    private static void finish(OutputStream sink) throws IOException {
        if (sink instanceof RecordWriter records) {
            records.finish();
        }
    }

    private static String describe(ImageFormat format, long at) {
        return format == ImageFormat.BIN ? "" : String.format(" as %s at 0x%08x", format.label(), at);
    }

    private UpdatePolicy policy(TrustStore trusted) {
        return new UpdatePolicy(ramBudget == null ? Long.MAX_VALUE : ramBudget, trusted,
                installedVersion == null ? -1 : installedVersion, allowDowngrade, hardwareId == null ? -1 : hardwareId);
    }

    private int applyBsdiff40(ImageFormat outFormat, TrustStore trusted) throws Exception {
        if (trusted != null) {
            // --trust asks for a signed patch, and a BSDIFF40 patch has no signature: refused as an
            // unsigned fwdelta patch is, with the same exit code.
            throw new PatchException(ErrorCode.UNSIGNED_PATCH, patchPath + ": a BSDIFF40 patch carries no signature,"
                    + " and --trust asks for one");
        }
        if (installedVersion != null || hardwareId != null || ramBudget != null) {
            throw new IllegalArgumentException("a BSDIFF40 patch carries no version, board id or decoder RAM: "
                    + "--installed-version, --hardware-id and --ram-budget cannot be checked");
        }
        long size;
        try (SeekableByteChannel patch = Files.newByteChannel(patchPath);
             OldImageHandle old = OldImageHandle.open(oldPath, images, spec.commandLine().getErr());
             Bsdiff40Reader reader = new Bsdiff40Reader(patch, old.image().size(), maxSize.bytes())) {
            // The reader checked the header (new size against --max-size) before the output exists.
            long at = address != null ? address : old.address();
            checkRecordsFit(outFormat, at, reader.newSize(), address != null ? "--address" : "OLD's address");
            try (AtomicOutput out = new AtomicOutput(output, oldPath, patchPath)) {
                OutputStream sink = encoder(outFormat, out.stream(), at);
                OutputStream buffered = new BufferedOutputStream(sink, Bsdiff40Applier.CHUNK);
                size = Bsdiff40Applier.apply(reader, old.image(), buffered);
                buffered.flush();
                finish(sink);
                out.commit();
            }
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

    /**
     * A raw old image is read by random access from its file (no address of its own); a HEX,
     * S-record or ELF one is converted in memory and keeps its address, and so is an image that can
     * be read only once (a pipe: no random access, and no looking at its first bytes first).
     */
    private record OldImageHandle(OldImage image, long address, AutoCloseable resource) implements AutoCloseable {
        static OldImageHandle open(Path path, ImageInputs images, PrintWriter err) throws Exception {
            if (!Files.isRegularFile(path) || ImageLoader.detect(path) != ImageFormat.BIN) {
                FirmwareImage loaded = images.load(path, FirmwareImage.NO_ADDRESS, err);
                return new OldImageHandle(new ByteArrayOldImage(loaded.bytes()), loaded.address(), () -> { });
            }
            if (images.region != null) {
                throw new IllegalArgumentException("--region selects regions of a HEX, S-record, ELF or DfuSe file; " + path
                        + " is a raw binary");
            }
            FileOldImage file = new FileOldImage(path);
            return new OldImageHandle(file, FirmwareImage.NO_ADDRESS, file);
        }

        @Override
        public void close() throws Exception {
            resource.close();
        }
    }
}
