// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.flash.ForwardingFlash;
import dev.fwdelta.runtime.flash.SectorMap;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.FaultPlan;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.sim.PowerCutException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Torn boot log records (docs/DEVICE.md "Torn records", "When the boot log is full"): each power
 * cut during an append uses a slot for good. The agent's fit check keeps FWD_BOOT_LOG_SPARE (8)
 * slots for them; past that the bootloader found the log full and threw on every boot from then
 * on, the slots possibly half swapped. Now it reverts by the slots' checksums without the log. On
 * stm32l0-192k's geometry with a small boot log, vector compact-lzma (one swap group), the
 * simulator tearing boot log programs. The C bootloader does the same: tests/boot_log_full_test.c.
 */
class BootLogFullTest {
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(1 << 20);
    private static final Path DIR = Path.of("src/test/resources/vectors");
    private static final String VECTOR = "compact-lzma";

    /** stm32l0-192k with a boot log of {@code bootLogBytes} (64-byte records in 128-byte pages). */
    private static DeviceLayout layout(int bootLogBytes) throws IOException {
        return DeviceLayout.parse(new StringReader(String.join("\n",
                "name = small-boot-log", "flash_base = 0x08000000", "sectors = 1536x128", "program_unit = 4",
                "erased_value = 0x00", "ecc = false", "costs_us = 3200, 0, 0, 3200",
                "agent_log = 0x3000 + 2K", "boot_log = 0x3800 + " + bootLogBytes, "scratch = 0x6000 + 8K",
                "active = 0x8000 + 80K", "staging = 0x1C000 + 80K")));
    }

    /** The reviewer's layout: 12 records, which a one-group install needs without spares (11) but not with them (19). */
    @Test
    void theFitCheckKeepsSpareSlotsForTornRecords() throws Exception {
        DeviceLayout tight = layout(768);
        NorFlash nor = DeviceSimulator.provision(tight, vector("old"));
        byte[] before = nor.snapshot();
        PatchException e = assertThrows(PatchException.class, () -> new UpdateAgent(tight, nor, POLICY).begin(header()));
        assertEquals(ErrorCode.DOES_NOT_FIT, e.code());
        assertArrayEquals(before, nor.snapshot(), "refused before any write");
        DeviceLayout roomy = layout(1280); // 20 records: 11 + 8 spare + the one after TRIAL fit
        Device d = new Device(roomy);
        d.stage();
        assertEquals(20, new StatusLog(d.nor, roomy.bootLog()).capacity());
    }

    /**
     * On trial, not confirmed: every boot log program of the revert torn until no slot is left (14
     * tears, slots 6 to 19). The bootloader threw "status log at 0x3800 is full" on every boot
     * after. Now the boot after the last tear reverts without the log: OLD, the old image in the
     * active slot, the new one in staging; later boots write nothing; the same update can begin again.
     * Also with vector empty-new-image (64 bytes old, 0 new, a prefix of it): the result follows the
     * state a revert without the log leaves, OLD, confirmed by the old image's checksums (the new
     * ones, tried first, matched the reverted slot: NEW; docs/DEVICE.md, BootResultAfterRevertTest).
     */
    @ParameterizedTest
    @ValueSource(strings = {VECTOR, "empty-new-image"})
    void tornRecordsDuringTheRevertEndInTheOldImage(String vector) throws Exception {
        Device d = new Device(layout(1280), vector);
        d.stage();
        assertEquals(new BootResult(BootResult.Image.NEW, true), d.boot());
        d.flash.tearFrom = 0; // every boot log program from now on, until the log is full
        BootResult r = d.bootThroughCuts();
        assertEquals(14, d.flash.torn, "slots 6 to 19 torn");
        assertEquals(new BootResult(BootResult.Image.OLD, false), r);
        d.assertReverted();
        d.assertStartsAgain();
    }

