// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.format.BlockHeader;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.image.ImageFormat;
import dev.fwdelta.tool.image.RecordWriter;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image, key and patch files whose few bytes ask for far more memory than they hold, against the
 * real command line in a child JVM with a 32 MiB heap: each ends with one {@code fwdelta: error:}
 * line that names the limit, not with the heap run out (which the command line reports as an
 * I/O error too, so each test checks the message). Found by a review of untrusted-input checks.
 */
class UntrustedFilesCliTest {
    private static final String HEAP = "32m";

    @TempDir
    Path dir;

    @Test
    void hexRecordsWhoseRegionsTogetherSpanMoreThanTheLimit() throws Exception {
        // Three regions of 100 MiB each, every one within the limit of one region: one-byte
        // records 256 KiB apart (gaps that wide are filled), the regions 256 MiB apart.
        Path hex = dir.resolve("spread.hex");
        try (Writer w = Files.newBufferedWriter(hex, StandardCharsets.US_ASCII)) {
            for (long region = 0; region < 3; region++) {
                for (long at = region << 28; at < (region << 28) + (100L << 20); at += 256 * 1024) {
                    w.write(oneByteAt(at));
                }
            }
            w.write(":00000001FF\n");
        }
        assertTrue(Files.size(hex) < 64 * 1024, Files.size(hex) + " bytes");
        ChildCli.Result r = ChildCli.run(HEAP, "diff", hex.toString(), hex.toString(), "-o",
                dir.resolve("p.fwd").toString());
        assertOneErrorLine(r, ExitCodes.USAGE, "its 3 regions span ", " bytes together", "at most 268435456 bytes allowed");
    }

    @Test
    void aHexOfOneByteRecordsNeedsTheHeapOfItsBytesNotOfItsRecords() throws Exception {
        // An image as one-byte records: an object or two per record would need more than the heap.
        int bytes = 512 * 1024;
        Path hex = dir.resolve("bytewise.hex");
        try (Writer w = Files.newBufferedWriter(hex, StandardCharsets.US_ASCII)) {
            for (long at = 0x0800_0000L; at < 0x0800_0000L + bytes; at++) {
                if ((at & 0xFFFF) == 0) {
                    w.write(record(4, 0, new byte[] {(byte) (at >>> 24), (byte) (at >>> 16)}));
                }
                w.write(record(0, (int) (at & 0xFFFF), new byte[] {(byte) (at * 7)}));
            }
            w.write(":00000001FF\n");
        }
        ChildCli.Result r = ChildCli.run(HEAP, "diff", hex.toString(), hex.toString(), "-o",
                dir.resolve("p.fwd").toString());
        assertEquals(ExitCodes.OK, r.exit(), r.err());
    }

    @Test
    void aHexLineThatNeverEnds() throws Exception {
        Path hex = dir.resolve("endless.hex");
        byte[] line = new byte[48 << 20];
        Arrays.fill(line, (byte) '0');
        line[0] = ':';
        Files.write(hex, line);
        ChildCli.Result r = ChildCli.run(HEAP, "diff", hex.toString(), hex.toString(), "-o",
                dir.resolve("p.fwd").toString());
        assertOneErrorLine(r, ExitCodes.USAGE, "line 1 is longer than 1042 characters");
    }

    @Test
    void aKeyFileThatNeverEnds() throws Exception {
        Path patch = Files.write(dir.resolve("p.fwd"), TestPatch.standard().build());
        ChildCli.Result r = ChildCli.run(HEAP, "verify", "--trust", "/dev/zero", patch.toString());
        assertOneErrorLine(r, ExitCodes.IO_ERROR, "/dev/zero: more than 65536 bytes; a PEM key file has 0..65536 bytes");
    }

    @Test
    void aReleaseManifestThatNeverEnds() throws Exception {
        // A manifest names its patches relative to its directory, so one that is not a regular
        // file is refused before a byte of it is read (ReleaseManifestTest bounds a regular
        // file's read at 16 MiB).
        ChildCli.Result r = ChildCli.run("64m", "matrix", "--merge", "/dev/zero", "--out", dir.resolve("m").toString());
        assertOneErrorLine(r, ExitCodes.USAGE, "--merge /dev/zero is not a regular file (a pipe or a device)");
    }

