// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The classic BSDIFF40 layout (Colin Percival's bsdiff 4):
 * <pre>
 *  0  8  "BSDIFF40"
 *  8  8  offtin: length of the compressed control block
 * 16  8  offtin: length of the compressed diff block
 * 24  8  offtin: size of the new file
 * 32  .. control block, diff block, extra block: one bzip2 stream each, the extra block to the end
 * </pre>
 * offtin: 64-bit little-endian magnitude, sign in the top bit of the last byte.
 */
public final class Bsdiff40Format {
    public static final String MAGIC = "BSDIFF40";
    public static final int HEADER_SIZE = 32;

    private Bsdiff40Format() {}

    public static long readOfftin(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        v &= Long.MAX_VALUE;
        return (b[off + 7] & 0x80) != 0 ? -v : v;
    }

    /** Whether the file starts with the BSDIFF40 magic: the commands tell the two formats apart by it. */
    public static boolean isBsdiff40(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return hasMagic(in.readNBytes(MAGIC.length()));
        }
    }

    public static boolean hasMagic(byte[] b) {
        if (b.length < MAGIC.length()) {
            return false;
        }
        for (int i = 0; i < MAGIC.length(); i++) {
            if (b[i] != MAGIC.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
