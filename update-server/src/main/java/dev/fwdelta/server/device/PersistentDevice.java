// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A device whose flash and {@link DeviceState} outlive the process, as {@code fwdelta device poll}
 * runs it: each run is a power-on. The bootloader goes first (finishing an install a power cut
 * interrupted); the active slot then tells which image runs, the recorded one or the pending one
 * (reported installed now, as the cut run could not); the check-in sends that version and hash, and
 * an offered update is recorded as pending before any of it reaches flash. So a run cut anywhere
 * (download: the agent resumes with Range; install: the bootloader resumes the swap) ends, after
 * the next run, on the new image with its version recorded, and the run after says nothing to do.
 */
public final class PersistentDevice {
    /**
     * What a run did, and what the device runs afterwards; {@code resumed}: the image whose install a
     * power cut interrupted and this run finished, or null.
     */
    public record Result(OtaDevice.Outcome outcome, DeviceState.Image running, DeviceState.Image resumed) {
        public boolean resumedInstall() {
            return resumed != null;
        }
    }

    private final OtaDevice ota;
    private final Path stateFile;

    public PersistentDevice(OtaDevice ota, Path stateFile) {
        this.ota = ota;
        this.stateFile = stateFile;
        ota.keepCheckpointsIn(DownloadCheckpoint.file(checkpointFile(stateFile)));
    }

    /**
     * Where the hash state of a download in progress is kept ({@link DownloadCheckpoint}), beside the
     * state file: FLASH-FILE.download for FLASH-FILE.state.
     */
    public static Path checkpointFile(Path stateFile) {
        String name = stateFile.getFileName().toString();
        return stateFile.resolveSibling((name.endsWith(".state") ? name.substring(0, name.length() - 6) : name)
                + ".download");
    }

    public Result poll() throws IOException, InterruptedException {
        ota.powerOn();
        DeviceState state = DeviceState.load(stateFile);
        DeviceState.Image resumed = null;
        if (!holds(state.installed(), "installed")) {
            state = settle(state);
            resumed = state.installed();
            ota.reportInstalled(resumed.version());
        }
        DeviceState before = state;
        ota.setJournal((version, size, sha) -> before.withPending(new DeviceState.Image(version, size, sha)).save(stateFile));
        // The slot holds the recorded image (checked above): its version and hash are the check-in's,
        // and its version is the anti-rollback floor (OtaDevice raises its policy's to it).
        OtaDevice.Outcome outcome = ota.poll(new OtaDevice.Installed(state.installed().version(),
                state.installed().sha256()));
        if (outcome == OtaDevice.Outcome.INSTALLED) {
            state = settle(DeviceState.load(stateFile));
        }
        return new Result(outcome, state.installed(), resumed);
    }

    /** The state once the pending image is in the active slot, saved; an IOException when the slot holds neither. */
    private DeviceState settle(DeviceState state) throws IOException {
        DeviceState.Image p = state.pending();
        if (p == null || !holds(p, "pending")) {
            throw new IOException("the active slot holds neither the recorded image (version "
                    + state.installed().version() + ") nor a pending one; " + stateFile + " does not belong to this flash");
        }
        DeviceState now = state.pendingInstalled();
        now.save(stateFile);
        return now;
    }

    /**
     * Whether the active slot begins with this image: its hash, measured from flash a piece at a time.
     * A SIZE larger than the slot is the state file's fault, not the command line's: an IOException
     * naming the file, the line and the slot's range (only the device knows its layout, so the
     * measurement's own range check is the one that holds).
     */
    private boolean holds(DeviceState.Image image, String line) throws IOException {
        String sha;
        try {
            sha = ota.activeSha256(image.size());
        } catch (IllegalArgumentException outsideSlot) {
            throw new IOException(stateFile + ": device state " + line + " SIZE " + image.size()
                    + " does not fit the active slot (" + outsideSlot.getMessage() + ")", outsideSlot);
        }
        return sha.equals(image.sha256());
    }
}
