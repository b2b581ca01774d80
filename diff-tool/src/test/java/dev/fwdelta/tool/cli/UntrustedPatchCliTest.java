// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.tool.bsdiff40.Bsdiff40TestPatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crafted files of issue 24, each against the real command line in a child JVM with a 32 MiB
 * heap: a small patch declaring a huge block, a 1 GiB new image, blocks in another compression
 * than bzip2 (LZMA with a 2 GiB dictionary, deflate, Pack200), and a fwdelta patch declaring a
 * 2 GiB - 1 image. Each must end with exit 3, one {@code fwdelta: error:} line naming what is
 * wrong, and no output file, partial or not. Before the fix they took gigabytes of heap or wrote
 * the 1 GiB image.
 */
class UntrustedPatchCliTest {
    private static final String HEAP = "32m";
    private static final int GIB = 1 << 30;

    @TempDir
    Path dir;
    Path old;
    Path out;

    @BeforeEach
    void oldImage() throws Exception {
        byte[] b = new byte[4096];
        new Random(24).nextBytes(b);
        old = Files.write(dir.resolve("old.bin"), b);
        out = dir.resolve("new.bin");
    }

    @Test
    void controlTripleDeclaringAHugeBlock() throws Exception {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().triple(1L << 40, 0, 0);
        p.newSize = 1L << 20;
        assertBadPatch(write(p), "bad value for BSDIFF40 diff length of control triple 1: 1099511627776 "
                + "(valid range 0..1048576: new bytes left)");
        // The old reader's OutOfMemoryError: a 2 GiB - 1 block within an allowed new size, whose
        // diff block has 100 bytes. Read in 64 KiB chunks, it ends early.
        Bsdiff40TestPatch q = new Bsdiff40TestPatch().add(new byte[100], new byte[0], 0);
        q.triples.set(0, new Bsdiff40TestPatch.Triple(Integer.MAX_VALUE, 0, -Integer.MAX_VALUE));
        q.newSize = (long) Integer.MAX_VALUE;
        assertBadPatch(write(q), List.of("--max-size", String.valueOf(Integer.MAX_VALUE)),
                "BSDIFF40 diff block ends after 100 bytes; the control block asks for 2147483647");
    }

    @Test
    void newImageOfOneGibibyte() throws Exception {
        // The control block asks for 1 GiB of extra bytes, the extra block holds 48 MiB of them.
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().add(new byte[0], new byte[48 << 20], 0);
        p.triples.set(0, new Bsdiff40TestPatch.Triple(0, GIB, 0));
        Path patch = write(p);
        assertTrue(Files.size(patch) < 64 * 1024, Files.size(patch) + "-byte patch");
        assertBadPatch(patch, "bad value for BSDIFF40 new size: 1073741824 (valid range 0..268435456: the largest "
                + "new image accepted, set by --max-size)");
        // Allowed by a raised limit, the 48 MiB (more than the heap) stream to a temporary file,
        // which goes when the extra block ends early.
        assertBadPatch(patch, List.of("--max-size", "1024M"),
                "BSDIFF40 extra block ends after 50331648 bytes; the control block asks for 1073741824");
    }

    @Test
    void lzmaBlockWithATwoGibibyteDictionary() throws Exception {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().add(new byte[] {1}, new byte[0], 0);
        p.controlCompressor = Bsdiff40TestPatch::lzmaMaxDictionary;
        p.diffCompressor = Bsdiff40TestPatch::lzmaMaxDictionary;
        p.extraCompressor = Bsdiff40TestPatch::lzmaMaxDictionary;
        assertBadPatch(write(p), "BSDIFF40 control block is not a bzip2 stream: it starts with bytes 5d 00 00 ff");
    }

    @Test
    void deflateBlocks() throws Exception {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().add(new byte[] {1}, new byte[] {2}, 0);
        p.controlCompressor = Bsdiff40TestPatch::deflate;
        p.diffCompressor = Bsdiff40TestPatch::deflate;
        p.extraCompressor = Bsdiff40TestPatch::deflate;
        assertBadPatch(write(p), "BSDIFF40 control block is not a bzip2 stream: it starts with bytes 78 9c");
    }

    @Test
    void pack200Block() throws Exception {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().add(new byte[] {1}, new byte[] {2}, 0);
        p.diffCompressor = Bsdiff40TestPatch::pack200;
        assertBadPatch(write(p), "BSDIFF40 diff block is not a bzip2 stream: it starts with bytes ca fe d0 0d");
    }

    @Test
    void fwdeltaPatchDeclaringATwoGibibyteImage() throws Exception {
        TestPatch t = TestPatch.standard();
        t.newSize = (long) Integer.MAX_VALUE;
        Path patch = Files.write(dir.resolve("p.fwd"), t.build());
        Files.write(old, t.old);
        ChildCli.Result r = ChildCli.run(HEAP, "apply", old.toString(), patch.toString(), "-o", out.toString());
        assertOneErrorLine(r, "fwdelta: error: BAD_NEW_SIZE (14): bad value for new_size: 2147483647 (valid range "
                + "0..268435456: the largest new image accepted, set by --max-size)");
        assertNothingWritten();
    }

    /** apply and inspect, in a child JVM each: exit 3, one line, no output. */
    private void assertBadPatch(Path patch, String message) throws Exception {
        assertBadPatch(patch, List.of(), message);
    }

    private void assertBadPatch(Path patch, List<String> options, String message) throws Exception {
        Stream<String> apply = Stream.concat(Stream.of("apply", old.toString(), patch.toString(), "-o",
                out.toString()), options.stream());
        assertOneErrorLine(ChildCli.run(HEAP, apply.toArray(String[]::new)), "fwdelta: error: " + message);
        assertNothingWritten();
        Stream<String> inspect = Stream.concat(Stream.of("inspect", patch.toString()), options.stream());
        assertOneErrorLine(ChildCli.run(HEAP, inspect.toArray(String[]::new)), "fwdelta: error: " + message);
    }

    private static void assertOneErrorLine(ChildCli.Result r, String start) {
        String context = "exit " + r.exit() + ", stderr:\n" + r.err();
        assertEquals(ExitCodes.BAD_PATCH, r.exit(), context);
        assertEquals("", r.out(), context);
        assertEquals(1, r.err().lines().count(), context);
        assertTrue(r.err().startsWith(start), context);
    }

    private void assertNothingWritten() throws Exception {
        assertFalse(Files.exists(out));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".part")).count());
        }
    }

    private Path write(Bsdiff40TestPatch p) throws Exception {
        return Files.write(dir.resolve("p.bsdiff"), p.build());
    }
}
