// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

/** Hex digit pairs of the text formats (Intel HEX, S-records) to bytes. */
final class Hex {
    private Hex() {}

    /** The bytes of the digit pairs from {@code from} to the end of {@code line}. */
    static byte[] decode(String line, int from, String where) {
        byte[] out = new byte[(line.length() - from) / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(line.charAt(from + 2 * i), 16);
            int lo = Character.digit(line.charAt(from + 2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new BadImageException(where + ": not a hex digit");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
