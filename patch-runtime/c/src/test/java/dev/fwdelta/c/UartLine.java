// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Crc16Ccitt;
import dev.fwdelta.runtime.transport.Frame;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * How a transcript's line bytes reach a device: the Java twin of fuzz/uart_line.h, so that the
 * Java and the C device of {@link UartDifferentialTest} see the same chunks, quiet lines and
 * resets. A transcript is fuzz/fuzz_uart.h's input: vector, flags, chunk seed, then the line bytes.
 */
final class UartLine {
    static final int HEAD = 3;
    /** The most bytes of a transcript the C tool reads (fwdelta_c_uart.c's INPUT_MAX): the rest is not delivered. */
    static final int INPUT_MAX = 65536;
    static final int CONFIRM = 1;
    static final int IDLES = 2;
    static final int RESETS = 4;
    static final int FIX_CRCS = 8;
    /** fuzz/fuzz_uart.h's FUZZ_UART_ECC_TEARS: the ECC layout, a reset event arms a torn write. */
    static final int ECC_TEARS = 16;
    /** The vectors the device holds, by fuzz/fuzz_uart.h's index. */
    static final String[] VECTORS = {"compact-lzma", "compact-split", "compact-sparse-records", "compact-relocation-a64"};
    private static final int CHUNK_MAX = 128;
    private static final int FIXED_MAX = 65536;

    private UartLine() {}

    /** uart_line_next_seed: the chunk seed after a chunk (u32 arithmetic, never 0). */
    static long nextSeed(long seed) {
        long s = (seed * 1103515245L + 12345L) & 0xFFFF_FFFFL;
        return s == 0 ? 1 : s;
    }

    static int chunk(long seed, int left) {
        long n = seed == 0 ? left : 1 + (seed >>> 8) % CHUNK_MAX;
        return (int) Math.min(n, left);
    }

    static boolean idles(long seed) {
        return (seed >>> 16) % 4 == 0;
    }

    static boolean resets(long seed) {
        return (seed >>> 20) % 16 == 0;
    }

    /**
     * uart_line.h's UART_LINE_TEAR_REGIONS: where an ECC transcript's reset event arms a tear, by
     * {@link #tearRegion}; the staging slot most often, as the resends meet its torn units.
     */
    static final String[] TEAR_REGIONS = {"staging", "staging", "staging", "staging", "agent_log", "boot_log",
        "active", "scratch"};

    /** uart_line_tear_skip: at an ECC transcript's reset event, the writes into the region before the torn one. */
    static int tearSkip(long seed) {
        return (int) ((seed >>> 24) % 4);
    }

    /** uart_line_tear_region: the index into {@link #TEAR_REGIONS} of the region whose write is torn. */
    static int tearRegion(long seed) {
        return (int) ((seed >>> 26) % TEAR_REGIONS.length);
    }

    /** uart_line_tears_at_boot: whether the region is one the device resets at once for (the bootloader writes it). */
    static boolean tearsAtBoot(int region) {
        return region >= 5;
    }

    /** uart_line_tear_erase: whether the torn write is an erase (else a program). */
    static boolean tearErase(long seed) {
        return (seed >>> 29) % 4 == 0;
    }

    /** uart_line_fix_crcs: the line bytes (cut to its limit) with every whole frame's CRCs set right. */
    static byte[] fixCrcs(byte[] b) {
        byte[] line = Arrays.copyOf(b, Math.min(b.length, FIXED_MAX));
        int at = 0;
        CRC32 crc = new CRC32();
        while (line.length - at >= Frame.OVERHEAD) {
            int payload = LittleEndian.u16(line, at + 3);
            if ((line[at] & 0xFF) != Frame.SOF || payload > Frame.MAX_PAYLOAD
                    || payload > line.length - at - Frame.OVERHEAD) {
                at++;
                continue;
            }
            LittleEndian.put16(line, at + 5, Crc16Ccitt.of(line, at, 5));
            crc.reset();
            crc.update(line, at, Frame.HEADER + payload);
            LittleEndian.put32(line, at + Frame.HEADER + payload, crc.getValue());
            at += Frame.OVERHEAD + payload;
        }
        return line;
    }
}
