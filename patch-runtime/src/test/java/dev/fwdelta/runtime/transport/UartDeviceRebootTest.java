// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A reboot starts the session as a reset C device starts (fwd_uart_init clears it all): its
 * frame counter from 0, and go-back-N until a HELLO asks for selective repeat again. The Java
 * device kept both, so after a reset it numbered its frames on and answered a DATA frame after a
 * gap with SACK where the C device answers NAK 1.
 */
class UartDeviceRebootTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");
    private static final TestPatch SOURCE = TestPatch.standard();
    private static final byte[] PATCH = SOURCE.build();

    private final List<Frame> sent = new ArrayList<>();

    private void send(UartDevice d, FrameType type, byte[] payload) throws Exception {
        byte[] b = new Frame(type, 0, payload).encode();
        d.receive(b, 0, b.length);
    }

    @Test
    void afterARebootFramesCountFromZeroAndAGapDrawsNak1UntilTheNextHello() throws Exception {
        NorFlash flash = DeviceSimulator.provision(LAYOUT, SOURCE.old);
        UartDevice d = new UartDevice(() -> new UpdateAgent(LAYOUT, flash, UpdatePolicy.ramOnly(1 << 20)),
                new DeviceInfo(1 << 20, 0, 0, LAYOUT.name()), new FrameDecoder(sent::add)::push);
        send(d, FrameType.HELLO, new byte[] {1, UartDevice.CAP_SELECTIVE_REPEAT});
        d.reboot();
        sent.clear();
        int headerSize = PatchHeader.sizeFromPrefix(PATCH);
        byte[] begin = new byte[4 + headerSize];
        LittleEndian.put32(begin, 0, PATCH.length);
        System.arraycopy(PATCH, 0, begin, 4, headerSize);
        send(d, FrameType.BEGIN, begin);
        byte[] data = new byte[4 + 10];
        LittleEndian.put32(data, 0, headerSize + 20);
        System.arraycopy(PATCH, headerSize + 20, data, 4, 10);
        send(d, FrameType.DATA, data);
        assertEquals(List.of(FrameType.READY, FrameType.NAK), sent.stream().map(Frame::type).toList());
        assertEquals(List.of(0, 1), sent.stream().map(Frame::seq).toList());
    }
}
