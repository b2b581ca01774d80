// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.checksum;

import java.util.zip.Checksum;

/**
 * CRC-32/MPEG-2: poly 0x04C11DB7, init 0xFFFFFFFF, no reflection, no final xor. It is what
 * an STM32 CRC unit computes in hardware, so a bootloader can check a slot for free.
 */
public final class Crc32Mpeg2 implements Checksum {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x8000_0000) != 0 ? (c << 1) ^ 0x04C1_1DB7 : c << 1;
            }
            TABLE[i] = c;
        }
    }

    private int crc = 0xFFFF_FFFF;

    @Override
    public void update(int b) {
        crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ b) & 0xFF];
    }

    @Override
    public void update(byte[] b, int off, int len) {
        int c = crc;
        for (int i = off; i < off + len; i++) {
            c = (c << 8) ^ TABLE[((c >>> 24) ^ b[i]) & 0xFF];
        }
        crc = c;
    }

    @Override
    public long getValue() {
        return crc & 0xFFFF_FFFFL;
    }

    @Override
    public void reset() {
        crc = 0xFFFF_FFFF;
    }
}
