// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.flash.Flash;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** One valid record. */
    record Entry(int type, byte[] payload) {
    }

    private final Flash flash;
    private final Region region;
    private final byte[] slot = new byte[RECORD];

    StatusLog(Flash flash, Region region) {
        this.flash = flash;
        this.region = region;
    }

    int capacity() {
        return (int) (region.size() / RECORD);
    }

    /** Valid records, in the order they were written. */
    List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < capacity(); i++) {
            flash.read(region.offset() + (long) i * RECORD, slot, 0, RECORD);
            if (slot[0] == 'F' && slot[1] == 'W' && crcOk(slot)) {
                out.add(new Entry(slot[2] & 0xFF, Arrays.copyOfRange(slot, 4, 4 + PAYLOAD)));
            }
        }
        return out;
    }

    void append(int type, byte[] payload) throws IOException {
        int next = nextFree();
        if (next >= capacity()) {
            throw new IOException("status log at 0x" + Long.toHexString(region.offset()) + " is full ("
                    + capacity() + " records)");
        }
        byte[] r = new byte[RECORD];
        r[0] = 'F';
        r[1] = 'W';
        r[2] = (byte) type;
        System.arraycopy(payload, 0, r, 4, Math.min(payload.length, PAYLOAD));
        CRC32 crc = new CRC32();
        crc.update(r, 0, 60);
        LittleEndian.put32(r, 60, crc.getValue());
        flash.program(region.offset() + (long) next * RECORD, r, 0, RECORD);
    }

    /** Erases the region: a new log. */
    void erase() throws IOException {
        var map = flash.geometry().sectors();
        for (int s = map.sectorAt(region.offset()); s < map.count() && map.start(s) < region.end(); s++) {
            flash.erase(s);
        }
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

    private static boolean crcOk(byte[] r) {
        CRC32 crc = new CRC32();
        crc.update(r, 0, 60);
        return crc.getValue() == LittleEndian.u32(r, 60);
    }
}
