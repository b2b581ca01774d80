// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.flash.Flash;
import dev.fwdelta.runtime.flash.SectorMap;
import dev.fwdelta.runtime.io.ImageSink;
import java.io.IOException;
import java.util.Arrays;

/**
 * Writes the new image into the staging slot in order: erases a sector just before the first
 * write into it, and programs whole aligned units through a 256-byte buffer. At a block boundary
 * {@link #flushUnits} programs every complete unit and leaves the last partial unit (fewer than
 * program-unit bytes) pending: the agent keeps those bytes in its progress record.
 *
 * <p>On resume, sectors that start at or after the resume point are erased again; the sector
 * the resume point falls in is not (its start holds finished blocks), and its units written by
 * the interrupted attempt are rewritten with the same bytes: allowed by the NOR bit rule, and
 * skipped on ECC flash where a unit takes one program per erase. A unit there that differs and is
 * not erased was torn: {@link TornUnitException}, and the agent restarts the update.
 * RAM: the 256-byte buffer, and on ECC flash a second one to compare units.
 */
final class StagingWriter implements ImageSink {
    static final int CHUNK = 256;

    private final Flash flash;
    private final Region slot;
    private final int unit;
    private final byte[] buffer = new byte[CHUNK];
    /** What an ECC flash holds under the buffer, to skip identical units; null on other flash. */
    private final byte[] current;
    private final long sessionStart;
    /** Slot offset of buffer[0]; always unit-aligned. */
    private long bufferStart;
    private int buffered;
    /** Highest sector index prepared (erased, or the straddling sector) in this session. */
    private int preparedUpTo = -1;

    StagingWriter(Flash flash, Region slot, long newOffset, byte[] pending) {
        this.flash = flash;
        this.slot = slot;
        this.unit = flash.geometry().programUnit();
        this.current = flash.geometry().eccUnits() ? new byte[CHUNK] : null;
        this.bufferStart = newOffset - pending.length;
        if (bufferStart % unit != 0 || pending.length >= unit) {
            throw new IllegalArgumentException("resume at " + newOffset + " with " + pending.length + " pending bytes");
        }
        this.sessionStart = bufferStart;
        System.arraycopy(pending, 0, buffer, 0, pending.length);
        this.buffered = pending.length;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, CHUNK - buffered);
            System.arraycopy(b, off, buffer, buffered, n);
            buffered += n;
            off += n;
            len -= n;
            if (buffered == CHUNK) {
                program(CHUNK);
            }
        }
    }

    /** Programs all complete units; the partial last unit stays pending. */
    void flushUnits() throws IOException {
        int whole = buffered - buffered % unit;
        if (whole > 0) {
            program(whole);
        }
    }

    /** How many bytes of the last, incomplete unit are not yet in flash (after {@link #flushUnits}). */
    int pendingLength() {
        return buffered;
    }

    /** Copies those bytes to {@code dst} at {@code at} (into the progress record: no array of their own). */
    void copyPending(byte[] dst, int at) {
        System.arraycopy(buffer, 0, dst, at, buffered);
    }

    /** The end of the image: pads the last unit with the erased value and programs it. */
    void finishImage() throws IOException {
        flushUnits();
        if (buffered > 0) {
            Arrays.fill(buffer, buffered, unit, flash.geometry().erasedValue());
            buffered = unit;
            program(unit);
        }
    }

    private void program(int len) throws IOException {
        long at = slot.offset() + bufferStart;
        if (bufferStart + len > slot.size()) {
            throw new IOException("new image does not fit the staging slot (" + slot.size() + " bytes)");
        }
        prepareSectors(at, len);
        if (flash.geometry().eccUnits()) {
            programSkippingIdenticalUnits(at, len);
        } else {
            flash.program(at, buffer, 0, len);
        }
        bufferStart += len;
        buffered -= len;
        System.arraycopy(buffer, len, buffer, 0, buffered);
    }

    private void programSkippingIdenticalUnits(long at, int len) throws IOException {
        flash.read(at, current, 0, len);
        int runStart = -1;
        for (int u = 0; u <= len; u += unit) {
            boolean needs = u < len && !Arrays.equals(current, u, u + unit, buffer, u, u + unit);
            if (needs && !flash.isErased(at + u, unit)) {
                throw new TornUnitException(at + u - slot.offset());
            }
            if (needs && runStart < 0) {
                runStart = u;
            } else if (!needs && runStart >= 0) {
                flash.program(at + runStart, buffer, runStart, u - runStart);
                runStart = -1;
            }
        }
    }

    private void prepareSectors(long at, int len) throws IOException {
        SectorMap map = flash.geometry().sectors();
        int last = map.sectorAt(at + len - 1);
        for (int s = Math.max(preparedUpTo + 1, map.sectorAt(at)); s <= last; s++) {
            if (map.start(s) >= slot.offset() + sessionStart) {
                flash.erase(s);
            }
            preparedUpTo = s;
        }
    }
}
