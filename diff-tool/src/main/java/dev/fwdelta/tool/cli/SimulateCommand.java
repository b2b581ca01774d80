// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.FlashCounters;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.sim.PowerCutCampaign;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.io.BoundedFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run update + install of PATCH on a simulated device whose active slot holds OLD.",
            "With --power-cut, cut power before flash operations and check every run still boots a whole image."})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--layout", required = true, paramLabel = "NAME|FILE",
            description = "Preset (stm32f405-1m, stm32l4-512k, nrf52840, stm32l0-192k) or a layout file.")
    String layoutName;

    @Option(names = "--old", required = true, paramLabel = "OLD", description = "The image in the device's slot before the update.")
    Path oldPath;

    @Option(names = "--patch", required = true, paramLabel = "PATCH", description = "The patch the device receives.")
    Path patchPath;

    @Option(names = "--power-cut", paramLabel = "all|N|random:K",
            description = "Cut power before every operation (all), before operation N, or at K random ones.")
    String powerCut;

    @Option(names = "--tear", description = "The cut operation is left half done (torn), not undone.")
    boolean tear;

    @Option(names = "--no-confirm", description = "The new image never confirms itself: exercise the revert.")
    boolean noConfirm;

    @Option(names = "--program-unit", paramLabel = "BYTES", description = "Override the layout's program unit.")
    Integer programUnit;

    @Option(names = "--flash-file", paramLabel = "FILE", description = "Keep the flash content in FILE (no --power-cut).")
    Path flashFile;

    @Mixin
    JsonOption json;

    @Mixin
    ImageInputs images;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for random:K (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    TrustOptions trust;

    @Override
    public Integer call() throws Exception {
        // A bad or missing --trust file is reported before any image is read, as in every command that takes it.
        TrustStore trusted = trust.store();
        DeviceLayout layout = DeviceLayout.load(layoutName);
        if (programUnit != null) {
            layout = layout.with(layout.geometry().withProgramUnit(programUnit));
        }
        if (flashFile != null) {
            AtomicOutput.refuseInputs(flashFile, oldPath, patchPath); // the flash file is rewritten in place
        }
        byte[] old = images.load(oldPath, FirmwareImage.NO_ADDRESS, spec.commandLine().getErr()).bytes();
        // Handed to the simulated device as it is, whose checks are what this shows; no device it
        // simulates can stage more than the largest flash a layout describes.
        byte[] patch = BoundedFile.read(patchPath, DeviceLayout.MAX_FLASH_BYTES,
                "patch file for a simulated device (no larger than the largest flash a layout describes)");
        UpdatePolicy policy = new UpdatePolicy(1 << 20, trusted, -1, false, -1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("layout", layout.name());
        out.put("program_unit", layout.geometry().programUnit());
        if (powerCut == null) {
            try (NorFlash flash = flashFile == null ? NorFlash.erased(layout.geometry())
                    : NorFlash.file(layout.geometry(), flashFile)) {
                DeviceSimulator.provision(layout, flash, old);
                DeviceSimulator.Outcome o = DeviceSimulator.run(layout, flash, patch, policy, !noConfirm, 1024);
                FlashCounters c = flash.counters();
                out.put("ending", o.ending().name());
                out.put("boots", o.boots().stream().map(String::valueOf).toList());
                out.put("patch_bytes_sent", o.bytesSent());
                out.put("erases", c.totalErases());
                out.put("max_erases_per_sector", c.maxErasesPerSector());
                out.put("bytes_programmed", c.bytesProgrammed());
                out.put("program_operations", c.programCalls());
                out.put("flash_operations", c.operations());
                out.put("estimated_flash_seconds", Math.round(c.estimatedSeconds() * 1000) / 1000.0);
            }
            print(out);
            return out.get("ending").equals(noConfirm ? "OLD_AFTER_REVERT" : "NEW_CONFIRMED") ? ExitCodes.OK
                    : ExitCodes.INTERNAL;
        }
        if (flashFile != null) {
            throw new IllegalArgumentException("--flash-file keeps one device's flash: it cannot be used with --power-cut");
        }
        PowerCutCampaign.Result r = PowerCutCampaign.run(layout, old, patch, policy, !noConfirm, powerCut, tear, seed,
                json.progress(spec));
        out.put("flash_operations_per_update", r.operations());
        out.put("cut_points_tried", r.cutPoints());
        out.put("torn", tear);
        r.endings().forEach((k, v) -> out.put(k.name().toLowerCase(Locale.ROOT), v));
        out.put("bricks", r.bricks());
        out.put("unexpected_endings", r.unexpected());
        out.put("stuck", r.stuck());
        out.put("agent_restarts", r.restarts());
        if (r.firstFailure() >= 0) {
            out.put("first_failing_cut", r.firstFailure());
        }
        print(out);
        return r.allGood() ? ExitCodes.OK : ExitCodes.INTERNAL;
    }

    private void print(Map<String, Object> out) {
        json.output(spec).result(out);
    }
}
