// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.flash.FlashException;
import dev.fwdelta.runtime.flash.ForwardingFlash;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.TransferSession.Kind;
import dev.fwdelta.runtime.transport.TransferSession.Reply;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A flash that refuses an erase while the session runs is answered as the C device answers it
 * (fwd_uart.c): BEGIN with RESULT IO_ERROR, ABORT with nothing; the session goes on, and the next
 * BEGIN, the flash working again, opens the transfer. Before, the flash's exception left the
 * session and ended the device's receive loop.
 */
class SessionFlashRefusalTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(1 << 20);
    private static final TestPatch SOURCE = TestPatch.standard();
    private static final byte[] PATCH = SOURCE.build();

    /** The device's flash, whose erases fail while {@link #refuseErases} is set. */
    private static final class RefusingFlash extends ForwardingFlash {
        boolean refuseErases;

        RefusingFlash(NorFlash flash) {
            super(flash);
        }

        @Override
        public void erase(int sector) throws IOException {
            if (refuseErases) {
                throw new FlashException("erase of sector " + sector + " refused");
            }
            inner.erase(sector);
        }
    }

    private final RefusingFlash flash;
    private final TransferSession session;
    private final byte[] begin;

    SessionFlashRefusalTest() throws Exception {
        flash = new RefusingFlash(DeviceSimulator.provision(LAYOUT, SOURCE.old));
        session = new TransferSession(() -> new UpdateAgent(LAYOUT, flash, POLICY));
        int headerSize = PatchHeader.sizeFromPrefix(PATCH);
        begin = new byte[4 + headerSize];
        LittleEndian.put32(begin, 0, PATCH.length);
        System.arraycopy(PATCH, 0, begin, 4, headerSize);
    }

    @Test
    void aRefusedEraseAtBeginIsAnIoErrorResultAndTheNextBeginOpensTheTransfer() throws Exception {
        flash.refuseErases = true;
        Reply refused = session.begin(begin);
        assertEquals(Kind.RESULT, refused.kind(), refused.toString());
        assertEquals(ErrorCode.IO_ERROR.number(), refused.status(), refused.toString());
        flash.refuseErases = false;
        Reply ready = session.begin(begin);
        assertEquals(Kind.READY, ready.kind(), ready.toString());
    }

    @Test
    void aRefusedEraseAtAbortIsNoAnswerAndTheSessionGoesOn() throws Exception {
        assertEquals(Kind.READY, session.begin(begin).kind());
        flash.refuseErases = true;
        assertEquals(Kind.IGNORED, session.abort().kind());
        flash.refuseErases = false;
        assertEquals(Kind.READY, session.begin(begin).kind());
    }
}
