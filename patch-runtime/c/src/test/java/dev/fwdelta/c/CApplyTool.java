// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the C host tool {@code fwdelta-c-apply OLD PATCH OUT --chunk N} built by this module's cmake step. */
final class CApplyTool {
    private static final Pattern CODE = Pattern.compile("fwdelta: error: code (\\d+) ");

    private final Path binary;
    private final Path dir;

    /** {@code dir}: where the old, patch and output files go. */
    CApplyTool(Path dir) {
        this.binary = binary();
        this.dir = dir;
    }

    /** The tool Maven built (system property fwdelta.cApply), checked to be there. */
    static Path binary() {
        String path = System.getProperty("fwdelta.cApply");
        assertTrue(path != null, "system property fwdelta.cApply (the C tool's path) is not set: run through Maven");
        Path binary = Path.of(path);
        assertTrue(Files.isExecutable(binary), "C tool fwdelta-c-apply not built at " + binary
                + " (needs cmake and a C compiler)");
        return binary;
    }

    /** As a C update agent at slot address {@code slot} does: {@code --slot} checks the patch's load address. */
    Outcome applyAtSlot(byte[] old, byte[] patch, int chunk, long slot) throws IOException, InterruptedException {
        return apply(old, patch, chunk, "--slot", "0x" + Long.toHexString(slot));
    }

    /** {@code options}: more arguments after {@code --chunk N}, e.g. {@code --trust KEY.pem}. */
    Outcome apply(byte[] old, byte[] patch, int chunk, String... options) throws IOException, InterruptedException {
        Path oldFile = dir.resolve("old.bin");
        Path patchFile = dir.resolve("patch.fwd");
        Path out = dir.resolve("new.bin");
        Files.write(oldFile, old);
        Files.write(patchFile, patch);
        Files.deleteIfExists(out);
        List<String> command = new ArrayList<>(List.of(binary.toString(), oldFile.toString(), patchFile.toString(),
                out.toString(), "--chunk", Integer.toString(chunk)));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "fwdelta-c-apply did not end");
        int exit = p.exitValue();
        if (exit == 0) {
            return Outcome.ok(Files.readAllBytes(out));
        }
        Matcher m = CODE.matcher(text);
        assertTrue(m.find(), "fwdelta-c-apply exit " + exit + " without an error code: " + text);
        assertTrue(!Files.exists(out), "a failed apply left its output behind");
        return new Outcome(Integer.parseInt(m.group(1)), exit, null);
    }
}
