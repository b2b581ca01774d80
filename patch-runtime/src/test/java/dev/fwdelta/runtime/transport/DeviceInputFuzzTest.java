// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.BootResult;
import dev.fwdelta.runtime.device.Bootloader;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.dfu.DfuDevice;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of what a device accepts from the outside: UART bytes into the device
 * session (and through it the update agent and the flash), and DFU control-request sequences.
 * Whatever arrives, nothing may throw, and the device must still boot its old image untouched.
 * Run by hand: {@code ./mvnw -pl patch-runtime -Pfuzz test -Dtest='DeviceInputFuzzTest#uartBytes'}.
 */
class DeviceInputFuzzTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");
    private static final byte[] OLD = TestPatch.standard().old;

    private static NorFlash device() throws Exception {
        return DeviceSimulator.provision(LAYOUT, OLD);
    }

    private static void stillBootsTheOldImage(NorFlash flash) throws Exception {
        BootResult r = new Bootloader(LAYOUT, flash).boot();
        assertTrue(r.image() == BootResult.Image.OLD || r.image() == BootResult.Image.NEW, r.toString());
        if (r.image() == BootResult.Image.OLD) {
            byte[] active = new byte[OLD.length];
            flash.read(LAYOUT.active().offset(), active, 0, active.length);
            assertArrayEquals(OLD, active);
        }
    }

    /** Input: raw line bytes; a valid patch's frames appear in the seeds so deeper states are reached. */
    @FuzzTest(maxDuration = "10m", maxExecutions = 300_000)
    void uartBytes(byte[] input) throws Exception {
        NorFlash flash = device();
        UpdatePolicy policy = UpdatePolicy.ramOnly(1 << 20);
        UartDevice session = new UartDevice(() -> new UpdateAgent(LAYOUT, flash, policy),
                new DeviceInfo(1 << 20, 0, 0, LAYOUT.name()), (b, off, len) -> { });
        int chunk = input.length == 0 ? 1 : 1 + (input[0] & 0x7F);
        for (int off = 0; off < input.length; off += chunk) {
            session.receive(input, off, Math.min(chunk, input.length - off));
        }
        session.idle();
        stillBootsTheOldImage(flash);
    }

    /** Input: control requests, each [0x80 if IN | request][value][u16 LE length][data if OUT]. */
    @FuzzTest(maxDuration = "10m", maxExecutions = 300_000)
    void dfuRequests(byte[] input) throws Exception {
        NorFlash flash = device();
        UpdatePolicy policy = UpdatePolicy.ramOnly(1 << 20);
        DfuDevice dfu = new DfuDevice(() -> new UpdateAgent(LAYOUT, flash, policy), 0);
        int i = 0;
        while (i + 4 <= input.length) {
            int request = input[i] & 0x07;
            int value = input[i + 1] & 0xFF;
            int length = (input[i + 2] & 0xFF) | (input[i + 3] & 0xFF) << 8;
            if ((input[i] & 0x80) != 0) {
                dfu.controlIn(request, value, Math.max(1, Math.min(length, 4096)));
                i += 4;
                continue;
            }
            length = Math.min(length, input.length - i - 4);
            dfu.controlOut(request, value, Arrays.copyOfRange(input, i + 4, i + 4 + length));
            i += 4 + length;
        }
        stillBootsTheOldImage(flash);
    }
}