    /**
     * Mid-swap: INSTALL and the install pass's first {@code logged} - 1 STEPs logged, then each boot
     * redoes the next phase and its STEP is torn until no slot is left: STEP 1 (19 tears; after the
     * revert the slots are where the log's position 0 says too) or STEP 3 (17 tears; phase 3 done:
     * the active slot holds the new image, the log says it holds the old one). The bootloader threw
     * on every boot after, the slots half swapped by the log's count. Now it finds by content where
     * the swap stands, swaps back without the log, boots the old image, and later boots do not swap.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void tornStepsDuringTheInstallSwapEndInTheOldImage(int logged) throws Exception {
        Device d = new Device(layout(1280));
        d.stage();
        d.flash.tearFrom = logged; // after INSTALL and logged - 1 STEPs
        BootResult r = d.bootThroughCuts();
        assertEquals(20 - logged, d.flash.torn, "slots " + logged + " to 19 torn");
        BootRecords b = BootRecords.read(new StatusLog(d.nor, d.layout.bootLog()));
        assertFalse(b.swapped, "the install swap never logged as done");
        assertEquals(logged == 1 ? -1 : logged - 1,
                b.lastGroup[BootRecords.PASS_INSTALL] < 0 ? -1 : b.lastPhase[BootRecords.PASS_INSTALL], "the last STEP logged");
        assertEquals(new BootResult(BootResult.Image.OLD, false), r);
        d.assertReverted();
        d.assertStartsAgain();
    }

    /**
     * SWAPPED torn 14 times, so that TRIAL would take the last slot: the new image would run on
     * trial with no slot for CONFIRMED or REVERT (the confirm failed, the next boot threw). Now
     * TRIAL needs a slot after it: the bootloader fills the last one and reverts instead.
     */
    @Test
    void trialIsNotLoggedIntoTheLastSlot() throws Exception {
        Device d = new Device(layout(1280));
        d.stage();
        d.flash.tearFrom = 4; // after INSTALL and the three STEPs
        d.flash.tearsLeft = 14; // SWAPPED, in slots 4 to 17; then in 18, and TRIAL would be 19
        BootResult r = d.bootThroughCuts();
        assertEquals(new BootResult(BootResult.Image.OLD, false), r);
        assertEquals(0, freeSlots(d.nor, d.layout.bootLog()));
        d.assertReverted();
        d.assertStartsAgain();
    }

    /**
     * An INSTALL is read within the limits of what the log can hold at all (1 + 6 x groups + 5
     * records, as C's fwd_boot_max_groups), not within the fit check's spare slots: an install an
     * agent began before the spare slots stays readable, and Java and C take the same INSTALLs.
     */
    @Test
    void theInstallLimitIsWhatTheLogHoldsNotTheSpareSlots() {
        assertEquals(2, BootRecords.maxGroups(20), "1 + 12 + 5 records fit 20");
        assertEquals(3, BootRecords.maxGroups(24));
        assertEquals(0, BootRecords.maxGroups(11));
        assertEquals(1 + 6 * 2 + 4 + SwapPlan.BOOT_LOG_SPARE, SwapPlan.recordsNeeded(2), "the fit check: more");
    }

    /**
     * A full boot log whose INSTALL names the agent's patch but not the swap plan's group count (2,
     * the plan: 1), after phases 1 and 2 of group 0: the INSTALL is ignored (BootLogLimitsTest), so
     * the log names no install and the bootloader does not revert without it either; as for any
     * ignored INSTALL over slots that do not hold old and new, nothing is written and the old image
     * starts.
     */
    @Test
    void aFullLogWithAnInstallOutOfItsLimitsIsLeftAlone() throws Exception {
        Device d = new Device(layout(1280));
        d.stage();
        SwapPlan.Group g = SwapPlan.groups(d.layout, vector("old").length).get(0);
        d.copy(d.layout.staging().offset(), d.layout.scratch().offset(), (int) g.length());
        d.copy(d.layout.active().offset(), d.layout.staging().offset(), (int) g.length());
        StatusLog log = new StatusLog(d.nor, d.layout.bootLog());
        log.erase();
        BootRecords.writeInstall(log, AgentRecords.read(new StatusLog(d.nor, d.layout.agentLog())).patchId, 2);
        BootRecords.writeStep(log, BootRecords.PASS_INSTALL, 0, 1);
        BootRecords.writeStep(log, BootRecords.PASS_INSTALL, 0, 2);
        while (log.freeSlots() > 0) {
            BootRecords.write(log, Bootloader.FULL);
        }
        byte[] before = d.nor.snapshot();
        assertEquals(new BootResult(BootResult.Image.OLD, false), d.boot());
        assertArrayEquals(before, d.nor.snapshot(), "nothing written");
    }

    /** A device: the NOR flash, seen through {@link BootLogTears}. */
    private static final class Device {
        final DeviceLayout layout;
        final NorFlash nor;
        final BootLogTears flash;
        final String name;
        final byte[] patch;

        Device(DeviceLayout layout) throws IOException {
            this(layout, VECTOR);
        }

        Device(DeviceLayout layout, String name) throws IOException {
            this.layout = layout;
            this.name = name;
            this.nor = DeviceSimulator.provision(layout, vector(name, "old"));
            this.flash = new BootLogTears(nor, layout.bootLog());
            this.patch = vector(name, "fwd");
        }

        void stage() throws IOException {
            UpdateAgent a = new UpdateAgent(layout, flash, POLICY);
            long from = a.begin(header(name));
            a.receive(patch, (int) from, patch.length - (int) from);
            a.finish();
            assertEquals(UpdateAgent.State.STAGED, a.state());
        }

