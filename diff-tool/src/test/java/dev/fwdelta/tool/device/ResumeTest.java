// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.BlockHeader;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A reboot mid-transfer (each attempt makes a new agent from flash): the agent resumes at its last
 * applied block, so the bytes sent in total stay below the patch size plus one block (and the
 * re-sent header) per interruption. A dropped link with the device powered resumes at the next
 * expected byte instead: TransferSessionTest, KilledSendResumesTest.
 */
class ResumeTest {
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(BuildOptions.DEFAULT_RAM_BUDGET);

    private static long largestBlock(byte[] patch) throws Exception {
        PatchHeader h = PatchHeader.parse(patch);
        long largest = 0;
        int at = h.size() + (int) h.mapLength();
        for (long i = 0; i < h.blockCount(); i++) {
            int len = 1;
            while (!BlockHeader.compactComplete(Arrays.copyOfRange(patch, at, at + len), len)) {
                len++;
            }
            BlockHeader b = BlockHeader.parseCompact(Arrays.copyOfRange(patch, at, at + len), len);
            largest = Math.max(largest, len + b.encodedLength());
            at += len + (int) b.encodedLength();
        }
        return largest;
    }

    @Test
    void streamCutAtRandomPointsResumesAtTheLastBlock() throws Exception {
        Corpus.Pair pair = Corpus.pair("pyb-small");
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(),
                new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 512, 2, 0)).patch();
        // Small blocks (512 bytes of records), so the cuts land between blocks and the agent resumes
        // mid-patch: at 16 KiB the whole patch is one block and every resume starts over.
        long blocks = PatchHeader.parse(patch).blockCount();
        assertTrue(blocks > 1, "block_count " + blocks + ": the cuts must land between blocks too");
        long block = largestBlock(patch);
        DeviceLayout layout = DeviceLayout.preset("stm32f405-1m");
        Random random = new Random(3);
        for (int round = 0; round < 5; round++) {
            NorFlash flash = DeviceSimulator.provision(layout, pair.oldBytes());
            byte[] header = Arrays.copyOf(patch, PatchHeader.parse(patch).size());
            long sent = 0;
            int interruptions = 0;
            while (true) {
                UpdateAgent agent = new UpdateAgent(layout, flash, POLICY); // reconnect (or reboot)
                if (agent.state() == UpdateAgent.State.STAGED) {
                    break;
                }
                long from = agent.begin(header);
                sent += header.length;
                long cut = interruptions < 6 ? from + random.nextInt(patch.length / 4 + 1) : patch.length;
                long end = Math.min(cut, patch.length);
                for (long off = from; off < end; off += 100) {
                    int n = (int) Math.min(100, end - off);
                    agent.receive(patch, (int) off, n);
                    sent += n;
                }
                if (end == patch.length) {
                    agent.finish();
                    break;
                }
                interruptions++;
            }
            long bound = patch.length + header.length + interruptions * (block + header.length);
            System.out.printf("resume round %d: %d interruptions, %d bytes sent for a %d-byte patch in %d blocks"
                    + " (bound %d)%n", round, interruptions, sent, patch.length, blocks, bound);
            assertTrue(sent <= bound, sent + " > " + bound);
            assertEquals(UpdateAgent.State.STAGED, new UpdateAgent(layout, flash, POLICY).state());
            byte[] staged = new byte[pair.newBytes().length];
            flash.read(layout.staging().offset(), staged, 0, staged.length);
            assertArrayEquals(pair.newBytes(), staged);
        }
    }

    @Test
    void refusedPatchesTouchNoFlash() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch();
        DeviceLayout layout = DeviceLayout.preset("nrf52840");
        byte[] otherBase = pair.newBytes();
        NorFlash flash = DeviceSimulator.provision(layout, otherBase);
        UpdateAgent agent = new UpdateAgent(layout, flash, POLICY);
        PatchException e = assertThrows(PatchException.class, () -> agent.begin(patch));
        assertEquals(ErrorCode.WRONG_BASE_IMAGE, e.code());
        assertEquals(0, flash.counters().operations(), "a refused patch must not erase or program anything");

        NorFlash tooSmallRam = DeviceSimulator.provision(layout, pair.oldBytes());
        UpdateAgent strict = new UpdateAgent(layout, tooSmallRam, UpdatePolicy.ramOnly(4096));
        assertEquals(ErrorCode.RAM_BUDGET_EXCEEDED, assertThrows(PatchException.class, () -> strict.begin(patch)).code());
        assertEquals(0, tooSmallRam.counters().operations());
    }
}
