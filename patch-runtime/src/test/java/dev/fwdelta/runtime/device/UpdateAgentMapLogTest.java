// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.GoldenVectors;
import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The agent log's MAP records hold the relocation map section exactly as the payload carries it
 * (docs/DEVICE.md "Agent log"): the pinned vector compact-relocation-a64.agent-log is the log of a
 * format-3 relocated patch once its map has arrived, HEADER x5, BEGIN and MAP records, and the C
 * agent checks the same file (patch-runtime/c/tests/agent_map_test.c). Regenerate it with the
 * vectors ({@code -Dfwdelta.writeVectors=true}, GoldenVectorTest's javadoc).
 */
class UpdateAgentMapLogTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("stm32f405-1m");
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(1 << 20);
    private static final String VECTOR = "compact-relocation-a64";
    private static final Path DIR = Path.of("src/test/resources/vectors");
    /** docs/DEVICE.md's record layout, stated here apart from the code under test. */
    private static final int RECORD = 64;
    private static final int PART = 52;
    private static final int MAP = 5;
    private static final int BLOCK = 3;

    @Test
    void mapRecordsHoldTheSectionAsThePayloadCarriesIt() throws Exception {
        byte[] patch = vector("fwd");
        PatchHeader h = PatchHeader.parse(patch);
        int mapEnd = h.size() + (int) h.mapLength();
        byte[] whole = logAfter(patch, mapEnd, patch.length);
        if (Boolean.getBoolean("fwdelta.writeVectors")) {
            Files.write(DIR.resolve(VECTOR + ".agent-log"), whole);
        }
        byte[] pinned = vector("agent-log");
        assertArrayEquals(pinned, whole, "the agent log after the map differs from the pinned vector");
        assertArrayEquals(pinned, logAfter(patch, mapEnd, 1), "fed a byte at a time");
        int parts = (int) ((h.mapLength() + PART - 1) / PART);
        assertEquals((6 + parts) * RECORD, pinned.length, "HEADER x5, BEGIN, one MAP record a part");
        for (int part = 0; part < parts; part++) {
            int r = (6 + part) * RECORD;
            assertEquals(MAP, pinned[r + 2]);
            assertEquals(part, pinned[r + 4]);
            byte[] expected = new byte[PART + 3]; // the payload after the part index: zero past the section
            int from = h.size() + part * PART;
            System.arraycopy(patch, from, expected, 0, Math.min(PART, mapEnd - from));
            assertArrayEquals(expected, Arrays.copyOfRange(pinned, r + 5, r + 60), "MAP part " + part);
        }
    }

    @Test
    void resumesFromThePinnedLogToTheNewImage() throws Exception {
        byte[] patch = vector("fwd");
        PatchHeader h = PatchHeader.parse(patch);
        NorFlash flash = DeviceSimulator.provision(LAYOUT, vector("old"));
        flash.provision(LAYOUT.agentLog().offset(), vector("agent-log"));
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY);
        assertEquals(UpdateAgent.State.RECEIVING, agent.state());
        long mapEnd = h.size() + h.mapLength();
        assertEquals(mapEnd, agent.resumeOffset(), "the logged map is not sent again");
        assertEquals(mapEnd, agent.begin(patch));
        agent.receive(patch, (int) mapEnd, patch.length - (int) mapEnd);
        agent.finish();
        assertStaged(flash, agent);
    }

    /**
     * An agent of before this format logged a format-3 map expanded to 8-byte entries: its records
     * are not this patch's section, so the update starts again at the payload start (here after
     * every block was logged) and still ends on the right image.
     */
    @Test
    void anExpandedMapOfAnEarlierAgentStartsTheUpdateAgain() throws Exception {
        byte[] patch = vector("fwd");
        PatchHeader h = PatchHeader.parse(patch);
        NorFlash flash = DeviceSimulator.provision(LAYOUT, vector("old"));
        UpdateAgent first = new UpdateAgent(LAYOUT, flash, POLICY);
        int from = (int) first.begin(patch);
        first.receive(patch, from, patch.length - from);
        byte[] log = new byte[(int) LAYOUT.agentLog().size()];
        flash.read(LAYOUT.agentLog().offset(), log, 0, log.length);
        assertEquals(BLOCK, log[(6 + 1) * RECORD + 2], "one MAP record, then the blocks");
        System.arraycopy(mapRecord(0, expandedSection(GoldenVectors.all().get(VECTOR))), 0, log, 6 * RECORD, RECORD);
        NorFlash rebooted = DeviceSimulator.provision(LAYOUT, vector("old"));
        rebooted.provision(LAYOUT.agentLog().offset(), log);
        UpdateAgent agent = new UpdateAgent(LAYOUT, rebooted, POLICY);
        long restart = agent.begin(patch);
        assertEquals(h.size(), restart, "sent again from the payload start");
        agent.receive(patch, (int) restart, patch.length - (int) restart);
        agent.finish();
        assertStaged(rebooted, agent);
    }

    /** The non-erased records of the agent log after the agent took the patch up to {@code upTo}, in chunks of {@code chunk}. */
    private static byte[] logAfter(byte[] patch, int upTo, int chunk) throws IOException {
        NorFlash flash = DeviceSimulator.provision(LAYOUT, vector("old"));
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY);
        for (int at = (int) agent.begin(patch); at < upTo; at += chunk) {
            agent.receive(patch, at, Math.min(chunk, upTo - at));
        }
        byte[] log = new byte[(int) LAYOUT.agentLog().size()];
        flash.read(LAYOUT.agentLog().offset(), log, 0, log.length);
        int records = 0;
        while (records * RECORD < log.length && log[records * RECORD] == 'F') {
            records++;
        }
        return Arrays.copyOf(log, records * RECORD);
    }

    /** The map as formats 1 and 2 carry it: prefix (u32 image_base, transforms, 3 zero bytes), u32 start and i32 shift an entry. */
    private static byte[] expandedSection(TestPatch t) {
        ByteBuffer b = ByteBuffer.allocate(8 * (t.map.length + 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) t.imageBase).putInt(t.transforms);
        for (long[] entry : t.map) {
            b.putInt((int) entry[0]).putInt((int) entry[1]);
        }
        return b.array();
    }

    /** A MAP record as docs/DEVICE.md lays it out: "FW", type, 0, part index, the part's bytes, CRC-32 of bytes 0..59. */
    private static byte[] mapRecord(int part, byte[] section) {
        byte[] r = new byte[RECORD];
        r[0] = 'F';
        r[1] = 'W';
        r[2] = MAP;
        r[4] = (byte) part;
        System.arraycopy(section, part * PART, r, 5, Math.min(PART, section.length - part * PART));
        CRC32 crc = new CRC32();
        crc.update(r, 0, 60);
        ByteBuffer.wrap(r, 60, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        return r;
    }

    private static void assertStaged(NorFlash flash, UpdateAgent agent) throws IOException {
        assertEquals(UpdateAgent.State.STAGED, agent.state());
        byte[] expected = vector("new");
        byte[] staged = new byte[expected.length];
        flash.read(LAYOUT.staging().offset(), staged, 0, staged.length);
        assertArrayEquals(expected, staged);
    }

    private static byte[] vector(String extension) throws IOException {
        return Files.readAllBytes(DIR.resolve(VECTOR + "." + extension));
    }
}
