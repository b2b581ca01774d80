// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.Region;
import dev.fwdelta.runtime.flash.FlashGeometry;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * patch Java's PowerCutCampaignTest cuts power under (the corpus's programmer pair). CI runs a
 * seeded sample; the Maven profile c-power-cuts sets {@code fwdelta.cPowerCuts=all}, a cut before
 * every operation, torn and not.
 */
class CPowerCutCampaignTest {
    private static final Pattern LAYOUT = Pattern.compile("layout (\\S+) .*");
    private static final Pattern OPERATIONS = Pattern.compile("operations (install|revert) (\\S+) (\\d+) (\\S+) (\\d+)");
    private static final Pattern CAMPAIGN = Pattern.compile("(install|revert) +\\S+ +unit +\\d+ \\S+ +operations +\\d+,"
            + " cut points +(\\d+), new-confirmed (\\d+) old-after-revert (\\d+) .*");
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

    @Test
    void anUninterruptedUpdateTakesTheSameFlashOperationsInCAndJava() throws Exception {
        assertEquals(DeviceLayout.PRESETS.size() * (PROGRAM_UNITS + 1) * 2,
                compareOperations(run("count"), goldenVectors()), "4 presets, 5 program units and a revert, 2 vectors");
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
        checkCampaign(mode, run(mode), 2);
    }

    /**
     * The patch Java's PowerCutCampaignTest cuts power under (programmer pair, 1 KiB blocks), on the
     * C device: the same operations as the Java device, and the campaign of the mode.
     */
    @Test
    void theProgrammerPairOfJavasCampaign() throws Exception {
        Path corpus = Path.of(System.getProperty("fwdelta.corpus", "../../../shared/corpus"));
        assertTrue(Files.isDirectory(corpus), "firmware corpus not found at " + corpus.toAbsolutePath());
        byte[] old = Files.readAllBytes(corpus.resolve("programmer/0.8.0.bin"));
        byte[] neu = Files.readAllBytes(corpus.resolve("programmer/0.9.0.bin"));
        Files.write(dir.resolve("programmer.old"), old);
        Files.write(dir.resolve("programmer.new"), neu);
        Files.write(dir.resolve("programmer.fwd"), PatchBuilder.build(old, neu,
                new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 1024, 2, 0)).patch());
        assertEquals(DeviceLayout.PRESETS.size() * (PROGRAM_UNITS + 1),
                compareOperations(run("count", dir, "programmer"), dir));
        String mode = System.getProperty("fwdelta.cPowerCuts", "sample:8");
        checkCampaign(mode, run(mode, dir, "programmer"), 1);
    }

    /** Every campaign of the lines (layouts x (5 units + a revert) x vectors) ended each cut as expected. */
    private static void checkCampaign(String mode, List<String> lines, int vectors) {
        long cuts = 0;
        long asExpected = 0;
        int campaigns = 0;
        for (String line : lines) {
            Matcher m = CAMPAIGN.matcher(line);
            if (m.matches()) {
                cuts += Long.parseLong(m.group(2));
                asExpected += Long.parseLong(m.group(m.group(1).equals("install") ? 3 : 4));
                campaigns++;
            }
            if (mode.equals("all") || line.startsWith("FAIL")) {
                System.out.println(line);
            }
        }
        System.out.printf("C power cuts (%s): %d campaigns, %d cut points, %d ended on the expected image%n", mode,
                campaigns, cuts, asExpected);
        assertEquals(DeviceLayout.PRESETS.size() * (PROGRAM_UNITS + 1) * vectors, campaigns);
        assertTrue(cuts >= 150 * vectors, "a few hundred cuts at least: " + cuts);
        assertEquals(cuts, asExpected);
    }
}
