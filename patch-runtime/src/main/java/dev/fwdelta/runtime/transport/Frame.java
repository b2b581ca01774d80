// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import java.util.zip.CRC32;

/** One frame: type, sequence number, payload (docs/PROTOCOL.md section 1). */
public record Frame(FrameType type, int seq, byte[] payload) {
    public static final int SOF = 0xA5;
    public static final int MAX_PAYLOAD = 1024;
    public static final int HEADER = 7;
    public static final int OVERHEAD = HEADER + 4;
    /** DATA payload: u32 offset + this many patch bytes at most. */
    public static final int MAX_DATA = MAX_PAYLOAD - 4;

    public Frame {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes > " + MAX_PAYLOAD);
        }
    }

    /** The bytes on the line. */
    public byte[] encode() {
        byte[] b = new byte[OVERHEAD + payload.length];
        System.arraycopy(payload, 0, b, HEADER, payload.length);
        seal(b, type, seq, payload.length, new CRC32());
        return b;
    }

    /**
     * Completes a frame in {@code b} whose {@code length} payload bytes are already at
     * {@link #HEADER}: writes SOF, type, sequence, length, both CRCs; returns the frame's length.
     * {@code crc} is reset and used (a device passes its own, to allocate nothing per frame).
     */
    public static int seal(byte[] b, FrameType type, int seq, int length, CRC32 crc) {
        if (length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + length + " bytes > " + MAX_PAYLOAD);
        }
        b[0] = (byte) SOF;
        b[1] = (byte) type.code();
        b[2] = (byte) seq;
        LittleEndian.put16(b, 3, length);
        LittleEndian.put16(b, 5, Crc16Ccitt.of(b, 0, 5));
        crc.reset();
        crc.update(b, 0, HEADER + length);
        LittleEndian.put32(b, HEADER + length, crc.getValue());
        return OVERHEAD + length;
    }
}
