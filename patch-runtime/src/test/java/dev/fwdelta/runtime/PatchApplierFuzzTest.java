// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Coverage-guided fuzzing of the header parser and the applier. Any exception other than
 * {@link PatchException} is a finding. In a normal build (regression mode) the saved inputs under
 * src/test/resources/dev/fwdelta/runtime/PatchApplierFuzzTestInputs run as tests; to fuzz, run
 * {@code ./mvnw -pl patch-runtime -Pfuzz test -Dtest=PatchApplierFuzzTest#applyPatch}.
 */
class PatchApplierFuzzTest {
    private static final byte[] OLD = TestPatch.standard().old;
    private static final byte[] OLD_SUMS = oldChecksumFields();

    /**
     * Byte 0 of the input picks fix-ups that let the fuzzer reach past checks it cannot forge:
     * bit 0 writes the real old-image checksums, bit 1 recomputes the header CRC. Byte 1 is the
     * chunk size. The rest is the patch.
     */
    @FuzzTest(maxDuration = "30m", maxExecutions = 2_000_000)
    void applyPatch(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        byte[] patch = Arrays.copyOfRange(input, 2, input.length);
        if (isCompact(patch)) {
            if ((input[0] & 2) != 0) {
                fixCompactHeaderCrc(patch);
            }
        } else if (patch.length >= 256) {
            if ((input[0] & 1) != 0) {
                System.arraycopy(OLD_SUMS, 0, patch, 40, OLD_SUMS.length);
            }
            if ((input[0] & 2) != 0) {
                fixHeaderCrc(patch);
            }
        }
        int chunk = 1 + (input[1] & 0xFF);
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(OLD), (b, off, len) -> { }, 1 << 20);
        try {
            for (int off = 0; off < patch.length; off += chunk) {
                a.process(patch, off, Math.min(chunk, patch.length - off));
            }
            a.finish();
        } catch (PatchException expected) {
            // The only allowed failure: a clean format error naming its field.
        }
    }

    /** A header that parses must encode back to the same bytes (format 3: its header_size bytes). */
    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void parseHeader(byte[] input) throws Exception {
        byte[] h = Arrays.copyOf(input, 256);
        if (isCompact(h)) {
            fixCompactHeaderCrc(h);
        } else {
            fixHeaderCrc(h);
        }
        PatchHeader parsed;
        try {
            parsed = PatchHeader.parse(h);
        } catch (PatchException expected) {
            return;
        }
        assertArrayEquals(Arrays.copyOf(h, parsed.size()), parsed.encode());
    }

    private static boolean isCompact(byte[] p) {
        return p.length > PatchHeader.PREFIX_SIZE && p[4] == 3 && p[5] == 0;
    }

    /** Format 3: the CRC sits before the signature section (73 bytes when flag SIGNED is set). */
    private static void fixCompactHeaderCrc(byte[] h) {
        int size = (h[6] & 0xFF) | (h[7] & 0xFF) << 8;
        int crcAt = size - 4 - ((h[8] & 1) != 0 ? 73 : 0);
        if (crcAt < 8 || crcAt + 4 > h.length) {
            return;
        }
        CRC32 crc = new CRC32();
        crc.update(h, 0, crcAt);
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putInt(crcAt, (int) crc.getValue());
    }

    private static void fixHeaderCrc(byte[] h) {
        CRC32 crc = new CRC32();
        crc.update(h, 0, 172);
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putInt(172, (int) crc.getValue());
    }

    private static byte[] oldChecksumFields() {
        byte[] p = TestPatch.standard().build();
        return Arrays.copyOfRange(p, 40, 84);
    }
}
