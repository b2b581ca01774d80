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

    /** Runs at every reset: finishes whatever install or revert is under way, then starts an image. */
    public BootResult boot() throws IOException {
        AgentRecords agent = AgentRecords.read(agentLog);
        BootRecords b = BootRecords.read(bootLog);
        PatchHeader h = agent.active() ? parse(agent.header) : null;
        if (b.installed && h != null && b.patchId == agent.patchId) {
            if (b.revertStarted) {
                if (!b.reverted) {
                    swap(BootRecords.PASS_REVERT, b, h);
                    BootRecords.write(bootLog, BootRecords.REVERTED);
                }
                return result(h, false);
            }
            if (!b.swapped) {
                swap(BootRecords.PASS_INSTALL, b, h);
                BootRecords.write(bootLog, BootRecords.SWAPPED);
            }
            if (b.confirmed) {
                return result(h, false);
            }
            if (b.trial) {
                // Booted on trial before and not confirmed: the new image failed. Swap back.
                BootRecords.write(bootLog, BootRecords.REVERT);
                swap(BootRecords.PASS_REVERT, BootRecords.read(bootLog), h);
                BootRecords.write(bootLog, BootRecords.REVERTED);
                return result(h, false);
            }
            BootRecords.write(bootLog, BootRecords.TRIAL);
            return result(h, true);
        }
        if (h != null && agent.staged) {
            int groups = SwapPlan.groups(layout, Math.max(h.oldSize(), h.newSize())).size();
            bootLog.erase();
            BootRecords.writeInstall(bootLog, agent.patchId, groups);
            swap(BootRecords.PASS_INSTALL, BootRecords.read(bootLog), h);
            BootRecords.write(bootLog, BootRecords.SWAPPED);
            BootRecords.write(bootLog, BootRecords.TRIAL);
            return result(h, true);
        }
        return result(h, false);
    }

    /** The application confirms the image it runs on trial: it stays. */
    public void confirm() throws IOException {
        BootRecords b = BootRecords.read(bootLog);
        if (b.awaitingConfirmation()) {
            BootRecords.write(bootLog, BootRecords.CONFIRMED);
        }
    }

    /** Runs the pass from the step after the last one logged; {@code h} is the logged patch header. */
    private void swap(int pass, BootRecords b, PatchHeader h) throws IOException {
        List<SwapPlan.Group> groups = SwapPlan.groups(layout, Math.max(h.oldSize(), h.newSize()));
        if (groups.size() != b.groups) {
            throw new IllegalStateException("install log says " + b.groups + " groups, layout gives " + groups.size());
        }
        int group = b.lastSector[pass];
        int phase = b.lastPhase[pass];
        if (group < 0) {
            group = 0;
            phase = 0;
        } else if (phase == 3) {
            group++;
            phase = 0;
        }
        for (; group < groups.size(); group++, phase = 0) {
            for (int next = phase + 1; next <= 3; next++) {
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
            default -> {
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

    /** What the active slot holds, by the logged header's checksums (no update logged: the old image). */
    private BootResult result(PatchHeader h, boolean trial) {
        if (h == null) {
            return new BootResult(BootResult.Image.OLD, trial);
        }
        if (slotHolds(h.newImage())) {
            return new BootResult(BootResult.Image.NEW, trial);
        }
        if (slotHolds(h.oldImage())) {
            return new BootResult(BootResult.Image.OLD, trial);
        }
        return new BootResult(BootResult.Image.UNKNOWN, trial);
    }

    private boolean slotHolds(ImageChecksums expected) {
        if (expected.size() > layout.active().size()) {
            return false;
        }
        // through the copy buffer, free between swaps (as fwd_boot.c's slot_holds)
        return SlotChecksums.read(flash, layout.active().offset(), expected.size(),
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
