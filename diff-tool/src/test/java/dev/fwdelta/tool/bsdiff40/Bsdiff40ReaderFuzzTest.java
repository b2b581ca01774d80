// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Coverage-guided fuzzing of the BSDIFF40 reader and applier: any exception other than
 * {@link BadBsdiffPatchException} is a finding, and so is an input that makes them allocate more
 * than {@link #ALLOCATION_BOUND} (counted per input on this thread, in fuzzing and regression
 * runs alike; the fuzz profile also caps the heap at 256 MiB). In a normal build the saved inputs
 * under src/test/resources/dev/fwdelta/tool/bsdiff40/Bsdiff40ReaderFuzzTestInputs run as tests;
 * to fuzz: {@code ./mvnw -B -pl diff-tool -am -Pfuzz test -Dtest='Bsdiff40ReaderFuzzTest#rawPatch'
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class Bsdiff40ReaderFuzzTest {
    private static final byte[] OLD = old();
    /** Far above the new image an input may declare, so a buffer sized from it would show. */
    private static final long MAX_NEW_SIZE = 64L << 20;
    /** Three bzip2 decoders at the largest block size (about 4.5 MB each) and the buffers. */
    private static final long ALLOCATION_BOUND = 24L << 20;

    /** The input is the whole patch file. */
    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void rawPatch(byte[] patch) throws IOException {
        Bsdiff40ReaderTest.CountingSink sink = new Bsdiff40ReaderTest.CountingSink();
        long[] size = {-1};
        long allocated = Bsdiff40ReaderTest.allocatedBy(() -> {
            try (Bsdiff40Reader r = new Bsdiff40Reader(new SeekableInMemoryByteChannel(patch), OLD.length,
                    MAX_NEW_SIZE)) {
                size[0] = Bsdiff40Applier.apply(r, new ByteArrayOldImage(OLD), sink);
            } catch (BadBsdiffPatchException expected) {
                // The only allowed failure: a clean format error naming its field.
            }
        });
        assertTrue(allocated <= ALLOCATION_BOUND, allocated + " bytes allocated");
        if (size[0] >= 0) {
            assertEquals(size[0], sink.count);
        }
    }

    /**
     * Triples, diff and extra bytes taken from the input and compressed here, so the fuzzer
     * reaches the control checks without forging bzip2; what applies must match bspatch's
     * arithmetic done naively.
     */
    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void structuredPatch(FuzzedDataProvider data) throws IOException {
        Bsdiff40TestPatch p = new Bsdiff40TestPatch();
        int records = data.consumeInt(0, 6);
        for (int i = 0; i < records; i++) {
            boolean wild = data.consumeBoolean();
            long d = wild ? data.consumeLong() : data.consumeInt(0, 600);
            long x = wild ? data.consumeLong() : data.consumeInt(0, 600);
            long seek = wild ? data.consumeLong() : data.consumeInt(-5000, 5000);
            p.triple(d, x, seek);
            p.diff.writeBytes(data.consumeBytes((int) Math.max(0, Math.min(d, 600))));
            p.extra.writeBytes(data.consumeBytes((int) Math.max(0, Math.min(x, 600))));
        }
        if (data.consumeBoolean()) {
            p.newSize = data.consumeLong(-1, MAX_NEW_SIZE + 1);
        }
        byte[] patch = p.build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Bsdiff40Reader r = new Bsdiff40Reader(new SeekableInMemoryByteChannel(patch), OLD.length,
                MAX_NEW_SIZE)) {
            Bsdiff40Applier.apply(r, new ByteArrayOldImage(OLD), out);
        } catch (BadBsdiffPatchException expected) {
            return;
        }
        assertArrayEquals(naiveBspatch(p), out.toByteArray());
    }

    /** bspatch.c's loop on the uncompressed blocks, for patches the reader accepted. */
    private static byte[] naiveBspatch(Bsdiff40TestPatch p) {
        byte[] diff = p.diff.toByteArray();
        byte[] extra = p.extra.toByteArray();
        byte[] out = new byte[(int) p.declaredNewSize()];
        int newPos = 0;
        int diffPos = 0;
        int extraPos = 0;
        long oldPos = 0;
        for (Bsdiff40TestPatch.Triple t : p.triples) {
            if (newPos == out.length) {
                break;
            }
            for (int i = 0; i < t.diffLength(); i++) {
                long o = oldPos + i;
                out[newPos + i] = (byte) (diff[diffPos + i] + (o >= 0 && o < OLD.length ? OLD[(int) o] : 0));
            }
            newPos += (int) t.diffLength();
            diffPos += (int) t.diffLength();
            oldPos += t.diffLength();
            System.arraycopy(extra, extraPos, out, newPos, (int) t.extraLength());
            newPos += (int) t.extraLength();
            extraPos += (int) t.extraLength();
            oldPos += t.seek();
        }
        return out;
    }

    private static byte[] old() {
        byte[] b = new byte[4096];
        new Random(40).nextBytes(b);
        return b;
    }
}
