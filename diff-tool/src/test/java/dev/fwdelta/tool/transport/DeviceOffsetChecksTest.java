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
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Offsets in a device's answers that no honest device gives (docs/PROTOCOL.md, "Offsets the host
 * checks"): a READY past the patch, an ACK, NAK or SACK past the bytes the host has sent. Each
 * ends the transfer with an error naming the field and the allowed range, an I/O failure and no
 * "staged". A scripted device answers over an in-memory line, honestly but for the one field.
 */
class DeviceOffsetChecksTest {
    private static final byte[] PATCH = ScriptedDevice.patch(16 * 1024); // more than the window holds

    @Test
    void aReadyPastThePatchIsRefusedBeforeAnyData() {
        ScriptedDevice d = new ScriptedDevice(false, (got, dev) ->
                got.type() == FrameType.BEGIN ? ScriptedDevice.offset(FrameType.READY, PATCH.length + 100_000L) : dev.honest(got));
        IOException e = send(d);
        assertTrue(e.getMessage().contains("READY offset " + (PATCH.length + 100_000)), e.getMessage());
        assertTrue(e.getMessage().contains("0.." + PATCH.length), e.getMessage());
        assertEquals(0, d.dataFrames, "no DATA after a READY past the patch");
    }

    @Test
    void aReadyNearTheTopOfTheU32IsRefused() {
        ScriptedDevice d = new ScriptedDevice(true, (got, dev) ->
                got.type() == FrameType.BEGIN ? ScriptedDevice.offset(FrameType.READY, 0xFFFF_FFF0L) : dev.honest(got));
        IOException e = send(d);
        assertTrue(e.getMessage().contains("READY offset 4294967280"), e.getMessage());
        assertEquals(0, d.dataFrames);
    }

    @Test
    void anAckPastTheBytesSentIsRefusedUnderGoBackN() {
        ScriptedDevice d = new ScriptedDevice(false, (got, dev) ->
                got.type() == FrameType.DATA ? ScriptedDevice.offset(FrameType.ACK, 0xFFFF_FFF0L) : dev.honest(got));
        IOException e = send(d);
        assertTrue(e.getMessage().contains("ACK offset 4294967280, outside the allowed 0.." + d.sentEnd),
                e.getMessage());
        // Refused at the first answer read: the host may have written a window of frames before it.
        assertTrue(d.dataFrames >= 1 && d.sentEnd < PATCH.length, d.dataFrames + " DATA frames, " + d.sentEnd + " bytes");
        assertEquals(0, d.dones, "no DONE: the patch was not sent");
    }

    @Test
    void anAckOfThePatchAfterTheFirstFrameIsRefused() {
        // The fake device of the review: everything acknowledged after the first frame.
        ScriptedDevice d = new ScriptedDevice(true, (got, dev) ->
                got.type() == FrameType.DATA ? ScriptedDevice.offset(FrameType.ACK, PATCH.length) : dev.honest(got));
        IOException e = send(d);
        assertTrue(e.getMessage().contains("ACK offset " + PATCH.length + ", outside the allowed 0.." + d.sentEnd),
                e.getMessage());
        assertTrue(d.sentEnd < PATCH.length, "the test needs a patch larger than the window: " + d.sentEnd);
        assertEquals(0, d.dones, "no DONE: the patch was not sent");
    }

    @Test
    void aNakPastTheBytesSentIsRefused() {
        ScriptedDevice d = new ScriptedDevice(false, (got, dev) -> got.type() == FrameType.DATA
                ? ScriptedDevice.nak(dev.sentEnd + 1, UartDevice.NAK_GAP) : dev.honest(got));
        IOException e = send(d);
        assertTrue(e.getMessage().contains("NAK offset"), e.getMessage());
        assertTrue(e.getMessage().contains("the patch bytes sent in this session"), e.getMessage());
    }