    @Test
    void aPatchFileLargerThanAnArray() throws Exception {
        Path patch = dir.resolve("huge.fwd");
        try (RandomAccessFile f = new RandomAccessFile(patch.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: no disk blocks
        }
        ChildCli.Result r = ChildCli.run(HEAP, "sign", "--digest-only", patch.toString());
        assertOneErrorLine(r, ExitCodes.IO_ERROR, "huge.fwd: 3221225472 bytes; a patch file has 0..2147483638 bytes");
    }

    @Test
    void aRawImageLargerThanAnArrayIsRefusedBeforeItIsRead() throws Exception {
        // Within the format's 2^31 - 1 bytes, past what one Java array holds: it was read into an
        // array that could never be made, and the error advised a larger heap.
        Path huge = dir.resolve("huge.bin");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(Integer.MAX_VALUE - 1); // sparse: no disk blocks
        }
        Path small = dir.resolve("small.bin");
        Files.write(small, new byte[16]);
        ChildCli.Result r = ChildCli.run(HEAP, "diff", huge.toString(), small.toString(), "-o",
                dir.resolve("p.fwd").toString());
        assertOneErrorLine(r, ExitCodes.USAGE, "huge.bin has 2147483646 bytes; fwdelta's command line holds images"
                + " up to 2147483638 bytes");
    }

    @Test
    void inspectNamesABlockLongerThanThePayload() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(5);
        byte[] patch = PatchBuilder.build(pair.oldImage(), pair.newImage(), BuildOptions.defaults()).patch();
        PatchHeader h = PatchHeader.parse(patch);
        int at = h.size() + (int) h.mapLength();
        BlockHeader first = BlockHeader.parseCompact(Arrays.copyOfRange(patch, at, patch.length),
                patch.length - at);
        int length = first.encodeCompact().length;
        // An encoded_length of the same varint length, past the payload's end; its CRC made anew.
        long longer = first.encodedLength() < 128 ? 127 : 16383;
        byte[] forged = new BlockHeader(first.index(), longer, first.rawLength(), first.newOffset(), first.oldOffset(),
                first.outLength(), first.outCrc32()).encodeCompact();
        assertEquals(length, forged.length);
        System.arraycopy(forged, 0, patch, at, length);
        Path file = Files.write(dir.resolve("forged.fwd"), patch);
        ChildCli.Result r = ChildCli.run(HEAP, "inspect", file.toString());
        assertOneErrorLine(r, ExitCodes.BAD_PATCH, "bad value for encoded_length: " + longer + " (valid range 1..");
    }

    /** The Intel HEX records of one byte at {@code at}, written by fwdelta's own writer, without its end record. */
    private static String oneByteAt(long at) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordWriter w = RecordWriter.of(ImageFormat.INTEL_HEX, out, at);
        w.write(0x55);
        w.finish();
        return out.toString(StandardCharsets.US_ASCII).replace(":00000001FF\n", "");
    }

    /** One Intel HEX record line. */
    private static String record(int type, int offset, byte[] data) {
        StringBuilder line = new StringBuilder(String.format(":%02X%04X%02X", data.length, offset, type));
        int sum = data.length + (offset >> 8) + offset + type;
        for (byte b : data) {
            line.append(String.format("%02X", b & 0xFF));
            sum += b;
        }
        return line.append(String.format("%02X", -sum & 0xFF)).append('\n').toString();
    }

    private static void assertOneErrorLine(ChildCli.Result r, int exit, String... parts) {
        String context = "exit " + r.exit() + ", stderr:\n" + r.err();
        assertEquals(exit, r.exit(), context);
        assertEquals(1, r.err().lines().count(), context);
        assertTrue(r.err().startsWith("fwdelta: error: "), context);
        for (String part : parts) {
            assertTrue(r.err().contains(part), "missing '" + part + "' in " + context);
        }
    }
}
