// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * `fwdelta send`'s host against a device that answers each frame adversarially
 * ({@link HostileDevice}), one seed a device. Whatever the device sends, the send must end, and end
 * either staged (only with every patch byte sent after a READY the device gave, no byte that is
 * not the patch's) or with an I/O error whose message is one line naming the device: never
 * another exception (an index out of bounds, a negative array size, an argument our code
 * refused), never "internal error", never an allowed range that allows nothing. The frames the host writes are counted: a host still writing
 * when the device went quiet after {@link HostileDevice#ANSWER_BUDGET} frames would only have
 * ended because the device stopped, and fails. {@code -Dfwdelta.hostile.seeds=N} runs more seeds
 * ({@code -Dfwdelta.hostile.first=S} from another first seed).
 */
class HostileDeviceTest {
    private static final byte[] PATCH = ScriptedDevice.patch(24 * 1024);
    private static final int SEEDS = Integer.getInteger("fwdelta.hostile.seeds", 300);
    private static final long FIRST_SEED = Long.getLong("fwdelta.hostile.first", 1);
    /** Small limits, so that each seed ends within a few sessions and a few windows of frames. */
    private static final int MAX_RECONNECTS = 2;
    private static final long FRAME_BOUND = 64;
    /** Seeds run at once: each mostly waits for its device, so the waits overlap. */
    private static final int PARALLEL = 12;
    /** Not a timing assertion: only so that a host that hangs fails the test instead of the build. */
    private static final long HANG_GUARD_S = 120;
    private static final Pattern ALLOWED = Pattern.compile("allowed (-?\\d+)\\.\\.(-?\\d+)");

    @Test
    void everySendEndsStagedHonestlyOrWithOneLineNamingTheDevice() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        List<Future<Outcome>> runs = new ArrayList<>();
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            long s = seed;
            runs.add(pool.submit(() -> run(s)));
        }
        List<String> failures = new ArrayList<>();
        int staged = 0;
        try {
            for (Future<Outcome> run : runs) {
                Outcome o = run.get(HANG_GUARD_S, TimeUnit.SECONDS);
                if (o.failure() != null) {
                    failures.add(o.failure());
                }
                staged += o.staged() ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + SEEDS + " seeds failed:\n"
                + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
        // The devices are hostile enough to end some transfers and honest enough to let others
        // through: neither outcome may be (nearly) all, or the seeds test little.
        assertTrue(staged >= SEEDS / 10 && SEEDS - staged >= SEEDS / 10, staged + " of " + SEEDS + " seeds staged");
    }

    /** How a send against one hostile device ended, and what was wrong with it (null: nothing). */
    record Outcome(boolean staged, String failure) {
    }

    /** One hostile device. */
    static Outcome run(long seed) {
        HostileDevice hostile = new HostileDevice(seed, PATCH);
        boolean deviceHolds = seed % 2 == 0;
        boolean hostOffers = seed % 4 < 2;
        ScriptedDevice d = new ScriptedDevice(deviceHolds, hostile).inLockstep();
        String at = "seed " + seed + " (device " + (deviceHolds ? "holds" : "go-back-N") + ", host "
                + (hostOffers ? "offers" : "go-back-N") + "): ";
        long[] growths = {0, -1}; // times the acknowledged offset grew, and the last offset shown
        boolean staged = false;
        try (UartChannel channel = new UartChannel(d, 115_200, 200, hostOffers)) {
            new HostSession(channel, (acked, total, resumedAt) -> {
                if (acked > growths[1]) {
                    growths[0]++;
                }
                growths[1] = acked;
            }, MAX_RECONNECTS, FRAME_BOUND).send(PATCH);
            staged = true;
            if (!hostile.sentEverythingAfterSomeReady()) {
                return new Outcome(true, at + "staged without sending every patch byte after a READY");
            }
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("\n") || m.contains("internal") || !(m.contains("scripted") || m.startsWith("device refused"))
                    || emptyRange(m)) {
                return new Outcome(false, at + e.getClass().getSimpleName() + ": " + m);
            }
        } catch (RuntimeException | Error e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return new Outcome(false, at + trace);
        }
        return new Outcome(staged, framesFailure(at, hostile, d, growths[0]));
    }

    /** Whether {@code message} names an allowed range that allows nothing ("the allowed 256..99"). */
    private static boolean emptyRange(String message) {
        Matcher r = ALLOWED.matcher(message);
        return r.find() && Long.parseLong(r.group(1)) > Long.parseLong(r.group(2));
    }

    /** What is wrong with the frames the host wrote (null: nothing). */
    private static String framesFailure(String at, HostileDevice hostile, ScriptedDevice d, long growths) {
        if (hostile.badData != null) {
            return at + hostile.badData;
        }
        // Each growth of the acknowledged offset (shown, or a session's READY) allows the bound again.
        long allowed = (growths + d.begins + 1) * FRAME_BOUND;
        if (d.dataFrames > allowed) {
            return at + d.dataFrames + " DATA frames, more than the " + allowed + " that " + growths
                    + " growths and " + d.begins + " BEGIN frames allow";
        }
        if (hostile.framesWritten > HostileDevice.ANSWER_BUDGET) {
            return at + "still writing (" + hostile.framesWritten + " frames) when the device went quiet";
        }
        return null;
    }
}
