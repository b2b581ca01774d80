// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import dev.fwdelta.tool.io.BoundedFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads an image file of any format fwdelta knows ({@link ImageFormat}), recognised by its content;
 * a file whose extension names another format is refused, so a HEX file renamed .bin is never
 * diffed as text. A shared library ({@code .so}, {@code .so.N}) is an ELF file updated as the file
 * itself: it is read raw.
 */
public final class ImageLoader {
    /** Bytes looked at to recognise a format. */
    static final int HEAD = 1024;

    private ImageLoader() {}

    /**
     * The format of the file at {@code path}, checked against its extension. Its first bytes are
     * read: for a file that can be read only once (a pipe) use {@link #read}, which reads it once.
     */
    public static ImageFormat detect(Path path) throws IOException {
        BoundedFile.requireFile(path);
        if (isSharedLibrary(path.getFileName().toString())) {
            return ImageFormat.BIN;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(HEAD);
        }
        ImageFormat content = ImageFormat.byContent(head);
        if (content == ImageFormat.BIN && endsAsDfu(path)) {
            content = ImageFormat.DFU;
        }
        return agreedWithName(path, content, head);
    }

    /** {@code content}, the format the file's bytes show, refused when its name says another. */
    private static ImageFormat agreedWithName(Path path, ImageFormat content, byte[] head) {
        ImageFormat named = ImageFormat.byName(path.getFileName().toString());
        if (content == ImageFormat.BIN && startsAsRecords(named, head)) {
            return named; // a damaged HEX or S-record file: its reader says which line is wrong
        }
        if (named != null && named != content) {
            throw new BadImageException(path + " is named as " + article(named.label()) + " file but holds "
                    + article(content.label()) + (content == ImageFormat.BIN ? " image" : " file")
                    + ": rename it (" + extensionsOf(content) + ") or convert it");
        }
        return content;
    }

    /**
     * Reads the file's regions (a raw binary: one region, not yet placed). A file that is not a
     * regular file (a pipe: /dev/stdin, a shell's {@code <(...)}; a device) is opened once and read
     * whole: opened again, a pipe gives only the bytes after those read to recognise the format, or
     * waits for a writer that never comes.
     */
    public static ImageFile read(Path path) throws IOException {
        BoundedFile.requireFile(path);
        if (!Files.isRegularFile(path)) {
            return readOnce(path);
        }
        ImageFormat format = detect(path);
        String what = path.toString();
        // ISO-8859-1 decodes every byte, so a byte past ASCII reaches RecordLines, which names its
        // line and column; a strict ASCII decoder fails with a message that names nothing.
        switch (format) {
            case INTEL_HEX, SREC -> {
                try (var reader = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
                    return records(what, format, reader);
                }
            }
            case ELF -> {
                return elf(what, ElfImage.read(path, what));
            }
            case DFU -> {
                return dfu(what, DfuFile.parse(readRaw(path, sizeWithin(path)), what));
            }
            default -> {
                return raw(what, readRaw(path, sizeWithin(path)));
            }
        }
    }

    /**
     * The most bytes read from an image that is not a regular file (a pipe, a device): it gives no
     * size before it is read, so every byte is held until its end, and /dev/zero has none. As large
     * as the largest image a HEX, S-record, ELF or DfuSe file gives; a larger raw image is given as
     * a file, whose size is checked before a byte is read.
     */
    static final long MAX_UNSIZED_IMAGE = RegionCollector.MAX_TOTAL_SPAN;

    /**
     * The largest image the command line holds: one Java array. The format's own limit
     * (Limits.MAX_IMAGE_SIZE, 2^31 - 1) is a few bytes more, which a device applies by streaming;
     * an image between the two was read into an array the JVM cannot make, and the error then
     * advised a larger heap.
     */
    public static final long MAX_HELD_IMAGE = BoundedFile.MAX_BYTES;

    /** What an image over {@link #MAX_HELD_IMAGE} is told. */
    private static BadImageException tooLarge(Path path, String size) {
        return new BadImageException(path + " has " + size + " bytes; fwdelta's command line holds images up to "
                + MAX_HELD_IMAGE + " bytes (2 GiB - 10)");
    }