    @Test
    void aSackPastTheBytesSentIsRefused() {
        ScriptedDevice d = new ScriptedDevice(true, (got, dev) -> {
            if (got.type() != FrameType.DATA) {
                return dev.honest(got);
            }
            byte[] p = new byte[12];
            LittleEndian.put32(p, 0, 0xFFFF_FFF0L);
            return new Frame(FrameType.SACK, 0, p);
        });
        IOException e = send(d);
        assertTrue(e.getMessage().contains("SACK offset 4294967280"), e.getMessage());
    }

    @Test
    void aSackHoldingBytesNotSentIsRefused() {
        ScriptedDevice d = new ScriptedDevice(true, (got, dev) -> {
            if (got.type() != FrameType.DATA) {
                return dev.honest(got);
            }
            byte[] p = new byte[12];
            LittleEndian.put32(p, 0, dev.expected);
            LittleEndian.put32(p, 4, dev.expected + 1);
            LittleEndian.put32(p, 8, dev.sentEnd + 500);
            return new Frame(FrameType.SACK, 0, p);
        });
        IOException e = send(d);
        assertTrue(e.getMessage().contains("SACK held range end"), e.getMessage());
    }

    /**
     * A held range that ends at or before the SACK's offset holds nothing after it: the error names
     * the range end and the ends allowed, a range that is not empty (HostileDeviceTest found "the
     * allowed 256..99" for its start).
     */
    @Test
    void aSackHeldRangeEndingBeforeItsOffsetNamesTheEndsAllowed() {
        long[] at = new long[2]; // the SACK's offset, the bytes sent when it was sent
        ScriptedDevice d = new ScriptedDevice(true, (got, dev) -> {
            if (got.type() != FrameType.DATA || dev.dataFrames == 1) {
                return dev.honest(got);
            }
            at[0] = dev.expected;
            at[1] = dev.sentEnd;
            byte[] p = new byte[12];
            LittleEndian.put32(p, 0, dev.expected);
            LittleEndian.put32(p, 4, 16);
            LittleEndian.put32(p, 8, 100);
            return new Frame(FrameType.SACK, 0, p);
        }).inLockstep();
        IOException e = send(d);
        assertTrue(at[0] > 100, "the first frame was acknowledged: " + at[0]);
        assertEquals("the device on scripted answered SACK held range end 100, outside the allowed " + (at[0] + 1)
                + ".." + at[1] + " (after the SACK offset, within the patch bytes sent in this session)", e.getMessage());
    }

    @Test
    void anHonestScriptedDeviceIsStaged() throws Exception {
        // The script itself is sound: answered honestly, the same host stages the patch.
        ScriptedDevice d = new ScriptedDevice(true, (got, dev) -> dev.honest(got));
        List<Long> progress = new ArrayList<>();
        HostSession.Result r = new HostSession(new UartChannel(d, 115_200, 1_000),
                (acked, total, resumedAt) -> progress.add(acked), 0).send(PATCH);
        assertEquals(PATCH.length, r.patchBytes());
        assertEquals(1, d.dones);
        assertEquals(PATCH.length, (long) progress.get(progress.size() - 1));
    }

    /** Sends the patch; the transfer must fail as an I/O error that is no lost link, with no progress past the sent bytes. */
    private static IOException send(ScriptedDevice d) {
        List<Long> progress = new ArrayList<>();
        UartChannel channel = new UartChannel(d, 115_200, 1_000);
        IOException e = assertThrows(IOException.class, () -> new HostSession(channel,
                (acked, total, resumedAt) -> progress.add(acked), UartChannel.MAX_RECONNECTS).send(PATCH));
        assertTrue(e instanceof DeviceProtocolException, e.getClass() + ": " + e.getMessage());
        assertTrue(e.getMessage().startsWith("the device on scripted answered "), e.getMessage());
        assertFalse(progress.stream().anyMatch(a -> a > d.sentEnd), "progress past the bytes sent: " + progress);
        assertEquals(0, d.dones, "DONE after a refused offset");
        assertEquals(1, d.begins, "refused, not begun again");
        return e;
    }
}
