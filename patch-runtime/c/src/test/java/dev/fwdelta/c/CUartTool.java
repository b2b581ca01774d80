// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the C host tool {@code fwdelta-c-uart VECTOR_DIR FILE...} (tools/fwdelta_c_uart.c) built by
 * this module's cmake step: what the C device does with each transcript, as lines.
 */
final class CUartTool {
    /** Transcripts per run of the tool: a command line well within ARG_MAX. */
    private static final int BATCH = 400;

    private final Path binary;
    private final Path vectors;
    private final Path dir;

    /** {@code dir}: where the transcripts go. */
    CUartTool(Path vectors, Path dir) {
        String path = System.getProperty("fwdelta.cUart");
        assertTrue(path != null, "system property fwdelta.cUart (the C tool's path) is not set: run through Maven");
        this.binary = Path.of(path);
        assertTrue(Files.isExecutable(binary), "C tool fwdelta-c-uart not built at " + binary
                + " (needs cmake and a C compiler)");
        this.vectors = vectors;
        this.dir = dir;
    }

    /** Each transcript's lines, in the order given. */
    List<List<String>> run(List<byte[]> transcripts) throws IOException, InterruptedException {
        List<List<String>> all = new ArrayList<>();
        for (int from = 0; from < transcripts.size(); from += BATCH) {
            all.addAll(runBatch(transcripts.subList(from, Math.min(transcripts.size(), from + BATCH))));
        }
        return all;
    }

    private List<List<String>> runBatch(List<byte[]> transcripts) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), vectors.toString()));
        for (int i = 0; i < transcripts.size(); i++) {
            Path f = dir.resolve("t" + i);
            Files.write(f, transcripts.get(i));
            command.add(f.toString());
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "fwdelta-c-uart did not end");
        assertEquals(0, p.exitValue(), "fwdelta-c-uart exit " + p.exitValue());
        Map<String, List<String>> byFile = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("transcript ")) {
                current = new ArrayList<>();
                byFile.put(line.substring("transcript ".length()), current);
            } else if (!line.isEmpty()) {
                assertTrue(current != null, "fwdelta-c-uart printed before its first transcript: " + line);
                current.add(line);
            }
        }
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < transcripts.size(); i++) {
            List<String> lines = byFile.get(dir.resolve("t" + i).toString());
            assertTrue(lines != null, "fwdelta-c-uart printed nothing for transcript " + i);
            out.add(lines);
        }
        return out;
    }
}
