// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import dev.fwdelta.tool.stm32.An3155;
import java.io.IOException;
import java.util.Locale;

/**
 * The start of a session (docs/PROTOCOL.md): HELLO and its INFO, then BEGIN and its READY, the
 * offset the device wants the patch from. A port that never sent INFO is named in the user's words:
 * silent, an STM32 ROM bootloader, or another protocol.
 */
final class Handshake {
    private final UartTransfer t;
    /** Whether this host offers selective repeat in its HELLO. */
    private final boolean offerSelectiveRepeat;
    private boolean everAnswered;
    /** The firmware version and hardware id the last INFO reported; -1 when it was too short to say. */
    private long installedVersion = -1;
    private long hardwareId = -1;
    /** Frames read in the waits of this HELLO (or BEGIN) phase, and the last: a give-up says what came instead. */
    private int answers;
    private Frame lastAnswer;
    private long beginLatencyMs;

    Handshake(UartTransfer t, boolean offerSelectiveRepeat) {
        this.t = t;
        this.offerSelectiveRepeat = offerSelectiveRepeat;
    }

    /** Whether the last INFO reported this firmware version and hardware id. */
    boolean runs(long firmwareVersion, long hardwareId) {
        return installedVersion >= 0 && installedVersion == firmwareVersion && this.hardwareId == hardwareId;
    }

    /** HELLO, then BEGIN with {@code patchLength} and {@code header}: the offset READY sends the patch from. */
    long begin(long patchLength, byte[] header) throws IOException {
        t.in.clear();
        hello();
        byte[] p = new byte[4 + header.length];
        LittleEndian.put32(p, 0, patchLength);
        System.arraycopy(header, 0, p, 4, header.length);
        // A device answers nothing to a BEGIN whose header the line broke (a broken payload draws
        // NAK 2), so BEGIN is sent again after a short wait: what the last READY took (the device
        // checks the base image first), twice over.
        long wait = Math.min(UartChannel.MAX_BEGIN_WAIT_MS, Math.max(UartChannel.MIN_BEGIN_WAIT_MS, 2 * beginLatencyMs));
        long end = System.currentTimeMillis() + Math.max(UartChannel.MAX_BEGIN_WAIT_MS, t.timeoutMs) * 2;
        int nakResends = 0;
        answers = 0;
        for (int attempt = 0; attempt < UartChannel.MAX_BEGIN_ATTEMPTS && System.currentTimeMillis() < end; attempt++) {
            t.counters.begins++;
            long sent = System.nanoTime();
            t.write(FrameType.BEGIN, p);
            t.fill();
            Frame f = waitFor(FrameType.READY, wait, true);
            if (DeviceAnswers.brokenFrame(f) && nakResends++ < UartChannel.MAX_NAK_RESENDS) {
                attempt--; // the device said the BEGIN broke: again at once, the wait unchanged
                continue;
            }
            if (f != null && f.type() == FrameType.READY && f.payload().length >= 4) {
                beginLatencyMs = (System.nanoTime() - sent) / 1_000_000;
                return DeviceProtocolException.checked(t.device(), "READY offset", LittleEndian.u32(f.payload(), 0),
                        patchLength, "the patch length");
            }
            wait = Math.min(UartChannel.MAX_BEGIN_WAIT_MS, wait * 3 / 2);
        }
        throw answers == 0 ? t.lost() : t.lost(unanswered(FrameType.BEGIN, "a READY with its offset"));
    }

