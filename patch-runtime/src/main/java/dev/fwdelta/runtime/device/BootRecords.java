// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.format.LittleEndian;
import java.io.IOException;

/**
 * The bootloader's install log (docs/DEVICE.md): INSTALL names the patch and the number of
 * sectors to swap; STEP records each finished phase of the swap; SWAPPED, TRIAL, CONFIRMED;
 * REVERT, more STEPs, REVERTED. Read one record at a time (as fwd_log.c's boot_record): RAM the
 * install state below, some 40 bytes.
 */
final class BootRecords implements StatusLog.Reader {
    static final int INSTALL = 16;
    static final int STEP = 17;
    static final int SWAPPED = 18;
    static final int TRIAL = 19;
    static final int CONFIRMED = 20;
    static final int REVERT = 21;
    static final int REVERTED = 22;

    static final int PASS_INSTALL = 0;
    static final int PASS_REVERT = 1;
    private static final int P = StatusLog.PAYLOAD_AT;

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

    /** What the log says, read one record at a time. */
    static BootRecords read(StatusLog log) {
        BootRecords b = new BootRecords();
        log.read(b);
        return b;
    }

    @Override
    public void record(int type, byte[] r) {
        switch (type) {
            case INSTALL -> {
                installed = true;
                patchId = LittleEndian.u64(r, P);
                groups = (int) LittleEndian.u32(r, P + 8);
            }
            case STEP -> {
                int pass = r[P];
                if (pass == PASS_INSTALL || pass == PASS_REVERT) {
                    lastSector[pass] = (int) LittleEndian.u32(r, P + 1);
                    lastPhase[pass] = r[P + 5];
                }
            }
            case SWAPPED -> swapped = true;
            case TRIAL -> trial = true;
            case CONFIRMED -> confirmed = true;
            case REVERT -> revertStarted = true;
            case REVERTED -> reverted = true;
            default -> { }
        }
    }

    /** True if this log is about patch {@code id} (installing, installed or reverted). */
    boolean concerns(long id) {
        return installed && patchId == id;
    }

    /**
     * The bootloader installs, runs on trial or reverts patch {@code id} (the agent log's): from
     * INSTALL until CONFIRMED or REVERTED. The agent log must stay as it is meanwhile: the
     * bootloader acts on this log only while the agent log names the same patch.
     */
    boolean installUnderWay(long id) {
        return concerns(id) && !confirmed && !reverted;
    }

    /** The new image runs on trial and has not been confirmed yet. */
    boolean awaitingConfirmation() {
        return installed && swapped && trial && !confirmed && !revertStarted;
    }

    static void writeInstall(StatusLog log, long patchId, int groups) throws IOException {
        byte[] r = log.draft();
        LittleEndian.put64(r, P, patchId);
        LittleEndian.put32(r, P + 8, groups);
        log.append(INSTALL);
    }

    static void writeStep(StatusLog log, int pass, int sector, int phase) throws IOException {
        byte[] r = log.draft();
        r[P] = (byte) pass;
        LittleEndian.put32(r, P + 1, sector);
        r[P + 5] = (byte) phase;
        log.append(STEP);
    }

    /** A record that says only its type (SWAPPED, TRIAL, CONFIRMED, REVERT, REVERTED). */
    static void write(StatusLog log, int type) throws IOException {
        log.draft();
        log.append(type);
    }
}
