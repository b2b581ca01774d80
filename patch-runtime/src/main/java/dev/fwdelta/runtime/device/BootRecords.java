// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.format.LittleEndian;
import java.io.IOException;

/**
 * The bootloader's install log (docs/DEVICE.md): INSTALL names the patch and the number of
 * sectors to swap; STEP records each finished phase of the swap; SWAPPED, TRIAL, CONFIRMED;
 * REVERT, more STEPs, REVERTED.
 */
final class BootRecords {
    static final int INSTALL = 16;
    static final int STEP = 17;
    static final int SWAPPED = 18;
    static final int TRIAL = 19;
    static final int CONFIRMED = 20;
    static final int REVERT = 21;
    static final int REVERTED = 22;

    static final int PASS_INSTALL = 0;
    static final int PASS_REVERT = 1;

    long patchId;
    boolean installed;
    int groups;
    /** Last finished step of each pass: group index and phase (1..3); -1 if none. */
    final int[] lastSector = {-1, -1};
    final int[] lastPhase = {3, 3};
    boolean swapped;
    boolean trial;
    boolean confirmed;
    boolean revertStarted;
    boolean reverted;

    static BootRecords read(StatusLog log) {
        BootRecords b = new BootRecords();
        for (StatusLog.Entry e : log.entries()) {
            byte[] p = e.payload();
            switch (e.type()) {
                case INSTALL -> {
                    b.installed = true;
                    b.patchId = LittleEndian.u64(p, 0);
                    b.groups = (int) LittleEndian.u32(p, 8);
                }
                case STEP -> {
                    int pass = p[0];
                    if (pass == PASS_INSTALL || pass == PASS_REVERT) {
                        b.lastSector[pass] = (int) LittleEndian.u32(p, 1);
                        b.lastPhase[pass] = p[5];
                    }
                }
                case SWAPPED -> b.swapped = true;
                case TRIAL -> b.trial = true;
                case CONFIRMED -> b.confirmed = true;
                case REVERT -> b.revertStarted = true;
                case REVERTED -> b.reverted = true;
                default -> { }
            }
        }
        return b;
    }

    /** True if this log is about patch {@code id} (installing, installed or reverted). */
    boolean concerns(long id) {
        return installed && patchId == id;
    }

    /** The new image runs on trial and has not been confirmed yet. */
    boolean awaitingConfirmation() {
        return installed && swapped && trial && !confirmed && !revertStarted;
    }

    static void writeInstall(StatusLog log, long patchId, int groups) throws IOException {
        byte[] p = new byte[StatusLog.PAYLOAD];
        LittleEndian.put64(p, 0, patchId);
        LittleEndian.put32(p, 8, groups);
        log.append(INSTALL, p);
    }

    static void writeStep(StatusLog log, int pass, int sector, int phase) throws IOException {
        byte[] p = new byte[StatusLog.PAYLOAD];
        p[0] = (byte) pass;
        LittleEndian.put32(p, 1, sector);
        p[5] = (byte) phase;
        log.append(STEP, p);
    }

    static void write(StatusLog log, int type) throws IOException {
        log.append(type, new byte[StatusLog.PAYLOAD]);
    }
}
