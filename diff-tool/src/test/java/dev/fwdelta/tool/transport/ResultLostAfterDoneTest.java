// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The device staged the patch and answered DONE, the line lost that RESULT, and the device
 * installed the patch and rebooted into its firmware (docs/PROTOCOL.md, "Reconnects"): when the
 * host comes back, the device refuses the patch (ROLLBACK), as it runs that very firmware. The
 * host reports the update installed, not refused. A device that refuses it while running some
 * other version, or before any DONE was sent, is a refusal as before. A scripted device over an
 * in-memory line, in lockstep; the C device on QEMU met this through a faulty line
 * (QemuLineFaultTest).
 */
class ResultLostAfterDoneTest {
    private static final long TARGET_VERSION = 7;
    private static final long HARDWARE = 0x5EED;
    private static final byte[] PATCH = patch();
    private static final int ROLLBACK = 40;

    /**
     * Honest until its first DONE, which it stages without its RESULT reaching the host; from then
     * on it runs {@code versionAfter}: HELLO draws INFO with that version, BEGIN a ROLLBACK, DONE
     * a NAK at offset 0 and DATA nothing, as the C device's app with no transfer open.
     */
    private static ScriptedDevice installingAfterDone(long versionAfter, long hardwareAfter) {
        boolean[] rebooted = {false};
        return new ScriptedDevice(false, (got, dev) -> {
            if (!rebooted[0]) {
                if (got.type() == FrameType.DONE && dev.expected == dev.total) {
                    rebooted[0] = true;
                    return null; // its RESULT(0) lost on the line
                }
                return got.type() == FrameType.HELLO ? info(1, HARDWARE) : dev.honest(got);
            }
            return switch (got.type()) {
                case HELLO -> info(versionAfter, hardwareAfter);
                case BEGIN -> new Frame(FrameType.RESULT, 0, result(ROLLBACK, "ROLLBACK (40): ROLLBACK"));
                case DONE -> ScriptedDevice.nak(0, UartDevice.NAK_GAP);
                default -> null;
            };
        }).inLockstep();
    }

    @Test
    void aDeviceRunningThePatchsFirmwareAfterALostResultIsInstalled() throws IOException {
        ScriptedDevice d = installingAfterDone(TARGET_VERSION, HARDWARE);
        HostSession.Result r = new HostSession(new UartChannel(d, 115_200, 200), (a, t, s) -> { },
                UartChannel.MAX_RECONNECTS).send(PATCH);
        assertTrue(r.installed(), "reported installed: " + r);
        assertEquals("installed: the device runs firmware version 7 (its answer to DONE was lost)", r.deviceMessage());
        assertEquals(2, d.begins, "one BEGIN staged the patch, one after the lost RESULT was refused");
        assertTrue(r.reconnects() >= 1, "the lost RESULT lost the link: " + r);
    }

    @Test
    void aDeviceRunningAnotherVersionStillRefuses() {
        ScriptedDevice d = installingAfterDone(TARGET_VERSION + 1, HARDWARE);
        DeviceRefusedException e = assertThrows(DeviceRefusedException.class, () ->
                new HostSession(new UartChannel(d, 115_200, 200), (a, t, s) -> { }, UartChannel.MAX_RECONNECTS).send(PATCH));
        assertEquals(ROLLBACK, e.status());
    }

    @Test
    void anotherBoardRunningThatVersionStillRefuses() {
        ScriptedDevice d = installingAfterDone(TARGET_VERSION, HARDWARE + 1);
        DeviceRefusedException e = assertThrows(DeviceRefusedException.class, () ->
                new HostSession(new UartChannel(d, 115_200, 200), (a, t, s) -> { }, UartChannel.MAX_RECONNECTS).send(PATCH));
        assertEquals(ROLLBACK, e.status());
    }

    @Test
    void aRefusalBeforeAnyDoneIsARefusalWhateverTheDeviceRuns() {
        // Already on the patch's firmware at the first BEGIN: nothing of this send installed it.
        ScriptedDevice d = new ScriptedDevice(false, (got, dev) -> switch (got.type()) {
            case HELLO -> info(TARGET_VERSION, HARDWARE);
            case BEGIN -> new Frame(FrameType.RESULT, 0, result(ROLLBACK, "ROLLBACK (40): ROLLBACK"));
            default -> null;
        }).inLockstep();
        DeviceRefusedException e = assertThrows(DeviceRefusedException.class, () ->
                new HostSession(new UartChannel(d, 115_200, 200), (a, t, s) -> { }, UartChannel.MAX_RECONNECTS).send(PATCH));
        assertEquals(ROLLBACK, e.status());
        assertEquals(0, d.dones);
        assertFalse(d.dataFrames > 0);
    }

    /** INFO of a version-1 device running {@code version} on board {@code hardware}. */
    private static Frame info(long version, long hardware) {
        byte[] name = "scripted".getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[25 + name.length];
        p[0] = 1;
        LittleEndian.put16(p, 1, 1024);
        LittleEndian.put32(p, 3, 16384);
        LittleEndian.put32(p, 7, version);
        LittleEndian.put32(p, 15, hardware);
        p[24] = (byte) name.length;
        System.arraycopy(name, 0, p, 25, name.length);
        return new Frame(FrameType.INFO, 0, p);
    }

    private static byte[] result(int status, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + text.length];
        LittleEndian.put16(p, 0, status);
        System.arraycopy(text, 0, p, 2, text.length);
        return p;
    }

    private static byte[] patch() {
        Random random = new Random(11);
        byte[] oldImage = new byte[8 * 1024];
        random.nextBytes(oldImage);
        byte[] newImage = oldImage.clone();
        for (int i = 0; i < 3000; i += 7) {
            newImage[i] ^= 0x5A;
        }
        return PatchBuilder.build(oldImage, newImage,
                new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, BuildOptions.DEFAULT_MAX_BLOCK_RAW, TARGET_VERSION,
                        HARDWARE)).patch();
    }
}
