// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.dfu.DfuRequest;
import dev.fwdelta.runtime.transport.dfu.DfuState;
import dev.fwdelta.tool.sim.An3155Simulator;
import dev.fwdelta.tool.sim.DfuseDevice;
import dev.fwdelta.tool.sim.InProcessControl;
import dev.fwdelta.runtime.transport.dfu.DfuStatus;
import dev.fwdelta.tool.transport.DeviceProtocolException;
import dev.fwdelta.tool.transport.dfu.ControlTransfer;
import dev.fwdelta.tool.transport.dfu.DfuException;
import dev.fwdelta.tool.transport.dfu.PollWait;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The DfuSe client against a model of ST's ROM DFU device whose replies a test rewrites. */
class DfuseClientRepliesTest {
    private static final Stm32Part G071 = Stm32Part.byName("g071");

    private final DfuseDevice rom = new DfuseDevice(NorFlash.erased(An3155Simulator.geometry(G071)), G071);
    private final List<Integer> sleeps = new ArrayList<>();

    /** The ROM over USB, but the device-to-host replies of {@code request} pass through {@code rewrite}. */
    private ControlTransfer rewriting(int request, UnaryOperator<byte[]> rewrite) {
        InProcessControl usb = new InProcessControl(rom);
        return new ControlTransfer() {
            @Override
            public void out(int r, int value, byte[] data) throws IOException {
                usb.out(r, value, data);
            }

            @Override
            public byte[] in(int r, int value, int length) throws IOException {
                byte[] reply = usb.in(r, value, length);
                return r == request ? rewrite.apply(reply) : reply;
            }

            @Override
            public void close() {
            }
        };
    }

    private DfuseClient client(ControlTransfer usb) throws IOException {
        return new DfuseClient(usb, rom.interfaceString(), DfuseDevice.TRANSFER_SIZE, sleeps::add);
    }

    @Test
    void aShortGetStatusIsAnErrorNamingItsLength() {
        IOException e = assertThrows(IOException.class,
                () -> client(rewriting(DfuRequest.GETSTATUS, s -> Arrays.copyOf(s, 3))));
        assertTrue(e.getMessage().contains("DFU_GETSTATUS returned 3 bytes, not 6"), e.getMessage());
    }

    @Test
    void anEmptyOrShortUploadIsAnErrorNotAnEndlessLoop() throws Exception {
        for (int length : new int[] {0, 5}) {
            int[] uploads = {0};
            DfuseClient client = client(rewriting(DfuRequest.UPLOAD, b -> {
                if (++uploads[0] > 100) {
                    throw new IllegalStateException("the host keeps asking for data blocks");
                }
                return b.length > 4 ? Arrays.copyOf(b, length) : b; // block 0 (the command list) passes
            }));
            IOException e = assertThrows(IOException.class, () -> client.read(G071.flashBase(), 4096));
            assertTrue(e.getMessage().contains("DfuSe UPLOAD of block 2 at 0x08000000 returned " + length
                    + " bytes (valid range 2048..2048)"), e.getMessage());
        }
    }

    @Test
    void theWaitBetweenPollsIsCappedWhateverTheDeviceAsks() throws Exception {
        int[] busy = {0};
        DfuseClient client = client(rewriting(DfuRequest.GETSTATUS, s -> {
            if (s[4] == DfuState.DNBUSY.code()) {
                busy[0]++;
                s[1] = s[2] = s[3] = (byte) 0xFF; // the largest bwPollTimeout the field holds
            }
            return s;
        }));
        client.erase(new int[] {0});
        client.write(G071.flashBase(), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertTrue(busy[0] >= 2, "busy polls: " + busy[0]);
        assertEquals(busy[0], sleeps.size(), "one wait per busy poll");
        assertFalse(sleeps.stream().anyMatch(ms -> ms != PollWait.MAX_WAIT_MS), sleeps.toString());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, client.read(G071.flashBase(), 8));
    }

    /** The ROM over USB, but every GETSTATUS after the client is made answers {@code state}. */
    private DfuseClient answeringState(int state, int pollTimeoutMs) throws IOException {
        boolean[] hostile = {false};
        DfuseClient client = client(rewriting(DfuRequest.GETSTATUS, s -> {
            if (hostile[0]) {
                s[1] = (byte) pollTimeoutMs;
                s[2] = (byte) (pollTimeoutMs >> 8);
                s[3] = (byte) (pollTimeoutMs >> 16);
                s[4] = (byte) state;
            }
            return s;
        }));
        hostile[0] = true;
        return client;
    }

