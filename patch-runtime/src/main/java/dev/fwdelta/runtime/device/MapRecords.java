// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.IOException;

/**
 * The relocation map section in the agent log's MAP records (docs/DEVICE.md): the section exactly
 * as the payload carries it (format 3's compact varints, the 8-byte entries of formats 1 and 2),
 * in parts of {@link AgentRecords#HEADER_PART} bytes. Logged as its bytes pass on their way to the
 * applier, and fed to a fresh applier again on resume, as fwd_agent.c's log_map and replay_map do,
 * so both runtimes write and read the same records. The part being filled waits in a buffer of
 * its own, as in fwd_agent.map_part: the log's one record buffer is not free for it, since the
 * agent's other calls (BEGIN's checks of the log) read records into it while a part is half
 * received. RAM: that part, {@link AgentRecords#HEADER_PART} bytes, however the bytes are chunked.
 */
final class MapRecords {
    private static final int P = StatusLog.PAYLOAD_AT;
    private static final int PART = AgentRecords.HEADER_PART;

    private final StatusLog log;
    /** The patch offset of the section's first byte. */
    private final long start;
    /** The section's length in the payload (0 without a map). */
    private final long length;
    /** Section bytes taken: logged, or waiting in {@link #part}. */
    private long taken;
    /** The part being filled: its bytes so far. */
    private final byte[] part = new byte[PART];

    /**
     * {@code partsLogged}: parts 0 to partsLogged - 1 are in the log already (a resume), so they
     * are not logged again as the map passes once more: resumes cost no slots.
     */
    MapRecords(StatusLog log, PatchHeader h, int partsLogged) {
        this.log = log;
        this.start = h.size();
        this.length = h.mapCount() > 0 ? h.mapLength() : 0;
        this.taken = Math.min(length, (long) partsLogged * PART);
    }

    /** Patch bytes {@code b[off, off + len)} at patch offset {@code at}: logs those of the section not yet taken. */
    void pass(long at, byte[] b, int off, int len) throws IOException {
        long from = Math.max(at, start + taken);
        long to = Math.min(at + len, start + length);
        while (from < to) {
            int inPart = (int) (taken % PART);
            int n = (int) Math.min(to - from, PART - inPart);
            System.arraycopy(b, off + (int) (from - at), part, inPart, n);
            taken += n;
            from += n;
            if (taken % PART == 0 || taken == length) {
                byte[] r = log.draft(); // zeroed: the bytes after a short last part stay 0
                r[P] = (byte) ((taken - 1) / PART);
                System.arraycopy(part, 0, r, P + 1, inPart + n);
                log.append(AgentRecords.MAP);
            }
        }
    }

    /**
     * Feeds the logged section, part by part in order, to {@code applier}, which has taken the
     * header and nothing more; the last record of a part wins, as in fwd_agent.c. False when a
     * part is missing; the applier's {@link dev.fwdelta.runtime.format.PatchException} when it
     * refuses the bytes (records that do not hold this patch's map).
     */
    static boolean replay(StatusLog log, PatchHeader h, PatchApplier applier) throws IOException {
        for (int part = 0; part < AgentRecords.mapParts(h.mapLength()); part++) {
            int slot = log.lastSlot(AgentRecords.MAP, part);
            byte[] r = slot < 0 ? null : log.readSlot(slot);
            if (r == null) {
                return false;
            }
            applier.process(r, P + 1, (int) Math.min(PART, h.mapLength() - (long) part * PART));
        }
        return true;
    }
}
