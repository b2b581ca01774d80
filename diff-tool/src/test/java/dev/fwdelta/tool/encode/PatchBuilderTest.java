package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.diff.DeltaRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchBuilderTest {
    private static final DemoFirmware.Pair PAIR = DemoFirmware.generate(3);

    @Test
    void decoderRamStaysWithinEveryBudget() throws Exception {
        for (long budget : new long[] {1280, 2048, 6000, 8192, 16384, 65536}) {
            PatchBuilder.Built b = PatchBuilder.build(PAIR.oldImage(), PAIR.newImage(),
                    BuildOptions.defaults().withRamBudget(budget));
            PatchHeader h = PatchHeader.parse(b.patch());
            assertTrue(h.decoderRam() <= budget, budget + ": " + h.decoderRam());
        }
    }

    @Test
    void defaultPicksTheSmallestCandidate() {
        int best = Integer.MAX_VALUE;
        for (Codec c : Codec.values()) {
            best = Math.min(best, PatchBuilder.build(PAIR.oldImage(), PAIR.newImage(),
                    BuildOptions.defaults().withCodec(c)).patch().length);
        }
        assertEquals(best, PatchBuilder.build(PAIR.oldImage(), PAIR.newImage(), BuildOptions.defaults()).patch().length);
    }

    @Test
    void budgetTooSmallForTheCodecIsAUsageError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PatchBuilder.build(
                PAIR.oldImage(), PAIR.newImage(), BuildOptions.defaults().withCodec(Codec.LZMA).withRamBudget(4096)));
        assertTrue(e.getMessage().contains("needs at least"), e.getMessage());
    }

    @Test
    void sameInputsGiveByteIdenticalPatches() {
        byte[] a = PatchBuilder.build(PAIR.oldImage(), PAIR.newImage(), BuildOptions.defaults()).patch();
        byte[] b = PatchBuilder.build(PAIR.oldImage().clone(), PAIR.newImage().clone(), BuildOptions.defaults()).patch();
        assertArrayEquals(a, b);
    }

    @Test
    void longRunsAreSplitSoBlocksHoldWholeRecords() {
        byte[] diff = new byte[5000];
        byte[] extra = new byte[3000];
        List<RawBlock> blocks = RecordBlocker.split(List.of(new DeltaRecord(diff, extra, -7)), 1024);
        assertTrue(blocks.size() >= 8, "blocks: " + blocks.size());
        long out = 0;
        for (RawBlock b : blocks) {
            assertTrue(b.records().length <= 1024);
            assertEquals(out, b.newOffset());
            out += b.outLength();
        }
        assertEquals(8000, out);
    }
}
