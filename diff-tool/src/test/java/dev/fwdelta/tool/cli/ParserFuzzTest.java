// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sign.KeyFiles;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: no option value, layout file or key file makes the command line fail as an internal
 * error (exit 1, a stack trace). Seeded random values and mutations, plus the cases issue 25 found.
 */
class ParserFuzzTest {
    /** Random cases per generator; a longer run: -Dfwdelta.fuzz.cases=N. */
    private static final int CASES = Integer.getInteger("fwdelta.fuzz.cases", 300);

    @TempDir
    Path dir;
    private final CliRunner cli = new CliRunner();

    private int run(String... args) {
        return cli.run(args);
    }

    private void assertUserError(int expected, String... args) {
        int code = run(args);
        assertEquals(expected, code, String.join(" ", args) + "\n" + cli.err());
        assertTrue(cli.err().startsWith("fwdelta: error: "), cli.err());
        assertEquals(1, cli.err().lines().filter(l -> l.startsWith("fwdelta: error: ")).count(), cli.err());
        assertTrue(!cli.err().contains("\tat "), "no stack trace: " + cli.err());
    }

    private static final String LAYOUT = String.join("\n",
            "name = test", "flash_base = 0x08000000", "sectors = 4x16K, 1x64K, 7x128K", "program_unit = 4",
            "erased_value = 0xFF", "ecc = false", "costs_us = 100000, 7000, 0, 16", "agent_log = 0x4000 + 16K",
            "boot_log = 0x8000 + 16K", "active = 0x20000 + 384K", "staging = 0x80000 + 384K", "scratch = 0xE0000 + 128K",
            "");

    private static String withLine(String key, String value) {
        return LAYOUT.replaceAll("(?m)^" + key + " = .*$", key + " = " + value.replace("\\", "\\\\").replace("$", "\\$"));
    }

    @Test
    void theCasesIssue25FoundAreUserErrors() throws Exception {
        Path missing = dir.resolve("missing.bin");
        String[][] layouts = {{"costs_us", "1,2"}, {"active", "0x20000"}, {"ecc", "yes"}, {"erased_value", "0x1FF"},
            {"sectors", "2000000000x1"}, {"sectors", "65537x16"}, {"sectors", "4x0"}, {"program_unit", "3"},
            {"costs_us", "1, 2, NaN, 4"}, {"flash_base", "0x1FFFFFFFF"}, {"active", "0x20000 + 384K + 1"}};
        for (String[] kv : layouts) {
            Path layout = Files.writeString(dir.resolve("bad.layout"), withLine(kv[0], kv[1]));
            assertUserError(ExitCodes.USAGE, "device", "simulate", "--layout", layout.toString(), "--old",
                    missing.toString(), "--patch", missing.toString());
            assertTrue(cli.err().contains(kv[0].split("_")[0]), kv[0] + ": " + cli.err());
        }
        assertUserError(ExitCodes.USAGE, "stm32", "flash", "--usb", "0483", "--patch", missing.toString());
        assertUserError(ExitCodes.USAGE, "stm32", "export-dfu", missing.toString(), "-o", "x.dfu", "--address",
                "0x1FFFFFFFF");
        assertUserError(ExitCodes.USAGE, "stm32", "export-dfu", missing.toString(), "-o", "x.dfu", "--vid", "0x12345");
        assertUserError(ExitCodes.USAGE, "apply", missing.toString(), missing.toString(), "-o", "x.bin",
                "--hardware-id", "0x1FFFFFFFF");
        Path badPem = Files.writeString(dir.resolve("bad.pem"),
                "-----BEGIN PRIVATE KEY-----\n!!!not base64!!!\n-----END PRIVATE KEY-----\n");
        // A real patch: sign and verify look at the patch before the key file.
        Path patch = Files.write(dir.resolve("p.fwd"),
                PatchBuilder.build(new byte[256], new byte[300], BuildOptions.defaults()).patch());
        // Read, but no key: the argument is wrong, as for a public key given to --key.
        assertUserError(ExitCodes.USAGE, "sign", patch.toString(), "--key", badPem.toString());
        assertUserError(ExitCodes.USAGE, "verify", patch.toString(), "--trust", badPem.toString());
    }

