// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

/** The BSDIFF40 reader and applier on hand-written patches: what they produce, and one test per check. */
class Bsdiff40ReaderTest {
    private static final byte[] OLD = random(1, 4096);
    private static final long MAX = 1 << 20;

    @Test
    void appliesRecordsWithBspatchArithmetic() throws IOException {
        byte[] d1 = random(2, 100);
        byte[] x1 = random(3, 10);
        byte[] d2 = random(4, 30);
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().add(d1, x1, 50).add(d2, new byte[0], -80);
        byte[] expected = new byte[140];
        for (int i = 0; i < 100; i++) {
            expected[i] = (byte) (OLD[i] + d1[i]);
        }
        System.arraycopy(x1, 0, expected, 100, 10);
        for (int i = 0; i < 30; i++) {
            expected[110 + i] = (byte) (OLD[150 + i] + d2[i]);
        }
        assertArrayEquals(expected, apply(p.build(), OLD));
    }

    @Test
    void diffBytesPastTheOldEndAddToZeroAsInBspatch() throws IOException {
        byte[] d = random(5, 20);
        byte[] old = Arrays.copyOf(OLD, 10);
        byte[] expected = d.clone();
        for (int i = 0; i < 10; i++) {
            expected[i] += old[i];
        }
        assertArrayEquals(expected, apply(new Bsdiff40TestPatch().add(d, new byte[0], -10).build(), old));
    }

    @Test
    void anEmptyNewImageNeedsNoTriple() throws IOException {
        assertArrayEquals(new byte[0], apply(new Bsdiff40TestPatch().build(), OLD));
    }

    @Test
    void bytesAfterTheNewImageAreSkippedAsBspatchSkipsThem() throws IOException {
        // jbsdiff's writer leaves unused bytes in the diff block; bspatch ignores them, and so do we.
        byte[] expected = apply(record().build(), OLD);
        Bsdiff40TestPatch diff = record();
        diff.diff.write(0);
        assertArrayEquals(expected, apply(diff.build(), OLD));
        Bsdiff40TestPatch extra = record();
        extra.extra.write(0);
        assertArrayEquals(expected, apply(extra.build(), OLD));
    }

    @Test
    void patchShorterThanTheHeader() {
        assertBad("not a BSDIFF40 patch: 31 bytes, shorter than its 32-byte header", new byte[31]);
    }

    @Test
    void wrongMagic() {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch();
        p.magic = "BSDIFF41".getBytes();
        assertBad("not a BSDIFF40 patch (no BSDIFF40 magic)", p.build());
    }

    @Test
    void controlBlockLengthOutsideThePatch() {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch();
        long room = p.build().length - 32;
        p.controlLength = -1L;
        assertBad("bad value for BSDIFF40 control block length: -1 (valid range 0.." + room + ")", p.build());
        p.controlLength = room + 1;
        assertBad("bad value for BSDIFF40 control block length: " + (room + 1) + " (valid range 0.." + room + ")",
                p.build());
    }

    @Test
    void diffBlockLengthOutsideThePatch() {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch();
        byte[] ok = p.build();
        long control = Bsdiff40Format.readOfftin(ok, 8);
        long room = ok.length - 32 - control;
        p.diffLength = room + 1;
        assertBad("bad value for BSDIFF40 diff block length: " + (room + 1) + " (valid range 0.." + room + ")",
                p.build());
    }

    @Test
    void newSizeAboveTheLimitIsRefusedBeforeAnyBlockIsRead() {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().add(new byte[0], new byte[1], 0);
        p.newSize = 1L << 30;
        p.extraCompressor = Bsdiff40TestPatch::pack200; // never looked at
        assertBad("bad value for BSDIFF40 new size: 1073741824 (valid range 0.." + MAX
                + ": the largest new image accepted, set by --max-size)", p.build());
        p.newSize = -5L;
        assertBad("bad value for BSDIFF40 new size: -5 (valid range 0.." + MAX
                + ": the largest new image accepted, set by --max-size)", p.build());
    }

