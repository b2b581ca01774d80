// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example frames of docs/PROTOCOL.md section 1, byte for byte. */
class ProtocolExamplesTest {
    /** The simulated device that INFO describes: stm32f405-1m, 16 KiB of RAM, the default hold ring. */
    private static UartDevice simulatedDevice(List<Frame> sent) throws Exception {
        DeviceLayout layout = DeviceLayout.preset("stm32f405-1m");
        NorFlash flash = DeviceSimulator.provision(layout, new byte[1024]);
        return new UartDevice(() -> new UpdateAgent(layout, flash, UpdatePolicy.ramOnly(16384)),
                new DeviceInfo(16384, 0, 0, layout.name()), new FrameDecoder(sent::add)::push);
    }

    private static String hex(Frame f) {
        return HexFormat.ofDelimiter(" ").formatHex(f.encode());
    }

    @Test
    void nakRestarted() {
        byte[] payload = {0x3d, 0x04, 0x00, 0x00, UartDevice.NAK_RESTARTED};
        assertEquals("a5 07 2a 05 00 e0 f7 3d 04 00 00 03 de f3 be e4", hex(new Frame(FrameType.NAK, 0x2A, payload)));
    }

    @Test
    void readyAtTheNextExpectedByte() {
        byte[] payload = {0x42, 0x2c, 0x00, 0x00};
        assertEquals("a5 04 01 04 00 3a 29 42 2c 00 00 a9 5b 0d 18", hex(new Frame(FrameType.READY, 0x01, payload)));
    }

    @Test
    void helloOfferingSelectiveRepeat() {
        assertEquals("a5 01 00 02 00 e9 08 01 01 45 2c 20 02",
                hex(new Frame(FrameType.HELLO, 0x00, new byte[] {1, UartDevice.CAP_SELECTIVE_REPEAT})));
    }

    @Test
    void infoOfADeviceThatHolds1024Bytes() throws Exception {
        // The simulated device's own INFO, answering the HELLO above: capability byte and hold
        // size after the layout name.
        List<Frame> sent = new ArrayList<>();
        UartDevice device = simulatedDevice(sent);
        byte[] hello = new Frame(FrameType.HELLO, 0x00, new byte[] {1, UartDevice.CAP_SELECTIVE_REPEAT}).encode();
        device.receive(hello, 0, hello.length);
        assertEquals("a5 02 00 28 00 18 7a 01 00 04 00 40 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
                + "0c 73 74 6d 33 32 66 34 30 35 2d 31 6d 01 00 04 d2 11 63 d7", hex(sent.get(0)));
        assertEquals(true, device.session().selectiveRepeat());
    }

    @Test
    void sackHoldingTheFrameAfterAGap() {
        HeldData held = new HeldData(UartDevice.DEFAULT_HOLD_BYTES);
        held.hold(1085, 1185, new byte[200], 0, 200);
        assertEquals("a5 0b 07 0c 00 dd c6 3d 04 00 00 a1 04 00 00 69 05 00 00 32 f4 e2 64",
                hex(new Frame(FrameType.SACK, 0x07, UartDevice.sack(1085, held, held.rangeOf(1185)))));
        assertEquals("a5 0b 08 0c 00 ec ea 3d 04 00 00 00 00 00 00 00 00 00 00 48 29 30 6f",
                hex(new Frame(FrameType.SACK, 0x08, UartDevice.sack(1085, held, -1))));
    }

    @Test
    void nakForABrokenFrameOutsideATransfer() {
        byte[] payload = {0, 0, 0, 0, UartDevice.NAK_CORRUPT};
        assertEquals("a5 07 00 05 00 e7 b6 00 00 00 00 02 76 5c b6 1c", hex(new Frame(FrameType.NAK, 0x00, payload)));
    }

    @Test
    void nakForACutFrame() throws Exception {
        // The device's own answer: a DATA frame whose last byte never came, then 50 ms of quiet.
        List<Frame> sent = new ArrayList<>();
        UartDevice device = simulatedDevice(sent);
        byte[] data = new Frame(FrameType.DATA, 0x05, new byte[] {0x3d, 0x04, 0, 0, 1, 2, 3}).encode();
        device.receive(data, 0, data.length - 1);
        device.idle();
        assertEquals(UartDevice.NAK_CUT, sent.get(0).payload()[4]);
        byte[] payload = {0x3d, 0x04, 0x00, 0x00, UartDevice.NAK_CUT};
        assertEquals("a5 07 2b 05 00 d0 c0 3d 04 00 00 04 04 9f 04 24", hex(new Frame(FrameType.NAK, 0x2B, payload)));
    }
}