    @Test
    void anIdleOrUnknownStateAfterABlockFailsOnTheFirstPoll() throws Exception {
        // It used to count as busy: 1000 polls of 5 s each, then "stayed busy", for a device that was not.
        for (int state : new int[] {DfuState.DFU_IDLE.code(), 0xFF}) {
            sleeps.clear();
            DfuseClient client = answeringState(state, 0xFFFFFF);
            IOException e = assertThrows(IOException.class, () -> client.erase(new int[] {0}));
            assertEquals(List.of(), sleeps, "no wait at all");
            String name = state == 0xFF ? "255 (not a DFU 1.1 state)" : "2 (DFU_IDLE)";
            assertEquals("DfuSe block 0: the device answered GETSTATUS in state " + name
                    + ", neither busy nor dfuDNLOAD-IDLE", e.getMessage());
        }
    }

    @Test
    void aBlockThatStaysBusyFailsWhenItsTotalWaitIsSpent() throws Exception {
        DfuseClient client = answeringState(DfuState.DNBUSY.code(), 0xFFFFFF);
        IOException e = assertThrows(IOException.class, () -> client.erase(new int[] {0}));
        assertEquals(DfuseClient.MAX_BLOCK_WAIT_MS, sleeps.stream().mapToInt(Integer::intValue).sum(), sleeps.toString());
        int polls = DfuseClient.MAX_BLOCK_WAIT_MS / PollWait.MAX_WAIT_MS + 1;
        assertEquals("DfuSe block 0: the device was still busy after " + polls + " polls and "
                + DfuseClient.MAX_BLOCK_WAIT_MS + " ms (limits 1000 polls, " + DfuseClient.MAX_BLOCK_WAIT_MS + " ms)",
                e.getMessage());
    }

    @Test
    void aBlockBusyForAFewPollsThenDownloadIdleIsDone() throws Exception {
        int[] polls = {0};
        boolean[] counting = {false};
        DfuseClient client = client(rewriting(DfuRequest.GETSTATUS, s -> {
            if (counting[0] && ++polls[0] <= 3) {
                s[1] = 100;
                s[4] = (byte) (polls[0] == 1 ? DfuState.DNLOAD_SYNC : DfuState.DNBUSY).code();
            }
            return s;
        }));
        counting[0] = true;
        client.erase(new int[] {0});
        assertEquals(List.of(100, 100, 100), sleeps);
        client.write(G071.flashBase(), new byte[] {9, 8, 7});
        assertArrayEquals(new byte[] {9, 8, 7}, client.read(G071.flashBase(), 3));
    }

    @Test
    void aMalformedMemoryMapFromTheDeviceIsTheDevicesFault() {
        DeviceProtocolException e = assertThrows(DeviceProtocolException.class, () -> new DfuseClient(
                new InProcessControl(rom), "@Internal\u001b[2J Flash/0x08000000/99999*128Kg", DfuseDevice.TRANSFER_SIZE));
        assertTrue(e.getMessage().startsWith("the DFU device's interface string is not a valid memory map: DfuSe memory"
                + " map '@Internal\\x1B[2J Flash/0x08000000/99999*128Kg': bad value for sector count: 99999"
                + " (valid range 1..65536)"), e.getMessage());
    }

    /**
     * The ROM over USB, but the reply to a GETSTATUS after a zero-length DNLOAD (the leave) passes
     * through {@code leave}; null stands for a device gone from the bus before its reply.
     */
    private ControlTransfer leaving(UnaryOperator<byte[]> leave) {
        InProcessControl usb = new InProcessControl(rom);
        boolean[] left = {false};
        return new ControlTransfer() {
            @Override
            public void out(int r, int value, byte[] data) throws IOException {
                left[0] = r == DfuRequest.DNLOAD && data.length == 0;
                usb.out(r, value, data);
            }

            @Override
            public byte[] in(int r, int value, int length) throws IOException {
                byte[] reply = usb.in(r, value, length);
                if (r != DfuRequest.GETSTATUS || !left[0]) {
                    return reply;
                }
                byte[] last = leave.apply(reply);
                if (last == null) {
                    throw new IOException("LIBUSB_ERROR_NO_DEVICE");
                }
                return last;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aDeviceThatResetsBeforeAnsweringTheLeavesGetStatusHasLeft() throws Exception {
        // What ST's ROM and many DFU stacks do: dfu-util reports "Error during download get_status".
        DfuseClient client = client(leaving(s -> null));
        client.go(G071.flashBase());
        assertEquals(G071.flashBase(), rom.startedAt());
    }

    @Test
    void aLeaveAnsweredWithDfuErrorFails() throws Exception {
        DfuseClient client = client(leaving(s -> {
            s[0] = (byte) DfuStatus.ERR_ADDRESS.code();
            s[4] = (byte) DfuState.ERROR.code();
            return s;
        }));
        DfuException e = assertThrows(DfuException.class, () -> client.go(G071.flashBase()));
        assertTrue(e.getMessage().startsWith("DfuSe leave to 0x8000000: device status ERR_ADDRESS"),
                e.getMessage());
    }
}
