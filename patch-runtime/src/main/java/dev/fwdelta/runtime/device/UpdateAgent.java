// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.apply.ResumePoint;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.flash.Flash;
import java.io.IOException;
import java.util.Arrays;

/**
 * Runs on the device while the application runs: takes a patch as a stream from any transport,
 * rebuilds the new image into the staging slot, verifies it from flash, and marks it pending for
 * the bootloader. Its progress log lets it resume after a power cut or a dropped link at the last
 * applied block: the transport asks {@link #begin} (or {@link #resumeOffset}) where to continue.
 *
 * <pre>
 *   begin(header) --&gt; checks: signature, board, version, RAM, load address, base image (nothing written yet)
 *                 --&gt; log: erase, HEADER x5, BEGIN
 *   receive(...)  --&gt; staging: erase sector before first write, program units
 *                 --&gt; log: BLOCK after each block (resume point + pending partial unit)
 *   finish()      --&gt; read the staging slot back, check size, CRCs, SHA-256 --&gt; log: STAGED
 * </pre>
 * The base-image check reads the whole active slot; the agent keeps what it found (and what the
 * device measured at boot, when it did) for the rest of its run, as nothing it does writes that
 * slot: the check and the applier that follows it read the slot once, not twice.
 * RAM: the applier's decoder_ram, the 256-byte staging buffer (on ECC flash a second one), a
 * 64-byte record, the header, the running image's checksums (48 bytes), and at a restart the
 * logged resume point and pending bytes (48 bytes). Its log is read one record at a time; the
 * relocation map is logged as the payload carries it, a part at a time (a 52-byte part buffer,
 * as the C agent's map_part), and at a restart fed to the applier again, which expands it into
 * its map (in decoder_ram).
 */
public final class UpdateAgent {
    /** Where the agent stands. */
    public enum State { IDLE, RECEIVING, STAGED, FAILED }

    private final DeviceLayout layout;
    private final Flash flash;
    private final UpdatePolicy policy;
    private final StatusLog log;

    private State state;
    private byte[] header;
    private PatchApplier applier;
    private StagingWriter writer;
    /** Logs the relocation map section as it passes (nothing once it is logged). */
    private MapRecords mapRecords;
    private long offset;
    private long patchLength;
    /** The running image's checksums (its size and the checksums a base check compares), once known. */
    private ImageChecksums runningImage;

    public UpdateAgent(DeviceLayout layout, Flash flash, UpdatePolicy policy) {
        this(layout, flash, policy, null);
    }

    /**
     * @param runningImage the checksums of the image in the active slot as the device measured
     *     them at this boot (the bootloader reads it to check it before starting it), or null: the
     *     first base check then reads the slot
     */
    public UpdateAgent(DeviceLayout layout, Flash flash, UpdatePolicy policy, ImageChecksums runningImage) {
        this.runningImage = runningImage;
        this.layout = layout;
        this.flash = flash;
        this.policy = policy;
        this.log = new StatusLog(flash, layout.agentLog());
        loadFromFlash();
    }

    /** The agent's state as the logs give it: what a new agent starts from, nothing open in RAM. */
    private void loadFromFlash() {
        AgentRecords r = AgentRecords.read(log);
        BootRecords boot = BootRecords.read(new StatusLog(flash, layout.bootLog()));
        applier = null;
        writer = null;
        mapRecords = null;
        if (!r.active() || boot.concerns(r.patchId)) {
            state = State.IDLE;
            header = null;
            offset = 0;
        } else {
            header = r.header;
            PatchHeader h = headerOf(r.header);
            patchLength = h.size() + h.payloadLength();
            state = r.staged ? State.STAGED : State.RECEIVING;
            offset = r.staged ? patchLength : resumePoint(r, h).patchOffset();
        }
    }

    /** Why begin and abort refuse while the bootloader installs, runs on trial or reverts an update. */
    public static final String ON_TRIAL = "the running image is on trial: confirm it before the next update";

    /**
     * Agent log slots kept for records torn by power cuts (fwd_device.h's FWD_AGENT_LOG_SPARE);
     * more tears than this fail the receive, and the next begin starts the update again in an erased
     * log (docs/DEVICE.md "Torn records").
     */
    static final int AGENT_LOG_SPARE = 4;

    /**
     * Whether the bootloader installs, runs on trial or reverts the patch the agent log names. Not
     * with a full boot log: the bootloader then reverted without it before the application ran.
     */
    private boolean installUnderWay() {
        AgentRecords r = AgentRecords.read(log);
        return r.active() && BootRecords.read(new StatusLog(flash, layout.bootLog())).installUnderWay(r.patchId)
                && !bootLogFull();
    }

