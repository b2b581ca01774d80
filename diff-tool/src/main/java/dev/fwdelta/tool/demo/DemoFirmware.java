// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.demo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A firmware-like pair for the demo: a Cortex-M style image (vector table, Thumb-like code with
 * BL calls and literal pools, read-only strings) and a next release that inserts two functions,
 * edits a few and changes strings, so calls and pointers after the insertions shift, as they do
 * in a real release. Deterministic for a given seed.
 */
public final class DemoFirmware {
    public static final long FLASH_BASE = 0x0800_0000L;
    private static final int VECTORS = 48;
    private static final int FUNCTIONS = 300;

    /** The two versions of the image. */
    public record Pair(byte[] oldImage, byte[] newImage) {
    }

    /** One function: Thumb-like halfwords, BL call targets, literal-pool string references. */
    private record Function(short[] code, int[] calls, int[] strings) {
    }

    private DemoFirmware() {}

    public static Pair generate(long seed) {
        Random random = new Random(seed);
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            strings.add("module" + i + ": " + WORDS[random.nextInt(WORDS.length)] + " %d "
                    + WORDS[random.nextInt(WORDS.length)]);
        }
        strings.add("firmware v1.4.2 (build 1183)");
        List<Function> functions = new ArrayList<>();
        for (int i = 0; i < FUNCTIONS; i++) {
            functions.add(function(random, FUNCTIONS, strings.size()));
        }
        byte[] oldImage = link(functions, strings);

        List<Function> next = new ArrayList<>(functions);
        for (int k = 0; k < 4; k++) {
            int i = random.nextInt(next.size());
            next.set(i, edit(next.get(i), random));
        }
        next.add(40, function(random, FUNCTIONS, strings.size()));
        next.add(210, function(random, FUNCTIONS, strings.size()));
        List<String> nextStrings = new ArrayList<>(strings);
        nextStrings.set(nextStrings.size() - 1, "firmware v1.5.0 (build 1240)");
        nextStrings.add(60, "sensor: calibration table reloaded");
        return new Pair(oldImage, link(next, nextStrings));
    }

    private static final String[] WORDS = {"timeout", "overrun", "ready", "sync lost", "retry", "calibrated",
        "buffer full", "link up", "link down", "crc error", "ack", "idle"};

    /** Halfword opcodes shaped like Thumb: mov, add, ldr, str, cmp, branches, push/pop. */
    private static final int[] OPCODES = {0x2000, 0x1800, 0x6800, 0x6000, 0x2800, 0xD000, 0xB500, 0xBD00,
        0x4600, 0x3000, 0x8800, 0x8000, 0x4200, 0x0000, 0x0800, 0xE000};

    private static Function function(Random r, int functionCount, int stringCount) {
        int length = 16 + r.nextInt(120);
        short[] code = new short[length];
        code[0] = (short) 0xB5F0; // push {r4-r7, lr}
        for (int i = 1; i < length - 1; i++) {
            int op = OPCODES[r.nextInt(r.nextInt(4) == 0 ? OPCODES.length : 6)];
            code[i] = (short) (op | r.nextInt(r.nextBoolean() ? 8 : 64));
        }
        code[length - 1] = (short) 0xBDF0; // pop {r4-r7, pc}
        int[] calls = r.ints(1 + r.nextInt(4), 0, functionCount).toArray();
        int[] strings = r.ints(r.nextInt(3), 0, stringCount).toArray();
        return new Function(code, calls, strings);
    }

    private static Function edit(Function f, Random r) {
        short[] code = f.code().clone();
        for (int k = 0; k < 3; k++) {
            code[1 + r.nextInt(code.length - 2)] ^= (short) (1 + r.nextInt(7));
        }
        return new Function(code, f.calls(), f.strings());
    }

    /** Lays out vectors, code and strings, resolving calls and pointers to final addresses. */
    private static byte[] link(List<Function> functions, List<String> strings) {
        int[] address = new int[functions.size()];
        int pc = VECTORS * 4;
        for (int i = 0; i < functions.size(); i++) {
            address[i] = pc;
            Function f = functions.get(i);
            pc += f.code().length * 2 + f.calls().length * 4 + f.strings().length * 4;
            pc = (pc + 3) & ~3;
        }
        int[] stringAddress = new int[strings.size()];
        int sp = pc;
        for (int i = 0; i < strings.size(); i++) {
            stringAddress[i] = sp;
            sp += strings.get(i).length() + 1;
            sp = (sp + 3) & ~3;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(sp);
        putWord(out, (int) (FLASH_BASE + 0x2_0000)); // initial stack pointer: top of a 128 KiB RAM
        for (int v = 1; v < VECTORS; v++) {
            putWord(out, (int) (FLASH_BASE + address[(v * 7) % functions.size()]) | 1);
        }
        for (int i = 0; i < functions.size(); i++) {
            Function f = functions.get(i);
            for (short s : f.code()) {
                putHalf(out, s);
            }
            for (int target : f.calls()) {
                int offset = address[Math.min(target, functions.size() - 1)] - (out.size() + 4);
                putHalf(out, 0xF000 | ((offset >> 12) & 0x7FF));
                putHalf(out, 0xF800 | ((offset >> 1) & 0x7FF));
            }
            for (int s : f.strings()) {
                putWord(out, (int) (FLASH_BASE + stringAddress[Math.min(s, strings.size() - 1)]));
            }
            while (out.size() % 4 != 0) {
                out.write(0);
            }
        }
        for (String s : strings) {
            out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            do {
                out.write(0);
            } while (out.size() % 4 != 0);
        }
        return out.toByteArray();
    }

    private static void putHalf(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
    }

    private static void putWord(ByteArrayOutputStream out, int v) {
        putHalf(out, v);
        putHalf(out, v >>> 16);
    }
}
