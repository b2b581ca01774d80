// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.apply.ResumePoint;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The update agent's progress log (docs/DEVICE.md): the patch header in five HEADER records, a
 * BEGIN record, the relocation map in MAP records (if the patch has one), a BLOCK record per
 * applied block, and STAGED once the new image verified. Read one record at a time (as
 * fwd_log.c's agent_record): RAM the header (256 bytes), the last resume point and its pending
 * bytes (at most 32), and one bit per logged MAP part. The map's bytes stay in the log until a
 * resume feeds them to the applier ({@link MapRecords}).
 */
final class AgentRecords implements StatusLog.Reader {
    static final int HEADER = 1;
    static final int BEGIN = 2;
    static final int BLOCK = 3;
    static final int STAGED = 4;
    static final int MAP = 5;
    static final int HEADER_PART = 52;
    static final int HEADER_PARTS = (Limits.HEADER_SIZE + HEADER_PART - 1) / HEADER_PART;
    /** Parts of the longest map section a payload carries: one bit each fits a long. */
    static final int MAX_MAP_PARTS = mapParts(Limits.MAX_MAP_SECTION_BYTES);
    private static final int MAX_PENDING = 32;
    private static final int P = StatusLog.PAYLOAD_AT;

    /** The logged header (zero-padded to 256 bytes) if the log describes an update; else null. */
    byte[] header;
    long patchId;
    /** The last applied block, or null before the first. */
    ResumePoint lastBlock;
    /** The bytes of the last, incomplete program unit at {@link #lastBlock}. */
    byte[] pending = new byte[0];
    boolean staged;

    private final byte[] headerParts = new byte[Limits.HEADER_SIZE];
    private int headerPartsSeen;
    private boolean begun;
    private long beginId;
    private final long[] block = new long[4];
    private boolean blockSeen;
    private final byte[] pendingSeen = new byte[MAX_PENDING];
    private int pendingLength;
    private long mapPartsSeen;
    /** A MAP record with a part index past the longest section (50..255): it belongs to another map. */
    private boolean mapPartPastAnySection;
    private boolean stagedSeen;

    private AgentRecords() {}

    boolean active() {
        return header != null;
    }

    static AgentRecords read(StatusLog log) {
        AgentRecords r = new AgentRecords();
        log.read(r);
        r.conclude();
        return r;
    }

    @Override
    public void record(int type, byte[] r) {
        switch (type) {
            case HEADER -> {
                int part = r[P] & 0xFF;
                if (part < HEADER_PARTS) {
                    int at = part * HEADER_PART;
                    System.arraycopy(r, P + 1, headerParts, at, Math.min(HEADER_PART, Limits.HEADER_SIZE - at));
                    headerPartsSeen |= 1 << part;
                }
            }
            case BEGIN -> {
                begun = true;
                beginId = LittleEndian.u64(r, P);
            }
            case BLOCK -> {
                blockSeen = true;
                for (int i = 0; i < block.length; i++) {
                    block[i] = LittleEndian.u32(r, P + 4 * i);
                }
                pendingLength = Math.min(r[P + 16] & 0xFF, MAX_PENDING);
                System.arraycopy(r, P + 17, pendingSeen, 0, pendingLength);
            }
            case STAGED -> stagedSeen = true;
            case MAP -> {
                int part = r[P] & 0xFF;
                if (part < MAX_MAP_PARTS) {
                    mapPartsSeen |= 1L << part;
                } else {
                    mapPartPastAnySection = true;
                }
            }
            default -> { }
        }
    }

    /** After the last record: an update is described if all header parts and a BEGIN naming that header were logged. */
    private void conclude() {
        if (!begun || headerPartsSeen != (1 << HEADER_PARTS) - 1 || beginId != patchId(headerParts)) {
            return;
        }
        header = headerParts;
        patchId = beginId;
        staged = stagedSeen;
        if (blockSeen) {
            lastBlock = new ResumePoint(block[0], block[1], block[2], block[3]);
            pending = Arrays.copyOf(pendingSeen, pendingLength);
        }
    }

    /**
     * Whether the patch has a relocation map and every part of its section (as the payload carries
     * it) was logged, and no part index past its end, up to 255 (docs/DEVICE.md "Agent log"; as
     * fwd_agent.c's all_map_parts): such a part belongs to another map.
     */
    boolean mapLogged(PatchHeader h) {
        int parts = mapParts(h.mapLength());
        return h.mapCount() > 0 && parts <= MAX_MAP_PARTS && !mapPartPastAnySection
                && mapPartsSeen == (parts == 64 ? -1L : (1L << parts) - 1);
    }

    /**
     * How many parts of the patch's map, from part 0 on without a gap, have a record (all of them
     * when {@link #mapLogged}): a resume does not log those again. As fwd_agent.c's map_parts_logged.
     */
    int mapPartsLogged(PatchHeader h) {
        if (h.mapCount() == 0) {
            return 0;
        }
        return mapLogged(h) ? mapParts(h.mapLength()) : Math.min(Long.numberOfTrailingZeros(~mapPartsSeen), mapParts(h.mapLength()));
    }

    /** MAP records for a map section of {@code sectionBytes} bytes (the last part may be short). */
    static int mapParts(long sectionBytes) {
        return (int) ((sectionBytes + HEADER_PART - 1) / HEADER_PART);
    }

    /** The first 8 bytes of SHA-256 of the header (its 256 bytes, zero-padded): names the patch in both logs. */
    static long patchId(byte[] header) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(header, 0, Limits.HEADER_SIZE);
            return LittleEndian.u64(sha.digest(), 0);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header, zero-padded to 256 bytes, in five HEADER records; then BEGIN. */
    static void writeBegin(StatusLog log, byte[] header) throws IOException {
        for (int part = 0; part < HEADER_PARTS; part++) {
            byte[] r = log.draft();
            r[P] = (byte) part;
            int at = part * HEADER_PART;
            System.arraycopy(header, at, r, P + 1, Math.min(HEADER_PART, Limits.HEADER_SIZE - at));
            log.append(HEADER);
        }
        LittleEndian.put64(log.draft(), P, patchId(header));
        log.append(BEGIN);
    }

    /** A BLOCK record: where the apply can resume, and the bytes of the unit not yet programmed. */
    static void writeBlock(StatusLog log, long blocksDone, long patchOffset, long newOffset, long oldOffset,
                           StagingWriter pending) throws IOException {
        byte[] r = log.draft();
        LittleEndian.put32(r, P, blocksDone);
        LittleEndian.put32(r, P + 4, patchOffset);
        LittleEndian.put32(r, P + 8, newOffset);
        LittleEndian.put32(r, P + 12, oldOffset);
        r[P + 16] = (byte) pending.pendingLength();
        pending.copyPending(r, P + 17);
        log.append(BLOCK);
    }

    static void writeStaged(StatusLog log) throws IOException {
        log.draft();
        log.append(STAGED);
    }
}