    /** No slot left in the boot log: an install it names was reverted without it (docs/DEVICE.md). */
    private boolean bootLogFull() {
        return new StatusLog(flash, layout.bootLog()).freeSlots() == 0;
    }

    /** Whether the bootloader installed the agent log's patch and then confirmed or reverted it. */
    private boolean installEnded() {
        AgentRecords r = AgentRecords.read(log);
        BootRecords boot = BootRecords.read(new StatusLog(flash, layout.bootLog()));
        return r.active() && boot.concerns(r.patchId) && !installUnderWay();
    }

    public State state() {
        return state;
    }

    /** Length of the patch in progress (header and payload), 0 when idle. */
    public long patchLength() {
        return header == null ? 0 : patchLength;
    }

    /** Patch bytes the agent holds: where the transport continues (0 when idle). */
    public long resumeOffset() {
        return offset;
    }

    /**
     * Offers a patch by its header (header_size bytes; more are ignored). The same patch as the one in progress continues where
     * it stopped; another one is checked and, if acceptable, replaces it. Returns the patch offset
     * to send from (the patch length if it is already staged).
     */
    public long begin(byte[] patchHeader) throws IOException {
        int size = PatchHeader.sizeFromPrefix(patchHeader);
        if (patchHeader.length < size) {
            throw new IllegalArgumentException("begin needs the whole " + size + "-byte header");
        }
        // Kept zero-padded to 256 bytes: the log stores that many whatever the format.
        byte[] h = Arrays.copyOf(Arrays.copyOf(patchHeader, size), Limits.HEADER_SIZE);
        if ((BootRecords.read(new StatusLog(flash, layout.bootLog())).awaitingConfirmation() && !bootLogFull())
                || installUnderWay()) {
            throw new IllegalStateException(ON_TRIAL); // a new update would erase the agent log
        }
        if (state != State.IDLE && state != State.FAILED && Arrays.equals(h, header) && !receivingIntoAFullLog()) {
            if (state == State.RECEIVING && applier == null) {
                openResumed(); // after a reboot: from the last checkpoint in flash
            }
            return offset; // the link dropped, the agent kept its place: the next expected byte
        }
        StagingWriter w = newWriter();
        PatchApplier checked;
        try {
            checked = checkedApplier(h, w);
        } catch (IOException refused) {
            // Nothing was written, but the place held in RAM is given up: the C agent checks the
            // header with the one applier that held it (its RAM allows no second), so both agents
            // go on from what flash holds and a later BEGIN of the update resumes at its checkpoint.
            loadFromFlash();
            throw refused;
        }
        StatusLog bootLog = new StatusLog(flash, layout.bootLog());
        if (BootRecords.read(bootLog).concerns(AgentRecords.patchId(h))) {
            bootLog.erase(); // history of an earlier attempt of this same patch (e.g. reverted): not this one's
        }
        start(h, w, checked);
        return offset;
    }

    /**
     * The applier that will apply the patch, once it has checked the header (signature, board,
     * version, RAM, base image), its load address and that the update fits the slot and the logs:
     * every check before the first write. One applier, so decoder_ram is allocated once per begin.
     */
    private PatchApplier checkedApplier(byte[] h, StagingWriter w) throws IOException {
        PatchApplier checked = applierFor(h, w);
        runningImage = checked.baseChecksums();
        PatchHeader parsed = checked.header();
        // The new image runs from the active slot after the swap: a patch linked elsewhere would not boot.
        parsed.checkLoadAddress(activeSlotAddress());
        if (parsed.newSize() > layout.staging().size()) {
            throw PatchException.outOfRange(ErrorCode.DOES_NOT_FIT, "new_size", parsed.newSize(), 0,
                    layout.staging().size());
        }
        int groups = SwapPlan.groups(layout, Math.max(parsed.oldSize(), parsed.newSize())).size();
        long bootCapacity = new StatusLog(flash, layout.bootLog()).capacity();
        if (SwapPlan.recordsNeeded(groups) > bootCapacity) {
            throw PatchException.outOfRange(ErrorCode.DOES_NOT_FIT, "image size (install needs "
                    + SwapPlan.recordsNeeded(groups) + " boot log records)", Math.max(parsed.oldSize(), parsed.newSize()),
                    0, layout.active().size());
        }
        long needed = AgentRecords.HEADER_PARTS + 2 + AgentRecords.mapParts(parsed.mapLength()) + parsed.blockCount()
                + AGENT_LOG_SPARE;
        if (needed > log.capacity()) {
            // The range left for blocks is what the log holds after the header and map records.
            throw PatchException.outOfRange(ErrorCode.DOES_NOT_FIT, "block_count (progress records)",
                    parsed.blockCount(), 0, log.capacity() - (needed - parsed.blockCount()));
        }
        return checked;
    }

