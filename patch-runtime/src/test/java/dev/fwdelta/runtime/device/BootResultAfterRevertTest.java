// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the bootloader reports follows the boot log's state, confirmed by the active slot's
 * checksums (docs/DEVICE.md "Bootloader"): the new image's checksums were tried first, over
 * new_size bytes, so after the revert of an empty new image (vector empty-new-image: 64 bytes old,
 * 0 new) the old image was reported as NEW. tests/boot_log_test.c is the C twin.
 */
class BootResultAfterRevertTest {
    private final StagedVector device = new StagedVector("empty-new-image");

    BootResultAfterRevertTest() throws Exception {
    }

    @Test
    void aRevertedEmptyNewImageIsReportedOld() throws Exception {
        assertEquals(0, device.newImage.length);
        assertEquals(new BootResult(BootResult.Image.NEW, true), device.boot(), "boot 1: the new image on trial");
        assertEquals(new BootResult(BootResult.Image.OLD, false), device.boot(), "boot 2, not confirmed: reverted");
        assertArrayEquals(device.old, device.slot(active(), device.old.length));
        assertEquals(List.of("TYPE " + BootRecords.REVERT, "STEP 1 0 1", "STEP 1 0 2", "STEP 1 0 3",
                "TYPE " + BootRecords.REVERTED), device.records().subList(6, 11));
        assertEquals(new BootResult(BootResult.Image.OLD, false), device.boot(), "boot 3: still OLD");
    }

    /** After the revert the slot must hold the old image: a slot that does not is UNKNOWN, not NEW. */
    @Test
    void aRevertedSlotNotHoldingTheOldImageIsUnknown() throws Exception {
        device.boot();
        device.boot();
        device.flash.program(active().offset(), new byte[4], 0, 4); // clears bits of the old image
        assertEquals(new BootResult(BootResult.Image.UNKNOWN, false), device.boot());
    }

    /** Confirmed: the new image is expected, and the empty one is there. */
    @Test
    void aConfirmedEmptyNewImageIsReportedNew() throws Exception {
        device.boot();
        new Bootloader(StagedVector.LAYOUT, device.flash).confirm();
        assertEquals(new BootResult(BootResult.Image.NEW, false), device.boot());
    }

    private static Region active() {
        return StagedVector.LAYOUT.active();
    }
}
