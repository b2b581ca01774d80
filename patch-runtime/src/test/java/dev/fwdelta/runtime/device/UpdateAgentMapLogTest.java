// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent log's MAP records hold the relocation map section exactly as the payload carries it
 * (docs/DEVICE.md "Agent log"): the pinned vectors compact-relocation-a64.agent-log (a 9-byte map,
 * one MAP record) and compact-relocation-long-map.agent-log (111 bytes, three records, a varint
 * across each part boundary) are the logs of format-3 relocated patches once their map has
 * arrived, HEADER x5, BEGIN and MAP records, and the C agent checks the same files
 * (patch-runtime/c/tests/agent_map_test.c). Regenerate them with the vectors
 * ({@code -Dfwdelta.writeVectors=true}, GoldenVectorTest's javadoc).
 */
class UpdateAgentMapLogTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("stm32f405-1m");
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(1 << 20);
    private static final String A64 = "compact-relocation-a64";
    private static final String LONG_MAP = "compact-relocation-long-map";
    private static final Path DIR = Path.of("src/test/resources/vectors");
    /** docs/DEVICE.md's record layout, stated here apart from the code under test. */
    private static final int RECORD = 64;
    private static final int PART = 52;
    private static final int MAP = 5;
    private static final int BLOCK = 3;

    @ParameterizedTest
    @ValueSource(strings = {A64, LONG_MAP})
    void mapRecordsHoldTheSectionAsThePayloadCarriesIt(String name) throws Exception {
        byte[] patch = vector(name, "fwd");
        PatchHeader h = PatchHeader.parse(patch);
        int mapEnd = h.size() + (int) h.mapLength();
        byte[] whole = logAfter(name, patch, mapEnd, patch.length);
        if (Boolean.getBoolean("fwdelta.writeVectors")) {
            Files.write(DIR.resolve(name + ".agent-log"), whole);
        }
        byte[] pinned = vector(name, "agent-log");
        assertArrayEquals(pinned, whole, "the agent log after the map differs from the pinned vector");
        assertArrayEquals(pinned, logAfter(name, patch, mapEnd, 1), "fed a byte at a time");
        assertArrayEquals(pinned, logAfter(name, patch, mapEnd, 7), "fed 7 bytes at a time");
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

    @ParameterizedTest
    @ValueSource(strings = {A64, LONG_MAP})
    void resumesFromThePinnedLogToTheNewImage(String name) throws Exception {
        byte[] patch = vector(name, "fwd");
        PatchHeader h = PatchHeader.parse(patch);
        NorFlash flash = DeviceSimulator.provision(LAYOUT, vector(name, "old"));
        flash.provision(LAYOUT.agentLog().offset(), vector(name, "agent-log"));
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY);
        assertEquals(UpdateAgent.State.RECEIVING, agent.state());
        long mapEnd = h.size() + h.mapLength();
        assertEquals(mapEnd, agent.resumeOffset(), "the logged map is not sent again");
        assertEquals(mapEnd, agent.begin(patch));
        agent.receive(patch, (int) mapEnd, patch.length - (int) mapEnd);
        agent.finish();
        assertStaged(name, flash, agent);
    }

    /**
     * A BEGIN of the same patch (a host that reconnected) while a MAP part is half received: the
     * agent goes on where it was, and the part's record must still hold the section's bytes. The
     * Java agent filled the part in the log's one record buffer, which BEGIN's checks of the log
     * read records into: the record it then wrote held the last slot read (0xFF bytes, part index
     * 0xFF), so a reset had the map sent again (found by UartDifferentialTest's ECC transcripts;
     * the C agent keeps the part apart, fwd_agent.map_part).
     */
    @ParameterizedTest
    @ValueSource(strings = {A64, LONG_MAP})
    void aBeginInsideAMapPartLeavesTheLogAsThePinnedOne(String name) throws Exception {
        byte[] patch = vector(name, "fwd");
        PatchHeader h = PatchHeader.parse(patch);
        int mapEnd = h.size() + (int) h.mapLength();
        NorFlash flash = DeviceSimulator.provision(LAYOUT, vector(name, "old"));
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY);
        int from = (int) agent.begin(patch);
        agent.receive(patch, from, 4);
        assertEquals(from + 4, agent.begin(patch), "the same patch again: on at the next expected byte");
        agent.receive(patch, from + 4, mapEnd - from - 4);
        assertArrayEquals(vector(name, "agent-log"), logRecords(flash), "the MAP records after a BEGIN inside part 0");
        assertEquals(mapEnd, new UpdateAgent(LAYOUT, flash, POLICY).resumeOffset(), "after a reset the map is not sent again");
    }

    /** What the long-map vector is for: three parts, a varint across each boundary, a short last part. */
    @Test
    void theLongMapTakesThreePartsWithVarintsAcrossTheirBoundaries() throws Exception {
        byte[] patch = vector(LONG_MAP, "fwd");
        PatchHeader h = PatchHeader.parse(patch);
        assertEquals(111, h.mapLength());
        assertEquals((6 + 3) * RECORD, vector(LONG_MAP, "agent-log").length);
        for (int boundary : new int[] {PART, 2 * PART}) {
            // a uvarint byte with its top bit set is continued by the next byte: in the next part
            assertNotEquals(0, patch[h.size() + boundary - 1] & 0x80, "a varint across section byte " + boundary);
        }
    }

    /** A middle MAP part lost: never logged (the records after it moved up a slot), or torn (its CRC fails). */
    enum Loss { MISSING, BAD_CRC }

    /**
     * DEVICE.md: with MAP parts missing and no BLOCK logged, nothing was written yet, so the map is
     * received again from the payload start; the parts from the first missing one on are logged
     * again after the records there (part 0, logged, is not: a resume costs no slot for it); the
     * last record of a part wins at the next reset.
     */
    @ParameterizedTest
    @EnumSource(Loss.class)
    void aLostMiddlePartBeforeAnyBlockHasTheMapSentAgain(Loss loss) throws Exception {
        byte[] patch = vector(LONG_MAP, "fwd");
        PatchHeader h = PatchHeader.parse(patch);
        int mapEnd = h.size() + (int) h.mapLength();
        byte[] pinned = vector(LONG_MAP, "agent-log");
        byte[] damaged = lose(pinned, 1, loss);
        NorFlash flash = DeviceSimulator.provision(LAYOUT, vector(LONG_MAP, "old"));
        flash.provision(LAYOUT.agentLog().offset(), damaged);
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY);
        assertEquals(UpdateAgent.State.RECEIVING, agent.state());
        assertEquals(h.size(), agent.resumeOffset(), "the map is received again");
        assertEquals(h.size(), agent.begin(patch));
        agent.receive(patch, h.size(), mapEnd - h.size());
        byte[] again = Arrays.copyOfRange(pinned, 7 * RECORD, pinned.length); // MAP parts 1 and 2
        assertArrayEquals(concat(damaged, again), logRecords(flash), "the same log, and parts 1 and 2 again");
        UpdateAgent reset = new UpdateAgent(LAYOUT, flash, POLICY);
        assertEquals(mapEnd, reset.resumeOffset(), "now the map is logged");
        assertEquals(mapEnd, reset.begin(patch));
        reset.receive(patch, mapEnd, patch.length - mapEnd);
        reset.finish();
        assertStaged(LONG_MAP, flash, reset);
    }

    /**
     * DEVICE.md: MAP parts missing while BLOCK records follow make the agent begin the update again
     * at the payload start (a new log: HEADER x5, BEGIN), not resume at the last block.
     */
    @ParameterizedTest
    @EnumSource(Loss.class)
    void aLostMiddlePartWithBlocksAfterItBeginsTheUpdateAgain(Loss loss) throws Exception {
        byte[] patch = vector(LONG_MAP, "fwd");
        PatchHeader h = PatchHeader.parse(patch);
        int mapEnd = h.size() + (int) h.mapLength();
        NorFlash flash = DeviceSimulator.provision(LAYOUT, vector(LONG_MAP, "old"));
        UpdateAgent first = new UpdateAgent(LAYOUT, flash, POLICY);
        int from = (int) first.begin(patch);
        first.receive(patch, from, patch.length - 40 - from); // cut inside the last block
        byte[] log = logRecords(flash);
        byte[] pinned = vector(LONG_MAP, "agent-log");
        assertArrayEquals(pinned, Arrays.copyOf(log, pinned.length));
        assertEquals(pinned.length + 2 * RECORD, log.length, "two of the three blocks logged after the map");
        assertEquals(BLOCK, log[pinned.length + 2]);
        NorFlash rebooted = DeviceSimulator.provision(LAYOUT, vector(LONG_MAP, "old"));
        rebooted.provision(LAYOUT.agentLog().offset(), lose(log, 1, loss));
        byte[] staged = new byte[vector(LONG_MAP, "new").length];
        flash.read(LAYOUT.staging().offset(), staged, 0, staged.length);
        rebooted.provision(LAYOUT.staging().offset(), staged); // what the first attempt staged
        UpdateAgent agent = new UpdateAgent(LAYOUT, rebooted, POLICY);
        assertEquals(h.size(), agent.resumeOffset());
        assertEquals(h.size(), agent.begin(patch), "sent again from the payload start");
        assertArrayEquals(Arrays.copyOf(pinned, 6 * RECORD), logRecords(rebooted), "a new log: HEADER x5, BEGIN");
        agent.receive(patch, h.size(), mapEnd - h.size());
        assertArrayEquals(pinned, logRecords(rebooted), "the map logged again as the vector has it");
        agent.receive(patch, mapEnd, patch.length - mapEnd);
        agent.finish();
        assertStaged(LONG_MAP, rebooted, agent);
    }

    /**
     * An agent of before this format logged a format-3 map expanded to 8-byte entries: its records
     * are not this patch's section, so the update starts again at the payload start (here after
     * every block was logged) and still ends on the right image.
     */
    @Test
    void anExpandedMapOfAnEarlierAgentStartsTheUpdateAgain() throws Exception {
        byte[] patch = vector(A64, "fwd");
        PatchHeader h = PatchHeader.parse(patch);
        NorFlash flash = DeviceSimulator.provision(LAYOUT, vector(A64, "old"));
        UpdateAgent first = new UpdateAgent(LAYOUT, flash, POLICY);
        int from = (int) first.begin(patch);
        first.receive(patch, from, patch.length - from);
        byte[] log = new byte[(int) LAYOUT.agentLog().size()];
        flash.read(LAYOUT.agentLog().offset(), log, 0, log.length);
        assertEquals(BLOCK, log[(6 + 1) * RECORD + 2], "one MAP record, then the blocks");
        System.arraycopy(mapRecord(0, expandedSection(GoldenVectors.all().get(A64))), 0, log, 6 * RECORD, RECORD);
        NorFlash rebooted = DeviceSimulator.provision(LAYOUT, vector(A64, "old"));
        rebooted.provision(LAYOUT.agentLog().offset(), log);
        UpdateAgent agent = new UpdateAgent(LAYOUT, rebooted, POLICY);
        long restart = agent.begin(patch);
        assertEquals(h.size(), restart, "sent again from the payload start");
        agent.receive(patch, (int) restart, patch.length - (int) restart);
        agent.finish();
        assertStaged(A64, rebooted, agent);
    }

    /**
     * DEVICE.md: the map counts as logged only if no part index past the section's end has a
     * record. A MAP record of part 60 (any index past the end, up to 255, as the C agent reads it)
     * after this map's three parts says the logged map is not this patch's: before any BLOCK the
     * map is received again into the same log; with BLOCK records after it the update begins again
     * at the payload start in a new log. The C agent does the same (tests/agent_map_test.c).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aMapPartPastTheSectionEndMeansTheLoggedMapIsNotThisPatchs(boolean blocksAfter) throws Exception {
        byte[] patch = vector(LONG_MAP, "fwd");
        PatchHeader h = PatchHeader.parse(patch);
        byte[] pinned = vector(LONG_MAP, "agent-log");
        byte[] log = pinned;
        byte[] staged = new byte[vector(LONG_MAP, "new").length];
        if (blocksAfter) {
            NorFlash flash = DeviceSimulator.provision(LAYOUT, vector(LONG_MAP, "old"));
            UpdateAgent first = new UpdateAgent(LAYOUT, flash, POLICY);
            int from = (int) first.begin(patch);
            first.receive(patch, from, patch.length - 40 - from); // cut inside the last block
            log = logRecords(flash);
            assertEquals(BLOCK, log[pinned.length + 2], "blocks after the map");
            flash.read(LAYOUT.staging().offset(), staged, 0, staged.length);
        }
        byte[] withPart60 = concat(concat(Arrays.copyOf(log, pinned.length), mapRecord(60, new byte[61 * PART])),
                Arrays.copyOfRange(log, pinned.length, log.length));
        NorFlash rebooted = DeviceSimulator.provision(LAYOUT, vector(LONG_MAP, "old"));
        rebooted.provision(LAYOUT.agentLog().offset(), withPart60);
        if (blocksAfter) {
            rebooted.provision(LAYOUT.staging().offset(), staged); // what the first attempt staged
        }
        UpdateAgent agent = new UpdateAgent(LAYOUT, rebooted, POLICY);
        assertEquals(UpdateAgent.State.RECEIVING, agent.state());
        assertEquals(h.size(), agent.resumeOffset(), "the logged map is not this patch's");
        assertEquals(h.size(), agent.begin(patch), "sent again from the payload start");
        assertArrayEquals(blocksAfter ? Arrays.copyOf(pinned, 6 * RECORD) : withPart60, logRecords(rebooted),
                blocksAfter ? "a new log: HEADER x5, BEGIN" : "the log as it was");
        agent.receive(patch, h.size(), patch.length - h.size());
        agent.finish();
        assertStaged(LONG_MAP, rebooted, agent);
    }

    /**
     * DEVICE.md "Torn records": a resume before the map completed receives the map again but logs
     * only the parts not logged yet, so resumes cost no slots and the fit check's count (each part
     * once) holds. 200 resets during the map's last part, each after parts 0 and 1 were logged:
     * the log stays HEADER x5, BEGIN, MAP 0, MAP 1, and the update stages. The agent logged parts
     * 0 and 1 again on every resume: the 16 KiB log (256 records) was full after some 125, after which
     * every resume failed (IOException out of receive) until an ABORT. C: agent_map_test.c.
     */
    @Test
    void resumesDuringTheMapDoNotLogItsPartsAgain() throws Exception {
        byte[] patch = vector(LONG_MAP, "fwd");
        PatchHeader h = PatchHeader.parse(patch);
        int mapEnd = h.size() + (int) h.mapLength();
        int cut = mapEnd - 4; // inside part 2 (section bytes 104..110): parts 0 and 1 logged
        byte[] pinned = vector(LONG_MAP, "agent-log");
        NorFlash flash = DeviceSimulator.provision(LAYOUT, vector(LONG_MAP, "old"));
        for (int reset = 0; reset < 200; reset++) {
            UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY);
            assertEquals(h.size(), agent.begin(patch), "the map is received again from the payload start");
            agent.receive(patch, h.size(), cut - h.size());
            assertArrayEquals(Arrays.copyOf(pinned, 8 * RECORD), logRecords(flash),
                    "after reset " + reset + ": HEADER x5, BEGIN, MAP 0, MAP 1 and nothing more");
        }
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY);
        assertEquals(h.size(), agent.begin(patch));
        agent.receive(patch, h.size(), patch.length - h.size());
        agent.finish();
        assertArrayEquals(pinned, Arrays.copyOf(logRecords(flash), pinned.length), "the map logged once, part by part");
        assertStaged(LONG_MAP, flash, agent);
    }

    /** The non-erased records of the agent log after the agent took the patch up to {@code upTo}, in chunks of {@code chunk}. */
    private static byte[] logAfter(String name, byte[] patch, int upTo, int chunk) throws IOException {
        NorFlash flash = DeviceSimulator.provision(LAYOUT, vector(name, "old"));
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY);
        for (int at = (int) agent.begin(patch); at < upTo; at += chunk) {
            agent.receive(patch, at, Math.min(chunk, upTo - at));
        }
        return logRecords(flash);
    }

    /** The agent log's records up to its first erased slot. */
    private static byte[] logRecords(NorFlash flash) throws IOException {
        byte[] log = new byte[(int) LAYOUT.agentLog().size()];
        flash.read(LAYOUT.agentLog().offset(), log, 0, log.length);
        int records = 0;
        while (records * RECORD < log.length && log[records * RECORD] == 'F') {
            records++;
        }
        return Arrays.copyOf(log, records * RECORD);
    }

    /** {@code log} with MAP part {@code part} (the record after HEADER x5, BEGIN and the parts before it) lost. */
    private static byte[] lose(byte[] log, int part, Loss loss) {
        int r = (6 + part) * RECORD;
        assertEquals(MAP, log[r + 2]);
        assertEquals(part, log[r + 4]);
        if (loss == Loss.MISSING) {
            return concat(Arrays.copyOf(log, r), Arrays.copyOfRange(log, r + RECORD, log.length));
        }
        byte[] torn = log.clone();
        torn[r + 5 + 10] ^= 0x01; // a section byte changed, the CRC left as it was
        return torn;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] ab = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, ab, a.length, b.length);
        return ab;
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

    private static void assertStaged(String name, NorFlash flash, UpdateAgent agent) throws IOException {
        assertEquals(UpdateAgent.State.STAGED, agent.state());
        byte[] expected = vector(name, "new");
        byte[] staged = new byte[expected.length];
        flash.read(LAYOUT.staging().offset(), staged, 0, staged.length);
        assertArrayEquals(expected, staged);
    }

    private static byte[] vector(String name, String extension) throws IOException {
        return Files.readAllBytes(DIR.resolve(name + "." + extension));
    }
}
