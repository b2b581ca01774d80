// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.sim;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

/**
 * Cuts power before flash operations of a whole update (receive, install, trial, confirm or
 * revert): once per run, at every operation ("all"), at given ones, or at K random ones; after each
 * cut the device reboots and goes on. Every run must end with the expected image booted and none
 * may brick.
 */
public final class PowerCutCampaign {
    /** Counts per ending, and the operation count of an uninterrupted update. */
    public record Result(long operations, long cutPoints, Map<DeviceSimulator.Ending, Long> endings,
                         long unexpected, DeviceSimulator.Outcome baseline, long firstFailure, long restarts) {
        public long bricks() {
            return endings.getOrDefault(DeviceSimulator.Ending.BRICKED, 0L);
        }

        /** Updates that never settled (the device kept rebooting or the transfer never ended). */
        public long stuck() {
            return endings.getOrDefault(DeviceSimulator.Ending.STUCK, 0L);
        }

        public boolean allGood() {
            return unexpected == 0 && bricks() == 0;
        }
    }

    /** Told after each power-cut run, so a long campaign is not silent. */
    public interface Progress {
        void cutDone(long done, long total);
    }

    private PowerCutCampaign() {}

    public static Result run(DeviceLayout layout, byte[] oldImage, byte[] patch, UpdatePolicy policy, boolean confirm,
                             String cuts, boolean tear, long seed) throws IOException {
        return run(layout, oldImage, patch, policy, confirm, cuts, tear, seed, (done, total) -> { });
    }

    /**
     * @param cuts "all", a number N (cut before operation N), "first:K" or "random:K"
     * @param tear the cut operation is left half done (torn) instead of not started
     */
    public static Result run(DeviceLayout layout, byte[] oldImage, byte[] patch, UpdatePolicy policy, boolean confirm,
                             String cuts, boolean tear, long seed, Progress progress) throws IOException {
        NorFlash clean = DeviceSimulator.provision(layout, oldImage);
        DeviceSimulator.Outcome baseline = DeviceSimulator.run(layout, clean, patch, policy, confirm, 1024);
        long total = clean.counters().operations();
        DeviceSimulator.Ending expected = confirm ? DeviceSimulator.Ending.NEW_CONFIRMED
                : DeviceSimulator.Ending.OLD_AFTER_REVERT;
        if (baseline.ending() != expected) {
            throw new IllegalStateException("without power cuts the update ended " + baseline.ending());
        }
        long[] points = points(cuts, total, seed);
        Map<DeviceSimulator.Ending, Long> endings = new EnumMap<>(DeviceSimulator.Ending.class);
        long unexpected = 0;
        long firstFailure = -1;
        long restarts = 0;
        long done = 0;
        for (long p : points) {
            NorFlash flash = DeviceSimulator.provision(layout, oldImage);
            flash.setFaults(FaultPlan.cutBefore(p, tear));
            DeviceSimulator.Outcome o;
            try {
                o = DeviceSimulator.run(layout, flash, patch, policy, confirm, 1024);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cut before operation " + p + ": " + e, e);
            }
            endings.merge(o.ending(), 1L, Long::sum);
            restarts += o.restarts();
            if (o.ending() != expected) {
                unexpected++;
                if (firstFailure < 0) {
                    firstFailure = p;
                }
            }
            progress.cutDone(++done, points.length);
        }
        return new Result(total, points.length, endings, unexpected, baseline, firstFailure, restarts);
    }

    static long[] points(String spec, long total, long seed) {
        if (spec.equals("all")) {
            return LongStream.range(0, total).toArray();
        }
        if (spec.startsWith("first:")) {
            return LongStream.range(0, Math.min(total, Long.parseLong(spec.substring(6)))).toArray();
        }
        if (spec.startsWith("random:")) {
            int k = Integer.parseInt(spec.substring(7));
            Random r = new Random(seed);
            return LongStream.generate(() -> (long) (r.nextDouble() * total)).limit(k).toArray();
        }
        long n = Long.parseLong(spec);
        if (n < 0 || n >= total) {
            throw new IllegalArgumentException("cut point " + n + " outside 0.." + (total - 1));
        }
        return new long[] {n};
    }
}
