// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

/** DfuSe command codes of ST's ROM DFU device (ST UM0424), sent in DNLOAD block 0. */
public final class Dfuse {
    public static final int GET_COMMANDS = 0x00;
    public static final int SET_ADDRESS = 0x21;
    public static final int ERASE = 0x41;
    public static final int READ_UNPROTECT = 0x92;

    private Dfuse() {}
}