    private void hello() throws IOException {
        long each = t.timeoutMs / UartChannel.HELLO_ATTEMPTS;
        int nakResends = 0;
        answers = 0;
        for (int attempt = 0; attempt < UartChannel.HELLO_ATTEMPTS; attempt++) {
            t.counters.hellos++;
            long sent = System.nanoTime();
            t.write(FrameType.HELLO, offerSelectiveRepeat ? new byte[] {1, UartDevice.CAP_SELECTIVE_REPEAT} : new byte[] {1});
            if (attempt == 1 && !everAnswered) {
                // An STM32 ROM bootloader answers its sync byte; an fwdelta device skips it.
                t.link.write(new byte[] {(byte) An3155.SYNC}, 0, 1);
            }
            Frame info = waitFor(FrameType.INFO, each, false);
            if (DeviceAnswers.brokenFrame(info) && nakResends++ < UartChannel.MAX_NAK_RESENDS) {
                attempt--; // the device said the HELLO broke: again at once
                continue;
            }
            if (info != null && info.type() == FrameType.INFO) {
                t.holdBytes = offerSelectiveRepeat ? DeviceAnswers.heldByDevice(info.payload()) : 0;
                t.rtt.sample((System.nanoTime() - sent) / 1e6); // the first round trip, before any DATA
                everAnswered = true;
                installedVersion = info.payload().length >= UartChannel.INFO_HARDWARE_END ? LittleEndian.u64(info.payload(), 7) : -1;
                hardwareId = info.payload().length >= UartChannel.INFO_HARDWARE_END ? LittleEndian.u32(info.payload(), 15) : -1;
                return;
            }
        }
        if (answers > 0) {
            // Frames of this protocol came, none of them INFO: an fwdelta device, its answers stale
            // (a board left mid-session by an earlier run), so the link is lost and begun again,
            // at first contact too: a fresh HELLO gets its INFO once the stale frames are read.
            // The give-up says what came, not "not the protocol".
            throw t.lost(unanswered(FrameType.HELLO, "an INFO"));
        }
        if (everAnswered) {
            throw t.lost();
        }
        throw silentOrForeign();
    }

    /** What a device that answered {@code sent} frames, but never with {@code awaited}, sent instead. */
    private String unanswered(FrameType sent, String awaited) {
        return t.device() + " answered " + sent + " with " + answers + " frames, none " + awaited + " (the last a "
                + lastAnswer.type() + " of " + lastAnswer.payload().length + " bytes)";
    }

    /** Why a port that never sent INFO is not an fwdelta device, in the user's words. */
    private IOException silentOrForeign() {
        byte[] heard = t.in.firstBytes();
        String tried = UartChannel.HELLO_ATTEMPTS + " HELLO frames in "
                + String.format(Locale.ROOT, "%.1f", t.timeoutMs / 1000.0) + " s";
        if (heard.length == 0) {
            return new IOException("nothing answered on " + t.link.name() + " (" + tried + "): is the device powered, "
                    + "its update agent running, and the line at " + t.baud + " baud? (--timeout sets the wait)");
        }
        boolean an3155 = true;
        for (byte b : heard) {
            an3155 &= (b & 0xFF) == An3155.ACK || (b & 0xFF) == An3155.NACK;
        }
        if (an3155) {
            return new IOException("an STM32 ROM bootloader (AN3155) answers on " + t.link.name()
                    + ", not an fwdelta update agent: write a whole image with `fwdelta stm32 flash`");
        }
        return new IOException("the device on " + t.link.name() + " answers, but not the fwdelta protocol ("
                + t.in.bytesRead() + " bytes of other data after " + tried + ")");
    }

    /**
     * The next frame of {@code type} (or a NAK saying ours broke) within the wait; other frames
     * are skipped. A refusal (RESULT with an error) ends the session when {@code refusalsAreOurs};
     * before the device has answered this session's HELLO none can be: a device answers HELLO with
     * INFO only, and a RESULT then left on the line answers an earlier session's BEGIN (sent twice
     * when the device was slow to check it, the host that sent it gone at the first answer). That
     * one is skipped.
     */
    private Frame waitFor(FrameType type, long waitMs, boolean refusalsAreOurs) throws IOException {
        long end = System.currentTimeMillis() + waitMs;
        while (System.currentTimeMillis() < end) {
            Frame f = t.in.poll(Math.max(1, end - System.currentTimeMillis()));
            if (f == null) {
                return null;
            }
            answers++;
            lastAnswer = f;
            if (refusalsAreOurs && DeviceAnswers.refusal(f)) {
                throw DeviceAnswers.refused(f);
            }
            if (f.type() == type || DeviceAnswers.brokenFrame(f)) {
                return f;
            }
        }
        return null;
    }
}
