// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * INFO's layout name is at most {@link UartDevice#MAX_LAYOUT_NAME} bytes, the first bytes of a
 * longer name, as the C device (fwd_uart.c) sends it: a layout named with 40 characters gave a
 * 40-byte name in the Java device's INFO and a 32-byte one in the C device's.
 */
class UartDeviceInfoTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");

    private static byte[] infoName(String name) throws Exception {
        List<Frame> sent = new ArrayList<>();
        NorFlash flash = DeviceSimulator.provision(LAYOUT, new byte[64]);
        UartDevice d = new UartDevice(() -> new UpdateAgent(LAYOUT, flash, UpdatePolicy.ramOnly(1 << 20)),
                new DeviceInfo(1 << 20, 0, 0, name), new FrameDecoder(sent::add)::push);
        byte[] hello = new Frame(FrameType.HELLO, 0, new byte[] {1}).encode();
        d.receive(hello, 0, hello.length);
        byte[] info = sent.get(0).payload();
        return Arrays.copyOfRange(info, 25, 25 + (info[24] & 0xFF));
    }

    @Test
    void aLongLayoutNameIsCutToItsFirst32Bytes() throws Exception {
        String name = "a-layout-name-of-forty-characters-123456";
        assertEquals(40, name.length());
        assertArrayEquals(name.substring(0, 32).getBytes(StandardCharsets.US_ASCII), infoName(name));
    }

    @Test
    void aShortNameIsSentWhole() throws Exception {
        assertArrayEquals("stm32f405-1m".getBytes(StandardCharsets.US_ASCII), infoName("stm32f405-1m"));
    }
}
