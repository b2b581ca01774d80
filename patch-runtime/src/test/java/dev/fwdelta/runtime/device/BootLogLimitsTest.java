// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.sim.NorFlash;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Boot log records whose CRC holds but whose fields are out of their limits (docs/DEVICE.md "Boot
 * log records out of range"): ignored as torn ones are. A STEP of phase 0x80 ran phases -127..0
 * as phase 3 in Java (the active slot erased, the staging slot left without the old image) and
 * made C skip the swap and log SWAPPED and TRIAL over the old image; an INSTALL naming another
 * group count stopped the Java bootloader with an exception (C: an error). tests/boot_log_test.c
 * is the C twin. stm32f405-1m, vector compact-lzma (one 128 KiB group).
 */
class BootLogLimitsTest {
    private static final DeviceLayout LAYOUT = StagedVector.LAYOUT;
    private static final String T_SWAPPED = "TYPE " + BootRecords.SWAPPED;
    private static final String T_TRIAL = "TYPE " + BootRecords.TRIAL;

    private final StagedVector d = new StagedVector("compact-lzma");
    private final NorFlash flash = d.flash;
    private final StatusLog bootLog = d.bootLog;
    private final long patchId = d.patchId;
    private final byte[] old = d.old;
    private final byte[] newImage = d.newImage;

    BootLogLimitsTest() throws Exception {
    }

    private BootResult boot() throws IOException {
        return d.boot();
    }

    private byte[] slot(Region r, int length) {
        return d.slot(r, length);
    }

    private List<String> records() {
        return d.records();
    }

    /** The reviewer's case and each other STEP limit: the step is not one, the install runs from its start. */
    @ParameterizedTest
    @CsvSource({"0, 0, 128", "0, 0, 0", "0, 0, 4", "2, 0, 1", "0, 1, 3", "0, 2147483648, 1", "0, 4294967295, 3"})
    void aStepOutOfItsLimitsIsIgnored(int pass, long group, int phase) throws Exception {
        bootLog.erase();
        BootRecords.writeInstall(bootLog, patchId, 1);
        BootRecords.writeStep(bootLog, pass, (int) group, phase);
        String bad = "STEP " + pass + " " + group + " " + phase;

        assertEquals(new BootResult(BootResult.Image.NEW, true), boot());
        assertArrayEquals(newImage, slot(LAYOUT.active(), newImage.length), "the new image installed");
        assertArrayEquals(old, slot(LAYOUT.staging(), old.length), "the old image kept for the revert");
        assertEquals(List.of("INSTALL 1", bad, "STEP 0 0 1", "STEP 0 0 2", "STEP 0 0 3", T_SWAPPED, T_TRIAL),
                records());

        assertEquals(new BootResult(BootResult.Image.OLD, false), boot(), "not confirmed: reverted");
        assertArrayEquals(old, slot(LAYOUT.active(), old.length));
    }

    /** A revert step out of its limits after the trial: the revert runs from its start. */
    @Test
    void aRevertStepOutOfItsLimitsIsIgnored() throws Exception {
        assertEquals(new BootResult(BootResult.Image.NEW, true), boot());
        BootRecords.write(bootLog, BootRecords.REVERT);
        BootRecords.writeStep(bootLog, BootRecords.PASS_REVERT, 0, 0x80);
        assertEquals(new BootResult(BootResult.Image.OLD, false), boot());
        assertArrayEquals(old, slot(LAYOUT.active(), old.length));
        assertArrayEquals(newImage, slot(LAYOUT.staging(), newImage.length));
        assertEquals(List.of("STEP 1 0 1", "STEP 1 0 2", "STEP 1 0 3", "TYPE " + BootRecords.REVERTED),
                records().subList(8, 12));
    }

    /** An INSTALL naming another group count than the plan's, none, or more than the log holds, over untouched slots. */
    @ParameterizedTest
    @CsvSource({"2", "0", "4294967295"})
    void anInstallOutOfItsLimitsOverUntouchedSlotsIsInstalledAgain(long groups) throws Exception {
        bootLog.erase();
        BootRecords.writeInstall(bootLog, patchId, (int) groups);
        BootRecords.write(bootLog, BootRecords.SWAPPED);
        BootRecords.write(bootLog, BootRecords.TRIAL);
        assertEquals(new BootResult(BootResult.Image.NEW, true), boot());
        assertArrayEquals(newImage, slot(LAYOUT.active(), newImage.length));
        assertArrayEquals(old, slot(LAYOUT.staging(), old.length));
        assertEquals(List.of("INSTALL 1", "STEP 0 0 1", "STEP 0 0 2", "STEP 0 0 3", T_SWAPPED, T_TRIAL), records());
    }

    /**
     * The same INSTALL once a swap has begun (phases 1 and 2 of group 0 done, as a bootloader of
     * another layout would have): erasing the log and swapping again would lose the new image, which
     * only the scratch area holds. The bootloader writes nothing and starts the old image.
     */
    @Test
    void anInstallOutOfItsLimitsWithASwapUnderWayIsLeftAlone() throws Exception {
        int length = 128 * 1024;
        copy(LAYOUT.staging().offset(), LAYOUT.scratch().offset(), length);
        copy(LAYOUT.active().offset(), LAYOUT.staging().offset(), length);
        bootLog.erase();
        BootRecords.writeInstall(bootLog, patchId, 2);
        BootRecords.writeStep(bootLog, BootRecords.PASS_INSTALL, 0, 1);
        BootRecords.writeStep(bootLog, BootRecords.PASS_INSTALL, 0, 2);
        byte[] before = flash.snapshot();
        assertEquals(new BootResult(BootResult.Image.OLD, false), boot());
        assertArrayEquals(before, flash.snapshot(), "nothing written");
    }

    /** Erases the sector at {@code to} and copies {@code length} bytes there from {@code from}. */
    private void copy(long from, long to, int length) throws IOException {
        byte[] b = new byte[length];
        flash.read(from, b, 0, length);
        flash.erase(flash.geometry().sectors().sectorAt(to));
        flash.program(to, b, 0, length);
    }
}
