// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.format.LittleEndian;
import java.io.IOException;

/**
 * The bootloader's install log (docs/DEVICE.md): INSTALL names the patch and the number of
 * sectors to swap; STEP records each finished phase of the swap; SWAPPED, TRIAL, CONFIRMED;
 * REVERT, more STEPs, REVERTED. Read one record at a time (as fwd_log.c's boot_record): RAM the
 * install state below, some 40 bytes.
 *
 * <p>A record whose CRC holds but whose fields are out of their limits (below) is ignored, as a
 * torn one is: the bootloader then goes on from the last record that passed (docs/DEVICE.md,
 * "Boot log records out of range"). fwd_log.c checks the same limits.
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
    /** A STEP's phase: 1 (staging to scratch), 2 (active to staging), 3 (scratch to active). */
    static final int PHASE_FIRST = 1;
    static final int PHASE_LAST = 3;
    /** For {@link #read(StatusLog, int)}: an INSTALL may name any group count up to the log's maximum. */
    static final int ANY_GROUPS = 0;
    private static final int P = StatusLog.PAYLOAD_AT;

    /** The most groups an INSTALL may name: the most whose install and revert the log can hold. */
    private final long maxGroups;
    /** The swap plan's group count for the logged patch, or {@link #ANY_GROUPS}. */
    private final long expectedGroups;
    long patchId;
    boolean installed;
    int groups;
    /** Last finished step of each pass: group index and phase (1..3); -1 if none. */
    final int[] lastGroup = {-1, -1};
    final int[] lastPhase = {PHASE_LAST, PHASE_LAST};

    private BootRecords(int capacity, int expectedGroups) {
        this.maxGroups = maxGroups(capacity);
        this.expectedGroups = expectedGroups;
    }
    boolean swapped;
    boolean trial;
    boolean confirmed;
    boolean revertStarted;
    boolean reverted;

    /** What the log says, read one record at a time; an INSTALL may name any group count within the maximum. */
    static BootRecords read(StatusLog log) {
        return read(log, ANY_GROUPS);
    }

    /**
     * The same, an INSTALL counting only if it names {@code expectedGroups} (the swap plan's for the
     * logged patch; {@link #ANY_GROUPS}: any): what the bootloader acts on.
     */
    static BootRecords read(StatusLog log, int expectedGroups) {
        BootRecords b = new BootRecords(log.capacity(), expectedGroups);
        log.read(b);
        return b;
    }

    /**
     * The most groups an INSTALL may name in a log of {@code capacity} records: the most for which
     * 1 + 6 x groups + 5 records fit (the install, its revert and one record more, as the fit check
     * counted before it kept {@link SwapPlan#BOOT_LOG_SPARE} slots). What the log can hold at all,
     * not the spare policy: every install an agent begins, with or without the spare slots, is within
     * it. fwd_log.c's fwd_boot_max_groups is the same.
     */
    static int maxGroups(int capacity) {
        return capacity < 12 ? 0 : (capacity - 6) / 6;
    }

    @Override
    public void record(int type, byte[] r) {
        switch (type) {
            case INSTALL -> {
                long n = LittleEndian.u32(r, P + 8);
                if (n >= 1 && n <= maxGroups && (expectedGroups == ANY_GROUPS || n == expectedGroups)) {
                    installed = true;
                    patchId = LittleEndian.u64(r, P);
                    groups = (int) n;
                }
            }
            case STEP -> {
                int pass = r[P] & 0xFF;
                long group = LittleEndian.u32(r, P + 1);
                int phase = r[P + 5] & 0xFF;
                // a step of an install this log does not hold, or of a group past it, is not one
                if ((pass == PASS_INSTALL || pass == PASS_REVERT) && phase >= PHASE_FIRST && phase <= PHASE_LAST
                        && installed && group < groups) {
                    lastGroup[pass] = (int) group;
                    lastPhase[pass] = phase;
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

    static void writeStep(StatusLog log, int pass, int group, int phase) throws IOException {
        byte[] r = log.draft();
        r[P] = (byte) pass;
        LittleEndian.put32(r, P + 1, group);
        r[P + 5] = (byte) phase;
        log.append(STEP);
    }

    /** A record that says only its type (SWAPPED, TRIAL, CONFIRMED, REVERT, REVERTED). */
    static void write(StatusLog log, int type) throws IOException {
        log.draft();
        log.append(type);
    }
}