        BootResult boot() throws IOException {
            return new Bootloader(layout, flash).boot();
        }

        /** Resets until a boot is not cut: its result. */
        BootResult bootThroughCuts() throws IOException {
            for (int boots = 0; boots < 100; boots++) {
                try {
                    return boot();
                } catch (PowerCutException cut) {
                    // the next reset
                }
            }
            throw new AssertionError("100 boots, all cut");
        }

        /** The old image runs, the new one is in staging, no slot is left; the next boots write nothing. */
        void assertReverted() throws IOException {
            byte[] old = vector(name, "old");
            byte[] fresh = vector(name, "new");
            assertArrayEquals(old, read(layout.active().offset(), old.length), "the old image runs");
            assertArrayEquals(fresh, read(layout.staging().offset(), fresh.length), "the new one staged");
            assertEquals(0, freeSlots(nor, layout.bootLog()), "no slot left");
            byte[] before = nor.snapshot();
            long operations = nor.counters().operations();
            for (int i = 0; i < 3; i++) {
                assertEquals(new BootResult(BootResult.Image.OLD, false), boot());
            }
            assertArrayEquals(before, nor.snapshot(), "later boots change nothing");
            assertEquals(operations, nor.counters().operations(), "later boots erase and program nothing");
        }

        /** The install ended: the same update begins again (a new boot log at install), installs and is confirmed. */
        void assertStartsAgain() throws IOException {
            flash.tearsLeft = 0;
            UpdateAgent a = new UpdateAgent(layout, flash, POLICY);
            assertEquals(UpdateAgent.State.IDLE, a.state());
            long from = a.begin(header(name));
            assertEquals(PatchHeader.sizeFromPrefix(patch), from, "from the payload start");
            a.receive(patch, (int) from, patch.length - (int) from);
            a.finish();
            assertEquals(new BootResult(BootResult.Image.NEW, true), boot());
            new Bootloader(layout, flash).confirm();
            assertEquals(new BootResult(BootResult.Image.NEW, false), boot());
            byte[] fresh = vector(name, "new");
            assertArrayEquals(fresh, read(layout.active().offset(), fresh.length));
        }

        /** Erases the sectors at {@code to} and copies {@code length} bytes there from {@code from}. */
        void copy(long from, long to, int length) throws IOException {
            byte[] b = read(from, length);
            SectorMap map = nor.geometry().sectors();
            for (int s = map.sectorAt(to); s < map.count() && map.start(s) < to + length; s++) {
                nor.erase(s);
            }
            nor.program(to, b, 0, length);
        }

        private byte[] read(long offset, int length) {
            byte[] b = new byte[length];
            nor.read(offset, b, 0, length);
            return b;
        }
    }

    /**
     * The flash as the device sees it: from the {@code tearFrom}-th program into the boot log on
     * ({@code tearsLeft} of them, or all until the log is full), the simulator tears the program
     * (half its units written) and cuts the power.
     */
    private static final class BootLogTears extends ForwardingFlash {
        final NorFlash nor;
        final Region bootLog;
        int tearFrom = Integer.MAX_VALUE;
        int tearsLeft = Integer.MAX_VALUE;
        int programs;
        int torn;

        BootLogTears(NorFlash nor, Region bootLog) {
            super(nor);
            this.nor = nor;
            this.bootLog = bootLog;
        }

        @Override
        public void program(long offset, byte[] src, int off, int len) throws IOException {
            if (offset >= bootLog.offset() && offset < bootLog.end() && programs++ >= tearFrom && tearsLeft > 0) {
                tearsLeft--;
                torn++;
                nor.setFaults(FaultPlan.cutBefore(0, true));
                try {
                    nor.program(offset, src, off, len);
                } finally {
                    nor.setFaults(FaultPlan.NONE);
                }
            }
            nor.program(offset, src, off, len);
        }
    }

    /** Slots after the last one that is not erased (docs/DEVICE.md), read apart from the code under test. */
    private static int freeSlots(NorFlash nor, Region log) {
        int slots = (int) (log.size() / 64);
        int free = 0;
        while (free < slots && nor.isErased(log.offset() + (slots - free - 1) * 64L, 64)) {
            free++;
        }
        return free;
    }

    private static byte[] header() throws IOException {
        return header(VECTOR);
    }

    private static byte[] header(String name) throws IOException {
        byte[] patch = vector(name, "fwd");
        return Arrays.copyOf(patch, PatchHeader.sizeFromPrefix(patch));
    }

    private static byte[] vector(String extension) throws IOException {
        return vector(VECTOR, extension);
    }

    private static byte[] vector(String name, String extension) throws IOException {
        return Files.readAllBytes(DIR.resolve(name + "." + extension));
    }
}
