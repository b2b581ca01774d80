// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.Region;
import dev.fwdelta.runtime.flash.FlashGeometry;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C device library's power-cut campaign (tests/power_cut_campaign.c) against the Java device:
 * its layouts are the Java presets field by field, an uninterrupted update of each vector takes the
 * same number of flash operations on the C and the Java device for every preset and program unit
 * (and through a revert), and the campaign itself ends every run on the expected image; so on the
 * patches Java's PowerCutCampaignTest cuts power under (the corpus's programmer pair, and that pair
 * built for an 8 KiB device, with a codec window below 4096). The golden vectors it takes by default
 * include every one whose codec window is below 4096. CI runs a seeded sample; the Maven profile
 * c-power-cuts sets {@code fwdelta.cPowerCuts=all}, a cut before every operation, torn and not.
 */
class CPowerCutCampaignTest {
    private static final Pattern LAYOUT = Pattern.compile("layout (\\S+) .*");
    private static final Pattern OPERATIONS = Pattern.compile("operations (install|revert) (\\S+) (\\d+) (\\S+) (\\d+)");
    private static final Pattern VECTOR = Pattern.compile("vector (\\S+): \\d+ bytes, codec (\\d+) window (\\d+), .*");
    private static final Pattern CAMPAIGN = Pattern.compile("(install|revert) +\\S+ +unit +\\d+ (\\S+) +operations +\\d+,"
            + " cut points +(\\d+), new-confirmed (\\d+) old-after-revert (\\d+) .*");
    /**
     * The golden vectors the campaign takes by default (tests/power_cut_campaign.c): two blocks, a
     * relocation map over several MAP records, and the codec windows below 4096 (lzma, split, lz77).
     */
    private static final List<String> DEFAULT_VECTORS = List.of("none-two-blocks", "compact-relocation-long-map",
            "compact-lzma-window1024", "compact-split-window256", "lz77-window256");
    /** lzma's and split's windows below this are the ones appliers before the 256 minimum refused. */
    private static final long COMPATIBLE_WINDOW = 4096;
    /** The RAM of the device the second programmer patch is built for: no room for a compatible lzma window. */
    private static final long SMALL_BUDGET = 8192;
    /** Program units each preset is run with (1, 4, 8, 16 and 32: tests/power_cut_campaign.c); then a revert. */
    private static final int PROGRAM_UNITS = 5;
    /** The C campaign's work buffer and RAM budget (tests/power_cut_campaign.c). */
    private static final long RAM_BUDGET = 65536;

    @TempDir
    Path dir;

    private static Path goldenVectors() {
        return Path.of(System.getProperty("fwdelta.vectors"));
    }

    /** The campaign in mode on the golden vectors it takes by default. */
    private static List<String> run(String mode) throws Exception {
        return run(mode, goldenVectors());
    }

