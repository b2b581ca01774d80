// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

/** Bytes of the STM32 USART bootloader protocol (ST application note AN3155). */
public final class An3155 {
    public static final int SYNC = 0x7F;
    public static final int ACK = 0x79;
    public static final int NACK = 0x1F;

    public static final int GET = 0x00;
    public static final int GET_VERSION = 0x01;
    public static final int GET_ID = 0x02;
    public static final int READ_MEMORY = 0x11;
    public static final int GO = 0x21;
    public static final int WRITE_MEMORY = 0x31;
    public static final int ERASE = 0x43;
    public static final int EXTENDED_ERASE = 0x44;

    /** Largest Read/Write Memory block. */
    public static final int MAX_BLOCK = 256;
    public static final int MASS_ERASE = 0xFFFF;

    private An3155() {}

    public static int xor(byte[] b, int off, int len) {
        int x = 0;
        for (int i = off; i < off + len; i++) {
            x ^= b[i] & 0xFF;
        }
        return x;
    }
}
