// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.TransferSession.Kind;
import dev.fwdelta.runtime.transport.TransferSession.Reply;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The device's transfer session, transport aside: every reply it can give, and where it resumes. */
class TransferSessionTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(1 << 20);
    private static final TestPatch SOURCE = TestPatch.standard();
    private static final byte[] PATCH = SOURCE.build();

    private final NorFlash flash;
    private final TransferSession session;
    private final int headerSize;

    TransferSessionTest() throws Exception {
        flash = DeviceSimulator.provision(LAYOUT, SOURCE.old);
        session = new TransferSession(() -> new UpdateAgent(LAYOUT, flash, POLICY));
        headerSize = PatchHeader.sizeFromPrefix(PATCH);
    }

    private static byte[] begin(long length, int headerBytes) {
        byte[] m = new byte[4 + headerBytes];
        LittleEndian.put32(m, 0, length);
        System.arraycopy(PATCH, 0, m, 4, headerBytes);
        return m;
    }

    private Reply data(long from, int n) throws Exception {
        return session.data(from, PATCH, (int) from, n);
    }

    /** Opens a transfer and sends all but the last 20-odd bytes in 13-byte pieces; the offset reached. */
    private long beginAndSendMostOfThePatch() throws Exception {
        session.begin(begin(PATCH.length, headerSize));
        long at = headerSize;
        for (; at < PATCH.length - 20; at += 13) {
            assertEquals(Kind.ACK, data(at, 13).kind());
        }
        return at;
    }

    private void assertReply(Kind kind, long offset, Reply r) {
        assertEquals(kind, r.kind(), r.toString());
        assertEquals(offset, r.offset(), r.toString());
    }

    @Test
    void inOrderDuplicateAndGapThenDone() throws Exception {
        assertReply(Kind.IGNORED, 0, data(headerSize, 10));
        assertReply(Kind.READY, headerSize, session.begin(begin(PATCH.length, headerSize)));
        assertReply(Kind.ACK, headerSize + 10, data(headerSize, 10));
        assertReply(Kind.DUPLICATE, headerSize + 10, data(headerSize, 10));
        assertReply(Kind.GAP, headerSize + 10, data(headerSize + 20, 10));
        assertReply(Kind.GAP, headerSize + 10, session.done());
        assertReply(Kind.GAP, headerSize + 10, session.data(headerSize + 10, new byte[PATCH.length], 0, PATCH.length));
        for (long off = headerSize + 10; off < PATCH.length; off += 7) {
            assertEquals(Kind.ACK, data(off, (int) Math.min(7, PATCH.length - off)).kind());
        }
        Reply done = session.done();
        assertEquals(Kind.RESULT, done.kind());
        assertTrue(done.ok(), done.message());
        byte[] staged = Arrays.copyOfRange(flash.snapshot(), (int) LAYOUT.staging().offset(),
                (int) LAYOUT.staging().offset() + SOURCE.newImage().length);
        assertArrayEquals(SOURCE.newImage(), staged);
    }

    @Test
    void afterALinkDropBeginResumesAtTheNextExpectedByte() throws Exception {
        long at = beginAndSendMostOfThePatch();
        assertReply(Kind.READY, at, session.begin(begin(PATCH.length, headerSize)));
        assertEquals(at, session.resumeOffset());
    }

    @Test
    void afterAResetBeginResumesAtTheLastCheckpoint() throws Exception {
        long at = beginAndSendMostOfThePatch();
        session.reboot();
        long checkpoint = new UpdateAgent(LAYOUT, flash, POLICY).resumeOffset();
        assertTrue(checkpoint < at, "checkpoint " + checkpoint + " before the " + at + " bytes received");
        assertReply(Kind.READY, checkpoint, session.begin(begin(PATCH.length, headerSize)));
    }

    /**
     * A BEGIN of another patch that the agent refuses (here: built on another old image) costs the
     * place held in RAM: the update goes on from its checkpoint in flash, as the C agent, which
     * checks the refused header with the applier that held that place (patch-runtime/c's
     * UartDifferentialTest found the two devices answering different offsets).
     */
    @Test
    void aRefusedBeginOfAnotherPatchLeavesTheUpdateAtItsCheckpoint() throws Exception {
        long at = beginAndSendMostOfThePatch();
        byte[] other = new TestPatch(TestPatch.bytes(99, SOURCE.old.length)).build();
        int otherHeader = PatchHeader.sizeFromPrefix(other);
        byte[] beginOther = new byte[4 + otherHeader];
        LittleEndian.put32(beginOther, 0, other.length);
        System.arraycopy(other, 0, beginOther, 4, otherHeader);
        assertEquals(Kind.RESULT, session.begin(beginOther).kind());
        long checkpoint = new UpdateAgent(LAYOUT, flash, POLICY).resumeOffset();
        assertTrue(checkpoint < at, "checkpoint " + checkpoint + " before the " + at + " bytes received");
        assertEquals(checkpoint, session.resumeOffset());
        assertReply(Kind.READY, checkpoint, session.begin(begin(PATCH.length, headerSize)));
        for (long off = checkpoint; off < PATCH.length; off += 13) {
            assertEquals(Kind.ACK, data(off, (int) Math.min(13, PATCH.length - off)).kind());
        }
        assertTrue(session.done().ok(), "the update resumed from its checkpoint stages");
    }

    /**
     * An agent log filled by torn records (here: its last slot programmed, so no slot after it is
     * left) fails the receive; the next BEGIN of the same patch begins it again in an erased log
     * (docs/DEVICE.md "Torn records") instead of resuming into the full log, and the update
     * stages. Before, the session's agent made again from flash resumed, failed at the same block,
     * and every later BEGIN did the same: the update was blocked for good.
     */
    @Test
    void aFullAgentLogFailsTheReceiveAndTheNextBeginStartsAgainInAnErasedLog() throws Exception {
        assertReply(Kind.READY, headerSize, session.begin(begin(PATCH.length, headerSize)));
        long lastSlot = LAYOUT.agentLog().offset() + LAYOUT.agentLog().size() - 64;
        flash.program(lastSlot, new byte[64], 0, 64);
        Reply failed = null;
        for (long at = headerSize; at < PATCH.length && failed == null; at += 13) {
            Reply r = data(at, (int) Math.min(13, PATCH.length - at));
            failed = r.kind() == Kind.RESULT ? r : null;
        }
        assertTrue(failed != null && !failed.ok(), "the full log failed the receive: " + failed);
        assertReply(Kind.READY, headerSize, session.begin(begin(PATCH.length, headerSize)));
        for (long at = headerSize; at < PATCH.length; at += 13) {
            assertEquals(Kind.ACK, data(at, (int) Math.min(13, PATCH.length - at)).kind());
        }
        assertTrue(session.done().ok(), "staged in an erased log");
    }

    /**
     * No agent log slot left for STAGED: DONE ends the transfer with RESULT IO_ERROR (36), the
     * agent failed, as the C device answers (fwd_agent_finish, fwd_uart.c); the Java session let
     * the log's IOException out of done(), which ended the device's receive loop, the agent left
     * receiving. The next BEGIN begins the update again in an erased log.
     */
    @Test
    void noSlotForStagedEndsTheTransferWithAnIoErrorResult() throws Exception {
        assertReply(Kind.READY, headerSize, session.begin(begin(PATCH.length, headerSize)));
        for (long at = headerSize; at < PATCH.length; at += 13) {
            assertEquals(Kind.ACK, data(at, (int) Math.min(13, PATCH.length - at)).kind());
        }
        flash.program(LAYOUT.agentLog().offset() + LAYOUT.agentLog().size() - 64, new byte[64], 0, 64);
        Reply done = session.done();
        assertEquals(Kind.RESULT, done.kind(), done.toString());
        assertEquals(ErrorCode.IO_ERROR.number(), done.status(), done.toString());
        assertEquals(UpdateAgent.State.FAILED, session.agentState());
        assertReply(Kind.READY, headerSize, session.begin(begin(PATCH.length, headerSize)));
        for (long at = headerSize; at < PATCH.length; at += 13) {
            assertEquals(Kind.ACK, data(at, (int) Math.min(13, PATCH.length - at)).kind());
        }
        assertTrue(session.done().ok(), "staged in an erased log");
    }

    @Test
    void beginThatDoesNotCarryTheWholeHeaderOrTheRightLengthIsRefused() throws Exception {
        Reply shortHeader = session.begin(begin(PATCH.length, headerSize - 1));
        assertEquals(TransferSession.RESULT_OTHER, shortHeader.status(), shortHeader.toString());
        Reply wrongLength = session.begin(begin(PATCH.length + 1, headerSize));
        assertEquals(TransferSession.RESULT_OTHER, wrongLength.status(), wrongLength.toString());
        assertTrue(wrongLength.message().contains("length"), wrongLength.message());
        assertEquals(-1, session.patchLength(), "no transfer open after a refused begin");
    }

    /**
     * The length is checked before the agent's begin, which would replace (erase) a staged update
     * with the other patch BEGIN names.
     */
    @Test
    void aBeginWithTheWrongLengthLeavesAStagedUpdateAsItWas() throws Exception {
        stageThePatch();
        byte[] before = flash.snapshot();
        TestPatch later = TestPatch.standard();
        later.firmwareVersion = 9;
        byte[] other = later.build();
        int otherHeader = PatchHeader.sizeFromPrefix(other);
        byte[] m = new byte[4 + otherHeader];
        LittleEndian.put32(m, 0, other.length + 12_345);
        System.arraycopy(other, 0, m, 4, otherHeader);
        Reply wrongLength = session.begin(m);
        assertEquals(TransferSession.RESULT_OTHER, wrongLength.status(), wrongLength.toString());
        assertEquals("BEGIN length " + (other.length + 12_345) + " differs from the header's " + other.length,
                wrongLength.message());
        assertArrayEquals(before, flash.snapshot(), "nothing written");
        assertEquals(UpdateAgent.State.STAGED, new UpdateAgent(LAYOUT, flash, POLICY).state());
    }

    /** DATA in an open transfer whose agent no longer receives ends it with RESULT, as the C device does. */
    @Test
    void dataAfterTheAgentStagedThePatchEndsTheTransferWithAResult() throws Exception {
        stageThePatch();
        assertReply(Kind.READY, PATCH.length, session.begin(begin(PATCH.length, headerSize)));
        Reply r = session.data(PATCH.length, new byte[0], 0, 0);
        assertEquals(Kind.RESULT, r.kind(), r.toString());
        assertEquals(TransferSession.RESULT_OTHER, r.status(), r.toString());
        assertEquals(-1, session.patchLength(), "the transfer ended");
    }

    private void stageThePatch() throws Exception {
        beginAndSendMostOfThePatch();
        long at = session.resumeOffset();
        assertEquals(Kind.ACK, data(at, (int) (PATCH.length - at)).kind());
        assertTrue(session.done().ok());
        assertEquals(UpdateAgent.State.STAGED, new UpdateAgent(LAYOUT, flash, POLICY).state());
    }

    @Test
    void withSelectiveRepeatDataAfterAGapIsKeptAndAppliedWhenTheGapIsFilled() throws Exception {
        TransferSession sr = new TransferSession(() -> new UpdateAgent(LAYOUT, flash, POLICY), 64);
        sr.selectiveRepeat(true);
        sr.begin(begin(PATCH.length, headerSize));
        long at = headerSize;
        int frames = 0;
        // Frames of 16 bytes sent in order, every third one lost and sent again after the two that
        // follow it: the device keeps those two and applies all three once the lost one arrives.
        while (at < PATCH.length) {
            long a = at;
            long b = Math.min(PATCH.length, a + 16);
            long c = Math.min(PATCH.length, b + 16);
            long d = Math.min(PATCH.length, c + 16);
            if (b < PATCH.length) {
                assertReply(Kind.GAP, a, sr.data(b, PATCH, (int) b, (int) (c - b)));
            }
            if (c < PATCH.length) {
                assertReply(Kind.GAP, a, sr.data(c, PATCH, (int) c, (int) (d - c)));
                assertEquals(1, sr.held().ranges(), "two adjacent frames are one held range");
                assertEquals(b, sr.held().start(0));
                assertEquals(d, sr.held().end(0));
            }
            assertReply(Kind.ACK, d, sr.data(a, PATCH, (int) a, (int) (b - a)));
            assertEquals(0, sr.held().ranges());
            at = d;
            frames++;
        }
        assertTrue(frames > 5, frames + " rounds");
        Reply done = sr.done();
        assertTrue(done.ok(), done.message());
        byte[] staged = Arrays.copyOfRange(flash.snapshot(), (int) LAYOUT.staging().offset(),
                (int) LAYOUT.staging().offset() + SOURCE.newImage().length);
        assertArrayEquals(SOURCE.newImage(), staged);
    }

    @Test
    void selectiveRepeatKeepsNoMoreThanItsRing() throws Exception {
        TransferSession sr = new TransferSession(() -> new UpdateAgent(LAYOUT, flash, POLICY), 64);
        sr.begin(begin(PATCH.length, headerSize));
        assertReply(Kind.GAP, headerSize, sr.data(headerSize + 8, PATCH, headerSize + 8, 8));
        assertEquals(null, sr.held(), "off until a host asks for it");
        sr.selectiveRepeat(true);
        sr.begin(begin(PATCH.length, headerSize));
        assertReply(Kind.GAP, headerSize, sr.data(headerSize + 8, PATCH, headerSize + 8, 8));
        assertReply(Kind.GAP, headerSize, sr.data(headerSize + 60, PATCH, headerSize + 60, 8)); // ends past 64
        assertEquals(1, sr.held().ranges(), "only the frame within the 64-byte ring is kept");
        sr.abort();
        assertEquals(0, sr.held().ranges(), "abort drops what was held");
        assertEquals(0, new TransferSession(() -> new UpdateAgent(LAYOUT, flash, POLICY)).holdCapacity());
    }
}
