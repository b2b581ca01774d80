package dev.fwdelta.tool.stm32;

/** Bytes of the STM32 USART bootloader protocol (ST application note AN3155). */
final class An3155 {
    static final int SYNC = 0x7F;
    static final int ACK = 0x79;
    static final int NACK = 0x1F;

    static final int GET = 0x00;
    static final int GET_VERSION = 0x01;
    static final int GET_ID = 0x02;
    static final int READ_MEMORY = 0x11;
    static final int GO = 0x21;
    static final int WRITE_MEMORY = 0x31;
    static final int ERASE = 0x43;
    static final int EXTENDED_ERASE = 0x44;

    /** Largest Read/Write Memory block. */
    static final int MAX_BLOCK = 256;
    static final int MASS_ERASE = 0xFFFF;

    private An3155() {}

    static int xor(byte[] b, int off, int len) {
        int x = 0;
        for (int i = off; i < off + len; i++) {
            x ^= b[i] & 0xFF;
        }
        return x;
    }
}
