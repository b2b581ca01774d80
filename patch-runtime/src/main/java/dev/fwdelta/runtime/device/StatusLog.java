// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.flash.Flash;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * An append-only log of 64-byte records in a flash region, written once each and never
 * reprogrammed (as MCUboot's trailer): an update's progress survives power cuts without ever
 * rewriting a programmed unit. A torn or corrupt record fails its CRC and is skipped; the next
 * record goes after the last slot that is not erased.
 *
 * <pre>
 *  0  2  magic "FW"
 *  2  1  type
 *  3  1  0
 *  4 56  payload
 * 60  4  CRC-32 of bytes 0..59
 * </pre>
 */
final class StatusLog {
    static final int RECORD = 64;
    static final int PAYLOAD = 56;
    /** Where a record's payload starts. */
    static final int PAYLOAD_AT = 4;

    /** Told each valid record in turn. */
    @FunctionalInterface
    interface Reader {
        /** {@code record} is the log's one record buffer: valid during the call only, payload at {@link #PAYLOAD_AT}. */
        void record(int type, byte[] record);
    }

    private final Flash flash;
    private final Region region;
    /** The one record in RAM: each record read in turn, or the next one being written. */
    private final byte[] record = new byte[RECORD];
    private final CRC32 crc = new CRC32();

    StatusLog(Flash flash, Region region) {
        this.flash = flash;
        this.region = region;
    }

    int capacity() {
        return (int) (region.size() / RECORD);
    }

    /** Hands each valid record to {@code reader}, in the order they were written, through the one record buffer. */
    void read(Reader reader) {
        for (int i = 0; i < capacity(); i++) {
            if (readSlot(i) != null) {
                reader.record(record[2] & 0xFF, record);
            }
        }
    }

    /**
     * The next record, zeroed: the caller writes its payload from {@link #PAYLOAD_AT}, then
     * {@link #append} writes it. Shares the buffer {@link #read} uses, so nothing may read the log in between.
     */
    byte[] draft() {
        Arrays.fill(record, (byte) 0);
        return record;
    }

    /** The slot of the last valid record of {@code type} whose payload starts with byte {@code first}, or -1. */
    int lastSlot(int type, int first) {
        int last = -1;
        for (int i = 0; i < capacity(); i++) {
            if (readSlot(i) != null && (record[2] & 0xFF) == type && (record[PAYLOAD_AT] & 0xFF) == first) {
                last = i;
            }
        }
        return last;
    }

    /** Slot {@code i} read into the one record buffer: the buffer if it holds a valid record, else null. */
    byte[] readSlot(int i) {
        flash.read(region.offset() + (long) i * RECORD, record, 0, RECORD);
        return record[0] == 'F' && record[1] == 'W' && crcOk() ? record : null;
    }

    /** An append found no erased slot left (torn records use slots too: docs/DEVICE.md "Torn records"). */
    static final class FullException extends IOException {
        FullException(String message) {
            super(message);
        }
    }

    /** Writes the {@link #draft()} as a record of {@code type} after the last record; {@link FullException} if none is left. */
    void append(int type) throws IOException {
        int next = nextFree();
        if (next >= capacity()) {
            throw new FullException("status log at 0x" + Long.toHexString(region.offset()) + " is full ("
                    + capacity() + " records)");
        }
        record[0] = 'F';
        record[1] = 'W';
        record[2] = (byte) type;
        record[3] = 0;
        LittleEndian.put32(record, 60, crcOfFirst60());
        flash.program(region.offset() + (long) next * RECORD, record, 0, RECORD);
    }

    /** Erases the region: a new log. */
    void erase() throws IOException {
        var map = flash.geometry().sectors();
        for (int s = map.sectorAt(region.offset()); s < map.count() && map.start(s) < region.end(); s++) {
            flash.erase(s);
        }
    }

    /** Slots after the last one that is not erased: how many records can still be appended. */
    int freeSlots() {
        return capacity() - nextFree();
    }

    private int nextFree() {
        int last = -1;
        for (int i = 0; i < capacity(); i++) {
            if (!flash.isErased(region.offset() + (long) i * RECORD, RECORD)) {
                last = i;
            }
        }
        return last + 1;
    }

    private boolean crcOk() {
        return crcOfFirst60() == LittleEndian.u32(record, 60);
    }

    private long crcOfFirst60() {
        crc.reset();
        crc.update(record, 0, 60);
        return crc.getValue();
    }
}
