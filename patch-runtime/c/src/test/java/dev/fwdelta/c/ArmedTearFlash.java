// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.runtime.device.Region;
import dev.fwdelta.runtime.flash.ForwardingFlash;
import dev.fwdelta.runtime.sim.FaultPlan;
import dev.fwdelta.runtime.sim.NorFlash;
import java.io.IOException;

/**
 * The Java device's flash in an ECC transcript of {@link UartDifferentialTest}, under its agent and
 * its bootloader alike: a {@link NorFlash} whose program (or erase) that starts in a region, after
 * the next {@code skip} of them, once armed, is torn as {@link FaultPlan} tears it
 * ({@link dev.fwdelta.runtime.sim.PowerCutException} thrown), as tests/power_cut_flash.h's
 * tear_next_from, tear_next_size, tear_next_erase and tear_next_skip do on the C device.
 */
final class ArmedTearFlash extends ForwardingFlash {
    private final NorFlash flash;
    private boolean armed;
    private Region region;
    private boolean erase;
    private int skip;

    ArmedTearFlash(NorFlash flash) {
        super(flash);
        this.flash = flash;
    }

    boolean armed() {
        return armed;
    }

    void disarm() {
        armed = false;
    }

    /** Tears the program ({@code erase}: the erase) starting in {@code region} after the next {@code before}. */
    void arm(Region region, boolean erase, int before) {
        armed = true;
        this.region = region;
        this.erase = erase;
        skip = before;
    }

    private boolean tearsNow(boolean isErase, long offset) {
        if (!armed || isErase != erase || offset < region.offset() || offset - region.offset() >= region.size()
                || skip-- != 0) {
            return false;
        }
        armed = false;
        flash.setFaults(FaultPlan.cutBefore(0, true));
        return true;
    }

    @Override
    public void program(long offset, byte[] src, int off, int len) throws IOException {
        boolean tear = tearsNow(false, offset);
        try {
            flash.program(offset, src, off, len);
        } finally {
            if (tear) {
                flash.setFaults(null);
            }
        }
    }

    @Override
    public void erase(int sector) throws IOException {
        boolean tear = tearsNow(true, flash.geometry().sectors().start(sector));
        try {
            flash.erase(sector);
        } finally {
            if (tear) {
                flash.setFaults(null);
            }
        }
    }
}
