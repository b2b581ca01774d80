// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.device.UpdateRestartedException;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The device side of a patch transfer, whatever carries it (UART frames, USB DFU blocks): begin
 * with the header gives the resume offset; data at an offset is applied, or answered as a
 * duplicate or a gap; done verifies; abort drops the update. The transports only translate their
 * messages into these calls and the replies back (docs/PROTOCOL.md).
 *
 * <p>After a dropped link (the device stayed powered) the agent still holds its state in RAM, so
 * BEGIN with the same header resumes at the next expected byte; after a reset the agent is made
 * again from flash and resumes at its last checkpoint. A torn ECC unit makes the agent restart the
 * update, and the reply says from where ({@link Kind#RESTARTED}).
 *
 * <p>With selective repeat on (a UART host that asked for it, docs/PROTOCOL.md), data after a gap
 * is kept in {@link HeldData} and applied as soon as the missing bytes arrive, so the host resends
 * only what was lost. RAM: the agent's, two longs, its one {@link Reply}, and the hold ring when one is given
 * ({@code holdBytes} + {@link HeldData#MAX_RANGES} pairs of longs; none for go-back-N only).
 */
public final class TransferSession {
    /** What the device answers. */
    public enum Kind {
        /** begin accepted: send from {@code offset}. */
        READY,
        /** data applied: {@code offset} is the next expected byte. */
        ACK,
        /** data before the expected offset (a retransmission): nothing applied. */
        DUPLICATE,
        /** data after the expected offset, or done before the last byte: send from {@code offset}. */
        GAP,
        /** the agent began the update again (torn ECC unit): send from {@code offset}. */
        RESTARTED,
        /** the transfer ended: {@code status} 0 staged, else a patch error code or {@link #RESULT_OTHER}. */
        RESULT,
        /** no transfer in progress: the message is ignored. */
        IGNORED
    }

    /**
     * One answer: its kind, and the offset or the status and message it carries. The session has
     * one, rewritten by each call (a device allocates nothing per message): read it before the
     * session's next call.
     */
    public static final class Reply {
        private Kind kind;
        private long offset;
        private int status;
        private String message;

        private Reply at(Kind k, long at) {
            return set(k, at, RESULT_OK, "");
        }

        private Reply result(int resultStatus, String resultMessage) {
            return set(Kind.RESULT, -1, resultStatus, resultMessage);
        }

        private Reply set(Kind k, long at, int resultStatus, String resultMessage) {
            this.kind = k;
            this.offset = at;
            this.status = resultStatus;
            this.message = resultMessage;
            return this;
        }

        public Kind kind() {
            return kind;
        }

        /** The offset to send from (READY, ACK, DUPLICATE, GAP, RESTARTED); -1 for RESULT. */
        public long offset() {
            return offset;
        }

        public int status() {
            return status;
        }

        public String message() {
            return message;
        }

        public boolean ok() {
            return kind != Kind.RESULT || status == RESULT_OK;
        }

        @Override
        public String toString() {
            return "Reply[kind=" + kind + ", offset=" + offset + ", status=" + status + ", message=" + message + "]";
        }
    }

    public static final int RESULT_OK = 0;
    public static final int RESULT_OTHER = 0xFFFF;
    private static final String STAGED = "staged and verified";

    private final Supplier<UpdateAgent> agents;
    private final Reply reply = new Reply();
    private UpdateAgent agent;
    /** The flash refused an operation under the agent: the next BEGIN makes it again from flash. */
    private boolean agentBroken;
    /** Feeds held data to the agent (whichever it is then): made once, not per release. */
    private final HeldData.Sink toAgent = (b, off, len) -> this.agent.receive(b, off, len);
    /** Length of the transfer in progress, -1 when none. */
    private long patchLength = -1;
    private long expected;
    /** Where data after a gap is kept, or null when the device only does go-back-N. */
    private final HeldData held;
    private boolean holding;

    /** @param agents makes the update agent (again after a reboot or a failure), reading its state from flash */
    public TransferSession(Supplier<UpdateAgent> agents) {
        this(agents, 0);
    }

    /**
     * @param agents makes the update agent (again after a reboot or a failure), reading its state from flash
     * @param holdBytes bytes of data after a gap it can keep (selective repeat); 0 for go-back-N only
     */
    public TransferSession(Supplier<UpdateAgent> agents, int holdBytes) {
        this.agents = agents;
        this.agent = agents.get();
        this.held = holdBytes > 0 ? new HeldData(holdBytes) : null;
    }

    /** Bytes of data after a gap this session can keep; 0 if it cannot. */
    public int holdCapacity() {
        return held == null ? 0 : held.capacity();
    }

    /** Turns keeping data after a gap on or off (the host's HELLO asks); only on if there is a ring. */
    public void selectiveRepeat(boolean on) {
        holding = on && held != null;
        if (held != null) {
            held.clear();
        }
    }

    public boolean selectiveRepeat() {
        return holding;
    }

    /** The data held after the next expected byte (selective repeat), or null when off. */
    public HeldData held() {
        return holding ? held : null;
    }

    private void dropHeld() {
        if (held != null) {
            held.clear();
        }
    }

    /** A reboot: the agent starts over from what flash holds. */
    public void reboot() {
        agent = agents.get();
        patchLength = -1;
        dropHeld();
    }

    /** The agent's state, for status reports. */
    public UpdateAgent.State agentState() {
        return agent.state();
    }

    /** Where the host should continue: the next expected byte in a transfer, else the agent's checkpoint. */
    public long resumeOffset() {
        return patchLength >= 0 ? expected : agent.resumeOffset();
    }

    /** Length of the transfer in progress, or -1. */
    public long patchLength() {
        return patchLength;
    }

    /**
     * Opens (or reopens) a transfer: {@code message} is the u32 patch length and then the patch
     * header, exactly its header_size bytes (the BEGIN payload, DFU block 0).
     */
    public Reply begin(byte[] message) throws IOException {
        patchLength = -1;
        dropHeld();
        if (!carriesWholeHeader(message)) {
            return reply.result(RESULT_OTHER, "BEGIN must carry a u32 length and the whole header (header_size bytes)");
        }
        long length = LittleEndian.u32(message, 0);
        byte[] header = Arrays.copyOfRange(message, 4, message.length);
        long declared = declaredLength(header);
        if (declared >= 0 && length != declared) { // before begin, which replaces a staged update
            return reply.result(RESULT_OTHER, "BEGIN length " + length + " differs from the header's " + declared);
        }
        try {
            if (agent.state() == UpdateAgent.State.FAILED || agentBroken) {
                agentBroken = false;
                agent = agents.get();
            }
            long from = agent.begin(header);
            patchLength = length;
            expected = from;
            return reply.at(Kind.READY, from);
        } catch (PatchException e) {
            return reply.result(e.code().number(), e.getMessage());
        } catch (IllegalStateException | IllegalArgumentException e) {
            return reply.result(RESULT_OTHER, e.getMessage());
        } catch (IOException e) {
            return failed(flashRefused(e));
        }
    }

    /**
     * The flash refused an erase or a write under the agent (a patch error is a PatchException,
     * answered with its own code): the transfer ends with IO_ERROR, as the C device answers, and
     * the device goes on serving; the agent is made again from flash at the next BEGIN.
     */
    private PatchException flashRefused(IOException e) {
        agentBroken = true;
        return new PatchException(ErrorCode.IO_ERROR, e.getMessage(), e);
    }

    /**
     * header_size + payload_length of a header that parses, else -1: the agent's begin refuses it
     * with its code.
     */
    private static long declaredLength(byte[] header) {
        try {
            PatchHeader h = PatchHeader.parse(Arrays.copyOf(header, Limits.HEADER_SIZE));
            return h.size() + h.payloadLength();
        } catch (PatchException e) {
            return -1;
        }
    }

    /** Patch bytes {@code b[off..off+len)} that start at patch offset {@code offset}. */
    public Reply data(long offset, byte[] b, int off, int len) throws IOException {
        if (patchLength < 0) {
            return reply.at(Kind.IGNORED, 0);
        }
        if (offset < expected) {
            return reply.at(Kind.DUPLICATE, expected);
        }
        if (offset > expected || offset + len > patchLength) {
            if (holding && offset + len <= patchLength) {
                held.hold(expected, offset, b, off, len); // kept if it fits; the reply says what is held
            }
            return reply.at(Kind.GAP, expected);
        }
        try {
            agent.receive(b, off, len);
            expected += len;
            while (holding && held.ranges() > 0 && held.start(0) <= expected) {
                expected = held.release(expected, toAgent);
            }
            return reply.at(Kind.ACK, expected);
        } catch (UpdateRestartedException e) {
            return restarted(e);
        } catch (PatchException e) {
            return failed(e);
        } catch (IllegalStateException e) {
            return notReceiving(e);
        } catch (IOException e) {
            return failed(flashRefused(e));
        }
    }

    /** The host has sent every byte: the agent verifies the staged image. */
    public Reply done() throws IOException {
        if (agent.state() == UpdateAgent.State.STAGED) {
            patchLength = -1;
            return reply.result(RESULT_OK, STAGED);
        }
        if (patchLength < 0 || expected != patchLength) {
            return reply.at(Kind.GAP, resumeOffset());
        }
        try {
            agent.finish();
            patchLength = -1;
            return reply.result(RESULT_OK, STAGED);
        } catch (UpdateRestartedException e) {
            return restarted(e);
        } catch (PatchException e) {
            return failed(e);
        } catch (IllegalStateException e) {
            return notReceiving(e);
        } catch (IOException e) {
            return failed(flashRefused(e));
        }
    }

    /**
     * The agent is not receiving although the transfer is open (an I/O error failed it, or the patch
     * was staged): the transfer ends with RESULT {@link #RESULT_OTHER}, as the C device answers.
     */
    private Reply notReceiving(IllegalStateException e) {
        patchLength = -1;
        dropHeld();
        return reply.result(RESULT_OTHER, e.getMessage());
    }

    /** The agent began the update again (torn ECC unit): the transfer stays open at the offset it gives. */
    private Reply restarted(UpdateRestartedException e) {
        dropHeld();
        expected = e.resumeOffset();
        return reply.at(Kind.RESTARTED, expected);
    }

    /** A patch error ends the transfer with its code. */
    private Reply failed(PatchException e) {
        patchLength = -1;
        dropHeld();
        return reply.result(e.code().number(), e.getMessage());
    }

    /**
     * The host drops the update: nothing to answer ({@link Kind#IGNORED}), or RESULT
     * {@link #RESULT_OTHER} when the agent refuses (the running image is on trial, or being
     * installed or reverted: the update stays as it is). An agent log the flash would not erase
     * is no answer either, as on the C device; the agent is made again from flash at the next BEGIN.
     */
    public Reply abort() throws IOException {
        patchLength = -1;
        dropHeld();
        try {
            agent.abort();
        } catch (IllegalStateException e) {
            return reply.result(RESULT_OTHER, e.getMessage());
        } catch (IOException e) {
            flashRefused(e);
        }
        return reply.at(Kind.IGNORED, 0);
    }

    /** Whether {@code p} holds a u32 and then a header prefix and exactly header_size bytes. */
    private static boolean carriesWholeHeader(byte[] p) {
        if (p.length < 4 + PatchHeader.PREFIX_SIZE) {
            return false;
        }
        try {
            return p.length - 4 == PatchHeader.sizeFromPrefix(Arrays.copyOfRange(p, 4, 4 + PatchHeader.PREFIX_SIZE));
        } catch (PatchException e) {
            return false;
        }
    }
}
