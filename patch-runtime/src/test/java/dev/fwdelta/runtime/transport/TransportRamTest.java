// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.AllocationMeter;
import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.dfu.DfuDevice;
import dev.fwdelta.runtime.transport.dfu.DfuRequest;
import dev.fwdelta.runtime.transport.dfu.DfuState;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A whole patch through the device's transports, from the device's construction to its last
 * answer: the heap the UART device and the DFU device allocate is the same for a patch of 4
 * blocks and one of 16 (nothing per frame, per DFU block or per patch block), and stays within
 * the RAM they state: the transport's buffers, the agent's and the applier's.
 */
class TransportRamTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(1 << 20);
    private static final int BLOCK = 4096;
    /**
     * The agent's RAM besides the applier's (docs/DEVICE.md): staging buffer, record, the MAP part
     * being received, header, checksums, resume point.
     */
    private static final long AGENT_RAM = 256 + 64 + 52 + 256 + 48 + 48;
    /**
     * UartDevice (docs/PROTOCOL.md): the frame buffer (1,035 bytes), the 75-byte reply buffer, and
     * the session's hold ring: 1,024 bytes and 8 ranges of two longs.
     */
    private static final long UART_RAM = Frame.OVERHEAD + Frame.MAX_PAYLOAD + Frame.OVERHEAD + 64
            + UartDevice.DEFAULT_HOLD_BYTES + 8 * 16;
    /** DfuDevice: one wTransferSize block and the 7 bytes of GETSTATUS and GETSTATE answers. */
    private static final long DFU_RAM = DfuDevice.TRANSFER_SIZE + 6 + 1;
    /**
     * What the JVM allocates besides, per transfer, not per frame: the applier's objects
     * ({@link AllocationMeter#APPLIER_JVM_OVERHEAD}), the agent's (it parses and names the header
     * and checks the base image and the staged one: some 3 KiB, as DeviceRamTest allows), and the
     * transport's own, whose once-per-transfer messages are copies (BEGIN's header, INFO, RESULT
     * and its message text: under 1 KiB).
     */
    private static final long JVM_OVERHEAD = AllocationMeter.APPLIER_JVM_OVERHEAD + 3072 + 1024;

    /** A patch of {@code blocks} blocks, stored (codec 0): each block's record rewrites 4 KiB of the old image. */
    private static TestPatch patch(int blocks) {
        TestPatch t = new TestPatch(TestPatch.bytes(9, blocks * BLOCK));
        for (int i = 0; i < blocks; i++) {
            t.block().add(new TestPatch.Rec(TestPatch.diff(BLOCK, 7), TestPatch.bytes(i, 16), -16));
        }
        return t;
    }

    /** A whole transfer of a patch through one device, set up for measuring (the flash and the host's messages). */
    @FunctionalInterface
    private interface Transfer {
        AllocationMeter.Action of(TestPatch t, byte[] patch) throws Exception;
    }

    @Test
    void theUartDeviceAllocatesNothingPerFrame() throws Exception {
        check("UART", UART_RAM, (t, p) -> uartTransfer(t, uartLine(p)));
    }

    @Test
    void theDfuDeviceAllocatesNothingPerBlock() throws Exception {
        check("DFU", DFU_RAM, (t, p) -> dfuTransfer(t, dfuBlocks(p)));
    }

    /** A patch of 4 blocks and one of 16 through the device: the same heap, within the stated RAM. */
    private static void check(String device, long transportRam, Transfer transfer) throws Exception {
        TestPatch small = patch(4);
        TestPatch large = patch(16);
        byte[] ps = small.build();
        byte[] pl = large.build();
        long[] bytes = AllocationMeter.smallest(() -> transfer.of(small, ps), () -> transfer.of(large, pl));
        long ram = PatchHeader.parse(ps).decoderRam() + AGENT_RAM + transportRam;
        System.out.printf("%s device heap: %d bytes for a %d-byte patch (4 blocks), %d for %d bytes (16 blocks);"
                + " stated RAM %d%n", device, bytes[0], ps.length, bytes[1], pl.length, ram);
        assertTrue(bytes[1] - bytes[0] <= 256, "the " + device + " device allocated " + bytes[0] + " bytes for a "
                + ps.length + "-byte patch, " + bytes[1] + " for " + pl.length);
        assertTrue(bytes[1] <= ram + JVM_OVERHEAD, "the " + device + " device allocated " + bytes[1]
                + " bytes, its RAM is " + ram);
    }

    /** BEGIN, the DATA frames in order, DONE: the bytes a host sends, encoded before the measurement. */
    private static byte[] uartLine(byte[] p) throws Exception {
        int header = PatchHeader.sizeFromPrefix(p);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int seq = 0;
        line.writeBytes(new Frame(FrameType.BEGIN, seq++, beginMessage(p)).encode());
        for (int off = header; off < p.length; off += Frame.MAX_DATA) {
            int n = Math.min(Frame.MAX_DATA, p.length - off);
            byte[] data = new byte[4 + n];
            LittleEndian.put32(data, 0, off);
            System.arraycopy(p, off, data, 4, n);
            line.writeBytes(new Frame(FrameType.DATA, seq++ & 0xFF, data).encode());
        }
        line.writeBytes(new Frame(FrameType.DONE, seq & 0xFF, new byte[0]).encode());
        return line.toByteArray();
    }

    /** u32 patch length, then the header: BEGIN's payload and DFU block 0. */
    private static byte[] beginMessage(byte[] p) throws Exception {
        int header = PatchHeader.sizeFromPrefix(p);
        byte[] m = new byte[4 + header];
        LittleEndian.put32(m, 0, p.length);
        System.arraycopy(p, 0, m, 4, header);
        return m;
    }

    private static AllocationMeter.Action uartTransfer(TestPatch t, byte[] line) throws Exception {
        NorFlash flash = DeviceSimulator.provision(LAYOUT, t.old);
        ReplyCounter replies = new ReplyCounter();
        return () -> {
            UartDevice device = new UartDevice(() -> new UpdateAgent(LAYOUT, flash, POLICY),
                    new DeviceInfo(1 << 20, 0, 0, LAYOUT.name()), replies::send);
            device.receive(line, 0, line.length);
            assertEquals(UpdateAgent.State.STAGED, device.session().agentState());
            assertEquals(FrameType.RESULT.code(), replies.lastType);
        };
    }

    /** Keeps the type of the last reply (byte 1 of a frame); allocates nothing. */
    private static final class ReplyCounter {
        int lastType = -1;

        void send(byte[] b, int off, int len) {
            lastType = b[off + 1] & 0xFF;
        }
    }

    /** Block 0 (length and header), then the patch from the header on in wTransferSize blocks. */
    private static List<byte[]> dfuBlocks(byte[] p) throws Exception {
        int header = PatchHeader.sizeFromPrefix(p);
        List<byte[]> blocks = new ArrayList<>();
        blocks.add(beginMessage(p));
        for (int off = header; off < p.length; off += DfuDevice.TRANSFER_SIZE) {
            blocks.add(Arrays.copyOfRange(p, off, Math.min(p.length, off + DfuDevice.TRANSFER_SIZE)));
        }
        return blocks;
    }

    private static AllocationMeter.Action dfuTransfer(TestPatch t, List<byte[]> blocks) throws Exception {
        NorFlash flash = DeviceSimulator.provision(LAYOUT, t.old);
        byte[][] array = blocks.toArray(new byte[0][]);
        byte[] none = new byte[0];
        return () -> {
            DfuDevice device = new DfuDevice(() -> new UpdateAgent(LAYOUT, flash, POLICY), 0);
            for (int i = 0; i < array.length; i++) {
                assertTrue(device.controlOut(DfuRequest.DNLOAD, i, array[i]));
                device.controlIn(DfuRequest.GETSTATUS, 0, 6); // dfuDNLOAD-SYNC: the block is processed
                device.controlIn(DfuRequest.GETSTATUS, 0, 6); // dfuDNBUSY -> dfuDNLOAD-IDLE
                assertEquals(DfuState.DNLOAD_IDLE, device.state());
            }
            assertTrue(device.controlOut(DfuRequest.DNLOAD, array.length, none)); // zero length: manifest
            device.controlIn(DfuRequest.GETSTATUS, 0, 6);
            device.controlIn(DfuRequest.GETSTATUS, 0, 6);
            assertEquals(DfuState.DFU_IDLE, device.state());
        };
    }
}