    /**
     * Receiving with no agent log slot left (torn records took them): the next BLOCK record cannot
     * be written, so a resume would fail at the same block every time; begin starts the update
     * again in an erased log instead (docs/DEVICE.md "Torn records").
     */
    private boolean receivingIntoAFullLog() {
        return state == State.RECEIVING && log.freeSlots() == 0;
    }

    /** A writer at the start of the staging slot (it writes nothing until the applier gives it bytes). */
    private StagingWriter newWriter() {
        return new StagingWriter(flash, layout.staging(), 0, new byte[0]);
    }

    /** An applier into {@code w} that has taken (and so checked) header {@code h}: at the payload start. */
    private PatchApplier applierFor(byte[] h, StagingWriter w) throws IOException {
        PatchApplier a = new PatchApplier(oldImage(PatchHeader.parse(h)), w, policy);
        a.process(h, 0, PatchHeader.sizeFromPrefix(h));
        return a;
    }

    /** Logs BEGIN for a checked header and keeps the applier that checked it, at the payload start. */
    private void start(byte[] h, StagingWriter w, PatchApplier checked) throws IOException {
        log.erase();
        AgentRecords.writeBegin(log, h);
        header = h;
        PatchHeader parsed = checked.header();
        patchLength = parsed.size() + parsed.payloadLength();
        writer = w;
        applier = checked;
        applier.setBlockListener(this::blockDone);
        mapRecords = new MapRecords(log, parsed, 0);
        offset = parsed.size();
        state = State.RECEIVING;
    }

    /**
     * A torn ECC unit: the sector it is in cannot be rewritten in place, so the agent drops the
     * update and begins the same (already checked) patch again; the sectors are erased as the new
     * attempt reaches them.
     */
    private UpdateRestartedException restart(IOException torn) throws IOException {
        StagingWriter w = newWriter();
        start(header, w, applierFor(header, w));
        return new UpdateRestartedException(offset, torn);
    }

    /**
     * Patch bytes that follow {@link #resumeOffset()}. {@link UpdateRestartedException} when a torn
     * ECC unit made the agent begin the update again: the transport resends from its offset.
     */
    public void receive(byte[] b, int off, int len) throws IOException {
        if (state != State.RECEIVING) {
            throw new IllegalStateException("no update in progress (state " + state + ")");
        }
        if (applier == null) {
            openResumedAtOffset();
        }
        try {
            mapRecords.pass(offset, b, off, len); // before the applier takes them: logged before any block
        } catch (IOException e) {
            throw logFailed(e);
        }
        try {
            applier.process(b, off, len);
            offset += len;
        } catch (PatchException e) {
            if (e.getCause() instanceof TornUnitException torn) {
                throw restart(torn);
            }
            state = State.FAILED;
            throw e;
        }
    }

    /**
     * After the last byte: checks the staged image from flash, then marks it pending (or, like
     * {@link #receive}, restarts the update after a torn ECC unit).
     */
    public void finish() throws IOException {
        if (state != State.RECEIVING) {
            throw new IllegalStateException("no update in progress (state " + state + ")");
        }
        if (applier == null) {
            openResumedAtOffset();
        }
        try {
            applier.finish();
            writer.finishImage();
            verifyStaged(headerOf(header));
        } catch (TornUnitException torn) {
            throw restart(torn);
        } catch (PatchException e) {
            if (e.getCause() instanceof TornUnitException torn) {
                throw restart(torn);
            }
            state = State.FAILED;
            throw e;
        }
        try {
            AgentRecords.writeStaged(log);
        } catch (IOException e) {
            throw logFailed(e);
        }
        state = State.STAGED;
    }

    /**
     * A record the agent log did not take (no slot left, or the flash refused it) fails the update
     * with IO_ERROR, as a BLOCK record's failure does through the applier, and as the C agent
     * answers: a transport ends the transfer with that code instead of losing its loop to the
     * exception.
     */
    private PatchException logFailed(IOException e) {
        state = State.FAILED;
        return e instanceof PatchException p ? p : new PatchException(ErrorCode.IO_ERROR, e.getMessage(), e);
    }

    /**
     * Drops the update being received or staged (not yet installed): erases the agent log. While
     * the bootloader installs, runs on trial or reverts the agent log's patch it refuses, nothing
     * written: erased, that log would no longer tell the bootloader to revert the unconfirmed image
     * (nor to report it as NEW), and it would stay for good. Once that install ended (CONFIRMED or
     * REVERTED) there is nothing to drop: nothing is written, and the log still tells the
     * bootloader which image the slot holds.
     *
     * @throws IllegalStateException the install of the agent log's patch is under way (on trial)
     */
    public void abort() throws IOException {
        if (installUnderWay()) {
            throw new IllegalStateException(ON_TRIAL);
        }
        if (!installEnded()) {
            log.erase();
        }
        state = State.IDLE;
        header = null;
        applier = null;
        offset = 0;
    }

