// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.device;

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
import dev.fwdelta.runtime.transport.TransferSession;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue 16): on stm32l4-512k (ECC units) with the programmer pair at 1,024-byte
 * blocks, a program torn before any of the 118 receive-phase flash operations left 8 updates
 * stuck: every resend rewrote the torn unit and failed. The agent now begins the update again
 * itself, and the transfer session tells the host to resend from the payload start. The patch is
 * built by today's builder: since it drops covers that cost more than extra bytes and screens
 * the relocated views on the widest alignment margin (issue 19) the same case takes 118
 * operations, every one of them torn here, and 8 of the cuts tear a unit that the resumed attempt
 * must rewrite (4 with the patch of 121 operations before).
 */
class TornEccUnitTest {
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(BuildOptions.DEFAULT_RAM_BUDGET);
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("stm32l4-512k");
    private static final Corpus.Pair PAIR = Corpus.pair("programmer");
    private static final byte[] PATCH = PatchBuilder.build(PAIR.oldBytes(), PAIR.newBytes(),
            new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 1024, 2, 0)).patch();
    private static final int CHUNK = 1020;
    private static final int MAX_ATTEMPTS = 20;

    /** What one receive phase did: attempts (boots or reconnects) and agent restarts. */
    private record Run(boolean staged, int attempts, int restarts) {
    }

    /**
     * Receives the patch through the device's transfer session, as a host would send it: begin
     * after every boot, then data from whatever offset the session answers, then done.
     */
    private static Run receive(NorFlash flash) throws Exception {
        int restarts = 0;
        byte[] begin = new byte[4 + PatchHeader.sizeFromPrefix(PATCH)];
        LittleEndian.put32(begin, 0, PATCH.length);
        System.arraycopy(PATCH, 0, begin, 4, begin.length - 4);
        TransferSession session = new TransferSession(() -> new UpdateAgent(LAYOUT, flash, POLICY));
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                TransferSession.Reply r = session.begin(begin);
                while (r.kind() != TransferSession.Kind.RESULT) {
                    restarts += r.kind() == TransferSession.Kind.RESTARTED ? 1 : 0;
                    long off = r.offset();
                    r = off < PATCH.length
                            ? session.data(off, PATCH, (int) off, (int) Math.min(CHUNK, PATCH.length - off))
                            : session.done();
                }
                if (r.ok()) {
                    return new Run(session.agentState() == UpdateAgent.State.STAGED, attempt, restarts);
                }
                // refused: the host reports it and sends BEGIN again
            } catch (PowerCutException cut) {
                flash.setFaults(null);
                session.reboot();
            }
        }
        return new Run(false, MAX_ATTEMPTS, restarts);
    }

    private static long receiveOperations() throws Exception {
        NorFlash flash = DeviceSimulator.provision(LAYOUT, PAIR.oldBytes());
        assertTrue(receive(flash).staged());
        return flash.counters().operations();
    }

    @Test
    void everyTornReceiveOperationEndsStaged() throws Exception {
        assertTrue(LAYOUT.geometry().eccUnits(), "the case needs an ECC part");
        assertTrue(PatchHeader.parse(PATCH).blockCount() > 1, "resume points inside the patch");
        long operations = receiveOperations();
        assertEquals(117, operations, "receive-phase flash operations of the issue's case");
        int restarted = 0;
        for (long cut = 0; cut < operations; cut++) {
            NorFlash flash = DeviceSimulator.provision(LAYOUT, PAIR.oldBytes());
            flash.setFaults(FaultPlan.cutBefore(cut, true));
            Run r = receive(flash);
            assertTrue(r.staged(), "torn before operation " + cut + ": stuck after " + r.attempts() + " attempts");
            byte[] staged = Arrays.copyOfRange(flash.snapshot(), (int) LAYOUT.staging().offset(),
                    (int) LAYOUT.staging().offset() + PAIR.newBytes().length);
            assertArrayEquals(PAIR.newBytes(), staged, "torn before operation " + cut);
            restarted += r.restarts() > 0 ? 1 : 0;
        }
        // The cuts that tear a staging unit which the resumed attempt must rewrite.
        assertEquals(8, restarted, "updates the agent had to restart");
    }
}