    private static List<String> run(String mode, Path vectors, String... names) throws Exception {
        String tool = System.getProperty("fwdelta.cPowerCutCampaign");
        assertTrue(tool != null, "system property fwdelta.cPowerCutCampaign (the C tool's path) is not set: run through"
                + " Maven");
        assertTrue(Files.isExecutable(Path.of(tool)), "fwd_power_cut_campaign not built at " + tool);
        List<String> command = new ArrayList<>(List.of(tool, vectors.toString(), mode));
        command.addAll(List.of(names));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3600, TimeUnit.SECONDS), "fwd_power_cut_campaign did not end");
        assertEquals(0, p.exitValue(), "fwd_power_cut_campaign " + mode + " failed:\n" + out);
        return List.of(out.split("\n"));
    }

    /** A Java layout as the C campaign prints its own (print_layout). */
    private static String describe(DeviceLayout l) {
        FlashGeometry g = l.geometry();
        List<String> groups = new ArrayList<>();
        for (int s = 0; s < g.sectors().count(); ) {
            long size = g.sectors().size(s);
            int n = 0;
            while (s + n < g.sectors().count() && g.sectors().size(s + n) == size) {
                n++;
            }
            groups.add(n + "x" + size);
            s += n;
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "layout %s flash_base 0x%x sectors %s program_unit %d erased_value 0x%02x ecc %d", l.name(),
                l.flashBase(), String.join(",", groups), g.programUnit(), g.erasedValue() & 0xFF, g.eccUnits() ? 1 : 0));
        String[] names = {"active", "staging", "scratch", "agent_log", "boot_log"};
        Region[] regions = {l.active(), l.staging(), l.scratch(), l.agentLog(), l.bootLog()};
        for (int i = 0; i < names.length; i++) {
            b.append(String.format(Locale.ROOT, " %s 0x%x+%d", names[i], regions[i].offset(), regions[i].size()));
        }
        return b.toString();
    }

    @Test
    void theCampaignsLayoutsAreTheJavaPresets() throws Exception {
        List<String> seen = new ArrayList<>();
        for (String line : run("count")) {
            Matcher m = LAYOUT.matcher(line);
            if (m.matches()) {
                assertEquals(describe(DeviceLayout.preset(m.group(1))), line);
                seen.add(m.group(1));
            }
        }
        assertEquals(DeviceLayout.PRESETS, seen);
    }

    /**
     * The campaign's default vectors are DEFAULT_VECTORS, and among them every golden vector with a
     * codec window below 4096; the C header parser reads the codec and window Java's does.
     */
    @Test
    void theDefaultVectorsIncludeEveryCodecWindowBelow4096() throws Exception {
        List<String> printed = new ArrayList<>();
        for (String line : run("count")) {
            Matcher m = VECTOR.matcher(line);
            if (m.matches()) {
                PatchHeader h = PatchHeader.parse(Files.readAllBytes(goldenVectors().resolve(m.group(1) + ".fwd")));
                assertEquals(h.codec().id(), Integer.parseInt(m.group(2)), line);
                assertEquals(h.codecWindow(), Long.parseLong(m.group(3)), line);
                printed.add(m.group(1));
            }
        }
        assertEquals(DEFAULT_VECTORS, printed, "the vectors the campaign took");
        List<String> smallWindows = new ArrayList<>();
        try (var files = Files.list(goldenVectors())) {
            for (Path f : files.filter(f -> f.toString().endsWith(".fwd")).sorted().toList()) {
                PatchHeader h = PatchHeader.parse(Files.readAllBytes(f));
                if (h.codec() != Codec.NONE && h.codecWindow() < COMPATIBLE_WINDOW) {
                    smallWindows.add(f.getFileName().toString().replace(".fwd", ""));
                }
            }
        }
        assertTrue(smallWindows.size() >= 3, "golden vectors with a window below 4096: " + smallWindows);
        assertTrue(printed.containsAll(smallWindows), "campaign vectors " + printed + ", small windows " + smallWindows);
    }

    @Test
    void anUninterruptedUpdateTakesTheSameFlashOperationsInCAndJava() throws Exception {
        assertEquals(DeviceLayout.PRESETS.size() * (PROGRAM_UNITS + 1) * DEFAULT_VECTORS.size(),
                compareOperations(run("count"), goldenVectors()), "presets x (program units and a revert) x vectors");
    }

    /** The lines' uninterrupted updates run again on Java's device: the same flash operations. How many. */
    private static int compareOperations(List<String> lines, Path vectors) throws Exception {
        int compared = 0;
        for (String line : lines) {
            Matcher m = OPERATIONS.matcher(line);
            if (!m.matches()) {
                continue;
            }
            boolean confirm = m.group(1).equals("install");
            DeviceLayout preset = DeviceLayout.preset(m.group(2));
            DeviceLayout l = preset.with(preset.geometry().withProgramUnit(Integer.parseInt(m.group(3))));
            byte[] old = Files.readAllBytes(vectors.resolve(m.group(4) + ".old"));
            byte[] patch = Files.readAllBytes(vectors.resolve(m.group(4) + ".fwd"));
            NorFlash flash = DeviceSimulator.provision(l, old);
            DeviceSimulator.Outcome o = DeviceSimulator.run(l, flash, patch, UpdatePolicy.ramOnly(RAM_BUDGET), confirm,
                    1024);
            assertEquals(confirm ? DeviceSimulator.Ending.NEW_CONFIRMED : DeviceSimulator.Ending.OLD_AFTER_REVERT,
                    o.ending(), line);
            assertEquals(flash.counters().operations(), Long.parseLong(m.group(5)),
                    "C against Java, flash operations of " + line);
            compared++;
        }
        return compared;
    }

    @Test
    void everyCutEndsOnTheExpectedImage() throws Exception {
        String mode = System.getProperty("fwdelta.cPowerCuts", "sample:8");
        checkCampaign(mode, run(mode), DEFAULT_VECTORS);
    }

    /**
     * The patches Java's PowerCutCampaignTest cuts power under (programmer pair, 1 KiB blocks; and
     * built for an 8 KiB device, its codec window below 4096), on the C device: the same operations
     * as the Java device, and the campaign of the mode.
     */
    @Test
    void theProgrammerPairOfJavasCampaign() throws Exception {
        Path corpus = Path.of(System.getProperty("fwdelta.corpus", "../../../shared/corpus"));
        assertTrue(Files.isDirectory(corpus), "firmware corpus not found at " + corpus.toAbsolutePath());
        byte[] old = Files.readAllBytes(corpus.resolve("programmer/0.8.0.bin"));
        byte[] neu = Files.readAllBytes(corpus.resolve("programmer/0.9.0.bin"));
        byte[] smallWindow = PatchBuilder.build(old, neu, new BuildOptions(null, SMALL_BUDGET, 1024, 2, 0)).patch();
        PatchHeader h = PatchHeader.parse(smallWindow);
        assertTrue(h.codec() != Codec.NONE && h.codecWindow() < COMPATIBLE_WINDOW,
                "at a budget of " + SMALL_BUDGET + ": codec " + h.codec() + " window " + h.codecWindow());
        List<String> names = List.of("programmer", "programmer-small-window");
        for (String name : names) {
            Files.write(dir.resolve(name + ".old"), old);
            Files.write(dir.resolve(name + ".new"), neu);
        }
        Files.write(dir.resolve("programmer.fwd"), PatchBuilder.build(old, neu,
                new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 1024, 2, 0)).patch());
        Files.write(dir.resolve("programmer-small-window.fwd"), smallWindow);
        String[] args = names.toArray(new String[0]);
        assertEquals(DeviceLayout.PRESETS.size() * (PROGRAM_UNITS + 1) * names.size(),
                compareOperations(run("count", dir, args), dir));
        String mode = System.getProperty("fwdelta.cPowerCuts", "sample:8");
        checkCampaign(mode, run(mode, dir, args), names);
    }

    /**
     * Every campaign of the lines (layouts x (5 units + a revert), for each of the vectors) ended each
     * cut as expected.
     */
    private static void checkCampaign(String mode, List<String> lines, List<String> vectors) {
        Map<String, long[]> byVector = new LinkedHashMap<>(); // campaigns, cut points, on the expected image
        for (String line : lines) {
            Matcher m = CAMPAIGN.matcher(line);
            if (m.matches()) {
                long[] c = byVector.computeIfAbsent(m.group(2), v -> new long[3]);
                c[0]++;
                c[1] += Long.parseLong(m.group(3));
                c[2] += Long.parseLong(m.group(m.group(1).equals("install") ? 4 : 5));
            }
            if (mode.equals("all") || line.startsWith("FAIL")) {
                System.out.println(line);
            }
        }
        for (Map.Entry<String, long[]> e : byVector.entrySet()) {
            long[] c = e.getValue();
            System.out.printf("C power cuts (%s) %s: %d campaigns, %d cut points, %d ended on the expected image%n",
                    mode, e.getKey(), c[0], c[1], c[2]);
        }
        assertEquals(vectors, List.copyOf(byVector.keySet()), "the vectors of the campaigns");
        for (String v : vectors) {
            long[] c = byVector.get(v);
            assertEquals(DeviceLayout.PRESETS.size() * (PROGRAM_UNITS + 1), c[0], v + ": campaigns");
            assertTrue(c[1] >= 150, v + ": a few hundred cuts at least: " + c[1]);
            assertEquals(c[1], c[2], v + ": cuts that ended on the expected image");
        }
    }
}
