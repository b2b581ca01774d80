// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A broken frame's NAK is the answer to that frame, in line order with the answers to the frames
 * around it (docs/PROTOCOL.md: the device answers each frame it reads, in order; the hosts count
 * answers to tell NAKs apart), one NAK per broken frame, whatever chunks the bytes arrive in; and
 * a cut frame's NAK 4 comes before the answers to the frames found in what followed its SOF. As
 * the C device (fwd_uart.c) answers; found by patch-runtime/c's UartDifferentialTest.
 */
class UartDeviceBrokenFrameOrderTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");

    private final List<Frame> sent = new ArrayList<>();

    private UartDevice device() throws Exception {
        NorFlash flash = DeviceSimulator.provision(LAYOUT, TestPatch.standard().old);
        return new UartDevice(() -> new UpdateAgent(LAYOUT, flash, UpdatePolicy.ramOnly(1 << 20)),
                new DeviceInfo(1 << 20, 0, 0, LAYOUT.name()), new FrameDecoder(sent::add)::push);
    }

    private static byte[] broken(FrameType type, byte[] payload) {
        byte[] f = new Frame(type, 0, payload).encode();
        f[f.length - 1] ^= 1; // the payload CRC fails, the header stays good
        return f;
    }

    private static byte[] done() {
        byte[] p = new byte[4];
        LittleEndian.put32(p, 0, 100);
        return new Frame(FrameType.DONE, 1, p).encode();
    }

    private List<String> answers() {
        List<String> a = new ArrayList<>();
        for (Frame f : sent) {
            a.add(f.type() + (f.type() == FrameType.NAK ? " " + f.payload()[4] : ""));
        }
        return a;
    }

    @Test
    void eachBrokenFrameIsAnsweredWhereItStandsInOneChunk() throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.writeBytes(broken(FrameType.HELLO, new byte[] {1}));
        line.writeBytes(broken(FrameType.HELLO, new byte[] {1}));
        line.writeBytes(done()); // outside a transfer: NAK 1 at the resume offset
        byte[] b = line.toByteArray();
        device().receive(b, 0, b.length);
        assertEquals(List.of("NAK 2", "NAK 2", "NAK 1"), answers());
    }

    @Test
    void aCutFrameIsAnsweredBeforeTheFramesFoundAfterItsStart() throws Exception {
        byte[] hello = new Frame(FrameType.HELLO, 0, new byte[] {1}).encode();
        byte[] cut = new Frame(FrameType.BEGIN, 0, new byte[300]).encode(); // its 300 bytes never come
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.write(cut, 0, Frame.HEADER + 10);
        line.writeBytes(hello);
        byte[] b = line.toByteArray();
        UartDevice d = device();
        d.receive(b, 0, b.length);
        d.idle();
        assertEquals(List.of("NAK 4", "INFO"), answers());
    }
}
