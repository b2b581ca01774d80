// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.IOException;
import java.util.Arrays;

/**
 * The host side of a patch transfer, whatever carries it (docs/PROTOCOL.md): begin with the
 * header and continue from the device's resume offset, send until the device has acknowledged
 * every byte, then done; when the link goes quiet, begin again and continue where the device
 * says. A {@link Channel} adapts it to UART frames or USB DFU blocks. A transfer that no longer
 * moves on ends with an error ({@link ProgressGuard}): too many lost links and restarts since the
 * acknowledged offset last passed its highest, or too many data frames since it last grew.
 */
public final class HostSession {
    /** Progress after each acknowledgement. */
    @FunctionalInterface
    public interface Progress {
        void update(long acked, long total, long resumedAt);
    }

    /** Told of each restart a channel reads, as it reads it. */
    @FunctionalInterface
    public interface RestartListener {
        /** The device restarted the update and expects the patch again from {@code checkpoint}. */
        void restarted(long checkpoint) throws IOException;
    }

    /** One transport's messages. */
    public interface Channel {
        /** Sends the u32 patch length and the header; the device's resume offset. */
        long begin(long patchLength, byte[] header) throws IOException;

        /**
         * Sends patch bytes from {@code acked} on; the device's next expected offset. It can be
         * lower than {@code acked} when the device had to restart the update.
         */
        long send(byte[] patch, long acked) throws IOException;

        /** Every byte acknowledged: the device verifies. Its next expected offset: the patch length once staged. */
        long done(long patchLength) throws IOException;

        /** The device's message after a successful {@link #done}. */
        String deviceMessage();

        /** Data frames (DFU: download blocks) sent so far, sent again or not. */
        long dataFrames();

        /** How errors name the device. */
        String device();

        /**
         * From now on, {@code listener} is told of each restart (NAK 3 below the acknowledged
         * offset) the channel reads in {@link #send}, with the offset the device restarted from.
         * A channel that reads several answers in one send must tell: its acknowledged offset can
         * fall at a restart and rise again before the send returns, and the offset returned
         * would not show it. One that tells nothing (the default; DFU: one block a send) shows a
         * restart as a send returning a lower offset.
         */
        default void tellRestartsTo(RestartListener listener) {
        }

        /**
         * Whether the device said, in the handshake of the last {@link #begin}, that it runs this
         * firmware (UART: INFO's installed version and hardware id). A transport that does not
         * say (DFU) answers false.
         */
        default boolean runs(long firmwareVersion, long hardwareId) {
            return false;
        }
    }

    /** The link went quiet or the device reset: begin again. */
    public static final class LinkLostException extends IOException {
        public LinkLostException(String why) {
            super(why);
        }
    }

    /**
     * What a finished transfer did. {@code installed}: the device's answer to DONE was lost and,
     * when the host came back, the device already ran the patch's firmware (it had staged the
     * patch and installed it); {@code deviceMessage} then says so in the host's words.
     */
    public record Result(long patchBytes, double seconds, long firstOffset, int reconnects, int restarts,
                         String deviceMessage, boolean installed) {
        public Result(long patchBytes, double seconds, long firstOffset, int reconnects, int restarts,
                      String deviceMessage) {
            this(patchBytes, seconds, firstOffset, reconnects, restarts, deviceMessage, false);
        }
    }

    /**
     * Data frames a transfer may send without the acknowledged offset growing: a device that
     * answers every frame without taking one is given up on. At least eight times the most frames
     * a window holds (the largest window in the least frames, and the patch's short last frame):
     * frames count as they are written and their answers are read later, so one frame lost at the
     * acknowledged offset can cost two windows before its resend's ACK is read (the window on the
     * line when its NAK is read, then the window behind the resend); eight let it be lost three
     * times in a row, on the very lines whose errors shrank the frames to the least, and a bound
     * below one window would end a transfer still moving. Counting only answered frames instead
     * would need each channel to count its unanswered ones; tests pass a smaller bound only to
     * devices that never move on.
     */
    public static final long MAX_FRAMES_WITHOUT_PROGRESS = 4096;

    private final Channel channel;
    private final Progress progress;
    private final int maxReconnects;
    private final long maxFramesWithoutProgress;

    /** @param maxReconnects lost links and restarts allowed since the acknowledged offset last passed its highest */
    public HostSession(Channel channel, Progress progress, int maxReconnects) {
        this(channel, progress, maxReconnects, MAX_FRAMES_WITHOUT_PROGRESS);
    }

    /** @param maxFramesWithoutProgress data frames allowed since the acknowledged offset last grew */
    public HostSession(Channel channel, Progress progress, int maxReconnects, long maxFramesWithoutProgress) {
        this.channel = channel;
        this.progress = progress;
        this.maxReconnects = maxReconnects;
        this.maxFramesWithoutProgress = maxFramesWithoutProgress;
    }

