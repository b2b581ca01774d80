// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.flash.Flash;
import dev.fwdelta.runtime.flash.SectorMap;
import java.io.IOException;
import java.util.List;

/**
 * A Java model of the device's bootloader: installs a pending image by swapping the active and
 * staging slots sector by sector through the scratch area, so that a power cut at any moment
 * leaves every sector's content in one known place; boots the new image on trial; and swaps back
 * (revert) if the application did not confirm it before the next boot.
 *
 * <pre>
 *  per group i of sectors (as many as the scratch area holds), each phase logged as
 *  STEP(pass, i, phase) when done:
 *   1: erase scratch, copy staging[i] -&gt; scratch
 *   2: erase staging[i], copy active[i] -&gt; staging[i]
 *   3: erase active[i],  copy scratch -&gt; active[i]
 * </pre>
 * After a cut the last logged step says which phase to redo; its source is still intact, so
 * every phase can be repeated. docs/DEVICE.md has the state machine. RAM (docs/DEVICE.md gives C's
 * figure, these parts with the stack frames around them): a 256-byte copy buffer, also the one the slot is checked through; one 64-byte log
 * record; what the two logs say, read one record at a time ({@link AgentRecords}: the 256-byte
 * header, the resume point and pending bytes, a bit per MAP part; {@link BootRecords}: 424 bytes
 * together); the parsed header (184 bytes) and a SHA-256 state (112 bytes).
 */
public final class Bootloader {
    private static final int CHUNK = 256;

    private final DeviceLayout layout;
    private final Flash flash;
    private final StatusLog bootLog;
    private final StatusLog agentLog;
    private final byte[] buffer = new byte[CHUNK];

    public Bootloader(DeviceLayout layout, Flash flash) {
        this.layout = layout;
        this.flash = flash;
        this.bootLog = new StatusLog(flash, layout.bootLog());
        this.agentLog = new StatusLog(flash, layout.agentLog());
    }

    /**
     * Runs at every reset: finishes whatever install or revert is under way, then starts an image.
     * The boot log counts only with records within their limits and an INSTALL naming the swap
     * plan's group count for the agent log's patch ({@link BootRecords}). With the boot log full
     * (torn records use slots too) it reverts by the slots' checksums instead of by the log:
     * {@link #bootWithoutLog}.
     */
    public BootResult boot() throws IOException {
        AgentRecords agent = AgentRecords.read(agentLog);
        if (!agent.active()) {
            return new BootResult(BootResult.Image.OLD, false); // no update logged: nothing to check against
        }
        PatchHeader h = parse(agent.header);
        List<SwapPlan.Group> plan = SwapPlan.groups(layout, Math.max(h.oldSize(), h.newSize()));
        BootRecords b = BootRecords.read(bootLog, plan.size());
        if (installLeftWithoutLog(agent, b)) {
            return bootWithoutLog(h, plan);
        }
        try {
            return bootLogged(agent, h, plan, b);
        } catch (StatusLog.FullException full) {
            return bootWithoutLog(h, plan);
        }
    }

    /** The boot by the log: {@code b} read with the swap plan's group count for the agent log's patch. */
    private BootResult bootLogged(AgentRecords agent, PatchHeader h, List<SwapPlan.Group> plan, BootRecords b)
            throws IOException {
        if (b.concerns(agent.patchId)) {
            if (b.revertStarted) {
                if (!b.reverted) {
                    swap(BootRecords.PASS_REVERT, b, plan);
                    BootRecords.write(bootLog, BootRecords.REVERTED);
                }
                return expect(h, BootResult.Image.OLD, false);
            }
            if (!b.swapped) {
                swap(BootRecords.PASS_INSTALL, b, plan);
                BootRecords.write(bootLog, BootRecords.SWAPPED);
            }
            if (b.confirmed) {
                return expect(h, BootResult.Image.NEW, false);
            }
            if (b.trial) {
                // Booted on trial before and not confirmed: the new image failed. Swap back.
                BootRecords.write(bootLog, BootRecords.REVERT);
                swap(BootRecords.PASS_REVERT, BootRecords.read(bootLog, plan.size()), plan);
                BootRecords.write(bootLog, BootRecords.REVERTED);
                return expect(h, BootResult.Image.OLD, false);
            }
            writeTrial();
            return expect(h, BootResult.Image.NEW, true);
        }
        // Erasing the boot log drops the only record of a swap under way: only when the slots hold
        // what an install starts from (a foreign or impossible INSTALL may have been followed by steps).
        if (agent.staged && slotHolds(layout.active(), h.oldImage()) && slotHolds(layout.staging(), h.newImage())) {
            bootLog.erase();
            BootRecords.writeInstall(bootLog, agent.patchId, plan.size());
            swap(BootRecords.PASS_INSTALL, BootRecords.read(bootLog, plan.size()), plan);
            BootRecords.write(bootLog, BootRecords.SWAPPED);
            writeTrial();
            return expect(h, BootResult.Image.NEW, true);
        }
        return expect(h, BootResult.Image.OLD, false);
    }

