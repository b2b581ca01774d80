// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Selective repeat is negotiated: a version-1 HELLO (or a device without a hold ring) gets version
 * 1's INFO and go-back-N answers byte for byte, and only a HELLO with capability bit 0 to a device
 * with a ring gets SACKs; frames held after a gap end in the exact staged image.
 */
class UartDeviceNegotiationTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");
    private static final TestPatch SOURCE = TestPatch.standard();
    private static final byte[] PATCH = SOURCE.build();

    private final List<Frame> sent = new ArrayList<>();
    private NorFlash flash;

    private UartDevice device(int holdBytes) throws Exception {
        flash = DeviceSimulator.provision(LAYOUT, SOURCE.old);
        return new UartDevice(() -> new UpdateAgent(LAYOUT, flash, UpdatePolicy.ramOnly(1 << 20)),
                new DeviceInfo(1 << 20, 0, 0, LAYOUT.name()), new FrameDecoder(sent::add)::push, holdBytes);
    }

    private Frame send(UartDevice d, FrameType type, byte[] payload) throws Exception {
        sent.clear();
        byte[] b = new Frame(type, 0, payload).encode();
        d.receive(b, 0, b.length);
        return sent.isEmpty() ? null : sent.get(sent.size() - 1);
    }

    private Frame data(UartDevice d, long offset, int len) throws Exception {
        byte[] p = new byte[4 + len];
        LittleEndian.put32(p, 0, offset);
        System.arraycopy(PATCH, (int) offset, p, 4, len);
        return send(d, FrameType.DATA, p);
    }

    /** HELLO (with {@code hello} as payload), then BEGIN; the INFO payload. */
    private byte[] open(UartDevice d, byte[] hello) throws Exception {
        byte[] info = send(d, FrameType.HELLO, hello).payload();
        int headerSize = PatchHeader.sizeFromPrefix(PATCH);
        byte[] begin = new byte[4 + headerSize];
        LittleEndian.put32(begin, 0, PATCH.length);
        System.arraycopy(PATCH, 0, begin, 4, headerSize);
        assertEquals(FrameType.READY, send(d, FrameType.BEGIN, begin).type());
        return info;
    }

    @Test
    void aVersionOneHelloGetsVersionOneInfoAndNak() throws Exception {
        UartDevice d = device(UartDevice.DEFAULT_HOLD_BYTES);
        byte[] info = open(d, new byte[] {1});
        assertEquals(25 + LAYOUT.name().length() + 3, info.length, "INFO reports the ring to any host");
        int at = PatchHeader.sizeFromPrefix(PATCH);
        Frame gap = data(d, at + 16, 16);
        assertEquals(FrameType.NAK, gap.type(), "go-back-N for a host that did not ask");
        assertEquals(UartDevice.NAK_GAP, gap.payload()[4]);
    }

    @Test
    void aDeviceWithoutARingSendsVersionOneInfoAndNaksEvenWhenAsked() throws Exception {
        UartDevice d = device(0);
        byte[] info = open(d, new byte[] {1, UartDevice.CAP_SELECTIVE_REPEAT});
        assertEquals(25 + LAYOUT.name().length(), info.length, "version 1's INFO ends at the layout name");
        Frame gap = data(d, PatchHeader.sizeFromPrefix(PATCH) + 16, 16);
        assertEquals(FrameType.NAK, gap.type());
    }

    @Test
    void withBothBitsFramesAfterAGapAreHeldAndTheImageIsExact() throws Exception {
        UartDevice d = device(UartDevice.DEFAULT_HOLD_BYTES);
        open(d, new byte[] {1, UartDevice.CAP_SELECTIVE_REPEAT});
        long at = PatchHeader.sizeFromPrefix(PATCH);
        int sacks = 0;
        // Every 40-byte step: the second 20 bytes first (held, SACK), then the first 20 (ACK past both).
        while (at < PATCH.length) {
            int first = (int) Math.min(20, PATCH.length - at);
            int second = (int) Math.min(20, PATCH.length - at - first);
            if (second > 0) {
                Frame sack = data(d, at + first, second);
                assertEquals(FrameType.SACK, sack.type());
                assertEquals(at, LittleEndian.u32(sack.payload(), 0));
                assertEquals(at + first, LittleEndian.u32(sack.payload(), 4));
                assertEquals(at + first + second, LittleEndian.u32(sack.payload(), 8));
                sacks++;
            }
            Frame ack = data(d, at, first);
            assertEquals(FrameType.ACK, ack.type());
            assertEquals(at + first + second, LittleEndian.u32(ack.payload(), 0), "the held frame is applied too");
            at += first + second;
        }
        assertEquals(FrameType.RESULT, send(d, FrameType.DONE, new byte[4]).type());
        assertEquals(0, LittleEndian.u16(sent.get(0).payload(), 0), "staged and verified");
        byte[] staged = Arrays.copyOfRange(flash.snapshot(), (int) LAYOUT.staging().offset(),
                (int) LAYOUT.staging().offset() + SOURCE.newImage().length);
        assertArrayEquals(SOURCE.newImage(), staged);
        assertTrue(sacks > 3, sacks + " SACKs");
    }
}
