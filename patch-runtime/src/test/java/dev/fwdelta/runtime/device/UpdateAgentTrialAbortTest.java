// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.DeviceInfo;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.TransferSession;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * ABORT while the bootloader installs, runs on trial or reverts an update (docs/DEVICE.md "Agent
 * states"). abort erased the agent log; the bootloader, which acts on the boot log only while the
 * agent log names its patch, then booted the unconfirmed image as OLD, no trial, for good, and
 * every later begin was refused as on trial. Now abort (and an ABORT frame, which answers RESULT
 * 0xFFFF) is refused, nothing written: the next boot reverts the unconfirmed image, or a confirm
 * keeps it. An update staged but not installed is still dropped; one confirmed or reverted has
 * nothing left to drop (abort writes nothing). fwd_agent_trial_test is the C twin.
 */
class UpdateAgentTrialAbortTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(1 << 20);
    private static final TestPatch SOURCE = TestPatch.standard();
    private static final byte[] PATCH = SOURCE.build();

    private final NorFlash flash;
    private final Bootloader bootloader;

    UpdateAgentTrialAbortTest() throws Exception {
        flash = DeviceSimulator.provision(LAYOUT, SOURCE.old);
        bootloader = new Bootloader(LAYOUT, flash);
    }

    private UpdateAgent agent() {
        return new UpdateAgent(LAYOUT, flash, POLICY);
    }

    private void stage() throws Exception {
        UpdateAgent a = agent();
        long from = a.begin(Arrays.copyOf(PATCH, PatchHeader.sizeFromPrefix(PATCH)));
        a.receive(PATCH, (int) from, PATCH.length - (int) from);
        a.finish();
        assertEquals(UpdateAgent.State.STAGED, a.state());
    }

    private byte[] active(int length) {
        byte[] b = new byte[length];
        flash.read(LAYOUT.active().offset(), b, 0, length);
        return b;
    }

    private byte[] header() throws Exception {
        return Arrays.copyOf(PATCH, PatchHeader.sizeFromPrefix(PATCH));
    }

    /** The application after a boot: agent, session and UART device refuse ABORT (and BEGIN), nothing written. */
    private void abortRefused() throws Exception {
        byte[] before = flash.snapshot();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> agent().abort());
        assertEquals(UpdateAgent.ON_TRIAL, e.getMessage());
        assertThrows(IllegalStateException.class, () -> agent().begin(header()));

        TransferSession session = new TransferSession(this::agent);
        TransferSession.Reply r = session.abort();
        assertEquals(TransferSession.Kind.RESULT, r.kind(), r.toString());
        assertEquals(TransferSession.RESULT_OTHER, r.status(), r.toString());

        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        UartDevice uart = new UartDevice(this::agent, new DeviceInfo(1 << 20, 0, 0, LAYOUT.name()),
                (b, off, len) -> sent.write(b, off, len));
        byte[] abort = new Frame(FrameType.ABORT, 0, new byte[] {0}).encode();
        uart.receive(abort, 0, abort.length);
        byte[] out = sent.toByteArray();
        assertTrue(out.length > Frame.OVERHEAD + 2 && out[1] == FrameType.RESULT.code(), "ABORT answered RESULT");
        assertEquals(TransferSession.RESULT_OTHER, LittleEndian.u16(out, Frame.HEADER));
        assertTrue(new String(out, Frame.HEADER + 2, out.length - Frame.OVERHEAD - 2, StandardCharsets.UTF_8)
                .startsWith("the running image is on trial"));

        assertArrayEquals(before, flash.snapshot(), "the flash untouched");
    }

    @Test
    void onTrialAbortIsRefusedAndTheNextBootReverts() throws Exception {
        stage();
        assertEquals(new BootResult(BootResult.Image.NEW, true), bootloader.boot());
        abortRefused();
        assertEquals(new BootResult(BootResult.Image.OLD, false), bootloader.boot(), "not confirmed: reverted");
        assertArrayEquals(SOURCE.old, active(SOURCE.old.length));
        byte[] before = flash.snapshot();
        agent().abort(); // after the revert: allowed, nothing to drop
        assertArrayEquals(before, flash.snapshot(), "nothing written");
        assertEquals(new BootResult(BootResult.Image.OLD, false), bootloader.boot());
    }

    /** After CONFIRMED abort succeeds and writes nothing: the bootloader still knows the image as NEW. */
    @Test
    void afterTheConfirmAbortDropsNothing() throws Exception {
        stage();
        assertEquals(new BootResult(BootResult.Image.NEW, true), bootloader.boot());
        bootloader.confirm();
        byte[] before = flash.snapshot();
        agent().abort();
        assertEquals(TransferSession.Kind.IGNORED, new TransferSession(this::agent).abort().kind());
        assertArrayEquals(before, flash.snapshot(), "nothing written");
        assertEquals(new BootResult(BootResult.Image.NEW, false), bootloader.boot(), "not reported as OLD");
        UpdateAgent next = agent();
        assertEquals(UpdateAgent.State.IDLE, next.state());
        PatchException e = assertThrows(PatchException.class, () -> next.begin(header()));
        assertEquals(ErrorCode.WRONG_BASE_IMAGE, e.code(), "the next update is checked again (this patch's base is gone)");
    }

    @Test
    void onTrialAbortIsRefusedAndConfirmStillKeepsTheNewImage() throws Exception {
        stage();
        assertEquals(new BootResult(BootResult.Image.NEW, true), bootloader.boot());
        abortRefused();
        bootloader.confirm();
        assertEquals(new BootResult(BootResult.Image.NEW, false), bootloader.boot());
        assertArrayEquals(SOURCE.newImage(), active(SOURCE.newImage().length));
    }

    /** REVERT logged, not REVERTED (not on trial): the agent log must stay all the same. */
    @Test
    void aRevertUnderWayIsNotAborted() throws Exception {
        stage();
        assertEquals(new BootResult(BootResult.Image.NEW, true), bootloader.boot());
        BootRecords.write(new StatusLog(flash, LAYOUT.bootLog()), BootRecords.REVERT);
        abortRefused();
        assertEquals(new BootResult(BootResult.Image.OLD, false), bootloader.boot(), "the revert finished");
        assertArrayEquals(SOURCE.old, active(SOURCE.old.length));
    }

    @Test
    void stagedButNotInstalledIsAborted() throws Exception {
        stage();
        TransferSession session = new TransferSession(this::agent);
        assertEquals(TransferSession.Kind.IGNORED, session.abort().kind());
        assertEquals(UpdateAgent.State.IDLE, agent().state());
        assertEquals(new BootResult(BootResult.Image.OLD, false), bootloader.boot(), "nothing installed");
        assertArrayEquals(SOURCE.old, active(SOURCE.old.length));
    }
}
