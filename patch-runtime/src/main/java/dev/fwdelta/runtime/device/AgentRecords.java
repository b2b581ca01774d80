// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.apply.ResumePoint;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The update agent's progress log (docs/DEVICE.md): the patch header in five HEADER records, a
 * BEGIN record, a BLOCK record per applied block, and STAGED once the new image verified.
 */
final class AgentRecords {
    static final int HEADER = 1;
    static final int BEGIN = 2;
    static final int BLOCK = 3;
    static final int STAGED = 4;
    static final int MAP = 5;
    static final int HEADER_PART = 52;
    static final int HEADER_PARTS = (Limits.HEADER_SIZE + HEADER_PART - 1) / HEADER_PART;

    final byte[] header;
    final long patchId;
    final ResumePoint lastBlock;
    final byte[] pending;
    final boolean staged;
    /** The relocation map section, if the patch has one and all its parts were logged; else null. */
    final byte[] map;

    private AgentRecords(byte[] header, long patchId, ResumePoint lastBlock, byte[] pending, boolean staged,
                         byte[] map) {
        this.map = map;
        this.header = header;
        this.patchId = patchId;
        this.lastBlock = lastBlock;
        this.pending = pending;
        this.staged = staged;
    }

    boolean active() {
        return header != null;
    }

    static AgentRecords read(StatusLog log) {
        byte[] header = new byte[HEADER_PARTS * HEADER_PART];
        boolean[] have = new boolean[HEADER_PARTS];
        boolean begun = false;
        ResumePoint last = null;
        byte[] pending = new byte[0];
        boolean staged = false;
        long beginId = 0;
        byte[] mapParts = new byte[256 * HEADER_PART];
        boolean[] haveMap = new boolean[256];
        for (StatusLog.Entry e : log.entries()) {
            byte[] p = e.payload();
            switch (e.type()) {
                case HEADER -> {
                    int part = p[0] & 0xFF;
                    if (part < HEADER_PARTS) {
                        System.arraycopy(p, 1, header, part * HEADER_PART, HEADER_PART);
                        have[part] = true;
                    }
                }
                case BEGIN -> {
                    begun = true;
                    beginId = LittleEndian.u64(p, 0);
                }
                case BLOCK -> {
                    last = new ResumePoint(LittleEndian.u32(p, 0), LittleEndian.u32(p, 4), LittleEndian.u32(p, 8),
                            LittleEndian.u32(p, 12));
                    pending = Arrays.copyOfRange(p, 17, 17 + Math.min(p[16] & 0xFF, 32));
                }
                case STAGED -> staged = true;
                case MAP -> {
                    int part = p[0] & 0xFF;
                    System.arraycopy(p, 1, mapParts, part * HEADER_PART, HEADER_PART);
                    haveMap[part] = true;
                }
                default -> { }
            }
        }
        for (boolean h : have) {
            begun &= h;
        }
        byte[] h = Arrays.copyOf(header, Limits.HEADER_SIZE);
        if (!begun || beginId != patchId(h)) {
            return new AgentRecords(null, 0, null, new byte[0], false, null);
        }
        return new AgentRecords(h, beginId, last, pending, staged, map(h, mapParts, haveMap));
    }

    private static byte[] map(byte[] header, byte[] parts, boolean[] have) {
        int bytes;
        try {
            bytes = (int) PatchHeader.parse(header).mapBytes();
        } catch (PatchException e) {
            return null; // the header was checked before it was logged: a torn log, start over
        }
        if (bytes == 0) {
            return null;
        }
        for (int part = 0; part < mapParts(bytes); part++) {
            if (!have[part]) {
                return null;
            }
        }
        return Arrays.copyOf(parts, bytes);
    }

    static int mapParts(long mapBytes) {
        return (int) ((mapBytes + HEADER_PART - 1) / HEADER_PART);
    }

    static void writeMap(StatusLog log, byte[] section) throws IOException {
        for (int part = 0; part < mapParts(section.length); part++) {
            byte[] p = new byte[StatusLog.PAYLOAD];
            p[0] = (byte) part;
            System.arraycopy(section, part * HEADER_PART, p, 1, Math.min(HEADER_PART, section.length - part * HEADER_PART));
            log.append(MAP, p);
        }
    }

    /** The first 8 bytes of SHA-256 of the header: names the patch in both logs. */
    static long patchId(byte[] header) {
        try {
            return LittleEndian.u64(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(header,
                    Limits.HEADER_SIZE)), 0);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writeBegin(StatusLog log, byte[] header) throws IOException {
        byte[] padded = Arrays.copyOf(header, HEADER_PARTS * HEADER_PART);
        for (int part = 0; part < HEADER_PARTS; part++) {
            byte[] p = new byte[StatusLog.PAYLOAD];
            p[0] = (byte) part;
            System.arraycopy(padded, part * HEADER_PART, p, 1, HEADER_PART);
            log.append(HEADER, p);
        }
        byte[] p = new byte[StatusLog.PAYLOAD];
        LittleEndian.put64(p, 0, patchId(header));
        log.append(BEGIN, p);
    }

    static void writeBlock(StatusLog log, ResumePoint at, byte[] pending) throws IOException {
        byte[] p = new byte[StatusLog.PAYLOAD];
        LittleEndian.put32(p, 0, at.blocksDone());
        LittleEndian.put32(p, 4, at.patchOffset());
        LittleEndian.put32(p, 8, at.newOffset());
        LittleEndian.put32(p, 12, at.oldOffset());
        p[16] = (byte) pending.length;
        System.arraycopy(pending, 0, p, 17, pending.length);
        log.append(BLOCK, p);
    }

    static List<Integer> types() {
        return List.of(HEADER, BEGIN, BLOCK, STAGED);
    }
}