    /** {@link #read} of a file that can be read only once: its bytes read whole (within {@link #MAX_UNSIZED_IMAGE}), then parsed. */
    private static ImageFile readOnce(Path path) throws IOException {
        byte[] bytes = readUnsized(path);
        String what = path.toString();
        if (isSharedLibrary(path.getFileName().toString())) {
            return raw(what, bytes);
        }
        byte[] head = Arrays.copyOf(bytes, Math.min(HEAD, bytes.length));
        ImageFormat content = ImageFormat.byContent(head);
        if (content == ImageFormat.BIN && DfuFile.hasSuffix(bytes)) {
            content = ImageFormat.DFU;
        }
        ImageFormat format = agreedWithName(path, content, head);
        return switch (format) {
            case INTEL_HEX, SREC -> records(what, format,
                    new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.ISO_8859_1));
            case ELF -> elf(what, ElfImage.read(bytes, what));
            case DFU -> dfu(what, DfuFile.parse(bytes, what));
            case BIN -> raw(what, bytes);
        };
    }

    private static ImageFile records(String what, ImageFormat format, Reader reader) throws IOException {
        List<ImageRegion> regions = format == ImageFormat.INTEL_HEX ? IntelHex.parse(reader, what)
                : Srec.parse(reader, what);
        return new ImageFile(what, format, regions, FirmwareImage.NO_MACHINE);
    }

    private static ImageFile elf(String what, ElfImage.Contents elf) {
        return new ImageFile(what, ImageFormat.ELF, elf.regions(), elf.machine());
    }

    private static ImageFile dfu(String what, DfuFile.Contents dfu) {
        return new ImageFile(what, ImageFormat.DFU, dfu.regions(), FirmwareImage.NO_MACHINE, dfu.addressed());
    }

    private static ImageFile raw(String what, byte[] bytes) {
        return new ImageFile(what, ImageFormat.BIN, List.of(new ImageRegion(0, bytes)), FirmwareImage.NO_MACHINE);
    }

    /** The bytes of a file that gives no size, refused one byte past {@link #MAX_UNSIZED_IMAGE}. */
    private static byte[] readUnsized(Path path) throws IOException {
        Optional<byte[]> bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = BoundedFile.readAtMost(in, MAX_UNSIZED_IMAGE);
        }
        return bytes.orElseThrow(() -> new BadImageException(path + " is not a regular file (a pipe or a device)"
                + " and has more than " + MAX_UNSIZED_IMAGE + " bytes; fwdelta reads such an image up to "
                + MAX_UNSIZED_IMAGE + " bytes (" + (MAX_UNSIZED_IMAGE >> 20) + " MiB): give a larger one as a file"));
    }

    /** The file's size, refused beyond what fwdelta takes. */
    private static int sizeWithin(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_HELD_IMAGE) {
            throw tooLarge(path, Long.toString(size));
        }
        return (int) size;
    }

    /**
     * Whether a file that begins as a raw binary ends in a DFU suffix (DfuFile.hasSuffix): its last
     * bytes are read first, and the whole file only when they carry the suffix's signature.
     */
    private static boolean endsAsDfu(Path path) throws IOException {
        long size = Files.size(path);
        if (size < DfuFile.SUFFIX || size > MAX_HELD_IMAGE) {
            return false;
        }
        byte[] tail = new byte[DfuFile.SUFFIX];
        try (SeekableByteChannel ch = Files.newByteChannel(path)) {
            ch.position(size - DfuFile.SUFFIX);
            ByteBuffer buf = ByteBuffer.wrap(tail);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // a short read: read on
            }
            if (buf.hasRemaining()) {
                return false; // the file shrank since its size was taken
            }
        }
        return DfuFile.signedSuffix(tail, tail.length) && DfuFile.hasSuffix(readRaw(path, (int) size));
    }

    /** Bytes read at a time into the image's array. */
    private static final int READ_PIECE = 64 * 1024;

    /**
     * The whole file, read piece by piece straight into its array. {@code Files.readAllBytes} reads
     * through a native buffer as large as the file, whose pages are all new to the process: most of
     * a large image's load on a virtual machine where a page fault is dear (docs/bench, "Diff time
     * against bsdiff": page faults). A file that grew since its size was taken is read to its end all the same (within the limit).
     */
    static byte[] readRaw(Path path, int size) throws IOException {
        byte[] out = new byte[size];
        int n = 0;
        try (InputStream in = Files.newInputStream(path)) {
            while (true) {
                if (n == out.length) {
                    int next = in.read();
                    if (next < 0) {
                        return out;
                    }
                    if (out.length >= MAX_HELD_IMAGE) {
                        throw tooLarge(path, "more than " + MAX_HELD_IMAGE);
                    }
                    out = Arrays.copyOf(out, (int) Math.min(MAX_HELD_IMAGE, Math.max(16L, 2L * out.length)));
                    out[n++] = (byte) next;
                }
                int r = in.readNBytes(out, n, Math.min(READ_PIECE, out.length - n));
                if (r == 0) {
                    return Arrays.copyOf(out, n); // the file shrank since its size was taken
                }
                n += r;
            }
        }
    }

    /**
     * The image a patch is made of or applied to: the file's only region, at the file's own address
     * or (raw binary) at {@code rawAddress} ({@link FirmwareImage#NO_ADDRESS}: not known).
     */
    public static FirmwareImage load(Path path, long rawAddress) throws IOException {
        return RegionSelector.select(read(path), null, rawAddress).image();
    }

    /** {@link #load(Path, long)} with no address for a raw binary. */
    public static FirmwareImage load(Path path) throws IOException {
        return load(path, FirmwareImage.NO_ADDRESS);
    }

    /**
     * A .hex whose first non-blank character is ':' or an S-record file's 'S', or one of blanks
     * only (empty too): that format, however damaged (its reader says which line is wrong, or that
     * the end record is missing).
     */
    private static boolean startsAsRecords(ImageFormat named, byte[] head) {
        if (named != ImageFormat.INTEL_HEX && named != ImageFormat.SREC) {
            return false;
        }
        int first = ImageFormat.blanksAt(head);
        return first == head.length || head[first] == (named == ImageFormat.INTEL_HEX ? ':' : 'S');
    }

    static boolean isSharedLibrary(String name) {
        return name.toLowerCase(Locale.ROOT).matches(".*\\.so(\\.[0-9]+)*");
    }

    private static String extensionsOf(ImageFormat f) {
        return switch (f) {
            case BIN -> ".bin";
            case INTEL_HEX -> ".hex";
            case SREC -> ".srec";
            case ELF -> ".elf";
            case DFU -> ".dfu";
        };
    }

    private static String article(String label) {
        return ("AEIOU".indexOf(label.charAt(0)) >= 0 ? "an " : "a ") + label;
    }
}
