// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.runtime.device.Region;
import dev.fwdelta.runtime.flash.ForwardingFlash;
import dev.fwdelta.runtime.sim.FaultPlan;
import dev.fwdelta.runtime.sim.NorFlash;
import java.io.IOException;

/**
 * The Java device's flash in an ECC transcript of {@link UartDifferentialTest}: a {@link NorFlash}
 * whose program into the staging slot after the next {@code skip}, once armed, is torn as
 * {@link FaultPlan} tears it ({@link dev.fwdelta.runtime.sim.PowerCutException} thrown), as
 * tests/power_cut_flash.h's tear_next_from, tear_next_size and tear_next_skip do on the C device.
 */
final class StagingTearFlash extends ForwardingFlash {
    private final NorFlash flash;
    private final Region staging;
    private boolean armed;
    private int skip;

    StagingTearFlash(NorFlash flash, Region staging) {
        super(flash);
        this.flash = flash;
        this.staging = staging;
    }

    boolean armed() {
        return armed;
    }

    /** Tears the staging program after the next {@code programsBefore}. */
    void arm(int programsBefore) {
        armed = true;
        skip = programsBefore;
    }

    void disarm() {
        armed = false;
    }

    @Override
    public void program(long offset, byte[] src, int off, int len) throws IOException {
        boolean tear = armed && offset >= staging.offset() && offset - staging.offset() < staging.size() && skip-- == 0;
        if (!tear) {
            flash.program(offset, src, off, len);
            return;
        }
        armed = false;
        flash.setFaults(FaultPlan.cutBefore(0, true));
        try {
            flash.program(offset, src, off, len);
        } finally {
            flash.setFaults(null);
        }
    }
}
