// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.GoldenVectors;
import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.format.BlockHeader;
import dev.fwdelta.runtime.format.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A payload_length too short for what the payload must hold, the file cut to match it: inspect
 * and verify said TRUNCATED ("patch ends inside the header of block 1"), the Java and C appliers
 * BAD_PAYLOAD_LENGTH. inspect now makes the applier's checks in its order and names the field as
 * it does (found by a review of untrusted-input checks).
 */
class PayloadLengthCodeTest {
    @TempDir
    Path dir;

    /** {@code t} with payload_length set, cut to header + payload_length; inspect and apply both. */
    private void assertBothSay(TestPatch t, long payloadLength, String expected) throws Exception {
        t.payloadLength = payloadLength;
        byte[] whole = t.build();
        Path patch = Files.write(dir.resolve("p.fwd"), Arrays.copyOf(whole, t.headerSize + (int) payloadLength));
        Path old = Files.write(dir.resolve("old.bin"), t.old);
        CliRunner cli = new CliRunner();
        for (String[] args : new String[][] {{"inspect", patch.toString()},
            {"apply", old.toString(), patch.toString(), "-o", dir.resolve("n.bin").toString()}}) {
            assertEquals(ExitCodes.BAD_PATCH, cli.run(args), args[0] + ": " + cli.err());
            assertTrue(cli.err().contains("BAD_PAYLOAD_LENGTH (12): "), args[0] + ": " + cli.err());
            assertTrue(cli.err().contains(expected), args[0] + ": " + cli.err());
        }
    }

    @Test
    void aPayloadThatEndsBeforeABlockHeader() throws Exception {
        TestPatch t = TestPatch.standard();
        byte[] built = t.build();
        BlockHeader first = BlockHeader.parse(Arrays.copyOfRange(built, t.headerSize, t.headerSize
                + Limits.BLOCK_HEADER_SIZE));
        long firstBlock = Limits.BLOCK_HEADER_SIZE + first.encodedLength();
        assertTrue(built.length > t.headerSize + firstBlock + Limits.BLOCK_HEADER_SIZE, "a second block follows");
        assertBothSay(t, firstBlock + 10, "ends before block 1 of block_count 2");
    }

    @Test
    void aPayloadShorterThanTheRelocationMap() throws Exception {
        TestPatch t = GoldenVectors.relocation();
        t.blockCount = 0L;
        assertBothSay(t, 10, "cannot hold the");
    }
}