    @Test
    void blocksThatAreNotBzip2AreRefusedByTheirFirstBytes() {
        Bsdiff40TestPatch lzma = record();
        lzma.controlCompressor = Bsdiff40TestPatch::lzmaMaxDictionary;
        assertBad("BSDIFF40 control block is not a bzip2 stream: it starts with bytes 5d 00 00 ff "
                + "(BSDIFF40 blocks are bzip2, starting \"BZh1\"..\"BZh9\")", lzma.build());
        Bsdiff40TestPatch deflate = record();
        deflate.diffCompressor = Bsdiff40TestPatch::deflate;
        assertBad("BSDIFF40 diff block is not a bzip2 stream: it starts with bytes 78 9c",
                deflate.build());
        Bsdiff40TestPatch pack = record();
        pack.extraCompressor = Bsdiff40TestPatch::pack200;
        assertBad("BSDIFF40 extra block is not a bzip2 stream: it starts with bytes ca fe d0 0d", pack.build());
        Bsdiff40TestPatch badBlockSize = record();
        badBlockSize.extraCompressor = raw -> {
            byte[] s = Bsdiff40TestPatch.bzip2(raw);
            s[3] = '0';
            return s;
        };
        assertBad("BSDIFF40 extra block is not a bzip2 stream: it starts with bytes 42 5a 68 30",
                badBlockSize.build());
    }

    @Test
    void anEmptyBlockIsNotABzip2Stream() {
        Bsdiff40TestPatch p = record();
        p.extraCompressor = raw -> new byte[0];
        assertBad("BSDIFF40 extra block is not a bzip2 stream: it starts with nothing (0 bytes)", p.build());
    }

    @Test
    void corruptBzip2DataIsABadPatch() {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().add(random(6, 3000), new byte[0], 0);
        p.diffCompressor = raw -> {
            byte[] s = Bsdiff40TestPatch.bzip2(raw);
            s[s.length / 2] ^= 0x10;
            return s;
        };
        assertBad("BSDIFF40 diff block is corrupt bzip2 data: ", p.build());
    }

    @Test
    void controlBlockEndingBeforeTheNewImageIsComplete() {
        Bsdiff40TestPatch p = record();
        p.newSize = 100L;
        assertBad("BSDIFF40 control triple 2 (new offset 13 of 100): BSDIFF40 control block ends after 24 bytes; "
                + "the control block asks for 48", p.build());
    }

    @Test
    void diffLengthOutsideWhatIsLeft() {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().triple(1L << 62, 0, 0);
        p.newSize = 1000L;
        assertBad("bad value for BSDIFF40 diff length of control triple 1: 4611686018427387904 "
                + "(valid range 0..1000: new bytes left)", p.build());
        p = record().triple(-1, 0, 0);
        p.newSize = 20L;
        assertBad("bad value for BSDIFF40 diff length of control triple 2: -1 (valid range 0..7: new bytes left)",
                p.build());
    }

    @Test
    void extraLengthOutsideWhatIsLeft() {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().triple(10, 991, 0);
        p.newSize = 1000L;
        assertBad("bad value for BSDIFF40 extra length of control triple 1: 991 "
                + "(valid range 0..990: new bytes left after its diff)", p.build());
    }

    @Test
    void seekMustKeepTheOldPositionInsideTheOldImage() {
        Bsdiff40TestPatch below = new Bsdiff40TestPatch().add(new byte[10], new byte[0], -11);
        below.newSize = 20L;
        assertBad("bad value for BSDIFF40 seek of control triple 1: -11 (valid range -10..4086: keeps the old "
                + "position inside 0..4096)", below.build());
        Bsdiff40TestPatch past = new Bsdiff40TestPatch().add(new byte[10], new byte[0], 4087);
        past.newSize = 20L;
        assertBad("bad value for BSDIFF40 seek of control triple 1: 4087 (valid range -10..4086", past.build());
        Bsdiff40TestPatch overflow = new Bsdiff40TestPatch().add(new byte[10], new byte[0], Long.MAX_VALUE);
        overflow.newSize = 20L;
        assertBad("bad value for BSDIFF40 seek of control triple 1: 9223372036854775807", overflow.build());
    }

    @Test
    void controlBlockOfTriplesStopsAtNewSizePlusOne() {
        // Empty triples between one-byte ones: each pair moves one new byte, so the cap comes first.
        Bsdiff40TestPatch p = new Bsdiff40TestPatch();
        for (int i = 0; i < 50; i++) {
            p.triple(0, 0, 0).add(new byte[0], new byte[] {1}, 0);
        }
        p.newSize = 3L;
        assertBad("BSDIFF40 control block has more than new size + 1 = 4 triples before the new image is "
                + "complete (new offset 2 of 3)", p.build());
    }

