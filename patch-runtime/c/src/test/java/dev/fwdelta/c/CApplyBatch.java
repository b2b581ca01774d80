// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code fwdelta-c-apply --batch OLD MUTANTS --chunk N}: many patches against one old image in
 * one process. When the tool stops early (a sanitizer report, a crash), the patch it was applying
 * gets a crash outcome with the report's first line, and the batch goes on after it.
 */
final class CApplyBatch {
    private final Path binary;
    private final Path dir;

    CApplyBatch(Path dir) {
        this.binary = CApplyTool.binary();
        this.dir = dir;
    }

    /** {@code options}: more arguments after {@code --chunk N}: {@code --trust PUB.pem}, {@code --slot ADDR}. */
    List<MutantOutcome> apply(byte[] old, List<byte[]> patches, int chunk, List<String> options)
            throws IOException, InterruptedException {
        Path oldFile = dir.resolve("old.bin");
        Files.write(oldFile, old);
        List<MutantOutcome> out = new ArrayList<>();
        while (out.size() < patches.size()) {
            List<byte[]> rest = patches.subList(out.size(), patches.size());
            Path list = dir.resolve("mutants.bin");
            Files.write(list, records(rest));
            Path errors = dir.resolve("stderr.txt");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--batch", oldFile.toString(),
                    list.toString(), "--chunk", Integer.toString(chunk)));
            command.addAll(options);
            Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(600, TimeUnit.SECONDS), "fwdelta-c-apply --batch did not end");
            int before = out.size();
            for (String line : text.split("\n")) {
                if (!line.isEmpty()) {
                    String[] f = line.split(" ");
                    out.add(new MutantOutcome(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3], null));
                }
            }
            if (p.exitValue() != 0 && out.size() < patches.size()) {
                out.add(MutantOutcome.crashed("exit " + p.exitValue() + ": " + firstReportLine(errors)));
            } else {
                assertTrue(p.exitValue() == 0 && out.size() > before, "fwdelta-c-apply --batch exit " + p.exitValue()
                        + ": " + Files.readString(errors));
            }
        }
        return out;
    }

    private static String firstReportLine(Path errors) throws IOException {
        for (String line : Files.readAllLines(errors, StandardCharsets.ISO_8859_1)) {
            if (line.contains("ERROR") || line.contains("runtime error")) {
                return line.strip();
            }
        }
        return "no report";
    }

    private static byte[] records(List<byte[]> patches) {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        for (byte[] p : patches) {
            int n = p.length;
            w.write(n);
            w.write(n >> 8);
            w.write(n >> 16);
            w.write(n >> 24);
            w.writeBytes(p);
        }
        return w.toByteArray();
    }
}
