// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.fwdelta.runtime.transport.dfu.DfuStatus;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sim.InProcessControl;
import dev.fwdelta.tool.transport.dfu.ControlTransfer;
import dev.fwdelta.tool.transport.dfu.DfuException;
import dev.fwdelta.tool.transport.dfu.DfuChannel;
import dev.fwdelta.tool.transport.dfu.PollWait;
import dev.fwdelta.tool.transport.dfu.StallException;
import dev.fwdelta.tool.transport.dfu.Usb4JavaControl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DFU host against the device-side DFU state machine, in process, errors included. */
class DfuTransferTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("stm32f405-1m");
    private static final Corpus.Pair PAIR = Corpus.pair("pyb-small");
    private static final byte[] PATCH = PatchBuilder.build(PAIR.oldBytes(), PAIR.newBytes(),
            new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 8 * 1024, 1, 0)).patch();

    private NorFlash flash;

    private DfuDevice device(int pollMs) throws IOException {
        flash = DeviceSimulator.provision(LAYOUT, PAIR.oldBytes());
        UpdatePolicy policy = UpdatePolicy.ramOnly(BuildOptions.DEFAULT_RAM_BUDGET);
        return new DfuDevice(() -> new UpdateAgent(LAYOUT, flash, policy), pollMs);
    }

    private void assertStaged() {
        byte[] staged = new byte[PAIR.newBytes().length];
        flash.read(LAYOUT.staging().offset(), staged, 0, staged.length);
        assertArrayEquals(PAIR.newBytes(), staged);
        assertEquals(UpdateAgent.State.STAGED, new UpdateAgent(LAYOUT, flash, UpdatePolicy.ramOnly(1 << 20)).state());
    }

    /** Wraps a control transfer; a hook may stall or fail a request. */
    private interface Hook {
        void before(int request, int count) throws IOException;
    }

    private static ControlTransfer hooked(ControlTransfer inner, Hook hook) {
        return new ControlTransfer() {
            int count;

            @Override
            public void out(int request, int value, byte[] data) throws IOException {
                hook.before(request, ++count);
                inner.out(request, value, data);
            }

            @Override
            public byte[] in(int request, int value, int length) throws IOException {
                hook.before(request, ++count);
                return inner.in(request, value, length);
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void patchIsStagedOverDfu() throws Exception {
        HostSession.Result r = DfuChannel.send(new InProcessControl(device(1)), PATCH, (a, t, s) -> { });
        assertEquals(PatchHeader.parse(PATCH).size(), r.firstOffset());
        assertEquals(0, r.reconnects());
        assertStaged();
    }

    @Test
    void stalledRequestsAreClearedAndTheTransferResumes() throws Exception {
        DfuDevice d = device(1);
        int[] stalls = {0};
        int[] downloads = {0};
        ControlTransfer usb = hooked(new InProcessControl(d), (request, count) -> {
            if (request == DfuRequest.DNLOAD && ++downloads[0] % 3 == 0 && stalls[0] < 3) {
                stalls[0]++;
                throw new StallException("DNLOAD (injected)");
            }
        });
        HostSession.Result r = DfuChannel.send(usb, PATCH, (a, t, s) -> { });
        assertTrue(stalls[0] >= 2, "stalls injected: " + stalls[0]);
        assertEquals(stalls[0], r.reconnects(), "one new begin per stall");
        assertStaged();
    }

    @Test
    void theHostWaitsThePollTimeoutTheDeviceAsks() throws Exception {
        DfuDevice d = device(25);
        // The waits are recorded, not slept: the count and length of each wait is what is checked,
        // never how long the run took.
        List<Integer> sleeps = new ArrayList<>();
        DfuChannel channel = new DfuChannel(new InProcessControl(d), sleeps::add);
        new HostSession(channel, (a, t, s) -> { }, 0).send(PATCH);
        long blocks = (PATCH.length - PatchHeader.parse(PATCH).size() + DfuDevice.TRANSFER_SIZE - 1)
                / DfuDevice.TRANSFER_SIZE;
        assertTrue(sleeps.stream().filter(ms -> ms == 25).count() >= blocks,
                sleeps.size() + " waits for " + blocks + " busy blocks of 25 ms: " + sleeps);
        assertFalse(sleeps.stream().anyMatch(ms -> ms != 25 && ms != 0), sleeps.toString());
        assertTrue(channel.polls() >= 2 * blocks);
        assertStaged();
    }

    @Test
    void theWaitBetweenPollsIsCappedWhateverTheDeviceAsks() throws Exception {
        DfuDevice d = device(0xFF_FFFF); // the largest bwPollTimeout the field holds
        List<Integer> sleeps = new ArrayList<>();
        DfuChannel channel = new DfuChannel(new InProcessControl(d), sleeps::add);
        new HostSession(channel, (a, t, s) -> { }, 0).send(PATCH);
        assertFalse(sleeps.isEmpty(), "the device was busy after every block");
        assertFalse(sleeps.stream().anyMatch(ms -> ms != PollWait.MAX_WAIT_MS), sleeps.toString());
        assertStaged();
    }

    @Test
    void cablePulledMidTransferThenResumed() throws Exception {
        DfuDevice d = device(1);
        ControlTransfer flaky = hooked(new InProcessControl(d), (request, count) -> {
            if (count == 12) { // a few blocks into the transfer
                throw new IOException("LIBUSB_ERROR_NO_DEVICE (injected)");
            }
        });
        assertThrows(IOException.class, () -> DfuChannel.send(flaky, PATCH, (a, t, s) -> { }));
        HostSession.Result r = DfuChannel.send(new InProcessControl(d), PATCH, (a, t, s) -> { });
        assertTrue(r.firstOffset() > PatchHeader.parse(PATCH).size(), "resumed at " + r.firstOffset());
        assertStaged();
    }

    @Test
    void aResumePointPastThePatchIsRefused() throws Exception {
        // The device's DFU_UPLOAD says to go on past the end of the patch: no block is sent, and
        // the transfer fails naming the field and the allowed range, never as staged.
        DfuDevice d = device(1);
        InProcessControl inner = new InProcessControl(d);
        int[] blocks = {0};
        ControlTransfer lying = new ControlTransfer() {
            @Override
            public void out(int request, int value, byte[] data) throws IOException {
                blocks[0] += request == DfuRequest.DNLOAD && value > 0 ? 1 : 0;
                inner.out(request, value, data);
            }

            @Override
            public byte[] in(int request, int value, int length) throws IOException {
                byte[] r = inner.in(request, value, length);
                if (request == DfuRequest.UPLOAD) {
                    LittleEndian.put32(r, 4, PATCH.length + 100_000L);
                }
                return r;
            }

            @Override
            public void close() {
            }
        };
        List<Long> progress = new ArrayList<>();
        DeviceProtocolException e = assertThrows(DeviceProtocolException.class,
                () -> DfuChannel.send(lying, PATCH, (a, t, s) -> progress.add(a)));
        assertTrue(e.getMessage().contains("resume point (DFU_UPLOAD FWDS offset) " + (PATCH.length + 100_000)
                + ", outside the allowed 0.." + PATCH.length), e.getMessage());
        assertEquals(0, blocks[0], "no block after block 0");
        assertEquals(List.of(0L), progress, "no progress but the start");
    }

    /**
     * errNOTDONE at the end, and an FWDS offset at the patch's end: the host took that offset as
     * the session's end and reported the patch staged and verified, which the device never said.
     * After an error at DONE the device wants bytes before the end (found by a review).
     */
    @Test
    void notDoneAtTheEndWithAnOffsetAtTheEndIsNoSuccess() throws Exception {
        DfuDevice d = device(1);
        InProcessControl inner = new InProcessControl(d);
        boolean[] atDone = {false};
        ControlTransfer notDone = new ControlTransfer() {
            @Override
            public void out(int request, int value, byte[] data) throws IOException {
                // From the end's zero-length DNLOAD on, the device's error is this stand-in's: the
                // requests that clear it do not reach the device, which has no error to clear.
                atDone[0] |= request == DfuRequest.DNLOAD && value > 0 && data.length == 0;
                if (!atDone[0]) {
                    inner.out(request, value, data);
                }
            }

            @Override
            public byte[] in(int request, int value, int length) throws IOException {
                if (atDone[0] && request == DfuRequest.GETSTATUS) {
                    return new byte[] {(byte) DfuStatus.ERR_NOTDONE.code(), 0, 0, 0, (byte) DfuState.ERROR.code(), 0};
                }
                byte[] r = inner.in(request, value, length);
                if (request == DfuRequest.UPLOAD) {
                    LittleEndian.put32(r, 4, PATCH.length);
                }
                return r;
            }

            @Override
            public void close() {
            }
        };
        DeviceProtocolException e = assertThrows(DeviceProtocolException.class,
                () -> DfuChannel.send(notDone, PATCH, (a, t, s) -> { }));
        assertTrue(e.getMessage().contains("resume point (DFU_UPLOAD FWDS offset) " + PATCH.length
                + ", outside the allowed 0.." + (PATCH.length - 1)), e.getMessage());
    }

    @Test
    void abortReturnsToIdleAndARequestInTheWrongStateStalls() throws Exception {
        DfuDevice d = device(1);
        assertTrue(d.controlOut(DfuRequest.ABORT, 0, new byte[0]));
        assertEquals(DfuState.DFU_IDLE, d.state());
        // A zero-length DNLOAD in dfuIDLE is not allowed: stall, dfuERROR, errSTALLEDPKT.
        assertEquals(false, d.controlOut(DfuRequest.DNLOAD, 0, new byte[0]));
        byte[] s = d.controlIn(DfuRequest.GETSTATUS, 0, 6);
        assertEquals(DfuStatus.ERR_STALLEDPKT.code(), s[0]);
        assertEquals(DfuState.ERROR.code(), s[4]);
        assertNull(d.controlIn(DfuRequest.UPLOAD, 0, 12), "UPLOAD stalls in dfuERROR");
        assertTrue(d.controlOut(DfuRequest.CLRSTATUS, 0, new byte[0]));
        assertEquals(DfuState.DFU_IDLE, d.state());
        // The host recovers from a device left in dfuERROR on its own.
        d.controlOut(DfuRequest.DNLOAD, 0, new byte[0]);
        DfuChannel.send(new InProcessControl(d), PATCH, (a, t, st) -> { });
        assertStaged();
    }

    @Test
    void refusedPatchIsReportedWithItsDfuStatus() throws Exception {
        DfuDevice d = device(1);
        byte[] other = PatchBuilder.build(PAIR.newBytes(), PAIR.oldBytes(), BuildOptions.defaults()).patch();
        DfuException e = assertThrows(DfuException.class, () -> DfuChannel.send(new InProcessControl(d), other, (a, t, s) -> { }));
        assertEquals(DfuStatus.ERR_TARGET, e.status(), e.getMessage());
        assertEquals(0, flash.counters().operations(), "refused before any flash write");
    }

    @Test
    void usb4javaWithoutTheDeviceSaysSoClearly() {
        IOException e = assertThrows(IOException.class, () -> Usb4JavaControl.open(0x0483, 0xdf11, 2000));
        assertTrue(e.getMessage().contains("0483:df11"), e.getMessage());
        assertTrue(e.getMessage().contains("no USB device") || e.getMessage().contains("USB unavailable"),
                e.getMessage());
    }
}
