// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.sign.KeylessFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line through picocli's execute(), as a user sees it: output, errors, exit codes. */
class CliTest {
    @TempDir
    Path dir;
    private Path oldBin;
    private Path newBin;
    private Path patch;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void images() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(5);
        oldBin = Files.write(dir.resolve("old.bin"), pair.oldImage());
        newBin = Files.write(dir.resolve("new.bin"), pair.newImage());
        patch = dir.resolve("update.fwd");
    }

    /** As main() runs it: the command line built for these arguments (only the named command). */
    private int run(String... args) {
        CommandLine cl = Main.commandLineFor(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private void diff() {
        assertEquals(0, run("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString(),
                "--firmware-version", "42", "--hardware-id", "0xC0FFEE"), err.toString());
    }

    @Test
    void aCommandAloneBehavesAsInTheFullCommandLine() {
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            CommandLine alone = Main.commandLineFor(new String[] {name});
            CommandLine full = Main.commandLine();
            assertEquals(full.getSubcommands().get(name).getUsageMessage(),
                    alone.getSubcommands().get(name).getUsageMessage(), name);
            int expectedSubcommands = name.equals("help") ? full.getSubcommands().size() : 1;
            assertEquals(expectedSubcommands, alone.getSubcommands().size(), name);
        }
        // a usage error in a command run alone still exits with USAGE and names that command's help
        assertEquals(ExitCodes.USAGE, run("diff", oldBin.toString()));
        assertTrue(err.toString().contains("(see 'fwdelta diff --help')"), err.toString());
        // no command, or one that does not exist: the full list
        assertEquals(12, Main.commandLineFor(new String[] {"nonsense"}).getSubcommands().size());
    }

    /**
     * A zero-padded number is decimal: 010 is ten, not octal eight (Long.decode's reading, which
     * signed a wrong firmware_version); signs and '#' are refused.
     */
    @Test
    void zeroPaddedNumbersAreDecimal() throws Exception {
        assertEquals(0, run("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString(),
                "--firmware-version", "010", "--hardware-id", "0010"), err.toString());
        PatchHeader h = PatchHeader.parse(Files.readAllBytes(patch));
        assertEquals(10, h.firmwareVersion());
        assertEquals(10, h.hardwareId());
        for (String bad : new String[] {"#10", "+10", "-1", "0x", "1_0", "\u0661\u0660"}) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, run("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString(),
                    "--firmware-version", bad), bad);
            assertTrue(err.toString().contains("is not a number (decimal or 0x hex"), bad + ": " + err);
        }
    }

    @Test
    void diffApplyRoundTrip() throws Exception {
        diff();
        Path result = dir.resolve("result.bin");
        assertEquals(0, run("apply", oldBin.toString(), patch.toString(), "-o", result.toString()), err.toString());
        assertArrayEquals(Files.readAllBytes(newBin), Files.readAllBytes(result));
        assertTrue(out.toString().contains("verified"), out.toString());
    }

    @Test
    void inspectJsonShowsTheHeader() throws Exception {
        diff();
        out.getBuffer().setLength(0);
        assertEquals(0, run("inspect", patch.toString(), "--json"));
        var json = com.google.gson.JsonParser.parseString(out.toString()).getAsJsonObject();
        assertEquals(42, json.get("firmware_version").getAsLong());
        assertEquals(0xC0FFEE, json.get("hardware_id").getAsLong());
        assertTrue(json.get("decoder_ram").getAsLong() <= 16384, json.toString());
        assertEquals(Files.size(patch), json.get("patch_size").getAsLong());
    }

    @Test
    void wrongBaseImageExitsWithItsCodeAndWritesNothing() throws Exception {
        diff();
        Path result = dir.resolve("result.bin");
        assertEquals(ExitCodes.WRONG_BASE_IMAGE, run("apply", newBin.toString(), patch.toString(), "-o",
                result.toString()));
        assertFalse(Files.exists(result));
        assertTrue(err.toString().startsWith("fwdelta: error: WRONG_BASE_IMAGE"), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace for a user error");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".part")).count());
        }
    }

    @Test
    void corruptPatchExitsWithBadPatch() throws Exception {
        diff();
        byte[] p = Files.readAllBytes(patch);
        p[p.length - 3] ^= 0x40;
        Files.write(patch, p);
        Path result = dir.resolve("result.bin");
        assertEquals(ExitCodes.BAD_PATCH, run("apply", oldBin.toString(), patch.toString(), "-o", result.toString()));
        assertFalse(Files.exists(result));
    }

    /**
     * apply, device simulate and device serve read their --trust files first, as verify does: a
     * missing or keyless one is the error, not what reading OLD and PATCH would find (a patch whose
     * header is bad, an image that is not there).
     */
    @Test
    void aBadTrustFileIsReportedBeforeTheImagesAreRead() throws Exception {
        diff();
        byte[] p = Files.readAllBytes(patch);
        p[20] ^= 0x40; // inside the header: its CRC no longer matches
        Files.write(patch, p);
        Path result = dir.resolve("result.bin");
        Path noOld = dir.resolve("no-such-old.bin");
        Path missing = dir.resolve("no-such-key.pub.pem");
        Path empty = Files.write(dir.resolve("empty.pub.pem"), new byte[0]);
        String[][] runs = {
            {"apply", oldBin.toString(), patch.toString(), "-o", result.toString()},
            {"device", "simulate", "--layout", "stm32f405-1m", "--old", noOld.toString(), "--patch", patch.toString()},
            {"device", "serve", "--port", dir.resolve("no-port").toString(), "--layout", "stm32f405-1m",
                "--image", noOld.toString()}};
        for (String[] args : runs) {
            String what = String.join(" ", args);
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.IO_ERROR, run(concat(args, "--trust", missing.toString())), what + ": " + err);
            assertEquals(List.of("fwdelta: error: no such file: " + missing), err.toString().lines().toList(), what);
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, run(concat(args, "--trust", empty.toString())), what + ": " + err);
            assertTrue(err.toString().startsWith("fwdelta: error: --trust " + empty + " "), what + ": " + err);
            err.getBuffer().setLength(0);
            assertNotEquals(0, run(args), what);
            assertFalse(err.toString().contains("--trust"), "without --trust the inputs are the error: " + err);
        }
        assertFalse(Files.exists(result));
    }

    private static String[] concat(String[] args, String... more) {
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    @Test
    void missingFileIsAnIoError() {
        assertEquals(ExitCodes.IO_ERROR, run("apply", dir.resolve("nope.bin").toString(), oldBin.toString(), "-o",
                dir.resolve("x").toString()));
        assertTrue(err.toString().contains("no such file"), err.toString());
    }

    /** diff reads its two inputs side by side, and still reports as if one after the other: OLD first. */
    @Test
    void diffReportsTheOldInputsErrorFirst() throws Exception {
        Path badHex = Files.writeString(dir.resolve("bad.hex"), ":10000000\n");
        Path missing = dir.resolve("nope.bin");
        assertEquals(ExitCodes.IO_ERROR, run("diff", missing.toString(), badHex.toString(), "-o", patch.toString()));
        assertTrue(err.toString().contains("nope.bin") && !err.toString().contains("bad.hex"), err.toString());
        err.getBuffer().setLength(0);
        assertNotEquals(0, run("diff", badHex.toString(), missing.toString(), "-o", patch.toString()));
        assertTrue(err.toString().contains("bad.hex") && !err.toString().contains("nope.bin"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.IO_ERROR, run("diff", oldBin.toString(), missing.toString(), "-o", patch.toString()));
        assertTrue(err.toString().contains("nope.bin"), err.toString());
        assertFalse(Files.exists(patch));
    }

    /** A byte past ASCII in a HEX file is malformed input named by place, not an I/O error naming nothing. */
    @Test
    void aNonAsciiByteInAHexFileIsNamedByLineAndColumn() throws Exception {
        byte[] hex = ":020000040800F2\n:0400000001020304F2\n:00000001FF\n".getBytes(StandardCharsets.US_ASCII);
        hex[16 + 4] = (byte) 0xFF;
        Path bad = Files.write(dir.resolve("bad.hex"), hex);
        assertEquals(ExitCodes.USAGE, run("diff", bad.toString(), newBin.toString(), "-o", patch.toString()));
        assertEquals("fwdelta: error: " + bad + ": line 2, column 5: byte 0xFF is not ASCII (a record file is "
                + "ASCII text) (see 'fwdelta diff --help')", err.toString().strip());
    }

    @Test
    void usageErrors() {
        assertEquals(ExitCodes.USAGE, run("diff", oldBin.toString()));
        assertEquals(ExitCodes.USAGE, run("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString(),
                "--codec", "zip"));
        assertEquals(ExitCodes.USAGE, run("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString(),
                "--ram-budget", "lots"));
        assertEquals(ExitCodes.USAGE, run("frobnicate"));
    }

    @Test
    void aUsageErrorIsOneLineWithoutTheUsage() {
        for (String[] args : List.of(new String[] {"diff", oldBin.toString()}, new String[] {"diff", "--bogus"},
                new String[] {"apply", "--ram-budget", "lots"}, new String[] {"inspct"})) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, run(args), String.join(" ", args));
            String text = err.toString();
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.startsWith("fwdelta: error: "), text);
            assertFalse(text.contains("Usage:"), text);
        }
        assertTrue(err.toString().contains("did you mean inspect?"), err.toString());
    }

    @Test
    void aBareFwdeltaListsEveryCommand() {
        assertEquals(ExitCodes.USAGE, Main.commandLineFor(new String[0]).setErr(new PrintWriter(err)).execute());
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            assertTrue(err.toString().contains("\n  " + name + " "), name + " missing from:\n" + err);
        }
        assertFalse(err.toString().contains("fwdelta: error:"), err.toString());
    }

    @Test
    void ramBudgetRefusesBigDecoders() throws Exception {
        assertEquals(0, run("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString(), "--codec", "lz77",
                "--ram-budget", "64K"));
        long needed = PatchHeader.parse(Files.readAllBytes(patch)).decoderRam();
        assertEquals(ExitCodes.BAD_PATCH, run("apply", oldBin.toString(), patch.toString(), "-o",
                dir.resolve("r.bin").toString(), "--ram-budget", Long.toString(needed - 1)));
        assertTrue(err.toString().contains("RAM_BUDGET_EXCEEDED"), err.toString());
        assertFalse(Files.exists(dir.resolve("r.bin")));
        assertEquals(0, run("apply", oldBin.toString(), patch.toString(), "-o",
                dir.resolve("r.bin").toString(), "--ram-budget", Long.toString(needed)), err.toString());
        assertArrayEquals(Files.readAllBytes(newBin), Files.readAllBytes(dir.resolve("r.bin")));
    }

    /** An existing public key file stops keygen before it writes the private key beside it. */
    /**
     * keygen writes each key file beside its name and renames it whole: a run killed at its first
     * write (here by a file size limit of 0) leaves no empty KEY.pem that every later keygen would
     * refuse as existing.
     */
    @Test
    void aKeygenStoppedHalfWayLeavesNoKeyFile() throws Exception {
        Path key = dir.resolve("release.pem");
        ChildCli.Result r = ChildCli.runWithoutFileSpace("keygen", "-o", key.toString());
        assertNotEquals(0, r.exit(), r.err());
        assertFalse(Files.exists(key), "a partial private key was left at its name");
        assertFalse(Files.exists(dir.resolve("release.pub.pem")));
        assertEquals(0, run("keygen", "-o", key.toString()), err.toString());
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"));
    }

    @Test
    void keygenWritesNothingWhenThePublicKeyFileExists() throws Exception {
        Path key = dir.resolve("rel.pem");
        Path otherPublic = dir.resolve("rel.pub.pem");
        Files.writeString(otherPublic, "another key's public file");
        assertEquals(ExitCodes.IO_ERROR, run("keygen", "-o", key.toString()));
        assertTrue(err.toString().contains("rel.pub.pem"), err.toString());
        assertFalse(Files.exists(key), "a private key was left beside another key's public file");
        assertEquals("another key's public file", Files.readString(otherPublic));
    }

    @Test
    void unsignedPatchIsRefusedWhenATrustStoreIsGiven() {
        diff();
        Path key = dir.resolve("k.pem");
        assertEquals(0, run("keygen", "-o", key.toString()));
        Path result = dir.resolve("r.bin");
        assertEquals(ExitCodes.REFUSED, run("apply", oldBin.toString(), patch.toString(), "-o", result.toString(),
                "--trust", dir.resolve("k.pub.pem").toString()));
        assertTrue(err.toString().contains("UNSIGNED_PATCH"), err.toString());
        assertFalse(Files.exists(result));
        assertEquals(0, run("sign", patch.toString(), "--key", key.toString()));
        assertEquals(ExitCodes.REFUSED, run("apply", oldBin.toString(), patch.toString(), "-o", result.toString(),
                "--trust", dir.resolve("k.pub.pem").toString(), "--installed-version", "42"));
        assertTrue(err.toString().contains("ROLLBACK"), err.toString());
        assertEquals(0, run("apply", oldBin.toString(), patch.toString(), "-o", result.toString(),
                "--trust", dir.resolve("k.pub.pem").toString(), "--installed-version", "41", "--hardware-id",
                "0xc0ffee"), err.toString());
    }

    /**
     * A --trust file that was read but holds no public key fwdelta can use is a wrong argument, as
     * a public key given to --key is: exit 2, one line naming --trust and the file, for every
     * command that takes --trust (and sign's --public-key), before anything is written. A file
     * that cannot be read stays an I/O error, and a private key still gives its public half.
     */
    @Test
    void aTrustFileWithoutAUsablePublicKeyIsAUsageError() throws Exception {
        diff();
        Path key = dir.resolve("k.pem");
        assertEquals(0, run("keygen", "-o", key.toString()), err.toString());
        assertEquals(0, run("sign", patch.toString(), "--key", key.toString()), err.toString());
        Path result = dir.resolve("r.bin");
        Path signature = Files.write(dir.resolve("sig.bin"), new byte[64]);
        for (Map.Entry<String, Path> file : KeylessFiles.write(Files.createDirectories(dir.resolve("keys"))).entrySet()) {
            String bad = file.getValue().toString();
            String[][] runs = {
                {"apply", oldBin.toString(), patch.toString(), "-o", result.toString(), "--trust", bad},
                {"verify", patch.toString(), "--trust", bad},
                {"device", "simulate", "--layout", "stm32f405-1m", "--old", oldBin.toString(), "--patch",
                    patch.toString(), "--trust", bad},
                {"device", "serve", "--port", dir.resolve("no-port").toString(), "--layout", "stm32f405-1m",
                    "--image", oldBin.toString(), "--trust", bad},
                {"sign", patch.toString(), "--attach", signature.toString(), "--public-key", bad, "-o",
                    result.toString()}};
            for (String[] args : runs) {
                String what = file.getKey() + ", " + String.join(" ", args);
                err.getBuffer().setLength(0);
                assertEquals(ExitCodes.USAGE, run(args), what + ": " + err);
                String option = args[args.length - 2].equals("-o") ? "--public-key" : "--trust";
                List<String> lines = err.toString().lines().toList();
                assertEquals(1, lines.size(), what + ": " + err);
                assertTrue(lines.get(0).startsWith("fwdelta: error: " + option + " " + bad + " "), what + ": " + err);
                assertFalse(Files.exists(result), what);
            }
        }
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.IO_ERROR, run("verify", patch.toString(), "--trust", dir.resolve("none.pem").toString()));
        assertTrue(err.toString().contains("none.pem"), err.toString());
        assertEquals(0, run("verify", patch.toString(), "--trust", key.toString()), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"diff", "apply", "inspect", "verify", "sign", "keygen", "matrix", "demo"}) {
            assertEquals(0, run(cmd, "--help"));
        }
        assertTrue(out.toString().contains("--ram-budget"));
    }

    @Test
    void demoRunsEndToEndAndKeepsItsFiles() throws Exception {
        Path demoDir = dir.resolve("demo");
        assertEquals(0, run("demo", "--out", demoDir.toString()), err.toString());
        // it lists the checks the header records: a format-3 patch has no CRC-32/MPEG-2
        assertTrue(out.toString().contains("new image verified (size, SHA-256)"), out.toString());
        assertTrue(Files.size(demoDir.resolve("update.fwd")) < Files.size(demoDir.resolve("new.bin")) / 5);
    }

    /** An input that is a directory is named with the reason, not a bare "Is a directory". */
    @Test
    void anInputThatIsADirectoryIsNamed() throws Exception {
        Path srv = Files.createDirectories(dir.resolve("srv"));
        assertEquals(ExitCodes.IO_ERROR, run("diff", oldBin.toString(), srv.toString(), "-o", patch.toString()));
        assertEquals("fwdelta: error: " + srv + ": is a directory, not a file\n", err.toString().replace("\r", ""));
        assertFalse(Files.exists(patch));
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.IO_ERROR, run("inspect", srv.toString()));
        assertEquals("fwdelta: error: " + srv + ": is a directory, not a file\n", err.toString().replace("\r", ""));
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.IO_ERROR, run("sign", srv.toString(), "--digest-only"));
        assertEquals("fwdelta: error: " + srv + ": is a directory, not a file\n", err.toString().replace("\r", ""));
    }

    /**
     * An output that is a directory is refused before any work, named as the user gave it (not
     * the temporary file beside it): OLD is not even read here (it is not a valid HEX file).
     */
    @Test
    void anOutputThatIsADirectoryIsRefusedFirst() throws Exception {
        Path srv = Files.createDirectories(dir.resolve("srv"));
        Path badHex = Files.writeString(dir.resolve("bad.hex"), ":zz\n");
        assertEquals(ExitCodes.IO_ERROR, run("diff", badHex.toString(), newBin.toString(), "-o", srv.toString()));
        assertEquals("fwdelta: error: " + srv + ": is a directory: name the output file in it\n",
                err.toString().replace("\r", ""));
        diff();
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.IO_ERROR, run("apply", badHex.toString(), patch.toString(), "-o", srv.toString()));
        assertEquals("fwdelta: error: " + srv + ": is a directory: name the output file in it\n",
                err.toString().replace("\r", ""));
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.IO_ERROR, run("diff", badHex.toString(), newBin.toString(), "-o",
                dir.resolve("no-such-dir").resolve("p.fwd").toString()));
        assertTrue(err.toString().startsWith("fwdelta: error: no such file: " + dir.resolve("no-such-dir")
                + ": output directory does not exist"), err.toString());
        try (var files = Files.list(srv)) {
            assertEquals(0, files.count(), "no temporary file left in the directory");
        }
    }

    /** A failure to move the finished output into place names the output, not its temporary file. */
    @Test
    void aFailedCommitNamesTheOutputNotItsTemporaryFile() throws Exception {
        Path target = dir.resolve("out.bin");
        try (AtomicOutput o = new AtomicOutput(target)) {
            o.stream().write(1);
            Files.createDirectories(target.resolve("inside")); // the output became a non-empty directory
            IOException e = assertThrows(IOException.class, o::commit);
            assertTrue(ErrorMapper.message(e).startsWith(target + ": "), ErrorMapper.message(e));
            assertFalse(ErrorMapper.message(e).contains(".part"), ErrorMapper.message(e));
        }
    }

    /**
     * The temporary an unfinished output is written to is recognised as that output's (what a
     * killed run leaves for demo/matrix --out to remove), and as no other name's; names that only
     * look alike (no random part, upper case, a leading zero, no ".part") are not temporaries.
     */
    @Test
    void anOutputsTemporaryIsRecognisedAsItsOwnOnly() throws Exception {
        Path out = Files.createDirectory(dir.resolve("out"));
        try (AtomicOutput o = new AtomicOutput(out.resolve("update.fwd"))) {
            o.stream().write(1);
            List<String> temps;
            try (var files = Files.list(out)) {
                temps = files.map(p -> p.getFileName().toString()).toList();
            }
            assertEquals(1, temps.size(), temps.toString());
            assertTrue(AtomicOutput.isTempOf(temps.get(0), "update.fwd"::equals), temps.get(0));
            assertFalse(AtomicOutput.isTempOf(temps.get(0), "old.bin"::equals), temps.get(0));
        }
        assertTrue(AtomicOutput.isTempOf(".a.b.c.0.part", "a.b.c"::equals));
        for (String lookalike : List.of(".update.fwd.part", "update.fwd.k3j2.part", ".update.fwd.K3J2.part",
                ".update.fwd.0k3j2.part", ".update.fwd.k3j2", ".update.fwd.k3-j2.part", "..k3j2.part")) {
            assertFalse(AtomicOutput.isTempOf(lookalike, "update.fwd"::equals), lookalike);
        }
    }

    /**
     * A public key given as --key is a wrong argument, not an unreadable file: exit 2 naming
     * --key, for every command that signs; nothing is written.
     */
    @Test
    void aPublicKeyAsKeyIsAUsageError() throws Exception {
        Path key = dir.resolve("k.pem");
        assertEquals(0, run("keygen", "-o", key.toString()), err.toString());
        Path pub = dir.resolve("k.pub.pem");
        diff();
        byte[] unsigned = Files.readAllBytes(patch);
        String expected = "fwdelta: error: --key " + pub + " holds a public key: --key takes the private key (PEM "
                + "\"PRIVATE KEY\" or \"EC PRIVATE KEY\"); a public key goes to --trust";
        Path signed = dir.resolve("signed.fwd");
        for (String[] args : signingRuns(pub, signed)) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, run(args), args[0]);
            assertEquals(expected + " (see 'fwdelta " + args[0] + " --help')\n", err.toString().replace("\r", ""), args[0]);
            assertFalse(Files.exists(signed), args[0]);
        }
        assertArrayEquals(unsigned, Files.readAllBytes(patch));
    }

    /**
     * A --key file whose DER nests deeper than a key does is refused before the parser, which
     * would exhaust its stack on it: exit 2, one line naming --key and the file, for every command
     * that signs (the --trust side is among {@link KeylessFiles}).
     */
    @Test
    void aKeyFileOfDeeplyNestedDerIsAUsageError() throws Exception {
        diff();
        Path deep = Files.writeString(dir.resolve("deep.pem"), KeylessFiles.pem("PRIVATE KEY",
                KeylessFiles.nestedDer(KeylessFiles.DEEP_ENOUGH_TO_EXHAUST_A_STACK)));
        Path signed = dir.resolve("signed.fwd");
        for (String[] args : signingRuns(deep, signed)) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, run(args), args[0] + ": " + err);
            List<String> lines = err.toString().lines().toList();
            assertEquals(1, lines.size(), args[0] + ": " + err);
            assertTrue(lines.get(0).startsWith("fwdelta: error: --key " + deep + " is not a valid PEM key file: its DER "
                    + "nests deeper than 16 levels"), args[0] + ": " + err);
            assertFalse(Files.exists(signed), args[0]);
        }
    }

    /** Every command that signs, with {@code key} as --key and its patch written to {@code signed}. */
    private String[][] signingRuns(Path key, Path signed) {
        return new String[][] {
            {"diff", oldBin.toString(), newBin.toString(), "-o", signed.toString(), "--key", key.toString()},
            {"sign", patch.toString(), "--key", key.toString(), "-o", signed.toString()},
            {"matrix", "--new", newBin.toString(), "--old", oldBin.toString(), "--out", dir.resolve("rel").toString(),
                "--key", key.toString()}};
    }

    @Test
    void versionNamesTheFormatsWrittenAndApplied() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().contains("writes patch format 3, applies formats 1 to 3"), out.toString());
    }
}