    /** The application confirms the image it runs on trial: it stays. */
    public void confirm() throws IOException {
        BootRecords b = BootRecords.read(bootLog);
        if (b.awaitingConfirmation()) {
            BootRecords.write(bootLog, BootRecords.CONFIRMED);
        }
    }

    /**
     * Runs the pass from the step after the last one logged; {@code groups} is the logged patch's
     * swap plan, whose group count the log's INSTALL names (steps within it, phases 1..3).
     */
    private void swap(int pass, BootRecords b, List<SwapPlan.Group> groups) throws IOException {
        int group = b.lastGroup[pass];
        int phase = b.lastPhase[pass];
        if (group < 0) {
            group = 0;
            phase = 0;
        } else if (phase == BootRecords.PHASE_LAST) {
            group++;
            phase = 0;
        }
        for (; group < groups.size(); group++, phase = 0) {
            for (int next = phase + 1; next <= BootRecords.PHASE_LAST; next++) {
                runPhase(groups.get(group), next);
                BootRecords.writeStep(bootLog, pass, group, next);
            }
        }
    }

    private void runPhase(SwapPlan.Group g, int phase) throws IOException {
        long active = layout.active().offset() + g.offset();
        long staging = layout.staging().offset() + g.offset();
        long scratch = layout.scratch().offset();
        switch (phase) {
            case 1 -> {
                eraseRegion(scratch, g.length());
                copy(staging, scratch, g.length());
            }
            case 2 -> {
                eraseRegion(staging, g.length());
                copy(active, staging, g.length());
            }
            default -> { // 3: the only other phase swap() runs
                eraseRegion(active, g.length());
                copy(scratch, active, g.length());
            }
        }
    }

    private void eraseRegion(long offset, long size) throws IOException {
        SectorMap map = flash.geometry().sectors();
        for (int s = map.sectorAt(offset); s < map.count() && map.start(s) < offset + size; s++) {
            flash.erase(s);
        }
    }

    /** Copies a group's content; chunks that are all erased need no programming. */
    private void copy(long from, long to, long size) throws IOException {
        for (long at = 0; at < size; at += CHUNK) {
            int n = (int) Math.min(CHUNK, size - at);
            flash.read(from + at, buffer, 0, n);
            if (!flash.isErased(from + at, n)) {
                flash.program(to + at, buffer, 0, n);
            }
        }
    }

    /**
     * The image the boot log says the active slot holds ({@code expected}: OLD when nothing was
     * installed or the revert finished, NEW once swapped), if the slot's checksums confirm it;
     * UNKNOWN if not. The expected image alone is checked: a new image that is a prefix of the old
     * one (an empty one) matched the new checksums after a revert.
     */
    private BootResult expect(PatchHeader h, BootResult.Image expected, boolean trial) {
        ImageChecksums image = expected == BootResult.Image.NEW ? h.newImage() : h.oldImage();
        return new BootResult(slotHolds(layout.active(), image) ? expected : BootResult.Image.UNKNOWN, trial);
    }

    /** Whether {@code slot} starts with the image of these checksums. */
    private boolean slotHolds(Region slot, ImageChecksums expected) {
        if (expected.size() > slot.size()) {
            return false;
        }
        // through the copy buffer, free between swaps (as fwd_boot.c's slot_holds)
        return SlotChecksums.read(flash, slot.offset(), expected.size(),
                ImageChecksums.Accumulator.toCheck(expected), buffer).matches(expected);
    }

    // ---- A boot log with no slot left (docs/DEVICE.md "When the boot log is full"); as fwd_boot.c ----

    /** Fills the boot log's last slots when the bootloader reverted without it: no record type reads it. */
    static final int FULL = 23;

    /**
     * TRIAL only while a slot stays free after it, for CONFIRMED or REVERT: else the log counts as
     * full ({@link #bootWithoutLog}), so that a full log never leaves the new image on trial.
     */
    private void writeTrial() throws IOException {
        if (bootLog.freeSlots() < 2) {
            throw new StatusLog.FullException("boot log has no slot for TRIAL and the record after it");
        }
        BootRecords.write(bootLog, BootRecords.TRIAL);
    }

    /**
     * The boot log names the agent log's install (an INSTALL within the limits, naming the swap
     * plan's group count: {@code b} as {@link #boot} reads it), has no slot left, and has neither
     * CONFIRMED nor REVERTED.
     */
    private boolean installLeftWithoutLog(AgentRecords agent, BootRecords b) {
        return b.installUnderWay(agent.patchId) && bootLog.freeSlots() == 0;
    }

