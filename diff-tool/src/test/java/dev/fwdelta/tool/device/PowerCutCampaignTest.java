// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.PowerCutCampaign;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Power cut before every flash operation of update + install (+ trial + confirm), on the small
 * corpus pair, for every preset layout and every program unit size; the revert path and torn
 * operations for every preset; a random sample on a large pair. Never a brick, always the
 * expected image at the end. The same pair built for a device with little RAM gets a codec window
 * below 4096 (docs/FORMAT.md 2.1): seeded cuts on every layout and unit, torn and not, and through a
 * revert; the Maven profile power-cuts sets {@code fwdelta.powerCuts=all}, a cut before every
 * operation.
 */
class PowerCutCampaignTest {
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(BuildOptions.DEFAULT_RAM_BUDGET);
    private static final Corpus.Pair SMALL = Corpus.pair("programmer");
    /** Small blocks, so resume points fall all over the update (several blocks: see patchHasSeveralBlocks). */
    private static final byte[] PATCH = PatchBuilder.build(SMALL.oldBytes(), SMALL.newBytes(),
            new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 1024, 2, 0)).patch();
    /** A budget with no room for a 4096-byte lzma window: the builder picks a smaller one (docs/FORMAT.md 4). */
    private static final long SMALL_BUDGET = 8192;
    /** lzma's and split's windows below this are the ones appliers before the 256 minimum refused. */
    private static final long COMPATIBLE_WINDOW = 4096;
    private static final UpdatePolicy SMALL_POLICY = UpdatePolicy.ramOnly(SMALL_BUDGET);
    /** The pair at that budget, in PATCH's block size: resumes start the small-window decoder at a block. */
    private static final byte[] SMALL_WINDOW_PATCH = PatchBuilder.build(SMALL.oldBytes(), SMALL.newBytes(),
            new BuildOptions(null, SMALL_BUDGET, 1024, 2, 0)).patch();
    /** The small-window campaign's cuts per run: K seeded ones, or every one under the profile power-cuts. */
    private static final String SMALL_WINDOW_CUTS = System.getProperty("fwdelta.powerCuts", "random:8");

    @Test
    void patchHasSeveralBlocks() throws Exception {
        long blocks = PatchHeader.parse(PATCH).blockCount();
        System.out.printf("campaign patch: %d bytes, %d blocks%n", PATCH.length, blocks);
        assertTrue(blocks > 1, "block_count " + blocks + ": the cuts must land between blocks too");
    }

    @Test
    void theSmallBudgetPatchHasACodecWindowBelow4096() throws Exception {
        PatchHeader h = smallWindowHeader();
        System.out.printf("small-window patch: %d bytes, codec %s, window %d, %d blocks, decoder_ram %d%n",
                SMALL_WINDOW_PATCH.length, h.codec(), h.codecWindow(), h.blockCount(), h.decoderRam());
    }

    /** The small-budget patch's header, once it is checked to be what its campaign is for. */
    private static PatchHeader smallWindowHeader() throws Exception {
        PatchHeader h = PatchHeader.parse(SMALL_WINDOW_PATCH);
        assertTrue(h.codec() == Codec.LZMA || h.codec() == Codec.SPLIT, "codec " + h.codec());
        assertTrue(h.codecWindow() < COMPATIBLE_WINDOW, "window " + h.codecWindow());
        assertTrue(h.decoderRam() <= SMALL_BUDGET, "decoder_ram " + h.decoderRam());
        assertTrue(h.blockCount() > 1, "block_count " + h.blockCount() + ": the cuts must land between blocks too");
        return h;
    }

    @ParameterizedTest(name = "{0} unit {1}")
    @MethodSource("layoutsAndUnits")
    void smallWindowCutsInstallTheNewImage(String name, int unit) throws Exception {
        smallWindowHeader();
        DeviceLayout l = layout(name, unit);
        for (boolean tear : new boolean[] {false, true}) {
            PowerCutCampaign.Result r = PowerCutCampaign.run(l, SMALL.oldBytes(), SMALL_WINDOW_PATCH, SMALL_POLICY,
                    true, SMALL_WINDOW_CUTS, tear, unit);
            assertEquals(cutPoints(r), r.cutPoints(), SMALL_WINDOW_CUTS);
            check(r, name + " unit " + unit + " small window" + (tear ? " torn" : ""));
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void smallWindowCutsThroughARevertEndOnTheOldImage(String name) throws Exception {
        smallWindowHeader();
        DeviceLayout l = DeviceLayout.preset(name);
        for (boolean tear : new boolean[] {false, true}) {
            PowerCutCampaign.Result r = PowerCutCampaign.run(l, SMALL.oldBytes(), SMALL_WINDOW_PATCH, SMALL_POLICY,
                    false, SMALL_WINDOW_CUTS, tear, 1);
            assertEquals(cutPoints(r), r.cutPoints(), SMALL_WINDOW_CUTS);
            check(r, name + " revert small window" + (tear ? " torn" : ""));
        }
    }

    /** How many cuts SMALL_WINDOW_CUTS ("all" or "random:K") asks of a campaign over r's operations. */
    private static long cutPoints(PowerCutCampaign.Result r) {
        if (SMALL_WINDOW_CUTS.equals("all")) {
            return r.operations();
        }
        assertTrue(SMALL_WINDOW_CUTS.startsWith("random:"),
                "fwdelta.powerCuts: all or random:K, got " + SMALL_WINDOW_CUTS);
        return Long.parseLong(SMALL_WINDOW_CUTS.substring("random:".length()));
    }

    static Stream<Arguments> layoutsAndUnits() {
        return DeviceLayout.PRESETS.stream().flatMap(l -> Stream.of(1, 4, 8, 16, 32).map(u -> Arguments.of(l, u)));
    }

    static Stream<String> layouts() {
        return DeviceLayout.PRESETS.stream();
    }

    private static DeviceLayout layout(String name, int unit) {
        DeviceLayout l = DeviceLayout.preset(name);
        return l.with(l.geometry().withProgramUnit(unit));
    }

    private static void check(PowerCutCampaign.Result r, String what) {
        System.out.printf("campaign %-40s operations %5d, cut points %5d, endings %s, agent restarts %d%n", what,
                r.operations(), r.cutPoints(), r.endings(), r.restarts());
        assertEquals(0, r.bricks(), what);
        assertEquals(0, r.stuck(), what);
        assertEquals(0, r.unexpected(), what + ": first failing cut " + r.firstFailure());
        assertTrue(r.operations() > 100, what + ": too few operations to mean anything");
    }

    @ParameterizedTest(name = "{0} unit {1}")
    @MethodSource("layoutsAndUnits")
    void everyCutPointInstallsTheNewImage(String name, int unit) throws Exception {
        PowerCutCampaign.Result r = PowerCutCampaign.run(layout(name, unit), SMALL.oldBytes(), PATCH, POLICY, true,
                "all", false, 0);
        assertEquals(r.cutPoints(), r.operations(), "exhaustive");
        check(r, name + " unit " + unit);
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void everyCutPointThroughARevertEndsOnTheOldImage(String name) throws Exception {
        DeviceLayout l = DeviceLayout.preset(name);
        check(PowerCutCampaign.run(l, SMALL.oldBytes(), PATCH, POLICY, false, "all", false, 0), name + " revert");
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void tornOperationsAtEveryCutPoint(String name) throws Exception {
        DeviceLayout l = DeviceLayout.preset(name);
        check(PowerCutCampaign.run(l, SMALL.oldBytes(), PATCH, POLICY, true, "all", true, 0), name + " torn");
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void sampledOnALargePair(String name) throws Exception {
        Corpus.Pair large = Corpus.pair("pyb-release");
        DeviceLayout l = DeviceLayout.preset(name);
        byte[] patch = PatchBuilder.build(large.oldBytes(), large.newBytes(),
                new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 32 * 1024, 2, 0)).patch();
        if (large.oldBytes().length > l.active().size()) {
            // This part's slot holds only the start of the pair's old image: the agent must refuse
            // the patch as made for another base, before writing anything.
            var shrunk = DeviceSimulator.provision(l, Arrays.copyOf(large.oldBytes(), (int) l.active().size()));
            var agent = new UpdateAgent(l, shrunk, POLICY);
            PatchException e = assertThrows(PatchException.class, () -> agent.begin(patch));
            assertEquals(ErrorCode.WRONG_BASE_IMAGE, e.code(), e.getMessage());
            assertEquals(0, shrunk.counters().operations());
            return;
        }
        PowerCutCampaign.Result r = PowerCutCampaign.run(l, large.oldBytes(), patch, POLICY, true, "random:60", true, 7);
        assertEquals(60, r.cutPoints());
        check(r, name + " large");
    }

    /** A patch carrying a relocation map: cuts also land while the agent logs the map. */
    @ParameterizedTest
    @MethodSource("layouts")
    void patchWithARelocationMap(String name) throws Exception {
        Corpus.Pair pair = Corpus.pair("shell");
        DeviceLayout l = DeviceLayout.preset(name);
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(),
                new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 16 * 1024, 2, 0)).patch();
        assertTrue(PatchHeader.parse(patch).mapCount() > 0, "the shell pair gets a map");
        if (pair.oldBytes().length > l.active().size()) {
            // Only the start of the old image fits this part's slot: refused as another base, before any write.
            var flash = DeviceSimulator.provision(l, Arrays.copyOf(pair.oldBytes(), (int) l.active().size()));
            var agent = new UpdateAgent(l, flash, POLICY);
            PatchException e = assertThrows(PatchException.class, () -> agent.begin(patch));
            assertEquals(ErrorCode.WRONG_BASE_IMAGE, e.code(), e.getMessage());
            assertEquals(0, flash.counters().operations());
            return;
        }
        PowerCutCampaign.Result r = PowerCutCampaign.run(l, pair.oldBytes(), patch, POLICY, true, "random:40", true, 3);
        // the first cuts, where the header and the map are logged, every one of them
        PowerCutCampaign.Result early = PowerCutCampaign.run(l, pair.oldBytes(), patch, POLICY, true, "first:20", true, 3);
        check(r, name + " map sampled");
        assertEquals(0, early.unexpected(), name + " first cuts: " + early.firstFailure());
        assertEquals(0, early.bricks());
        assertEquals(0, early.stuck());
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void uninterruptedUpdateCounts(String name) throws Exception {
        DeviceLayout l = DeviceLayout.preset(name);
        var flash = DeviceSimulator.provision(l, SMALL.oldBytes());
        DeviceSimulator.Outcome o = DeviceSimulator.run(l, flash, PATCH, POLICY, true, 1024);
        assertEquals(DeviceSimulator.Ending.NEW_CONFIRMED, o.ending());
        assertEquals(PATCH.length, o.bytesSent(), "an uninterrupted update sends the patch once");
        assertTrue(flash.counters().estimatedSeconds() > 0);
    }
}