    private static final List<String> ODD = List.of("-0", "0x", "--", " 12 ", "1e9", "0b101", "\uff11\uff12", "nan",
            "1/0", "0/1", "2/1", "1/2/3", "random:", "random:-1", "all", "0483:", ":df11", "0483:df11:1", "zz:yy");

    @Test
    void anUpdateTheDeviceCannotHoldIsRefusedNotABadPatch() throws Exception {
        byte[] small = new byte[4096];
        byte[] large = new byte[100 * 1024]; // stm32l0-192k's slots are 80 KiB
        new Random(3).nextBytes(large);
        Path old = Files.write(dir.resolve("small.bin"), small);
        Path patch = dir.resolve("big.fwd");
        assertEquals(0, run("diff", old.toString(), Files.write(dir.resolve("large.bin"), large).toString(), "-o",
                patch.toString()), cli.err());
        assertUserError(ExitCodes.REFUSED, "device", "simulate", "--layout", "stm32l0-192k", "--old", old.toString(),
                "--patch", patch.toString());
        assertTrue(cli.err().contains("DOES_NOT_FIT"), cli.err());
    }

    /** Values a user (or a script gone wrong) might type for a number, size or id. */
    private static String randomValue(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> Long.toString(r.nextLong());
            case 1 -> "0x" + Long.toHexString(r.nextLong() >>> r.nextInt(64));
            case 2 -> Integer.toString(r.nextInt(100_000) - 100);
            case 3 -> r.nextInt(1000) + List.of("K", "M", "KiB", "B", "G", "x", "").get(r.nextInt(7));
            case 4 -> "";
            case 5 -> "99999999999999999999999";
            case 6 -> ODD.get(r.nextInt(ODD.size()));
            case 7 -> (r.nextInt(5) + 1) + "/" + (r.nextInt(5));
            case 8 -> "random:" + (r.nextInt(2000) - 10);
            default -> Integer.toHexString(r.nextInt(0x20000)) + ":" + Integer.toHexString(r.nextInt(0x20000));
        };
    }

    @Test
    void noOptionValueIsAnInternalError() throws IOException {
        Path missing = dir.resolve("missing.bin");
        Path out = dir.resolve("out.bin");
        List<String[]> templates = new ArrayList<>(List.of(
                new String[] {"apply", missing.toString(), missing.toString(), "-o", out.toString(), "--hardware-id", "V"},
                new String[] {"apply", missing.toString(), missing.toString(), "-o", out.toString(), "--ram-budget", "V"},
                new String[] {"apply", missing.toString(), missing.toString(), "-o", out.toString(), "--installed-version",
                    "V"},
                new String[] {"diff", missing.toString(), missing.toString(), "-o", out.toString(), "--block-size", "V"},
                new String[] {"diff", missing.toString(), missing.toString(), "-o", out.toString(), "--firmware-version",
                    "V"},
                new String[] {"stm32", "export-dfu", missing.toString(), "-o", out.toString(), "--address", "V"},
                new String[] {"stm32", "export-dfu", missing.toString(), "-o", out.toString(), "--vid", "V"},
                new String[] {"stm32", "export-dfu", missing.toString(), "-o", out.toString(), "--pid", "V"},
                new String[] {"matrix", "--new", missing.toString(), "--old", missing.toString(), "--out",
                    dir.resolve("m").toString(), "--shard", "V"},
                new String[] {"device", "simulate", "--layout", "stm32f405-1m", "--old", missing.toString(), "--patch",
                    missing.toString(), "--power-cut", "V"},
                new String[] {"device", "simulate", "--layout", "stm32f405-1m", "--old", missing.toString(), "--patch",
                    missing.toString(), "--program-unit", "V"},
                new String[] {"stm32", "flash", "--port", missing.toString(), "--patch", missing.toString(), "--baud",
                    "V"},
                new String[] {"stm32", "flash", "--port", missing.toString(), "--patch", missing.toString(), "--parity",
                    "V"}));
        Random r = new Random(25);
        int runs = 0;
        for (int i = 0; i < CASES; i++) {
            String[] t = templates.get(i % templates.size()).clone();
            String value = randomValue(r);
            for (int k = 0; k < t.length; k++) {
                if (t[k].equals("V")) {
                    t[k] = value;
                }
            }
            int code = run(t);
            assertNotEquals(ExitCodes.INTERNAL, code, String.join(" ", t) + "\n" + cli.err());
            assertTrue(code == ExitCodes.USAGE || code == ExitCodes.IO_ERROR, String.join(" ", t) + " -> " + code
                    + "\n" + cli.err());
            assertTrue(cli.err().startsWith("fwdelta: error: "), cli.err());
            runs++;
        }
        System.out.printf("option fuzz: %d command lines, none exited 1%n", runs);
    }

    private static String mutate(String text, Random r) {
        StringBuilder b = new StringBuilder(text);
        int edits = 1 + r.nextInt(4);
        String alphabet = "0123456789xX+,-=.KMBkib \n#truefalsyeNaInf\\:\u0000\u00e9";
        for (int e = 0; e < edits && b.length() > 0; e++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(4)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                case 2 -> b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                default -> {
                    String[] lines = b.toString().split("\n", -1);
                    String[] keyValue = lines[r.nextInt(lines.length)].split(" = ", 2);
                    if (keyValue.length == 2) {
                        String replaced = withLine(keyValue[0], randomValue(r));
                        b.setLength(0);
                        b.append(replaced);
                    }
                }
            }
        }
        return b.toString();
    }

    @Test
    void noLayoutFileIsAnInternalError() throws IOException {
        Random r = new Random(2525);
        int parsed = 0;
        int refused = 0;
        for (int i = 0; i < CASES * 10; i++) {
            String text = mutate(LAYOUT, r);
            try {
                DeviceLayout.parse(new StringReader(text));
                parsed++;
            } catch (Exception e) {
                assertNotEquals(ExitCodes.INTERNAL, ErrorMapper.exitCode(e), text + "\n" + e);
                refused++;
            }
        }
        Path missing = dir.resolve("missing.bin");
        for (int i = 0; i < CASES / 10; i++) {
            Path layout = Files.writeString(dir.resolve("fuzz.layout"), mutate(LAYOUT, r), StandardCharsets.UTF_8);
            int code = run("device", "simulate", "--layout", layout.toString(), "--old", missing.toString(), "--patch",
                    missing.toString());
            assertTrue(code == ExitCodes.USAGE || code == ExitCodes.IO_ERROR, Files.readString(layout) + "\n" + cli.err());
        }
        System.out.printf("layout fuzz: %d mutated layouts, %d parsed, %d refused as user errors%n", parsed + refused,
                parsed, refused);
        assertTrue(refused > 0 && parsed > 0, "the mutations reach both outcomes");
    }

    @Test
    void noKeyFileIsAnInternalError() throws Exception {
        Path key = dir.resolve("k.pem");
        assertEquals(0, run("keygen", "-o", key.toString()), cli.err());
        String pem = Files.readString(key);
        Random r = new Random(252525);
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            StringBuilder b = new StringBuilder(pem);
            for (int e = 0; e < 1 + r.nextInt(3); e++) {
                int at = 28 + r.nextInt(b.length() - 56); // inside the base64 body, mostly
                b.setCharAt(at, "A/+=!\n-x0".charAt(r.nextInt(9)));
            }
            Path mutated = Files.writeString(dir.resolve("m.pem"), b.toString());
            for (boolean isPrivate : new boolean[] {true, false}) {
                try {
                    if (isPrivate) {
                        KeyFiles.readPrivate(mutated);
                    } else {
                        KeyFiles.readPublic(mutated);
                    }
                } catch (Exception e) {
                    assertNotEquals(ExitCodes.INTERNAL, ErrorMapper.exitCode(e), b + "\n" + e);
                    refused++;
                }
            }
        }
        System.out.printf("key fuzz: %d mutated PEM files read twice, %d refusals, none internal%n", CASES, refused);
        assertTrue(refused > 0);
    }
}