    /**
     * After a reboot: continues at the last checkpoint in flash. With a relocation map the logged
     * MAP records are fed to the applier again; if they do not hold a map it accepts (a part
     * missing while blocks were logged, or bytes the applier refuses, such as an older agent's
     * form), the update starts again at the payload start (returns false), so no block is ever
     * applied through a map other than the one the patch carries.
     */
    private boolean openResumed() throws IOException {
        AgentRecords r = AgentRecords.read(log);
        PatchHeader h = headerOf(header);
        boolean hasMap = h.mapCount() > 0;
        boolean mapLogged = r.mapLogged(h);
        if (hasMap && !mapLogged && r.lastBlock != null) {
            restartAtPayloadStart();
            return false;
        }
        ResumePoint at = resumePoint(r, h);
        StagingWriter w = new StagingWriter(flash, layout.staging(), at.newOffset(), r.pending);
        PatchApplier a = applierFor(header, w);
        runningImage = a.baseChecksums(); // a restart below compares these instead of reading the slot again
        if (hasMap && mapLogged && !replayMap(h, a)) {
            restartAtPayloadStart();
            return false;
        }
        if (r.lastBlock != null) {
            a.resumeAt(r.lastBlock);
        }
        writer = w;
        applier = a;
        applier.setBlockListener(this::blockDone);
        mapRecords = new MapRecords(log, h, r.mapPartsLogged(h));
        offset = at.patchOffset();
        return true;
    }

    /** {@link #openResumed} for bytes the transport sends from {@link #resumeOffset()}: tells it when that moved. */
    private void openResumedAtOffset() throws IOException {
        if (!openResumed()) {
            throw new UpdateRestartedException(offset,
                    new IOException("the agent log's MAP records do not hold the patch's relocation map"));
        }
    }

    /** Whether the logged map was fed to {@code a} whole and accepted. */
    private boolean replayMap(PatchHeader h, PatchApplier a) throws IOException {
        try {
            return MapRecords.replay(log, h, a);
        } catch (PatchException refused) {
            return false;
        }
    }

    /** Drops what the log holds of this (already checked) patch and begins it again. */
    private void restartAtPayloadStart() throws IOException {
        StagingWriter w = newWriter();
        start(header, w, applierFor(header, w));
    }

    /**
     * The last applied block; or, before any, just after the map if it was logged, else the
     * payload start (the map is received again; blocks logged without it restart the update).
     */
    private static ResumePoint resumePoint(AgentRecords r, PatchHeader h) {
        if (h.mapCount() > 0 && !r.mapLogged(h)) {
            return new ResumePoint(0, h.size(), 0, 0);
        }
        if (r.lastBlock != null) {
            return r.lastBlock;
        }
        return new ResumePoint(0, h.size() + (h.mapCount() > 0 ? h.mapLength() : 0), 0, 0);
    }

    private void blockDone(long blocksDone, long patchOffset, long newOffset, long oldOffset) throws IOException {
        writer.flushUnits();
        AgentRecords.writeBlock(log, blocksDone, patchOffset, newOffset, oldOffset, writer);
    }

    private void verifyStaged(PatchHeader h) throws IOException {
        ImageChecksums actual = SlotChecksums.read(flash, layout.staging().offset(), h.newSize(),
                ImageChecksums.Accumulator.toCheck(h.newImage()));
        if (!actual.matches(h.newImage())) {
            throw new PatchException(ErrorCode.NEW_IMAGE_MISMATCH, "staged image is " + actual + ", signed header says "
                    + h.newImage());
        }
    }

    /** The address the running image (and, after the swap, the new one) is programmed at. */
    public long activeSlotAddress() {
        return layout.flashBase() + layout.active().offset();
    }

    private FlashOldImage oldImage(PatchHeader h) {
        return new FlashOldImage(flash, layout.active(), h.oldSize(), runningImage);
    }

    /**
     * The checksums of the first {@code size} bytes of the active slot, read from flash: what a
     * device measures at boot to give {@link #UpdateAgent(DeviceLayout, Flash, UpdatePolicy,
     * ImageChecksums)}.
     */
    public static ImageChecksums measureRunningImage(DeviceLayout layout, Flash flash, long size) {
        if (size < 0 || size > layout.active().size()) {
            throw new IllegalArgumentException("running image size " + size + " outside 0.." + layout.active().size());
        }
        return SlotChecksums.read(flash, layout.active().offset(), size, new ImageChecksums.Accumulator());
    }

    private static PatchHeader headerOf(byte[] h) {
        try {
            return PatchHeader.parse(h);
        } catch (PatchException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