    /**
     * A few bytes of bzip2 hold millions of triples that move nothing; bsdiff writes one only
     * after one that moved bytes, so the second in a row is refused, not the new size + 1st.
     */
    @Test
    void emptyTriplesAreRefusedEarly() throws IOException {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch();
        for (int i = 0; i < 1_000; i++) {
            p.triple(0, 0, 0);
        }
        p.newSize = 1_000_000L;
        byte[] patch = p.build();
        try (Bsdiff40Reader r = new Bsdiff40Reader(new SeekableInMemoryByteChannel(patch), OLD.length, MAX)) {
            r.next();
            BadBsdiffPatchException e = assertThrows(BadBsdiffPatchException.class, r::next);
            assertEquals("bad value for BSDIFF40 diff + extra length of control triple 2: 0 (valid range 1..1000000: "
                    + "the triple before moved no new byte, and bsdiff never writes two such triples in a row)",
                    e.getMessage());
            assertEquals(1, r.triples());
        }
    }

    @Test
    void anEmptyTripleBetweenOthersIsRead() throws IOException {
        // As Debian's bsdiff writes them: first, and between two that move bytes.
        byte[] a = random(11, 40);
        byte[] b = random(12, 30);
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().triple(0, 0, 100).add(a, new byte[0], 5).triple(0, 0, -20)
                .add(new byte[0], b, 0);
        byte[] expected = new byte[70];
        for (int i = 0; i < 40; i++) {
            expected[i] = (byte) (OLD[100 + i] + a[i]);
        }
        System.arraycopy(b, 0, expected, 40, 30);
        assertArrayEquals(expected, apply(p.build(), OLD));
    }

    @Test
    void diffBlockEndingEarly() {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().add(new byte[50], new byte[0], 0).triple(0, 0, 0);
        p.triples.set(0, new Bsdiff40TestPatch.Triple(100, 0, 0));
        assertBad("BSDIFF40 diff block ends after 50 bytes; the control block asks for 100",
                p.build());
    }

    @Test
    void extraBlockEndingEarly() {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().add(new byte[0], new byte[50], 0);
        p.triples.set(0, new Bsdiff40TestPatch.Triple(0, 70, 0));
        assertBad("BSDIFF40 extra block ends after 50 bytes; the control block asks for 70",
                p.build());
    }

    /**
     * The new image is streamed: a 32 MiB image from a 600-byte patch costs the applier its
     * decoders and two 64 KiB buffers, far less than the image (counted in allocated bytes).
     */
    @Test
    void theNewImageIsStreamedNotHeld() throws IOException {
        int size = 32 << 20;
        byte[] patch = new Bsdiff40TestPatch().add(new byte[0], new byte[size], 0).build();
        assertTrue(patch.length < 4096, patch.length + "-byte patch");
        CountingSink sink = new CountingSink();
        long allocated = allocatedBy(() -> {
            try (Bsdiff40Reader r = new Bsdiff40Reader(new SeekableInMemoryByteChannel(patch), OLD.length, size)) {
                assertEquals(size, Bsdiff40Applier.apply(r, new ByteArrayOldImage(OLD), sink));
            }
        });
        assertEquals(size, sink.count);
        assertTrue(allocated < 4 << 20, allocated + " bytes allocated for a " + size + "-byte image");
    }

    @Test
    void inspectSummaryWalksEveryRecord() throws IOException {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch().add(random(7, 100), random(8, 10), 50)
                .add(random(9, 30), new byte[0], -80);
        byte[] patch = p.build();
        Bsdiff40Summary s = Bsdiff40Summary.read(new SeekableInMemoryByteChannel(patch), MAX);
        assertEquals(new Bsdiff40Summary(patch.length, Bsdiff40Format.readOfftin(patch, 8),
                Bsdiff40Format.readOfftin(patch, 16), patch.length - 32 - Bsdiff40Format.readOfftin(patch, 8)
                - Bsdiff40Format.readOfftin(patch, 16), 140, 2, 130, 10), s);
    }

    /** A patch of one record (3 diff bytes, 10 extra bytes) to break one block of. */
    private static Bsdiff40TestPatch record() {
        return new Bsdiff40TestPatch().add(new byte[] {1, 2, 3}, random(10, 10), 0);
    }

    static byte[] apply(byte[] patch, byte[] old) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Bsdiff40Reader r = new Bsdiff40Reader(new SeekableInMemoryByteChannel(patch), old.length, MAX)) {
            assertEquals(r.newSize(), Bsdiff40Applier.apply(r, new ByteArrayOldImage(old), out));
        }
        return out.toByteArray();
    }

    private static void assertBad(String messageStart, byte[] patch) {
        BadBsdiffPatchException e = assertThrows(BadBsdiffPatchException.class, () -> apply(patch, OLD));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    interface IoAction {
        void run() throws IOException;
    }

    /** Bytes this thread allocated while running {@code action}. */
    static long allocatedBy(IoAction action) throws IOException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        action.run();
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
