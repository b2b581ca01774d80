// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.sim;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.BootResult;
import dev.fwdelta.runtime.device.Bootloader;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.transport.TransferSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A device's life through one update: boot, receive the patch through the transfer session while
 * the application runs (resending from wherever the session says),
 * reboot into the install, run the new image on trial, confirm it (or not, to exercise the
 * revert). A power cut anywhere makes it reboot; every boot must start a complete, verified image.
 */
public final class DeviceSimulator {
    /** How a scenario ended. */
    public enum Ending { NEW_CONFIRMED, OLD_AFTER_REVERT, BRICKED, STUCK }

    /** The outcome: ending, reboots, power cuts, patch bytes sent, images booted. */
    public record Outcome(Ending ending, int reboots, int powerCuts, long bytesSent, int restarts,
                          List<BootResult.Image> boots) {
    }

    private static final int MAX_BOOTS = 50;

    private DeviceSimulator() {}

    /** Erased flash with {@code oldImage} factory-programmed into the active slot (not counted). */
    public static NorFlash provision(DeviceLayout layout, byte[] oldImage) throws IOException {
        return provision(layout, NorFlash.erased(layout.geometry()), oldImage);
    }

    /** Writes {@code oldImage} into the active slot of {@code flash} (factory programming, not counted). */
    public static NorFlash provision(DeviceLayout layout, NorFlash flash, byte[] oldImage) throws IOException {
        if (oldImage.length > layout.active().size()) {
            throw new IllegalArgumentException("old image (" + oldImage.length + " bytes) does not fit the active slot ("
                    + layout.active().size() + " bytes)");
        }
        byte[] padded = Arrays.copyOf(oldImage, (int) roundUp(oldImage.length, layout.geometry().programUnit()));
        Arrays.fill(padded, oldImage.length, padded.length, layout.geometry().erasedValue());
        flash.provision(layout.active().offset(), padded);
        return flash;
    }

    /**
     * Runs the update until it settles. {@code confirm}: the new image confirms itself on its trial
     * boot (else it "crashes" and the bootloader must revert). {@code chunk}: transport chunk size.
     */
    public static Outcome run(DeviceLayout layout, NorFlash flash, byte[] patch, UpdatePolicy policy, boolean confirm,
                              int chunk) throws IOException {
        List<BootResult.Image> boots = new ArrayList<>();
        int cuts = 0;
        int restarts = 0;
        long sent = 0;
        boolean sawTrial = false;
        byte[] begin = beginMessage(patch);
        for (int boot = 0; boot < MAX_BOOTS; boot++) {
            try {
                Bootloader bootloader = new Bootloader(layout, flash);
                BootResult r = bootloader.boot();
                boots.add(r.image());
                if (r.image() == BootResult.Image.UNKNOWN) {
                    return new Outcome(Ending.BRICKED, boot, cuts, sent, restarts, boots);
                }
                if (r.trial()) {
                    sawTrial = true;
                    if (!confirm) {
                        continue; // the new image misbehaves and resets before confirming
                    }
                    bootloader.confirm();
                    continue;
                }
                if (r.image() == BootResult.Image.NEW && sawTrial) {
                    return new Outcome(Ending.NEW_CONFIRMED, boot, cuts, sent, restarts, boots);
                }
                if (!confirm && sawTrial && r.image() == BootResult.Image.OLD) {
                    return new Outcome(Ending.OLD_AFTER_REVERT, boot, cuts, sent, restarts, boots);
                }
                TransferSession session = new TransferSession(() -> new UpdateAgent(layout, flash, policy));
                if (session.agentState() == UpdateAgent.State.STAGED) {
                    continue; // reboot into the install
                }
                sent += begin.length - 4; // the header again; the u32 length is framing
                TransferSession.Reply reply = session.begin(begin);
                long off = reply.offset();
                while (reply.kind() != TransferSession.Kind.RESULT) {
                    if (reply.kind() == TransferSession.Kind.RESTARTED) {
                        restarts++; // the agent's own recovery from a torn ECC unit: resend from there
                    }
                    off = reply.offset();
                    if (off < patch.length) {
                        int n = (int) Math.min(chunk, patch.length - off);
                        sent += n;
                        reply = session.data(off, patch, (int) off, n);
                    } else {
                        reply = session.done();
                    }
                }
                if (!reply.ok()) {
                    throw refusal(reply);
                }
            } catch (PowerCutException cut) {
                cuts++;
                flash.setFaults(null);
            }
        }
        return new Outcome(Ending.STUCK, MAX_BOOTS, cuts, sent, restarts, boots);
    }

    /** The device's refusal as the patch error it reported, so callers map it like a local one (exit codes). */
    private static IOException refusal(TransferSession.Reply reply) {
        ErrorCode code = ErrorCode.ofNumber(reply.status());
        if (code == null) {
            return new IOException("the device refused the patch: " + reply.message());
        }
        String prefix = code + " (" + code.number() + "): ";
        String message = reply.message() != null && reply.message().startsWith(prefix)
                ? reply.message().substring(prefix.length()) : reply.message();
        return new PatchException(code, "the device refused the patch: " + message);
    }

    /** What BEGIN carries: u32 patch length, then the header. */
    static byte[] beginMessage(byte[] patch) throws PatchException {
        int size = PatchHeader.sizeFromPrefix(patch);
        byte[] m = new byte[4 + size];
        LittleEndian.put32(m, 0, patch.length);
        System.arraycopy(patch, 0, m, 4, size);
        return m;
    }

    private static long roundUp(long v, int unit) {
        return (v + unit - 1) / unit * unit;
    }
}