    public Result send(byte[] patch) throws IOException {
        byte[] header = Arrays.copyOf(patch, headerSize(patch));
        // Shown before the device is asked: the first progress output loads its formatting code,
        // which would otherwise leave the line idle after the first acknowledgement.
        progress.update(0, patch.length, 0);
        long start = System.nanoTime();
        long firstOffset = -1;
        int reconnects = 0;
        boolean doneSent = false;
        ProgressGuard guard = new ProgressGuard(channel.device(), maxReconnects, maxFramesWithoutProgress);
        RestartCount restarts = new RestartCount(guard);
        channel.tellRestartsTo(restarts);
        while (true) {
            try {
                long acked;
                try {
                    acked = channel.begin(patch.length, header);
                } catch (DeviceRefusedException e) {
                    // After a DONE whose RESULT was lost, a device that staged the patch may have
                    // installed it and rebooted: it now refuses the patch (ROLLBACK) because it
                    // runs the patch's firmware. That is the update done, not refused.
                    PatchHeader target = doneSent ? parsedOrNull(header) : null;
                    if (target != null && channel.runs(target.firmwareVersion(), target.hardwareId())) {
                        return new Result(patch.length, (System.nanoTime() - start) / 1e9, firstOffset, reconnects,
                                restarts.count(), installedMessage(target), true);
                    }
                    throw e;
                }
                guard.acknowledged(acked, channel.dataFrames());
                if (firstOffset < 0) {
                    firstOffset = acked;
                }
                long resumedAt = acked;
                while (true) {
                    while (acked < patch.length) {
                        guard.beforeData(channel.dataFrames());
                        int told = restarts.count();
                        long next = channel.send(patch, acked);
                        if (restarts.count() == told && next < acked) {
                            // Told of none: the lower offset is the restart. One the channel told
                            // of is counted once, whatever the offset the send returned.
                            restarts.restarted(next);
                        }
                        boolean restarted = restarts.count() != told;
                        if (restarted) {
                            resumedAt = restarts.lastCheckpoint();
                        }
                        guard.acknowledged(next, channel.dataFrames());
                        if (next != acked || restarted) {
                            acked = next;
                            progress.update(acked, patch.length, resumedAt);
                        }
                    }
                    doneSent = true;
                    long after = channel.done(patch.length);
                    if (after >= patch.length) {
                        return new Result(patch.length, (System.nanoTime() - start) / 1e9, firstOffset, reconnects,
                                restarts.count(), channel.deviceMessage());
                    }
                    restarts.restarted(after); // the device restarted the update while verifying
                    guard.acknowledged(after, channel.dataFrames());
                    acked = after;
                    resumedAt = after;
                }
            } catch (LinkLostException e) {
                reconnects++;
                guard.lostLink(e.getMessage(), e);
            }
        }
    }

    /**
     * The restarts of one transfer, told by the channel as it reads them or seen by the session
     * as a lower offset: each counts against the guard's limit at once, as the web page counts
     * them (web/src/protocol.js), so the one past the limit is named by its own checkpoint.
     */
    private static final class RestartCount implements RestartListener {
        private final ProgressGuard guard;
        private int count;
        private long lastCheckpoint = -1;

        RestartCount(ProgressGuard guard) {
            this.guard = guard;
        }

        @Override
        public void restarted(long checkpoint) throws IOException {
            count++;
            lastCheckpoint = checkpoint;
            guard.restarted(checkpoint);
        }

        int count() {
            return count;
        }

        long lastCheckpoint() {
            return lastCheckpoint;
        }
    }

    /** What the summary says of a device found running the patch's firmware after its RESULT was lost. */
    static String installedMessage(PatchHeader target) {
        return "installed: the device runs firmware version " + target.firmwareVersion()
                + " (its answer to DONE was lost)";
    }

    /** The patch's header, or null when it does not parse (no device could then have staged it). */
    private static PatchHeader parsedOrNull(byte[] header) {
        try {
            return PatchHeader.parse(header);
        } catch (PatchException e) {
            return null;
        }
    }

    /** The patch's header_size, checked against the patch's length (begin carries the whole header). */
    public static int headerSize(byte[] patch) {
        if (patch.length < PatchHeader.PREFIX_SIZE) {
            throw new IllegalArgumentException("not a patch: " + patch.length + " bytes");
        }
        try {
            int size = PatchHeader.sizeFromPrefix(patch);
            if (size > patch.length) {
                throw new IllegalArgumentException("not a patch: header_size " + size + " > " + patch.length + " bytes");
            }
            return size;
        } catch (PatchException e) {
            throw new IllegalArgumentException("not a patch: " + e.getMessage(), e);
        }
    }
}