    /**
     * The boot log has no slot left for the install or revert under way: the install ends reverted
     * (the old image, which ran before it, in the active slot), without a record. The last free slot,
     * if any, is filled first, so every later boot comes here before it touches a slot. Where the
     * swap stands is found by content: the furthest position, back to the last logged step (STEPs
     * read within their limits, as {@link #boot} reads them), at which both the old and the new
     * image, read from where that position puts each group, match the header's checksums; from there
     * every phase's source is intact and its destination holds no image byte, so it runs to the end
     * of the revert pass, and after a cut the search finds a position again (once the revert is done,
     * the first one tried: the end). The result is the one of a reverted log: OLD, confirmed by the
     * active slot's checksums (UNKNOWN if no position matched and the slot does not hold it).
     * {@code groups} is the swap plan, whose count the log's INSTALL names.
     */
    private BootResult bootWithoutLog(PatchHeader h, List<SwapPlan.Group> groups) throws IOException {
        while (bootLog.freeSlots() > 0) {
            BootRecords.write(bootLog, FULL);
        }
        int last = 6 * groups.size();
        int logged = loggedPosition(BootRecords.read(bootLog, groups.size()), groups.size());
        for (int q = last; q >= logged; q--) {
            if (holdsAt(groups, q, true, h.newImage()) && holdsAt(groups, q, false, h.oldImage())) {
                for (int step = q + 1; step <= last; step++) {
                    int inPass = (step - 1) % (3 * groups.size());
                    runPhase(groups.get(inPass / 3), inPass % 3 + 1);
                }
                break;
            }
        }
        return expect(h, BootResult.Image.OLD, false);
    }

    /**
     * Swap position: steps done of the install pass (1..3 x groups) and then of the revert pass, 0
     * to 6 x groups; as far as the log says. The log's STEPs are within the INSTALL's count and phases
     * 1..3 ({@link BootRecords}); clamped all the same.
     */
    private static int loggedPosition(BootRecords b, int groups) {
        long q = 0;
        if (b.lastGroup[BootRecords.PASS_REVERT] >= 0) {
            q = 3L * groups + 3L * b.lastGroup[BootRecords.PASS_REVERT] + b.lastPhase[BootRecords.PASS_REVERT];
        } else if (b.swapped || b.revertStarted) {
            q = 3L * groups;
        } else if (b.lastGroup[BootRecords.PASS_INSTALL] >= 0) {
            q = 3L * b.lastGroup[BootRecords.PASS_INSTALL] + b.lastPhase[BootRecords.PASS_INSTALL];
        }
        return (int) Math.max(0, Math.min(q, 6L * groups));
    }

    /** Whether the new (or old) image, read group by group from where position {@code q} puts it, matches. */
    private boolean holdsAt(List<SwapPlan.Group> groups, int q, boolean newImage, ImageChecksums expected) {
        int pass = q > 3 * groups.size() ? BootRecords.PASS_REVERT : BootRecords.PASS_INSTALL;
        int done = q - pass * 3 * groups.size();
        // the install pass moves the new image into the active slot, the revert pass the old one
        boolean incoming = newImage == (pass == BootRecords.PASS_INSTALL);
        ImageChecksums.Accumulator acc = ImageChecksums.Accumulator.toCheck(expected);
        for (int j = 0; j < groups.size(); j++) {
            SwapPlan.Group g = groups.get(j);
            long base = groupAt(j, done / 3, done % 3, incoming, g);
            for (long at = g.offset(); at < g.offset() + g.length() && at < expected.size(); at += CHUNK) {
                int n = (int) Math.min(CHUNK, Math.min(g.offset() + g.length(), expected.size()) - at);
                flash.read(base + at - g.offset(), buffer, 0, n);
                acc.update(buffer, 0, n);
            }
        }
        return acc.result().matches(expected);
    }

    /** Where group {@code j} of the image a pass moves in (or out) lies once group {@code g} has {@code phases} done. */
    private long groupAt(int j, int g, int phases, boolean incoming, SwapPlan.Group group) {
        long active = layout.active().offset() + group.offset();
        long staging = layout.staging().offset() + group.offset();
        if (j < g) {
            return incoming ? active : staging;
        }
        if (incoming) {
            return j == g && phases >= 1 ? layout.scratch().offset() : staging;
        }
        return j == g && phases == 2 ? staging : active;
    }

    private static PatchHeader parse(byte[] header) {
        try {
            return PatchHeader.parse(header);
        } catch (PatchException e) {
            throw new IllegalStateException("agent log holds a header that no longer parses", e);
        }
    }
}
