// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.FaultPlan;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.sim.PowerCutException;
import dev.fwdelta.runtime.transport.TransferSession.Kind;
import dev.fwdelta.runtime.transport.TransferSession.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A torn ECC unit met while frames are held for selective repeat (the Java twin of the C
 * tests/torn_ecc_unit_test.c's selective-repeat resend): on stm32l4-512k every receive-phase
 * operation of a four-block vector is torn once; then, with selective repeat on, the odd frames of
 * the rest are sent first (each held as a range of its own), then the even ones. When the resumed
 * update meets the torn unit the session answers RESTARTED at the payload start with nothing held,
 * and the host, sending from there in order, must see every ACK stop at the end of its own frame:
 * a frame held before the restart and applied after it would carry the ACK past it.
 */
class HeldFramesRestartTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("stm32l4-512k");
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(65536);
    private static final String VECTOR = "compact-relocation-long-map";
    /** The rest after READY in at most this many frames: the odd ones fit HeldData's 8 ranges. */
    private static final int FRAMES = 2 * HeldData.MAX_RANGES;

    private final byte[] oldImage = vector(".old");
    private final byte[] newImage = vector(".new");
    private final byte[] patch = vector(".fwd");
    private final int headerSize = PatchHeader.sizeFromPrefix(patch);

    HeldFramesRestartTest() throws Exception {
    }

    private static byte[] vector(String suffix) throws IOException {
        try (InputStream in = HeldFramesRestartTest.class.getResourceAsStream("/vectors/" + VECTOR + suffix)) {
            assertTrue(in != null, "golden vector " + VECTOR + suffix);
            return in.readAllBytes();
        }
    }

    /** The patch straight through the agent, power cut before operation {@code cut} (torn), or never (-1). */
    private long receiveDirectly(NorFlash flash, long cut) throws IOException {
        flash.setFaults(cut < 0 ? null : FaultPlan.cutBefore(cut, true));
        try {
            UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY);
            long from = agent.begin(Arrays.copyOf(patch, headerSize));
            agent.receive(patch, (int) from, patch.length - (int) from);
            agent.finish();
            assertEquals(UpdateAgent.State.STAGED, agent.state());
        } catch (PowerCutException expected) {
            assertTrue(cut >= 0, "a cut without a plan");
        }
        flash.setFaults(null);
        return flash.counters().operations();
    }

    private Reply data(TransferSession s, long from, long to) throws IOException {
        return s.data(from, patch, (int) from, (int) (to - from));
    }

    /** The resend with frames held; 1 if the restart came with frames held, 2 without, 0 no restart. */
    private int resendHeld(NorFlash flash, long cut) throws IOException {
        TransferSession s = new TransferSession(() -> new UpdateAgent(LAYOUT, flash, POLICY), 1024);
        s.selectiveRepeat(true);
        byte[] begin = new byte[4 + headerSize];
        LittleEndian.put32(begin, 0, patch.length);
        System.arraycopy(patch, 0, begin, 4, headerSize);
        Reply ready = s.begin(begin);
        assertEquals(Kind.READY, ready.kind(), "cut " + cut);
        long from = ready.offset();
        long size = Math.max(1, (patch.length - from + FRAMES - 1) / FRAMES);
        for (long at = from + size; at < patch.length; at += 2 * size) {
            long end = Math.min(patch.length, at + size);
            Reply r = data(s, at, end);
            assertEquals(Kind.GAP, r.kind(), "cut " + cut + ": an odd frame after the gap");
            int range = s.held().rangeOf(at);
            assertTrue(range >= 0 && s.held().start(range) == at && s.held().end(range) == end,
                    "cut " + cut + ": held as a range of its own");
        }
        int restarted = 0;
        for (long at = from; at < patch.length && restarted == 0; at += 2 * size) {
            long end = Math.min(patch.length, at + size);
            long after = Math.min(patch.length, end + size);
            Reply r = data(s, at, end);
            if (r.kind() == Kind.RESTARTED) {
                restarted = after < patch.length ? 1 : 2;
                assertEquals(headerSize, r.offset(), "cut " + cut + ": RESTARTED names the payload start");
                assertEquals(0, s.held().ranges(), "cut " + cut + ": nothing held after the restart");
            } else {
                assertEquals(Kind.ACK, r.kind(), "cut " + cut + ": " + r);
                assertEquals(after, r.offset(), "cut " + cut + ": an even frame applied with the held one after it");
            }
        }
        Reply done = s.done();
        if (done.kind() == Kind.RESTARTED) {
            restarted = 2; // the last unit, padded at DONE: nothing held then
            assertEquals(headerSize, done.offset(), "cut " + cut);
        }
        if (restarted != 0) {
            for (long at = headerSize; at < patch.length; at += size) {
                long end = Math.min(patch.length, at + size);
                Reply r = data(s, at, end);
                assertEquals(Kind.ACK, r.kind(), "cut " + cut + ": " + r);
                assertEquals(end, r.offset(), "cut " + cut + ": sent again in order, nothing held before the restart"
                        + " applied after it");
            }
            done = s.done();
        }
        assertEquals(Kind.RESULT, done.kind(), "cut " + cut + ": " + done);
        assertEquals(TransferSession.RESULT_OK, done.status(), "cut " + cut + ": " + done);
        byte[] staged = Arrays.copyOfRange(flash.snapshot(), (int) LAYOUT.staging().offset(),
                (int) LAYOUT.staging().offset() + newImage.length);
        assertArrayEquals(newImage, staged, "cut " + cut + ": the new image staged whole");
        return restarted;
    }

    @Test
    void aRestartWithFramesHeldDropsThemAndTheUpdateStagesWhole() throws Exception {
        assertTrue(LAYOUT.geometry().eccUnits(), "the case needs an ECC part");
        long operations = receiveDirectly(DeviceSimulator.provision(LAYOUT, oldImage), -1);
        int held = 0;
        int unheld = 0;
        for (long cut = 0; cut < operations; cut++) {
            NorFlash flash = DeviceSimulator.provision(LAYOUT, oldImage);
            receiveDirectly(flash, cut);
            int r = resendHeld(flash, cut);
            held += r == 1 ? 1 : 0;
            unheld += r == 2 ? 1 : 0;
        }
        // as on the C device (tests/torn_ecc_unit_test.c): 26 operations, 5 restarts with frames held, 1 without
        assertEquals(26, operations, "receive-phase flash operations");
        assertEquals(5, held, "restarts with frames held");
        assertEquals(1, unheld, "restarts with nothing held");
    }
}
