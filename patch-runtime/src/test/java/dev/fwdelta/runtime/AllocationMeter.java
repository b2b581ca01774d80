// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The bytes of heap the current thread allocates while a piece of device code runs: how the RAM
 * tests hold a Java component to its stated budget. Counts bytes, never time.
 */
public final class AllocationMeter {
    /**
     * What the Java applier allocates besides decoder_ram, whatever the patch: JVM object
     * headers, the SHA-256 and CRC objects, the parsed header (the C applier's context holds
     * these in its 1,024 bytes).
     */
    public static final long APPLIER_JVM_OVERHEAD = 8 * 1024;
    private static final int WARM_UPS = 10;
    private static final int ROUNDS = 5;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The code to measure. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Sets up one run (not measured: e.g. a fresh flash) and returns what to measure. */
    @FunctionalInterface
    public interface Setup {
        Action prepare() throws Exception;
    }

    private AllocationMeter() {}

    /**
     * The smallest allocation of several runs of each setup, after warm-up runs of all of them,
     * interleaved, so each is measured in the same state of the JIT (whose escape analysis can
     * remove allocations, and whose profiling can add some). The code's own allocation is then
     * deterministic; the smallest of several runs leaves out what other activity added.
     */
    public static long[] smallest(Setup... setups) throws Exception {
        for (int i = 0; i < WARM_UPS; i++) {
            for (Setup s : setups) {
                s.prepare().run();
            }
        }
        long[] least = new long[setups.length];
        Arrays.fill(least, Long.MAX_VALUE);
        for (int i = 0; i < ROUNDS; i++) {
            for (int k = 0; k < setups.length; k++) {
                Action a = setups[k].prepare();
                long before = allocatedByThisThread();
                a.run();
                least[k] = Math.min(least[k], allocatedByThisThread() - before);
            }
        }
        return least;
    }

    private static long allocatedByThisThread() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
