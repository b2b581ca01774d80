// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.tool.encode.ImageTarget;
import dev.fwdelta.tool.image.AddressRange;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.image.ImageFile;
import dev.fwdelta.tool.image.ImageLoader;
import dev.fwdelta.tool.image.ImageRegion;
import dev.fwdelta.tool.image.RegionSelector;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The image options of the commands that read firmware images: which regions of a HEX, S-record or
 * ELF file are the image ({@code --region}), and loading with a note for every region left out.
 */
public final class ImageInputs {
    @Option(names = "--region", paramLabel = "START-END", converter = RangeConverter.class,
            description = {"The addresses of the image in a HEX, S-record, ELF or DfuSe file with regions outside it "
                + "(UICR, option bytes, a second bank), e.g. 0x0-0x80000 (END excluded).",
                "The regions outside are left out (a note names each); without it such a file is refused."})
    AddressRange region;

    /** Loads {@code path} (a raw binary placed at {@code rawAddress}), telling {@code err} what was left out. */
    public FirmwareImage load(Path path, long rawAddress, PrintWriter err) throws IOException {
        return selected(ImageLoader.read(path), path, rawAddress, err);
    }

    /**
     * Loads two images, the old one read on another thread: parsing a HEX file runs for a good
     * part of a firmware diff's start, before the JIT has compiled the parser. Notes and errors
     * come as {@link #load} gives them one file after the other: the old file's first.
     */
    public FirmwareImage[] loadBoth(Path oldPath, Path newPath, long rawAddress, PrintWriter err) throws IOException {
        CompletableFuture<ImageFile> oldRead = CompletableFuture.supplyAsync(() -> {
            try {
                return ImageLoader.read(oldPath);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        ImageFile newFile = null;
        RuntimeException newFailure = null;
        IOException newIoFailure = null;
        try {
            newFile = ImageLoader.read(newPath);
        } catch (IOException e) {
            newIoFailure = e;
        } catch (RuntimeException e) {
            newFailure = e;
        }
        FirmwareImage old = selected(joinReading(oldRead), oldPath, rawAddress, err);
        if (newIoFailure != null) {
            throw newIoFailure;
        }
        if (newFailure != null) {
            throw newFailure;
        }
        return new FirmwareImage[] {old, selected(newFile, newPath, rawAddress, err)};
    }

    /** The file read on another thread, or what reading it threw, as reading it here would have thrown it. */
    private static ImageFile joinReading(CompletableFuture<ImageFile> read) throws IOException {
        try {
            return read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private FirmwareImage selected(ImageFile file, Path path, long rawAddress, PrintWriter err) {
        RegionSelector.Selection s = RegionSelector.select(file, region, rawAddress);
        for (ImageRegion r : s.leftOut()) {
            err.printf("fwdelta: note: %s: region %s is outside --region %s: left out%n", path, r, region);
        }
        return s.image();
    }

    /**
     * What the builder may know of two images: the new one's address (recorded in the patch), the
     * old one's (the link base) and the ELF machine. A raw image without --address is taken to be
     * at the other one's address.
     */
    static ImageTarget target(FirmwareImage old, FirmwareImage neu, boolean allowMove) {
        return target(old, neu, allowMove, "a patch between images at different addresses needs --allow-move (and "
                + "a device that runs NEW at 0x%08x)");
    }

    /**
     * {@link #target(FirmwareImage, FirmwareImage, boolean)} for a command whose way out of a
     * move differs: {@code moveRefused} says what to do (its {@code %08x}, if any, is NEW's address).
     */
    static ImageTarget target(FirmwareImage old, FirmwareImage neu, boolean allowMove, String moveRefused) {
        long oldAt = old.hasAddress() ? old.address() : neu.address();
        long newAt = neu.hasAddress() ? neu.address() : old.address();
        if (oldAt != newAt && !allowMove) {
            throw new IllegalArgumentException(String.format("OLD is at 0x%08x and NEW at 0x%08x: ", oldAt, newAt)
                    + String.format(moveRefused, newAt));
        }
        if (old.elfMachine() != FirmwareImage.NO_MACHINE && neu.elfMachine() != FirmwareImage.NO_MACHINE
                && old.elfMachine() != neu.elfMachine()) {
            throw new IllegalArgumentException("OLD and NEW are ELF files for different machines (e_machine "
                    + old.elfMachine() + " and " + neu.elfMachine() + ")");
        }
        int machine = neu.elfMachine() != FirmwareImage.NO_MACHINE ? neu.elfMachine() : old.elfMachine();
        return new ImageTarget(newAt, oldAt, machine);
    }

    static final class RangeConverter implements CommandLine.ITypeConverter<AddressRange> {
        @Override
        public AddressRange convert(String value) {
            try {
                return AddressRange.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
