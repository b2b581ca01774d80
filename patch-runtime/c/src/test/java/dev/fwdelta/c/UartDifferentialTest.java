// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.LittleEndian;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java device (UartDevice, TransferSession, UpdateAgent, Bootloader over a NorFlash) against
 * the C device (fwd_uart, fwd_agent, fwd_log, fwd_boot over tests/ram_flash.h's RAM flash, run by
 * tools/fwdelta_c_uart.c) on the same UART transcripts: fuzz/make_uart_seeds.c's whole updates
 * and seeded mutations of them ({@link UartTranscripts}), delivered in the same chunks with the
 * same quiet lines and resets ({@link UartLine}, fuzz/uart_line.h). Compared: every frame the
 * device sends, in order; the agent's state and resume offset after the line bytes; the staging
 * slot, both logs and the active slot then (SHA-256 of each); what the two boots after them decide
 * and the active slot after them.
 *
 * <p>Not compared: a RESULT's message text. docs/PROTOCOL.md defines only its status (a u16) and
 * that a UTF-8 message follows; the Java device says what failed in words, the C device names the
 * error (fwd_error_name), so a RESULT is compared by its seq and status.
 * Nothing in either device is driven by time: the quiet line is an explicit event of the
 * transcript, so no answer is left out for timing.
 *
 * <p>ECC transcripts ({@link EccTranscripts}, flag {@link UartLine#ECC_TEARS}) run both devices on
 * the stm32l4-512k preset (ECC units of 8 bytes: tests/preset_layouts.h and
 * tests/power_cut_flash.h in C, {@link ArmedTearFlash} over a NorFlash in Java), where a reset
 * event of the transcript arms a torn write, the agent's or the bootloader's: a program or an erase
 * starting in the staging slot, the agent log, the boot log, the active slot or scratch (the seed
 * picks the region, the kind and how many such writes pass first; for the last three the device
 * resets at the event so that a boot meets it), and one more is armed for the boots after the line
 * bytes, which install what was staged; the device resets where the torn write lands: the same
 * write in both, or the lines part. Their resends meet the torn units and records, so both devices'
 * NAK 3, restarts (also with frames held for selective repeat), resume offsets, staging and logs and
 * boot decisions are compared byte for byte; every boot must start the image it names, whole (the
 * line "unsafe boot" otherwise), and each whole update sent again must end installed, refused, or
 * cut short by a tear in its last send. Out of reach of a transcript: flash errors
 * (TransferSessionTest and the C tests pin what a full agent log does), and other layouts.
 *
 * <p>The sampled runs (300 transcripts, 100 ECC ones) are in the default tests;
 * {@code -Puart-differential} runs the campaign ({@code fwdelta.uartDifferential.transcripts} and
 * {@code fwdelta.uartDifferential.eccTranscripts}, and {@code fwdelta.uartDifferential.seed} for
 * other mutations; README).
 */
class UartDifferentialTest {
    private static final int SAMPLED = 300;
    private static final int ECC_SAMPLED = 100;
    /**
     * ECC transcripts made whole before the mutants (each vector with each first DATA size, six
     * times): their resends in swapped pairs are what meets a torn unit with a frame held.
     */
    private static final int ECC_WHOLE = 96;
    /** The fewest NAK 3 with frames held the sampled ECC transcripts (the whole ones among them) reach. */
    private static final int ECC_HELD_RESTARTS = 4;
    private static final long MUTATION_SEED = 20261206;
    /** Disagreements listed in a failure, each with its transcript in hex. */
    private static final int SHOWN = 5;

    @TempDir
    Path dir;

    @Test
    void everySeedStagesAndInstallsOnTheJavaDeviceAsOnTheC() throws Exception {
        List<byte[]> seeds = seeds();
        assertEquals(20, seeds.size(), "fuzz/make_uart_seeds.c writes 4 vectors x 5 variants, one of them ECC");
        List<List<String>> c = new CUartTool(vectors(), dir).run(seeds);
        for (int i = 0; i < seeds.size(); i++) {
            List<String> java = JavaUartDevice.run(vectors(), seeds.get(i));
            // on trial, or (an ECC seed) installed at a reset in the line bytes and confirmed there
            assertTrue(java.stream().anyMatch(l -> l.startsWith("boot 1 ")), "seed " + i + " installs: " + java);
            assertEquals(normalized(c.get(i)), normalized(java), "seed " + i);
        }
    }

    @Test
    void mutatedTranscriptsGetTheSameAnswersFlashAndBootDecisions() throws Exception {
        int count = Integer.getInteger("fwdelta.uartDifferential.transcripts", SAMPLED);
        long seed = Long.getLong("fwdelta.uartDifferential.seed", MUTATION_SEED);
        List<byte[]> plain = seeds().stream().filter(t -> (t[1] & UartLine.ECC_TEARS) == 0).toList();
        List<byte[]> transcripts = new UartTranscripts(plain, seed).take(count);
        Map<String, Integer> reached = compare(transcripts, 0);
        for (String what : REACHED) {
            assertTrue(reached.getOrDefault(what, 0) > 0, "no transcript reached " + what + ": " + reached);
        }
    }

    @Test
    void eccTranscriptsTearRestartAndStageAlike() throws Exception {
        int count = Integer.getInteger("fwdelta.uartDifferential.eccTranscripts", ECC_SAMPLED);
        long seed = Long.getLong("fwdelta.uartDifferential.seed", MUTATION_SEED);
        List<byte[]> whole = EccTranscripts.make(vectors(), ECC_WHOLE, seed);
        List<byte[]> transcripts = new UartTranscripts(whole, seed).take(count);
        Map<String, Integer> reached = compare(transcripts, ECC_WHOLE);
        System.out.printf("UART differential, %d ECC transcripts, all alike on both devices: %s%n", transcripts.size(),
                reached); // what they reached, for the campaign's count by hand
        for (String what : ECC_REACHED) {
            assertTrue(reached.getOrDefault(what, 0) > 0, "no ECC transcript reached " + what + ": " + reached);
        }
        if (count >= ECC_WHOLE) {
            assertTrue(reached.getOrDefault(HELD_RESTART, 0) >= ECC_HELD_RESTARTS, "fewer than " + ECC_HELD_RESTARTS
                    + " " + HELD_RESTART + ": " + reached);
        }
    }

    /**
     * Both devices on each transcript: fails listing the disagreements, or when a device boots
     * anything but a whole image, or when one of the first {@code whole} transcripts (whole updates
     * sent again) neither installs the new image nor is refused, nor was cut short ({@link #ending});
     * what they reached.
     */
    private Map<String, Integer> compare(List<byte[]> transcripts, int whole) throws Exception {
        List<List<String>> c = new CUartTool(vectors(), dir).run(transcripts);
        List<String> disagreements = new ArrayList<>();
        Map<String, Integer> reached = new TreeMap<>();
        int differ = 0;
        for (int i = 0; i < transcripts.size(); i++) {
            List<String> javaLines = normalized(JavaUartDevice.run(vectors(), transcripts.get(i)));
            List<String> cLines = normalized(c.get(i));
            int unsafe = reached.getOrDefault(UNSAFE, 0);
            countReached(javaLines, reached);
            String ending = i < whole ? ending(javaLines) : null;
            if (ending != null) {
                reached.merge("whole update " + ending, 1, Integer::sum);
            }
            if (reached.getOrDefault(UNSAFE, 0) > unsafe || "unfinished".equals(ending)) {
                keep(i, transcripts.get(i), javaLines, cLines);
            }
            if (!javaLines.equals(cLines)) {
                differ++;
                keep(i, transcripts.get(i), javaLines, cLines);
                if (disagreements.size() < SHOWN) {
                    disagreements.add(describe(i, transcripts.get(i), javaLines, cLines));
                }
            }
        }
        assertEquals(0, differ, differ + " of " + transcripts.size() + " transcripts disagree:\n"
                + String.join("\n", disagreements));
        assertEquals(0, reached.getOrDefault(UNSAFE, 0), "boots of a half image, an unknown one or a failed boot "
                + "(transcripts in target/uart-differential): " + reached);
        assertEquals(0, reached.getOrDefault("whole update unfinished", 0), "whole updates neither installed nor "
                + "refused: " + reached);
        return reached;
    }

    /**
     * How a whole update sent again ends: "installed" (its last RESULT staged it and the boot after
     * the line bytes starts the new image), "refused" (its last RESULT refused it), "cut short" (no
     * RESULT since the last power cut, and at most one send began since: the line bytes ended
     * before a send could get past the tear, a resend finishes), else "unfinished".
     */
    private static String ending(List<String> lines) {
        String last = null;
        int readiesSinceCut = 0;
        boolean resultSinceCut = false;
        int boot = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.equals("power cut") && boot < 0) {
                readiesSinceCut = 0;
                resultSinceCut = false;
            }
            if (line.startsWith("result")) {
                last = line;
                resultSinceCut = true;
            }
            readiesSinceCut += line.startsWith("tx a504") ? 1 : 0;
            boot = line.startsWith("boot ") && boot < 0 ? i : boot;
        }
        if (last != null && !last.endsWith("status 0")) {
            return "refused";
        }
        if (last != null && boot >= 0 && lines.get(boot).startsWith("boot 1")) {
            return "installed";
        }
        return !resultSinceCut && readiesSinceCut <= 1 ? "cut short" : "unfinished";
    }

    /** A boot of a half image or of none: never reached, or a device is unsafe. */
    private static final String UNSAFE = "unsafe boot";

    /** What the sampled transcripts must make a device do at least once, or the comparison covers little. */
    private static final List<String> REACHED = List.of("NAK 1", "NAK 2", "NAK 4", "SACK", "RESULT refused",
            "RESULT staged", "reset", "boot new", "boot old after a refused or broken update");
    /**
     * What the ECC transcripts must make a device do: tear, restart (NAK 3), restart with frames
     * held (a SACK since the last READY before the NAK 3), and still stage and boot the new image.
     */
    private static final String HELD_RESTART = "NAK 3 with frames held";
    private static final List<String> ECC_REACHED = List.of("power cut", "NAK 3", HELD_RESTART,
            "RESULT staged", "boot new");

    private static void countReached(List<String> lines, Map<String, Integer> reached) {
        String armed = null;
        for (String line : lines) {
            if (line.startsWith("tear armed ")) {
                armed = line.substring("tear armed ".length(), line.lastIndexOf(' '));
            } else if (line.equals("power cut")) {
                reached.merge("tear " + armed, 1, Integer::sum);
            }
            if (line.equals("unsafe boot") || line.endsWith(" error") || line.startsWith("boot 2")
                    || line.startsWith("reset 2")) {
                reached.merge(UNSAFE, 1, Integer::sum);
            }
            String what = line.startsWith("tx a507") ? "NAK " + Integer.parseInt(line.substring(line.length() - 10,
                    line.length() - 8), 16)
                    : line.startsWith("tx a50b") ? "SACK"
                    : line.startsWith("result") ? (line.endsWith("status 0") ? "RESULT staged" : "RESULT refused")
                    : line.startsWith("reset") ? "reset"
                    : line.equals("power cut") ? "power cut"
                    : line.startsWith("boot 1") ? "boot new" : null;
            if (what != null) {
                reached.merge(what, 1, Integer::sum);
            }
        }
        if (nakThreeWithFramesHeld(lines)) {
            reached.merge(HELD_RESTART, 1, Integer::sum);
        }
        if (lines.stream().anyMatch(l -> l.startsWith("result") && !l.endsWith("status 0"))
                && lines.contains("boot 0 0")) {
            reached.merge("boot old after a refused or broken update", 1, Integer::sum);
        }
    }

    /**
     * A NAK 3 while frames were held: a SACK held its frame (a non-zero range) and no ACK at or past
     * the held range's end, READY, INFO or RESULT came between them.
     */
    private static boolean nakThreeWithFramesHeld(List<String> lines) {
        long heldEnd = -1;
        for (String line : lines) {
            if (!line.startsWith("tx ")) {
                heldEnd = line.startsWith("result") ? -1 : heldEnd;
                continue;
            }
            byte[] f = HexFormat.of().parseHex(line.substring(3));
            int type = f[1] & 0xFF;
            long offset = f.length >= 11 + 4 ? LittleEndian.u32(f, 7) : 0;
            if (type == 0x0B && f.length >= 11 + 12 && LittleEndian.u32(f, 15) > 0) {
                heldEnd = Math.max(heldEnd, LittleEndian.u32(f, 15));
            } else if (type == 0x07 && f.length >= 11 + 5 && f[11] == 3 && heldEnd >= 0) {
                return true;
            } else if (type == 0x04 || type == 0x02 || type == 0x09 || type == 0x06 && offset >= heldEnd) {
                heldEnd = -1;
            }
        }
        return false;
    }

    /**
     * A disagreement's transcript and both devices' lines in target/uart-differential, to be
     * replayed (fwdelta-c-uart VECTOR_DIR FILE) and kept as a regression.
     */
    private static void keep(int i, byte[] t, List<String> java, List<String> c) throws IOException {
        Path out = Path.of("target", "uart-differential");
        Files.createDirectories(out);
        String name = String.format("%05d", i);
        Files.write(out.resolve(name + ".in"), t);
        Files.write(out.resolve(name + ".java"), java);
        Files.write(out.resolve(name + ".c"), c);
    }

    /** The first line where they part, with what came before it, and the transcript to replay. */
    private static String describe(int i, byte[] t, List<String> java, List<String> c) {
        int at = 0;
        while (at < java.size() && at < c.size() && java.get(at).equals(c.get(at))) {
            at++;
        }
        return "transcript " + i + " parts at line " + at + ": Java " + (at < java.size() ? java.get(at) : "(end)")
                + ", C " + (at < c.size() ? c.get(at) : "(end)") + "; before it: "
                + java.subList(Math.max(0, at - 3), at) + "\n  " + HexFormat.of().formatHex(t);
    }

    /** The lines with each RESULT's message left out (see the class comment). */
    static List<String> normalized(List<String> lines) {
        return lines.stream().map(UartDifferentialTest::withoutResultMessage).collect(Collectors.toList());
    }

    private static String withoutResultMessage(String line) {
        if (!line.startsWith("tx a509") || line.length() < "tx ".length() + 2 * 9) {
            return line;
        }
        byte[] f = HexFormat.of().parseHex(line.substring(3));
        return String.format("result seq %d status %d", f[2] & 0xFF, (f[7] & 0xFF) | (f[8] & 0xFF) << 8);
    }

    private static Path vectors() {
        String dir = System.getProperty("fwdelta.vectors");
        assertTrue(dir != null, "system property fwdelta.vectors (the golden vectors) is not set: run through Maven");
        return Path.of(dir);
    }

    private static List<byte[]> seeds() throws IOException {
        String dir = System.getProperty("fwdelta.cUartSeeds");
        assertTrue(dir != null, "system property fwdelta.cUartSeeds (fwd_make_uart_seeds's output) is not set");
        List<byte[]> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(dir)).sorted()) {
            for (Path f : (Iterable<Path>) files::iterator) {
                seeds.add(Files.readAllBytes(f));
            }
        }
        return seeds;
    }
}
