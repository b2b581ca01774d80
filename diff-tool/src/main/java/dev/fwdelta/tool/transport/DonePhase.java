// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The done phase (docs/PROTOCOL.md): DONE until the device answers RESULT, or a NAK that sends the
 * host back to the data phase.
 */
final class DonePhase {
    private final UartTransfer t;
    /** The least silence at DONE that loses the link: {@link UartChannel#MIN_DONE_PATIENCE_MS}, shorter only in tests. */
    private long minPatienceMs = UartChannel.MIN_DONE_PATIENCE_MS;
    /** The text of the last RESULT that said the update was applied. */
    private String message = "";

    DonePhase(UartTransfer t) {
        this.t = t;
    }

    /** Tests only: a shorter least silence at DONE, so that a give-up there takes little time. */
    void minPatience(long ms) {
        minPatienceMs = ms;
    }

    String message() {
        return message;
    }

    /**
     * DONE for {@code patchLength}: the patch length when the device answered RESULT, or the
     * offset it expects the patch from again (then {@code data} goes back there).
     */
    long done(long patchLength, DataPhase data) throws IOException {
        byte[] p = new byte[4];
        LittleEndian.put32(p, 0, patchLength);
        // A DONE whose header the line broke draws no answer at all, so DONE is sent again after
        // two round trips, then 1.5 times longer each time. The device verifies the whole staged
        // image before it answers; one still verifying reads the later DONEs afterwards and
        // answers each with the same RESULT, so an early DONE costs its 15 bytes, not the update.
        // The link is lost after the least silence at DONE, or after the attempt bound. Only an
        // answer to DONE (RESULT, or a NAK of it) ends the silence: frames of other types (a stale
        // ACK, INFO) are counted for the words but put nothing off, else a device babbling them
        // would keep the host sending DONE until its attempt bound.
        long wait = t.probeMs();
        long patience = Math.max(minPatienceMs, 3 * t.timeoutMs);
        long heard = System.currentTimeMillis();
        t.others.answered();
        int sent = 0;
        int broken = 0; // DONE frames answered with a NAK at the patch length: the give-up names them
        while (sent < UartChannel.MAX_DONE_ATTEMPTS) {
            t.write(FrameType.DONE, p);
            t.fill();
            sent++;
            long end = System.currentTimeMillis() + wait;
            while (System.currentTimeMillis() < end) {
                Frame f = t.in.poll(Math.max(1, end - System.currentTimeMillis()));
                if (f == null) {
                    break;
                }
                if (f.type() == FrameType.RESULT) {
                    if (DeviceAnswers.refusal(f)) {
                        throw DeviceAnswers.refused(f);
                    }
                    message = new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8);
                    return patchLength;
                }
                if (f.type() != FrameType.NAK) {
                    t.others.note(f);
                    continue;
                }
                heard = System.currentTimeMillis();
                t.others.answered();
                if (f.payload().length >= 4 && DeviceProtocolException.checked(t.device(),
                        "NAK offset (answering DONE)", LittleEndian.u32(f.payload(), 0), patchLength,
                        "the patch length") < patchLength) {
                    // Not all applied, or restarted: not told, HostSession counts it from the offset returned.
                    long from = LittleEndian.u32(f.payload(), 0);
                    data.restartAt(from);
                    return from;
                }
                broken++;
                break; // the line broke DONE itself: send it again
            }
            if (System.currentTimeMillis() - heard >= patience) {
                break;
            }
            wait = Math.min(UartChannel.MAX_BEGIN_WAIT_MS, wait * 3 / 2);
        }
        throw t.lost(broken == 0
                ? t.device() + " stopped answering DONE frames (" + sent + " sent in this done phase)" + t.others.sentInstead()
                : t.device() + " answered " + broken + " of " + sent + " DONE frames with a NAK at the patch length"
                        + " (DONE broken on the line) and none with RESULT");
    }
}
