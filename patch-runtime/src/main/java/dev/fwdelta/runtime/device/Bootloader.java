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
 * every phase can be repeated. docs/DEVICE.md has the state machine. RAM (1,040 bytes as C lays
 * it out): a 256-byte copy buffer, also the one the slot is checked through; one 64-byte log
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
     * plan's group count for the agent log's patch ({@link BootRecords}).
     */
    public BootResult boot() throws IOException {
        AgentRecords agent = AgentRecords.read(agentLog);
        if (!agent.active()) {
            return new BootResult(BootResult.Image.OLD, false); // no update logged: nothing to check against
        }
        PatchHeader h = parse(agent.header);
        List<SwapPlan.Group> plan = SwapPlan.groups(layout, Math.max(h.oldSize(), h.newSize()));
        BootRecords b = BootRecords.read(bootLog, plan.size());
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
            BootRecords.write(bootLog, BootRecords.TRIAL);
            return expect(h, BootResult.Image.NEW, true);
        }
        // Erasing the boot log drops the only record of a swap under way: only when the slots hold
        // what an install starts from (a foreign or impossible INSTALL may have been followed by steps).
        if (agent.staged && slotHolds(layout.active(), h.oldImage()) && slotHolds(layout.staging(), h.newImage())) {
            bootLog.erase();
            BootRecords.writeInstall(bootLog, agent.patchId, plan.size());
            swap(BootRecords.PASS_INSTALL, BootRecords.read(bootLog, plan.size()), plan);
            BootRecords.write(bootLog, BootRecords.SWAPPED);
            BootRecords.write(bootLog, BootRecords.TRIAL);
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

    private static PatchHeader parse(byte[] header) {
        try {
            return PatchHeader.parse(header);
        } catch (PatchException e) {
            throw new IllegalStateException("agent log holds a header that no longer parses", e);
        }
    }
}
