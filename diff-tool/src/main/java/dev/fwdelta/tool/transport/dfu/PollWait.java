// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport.dfu;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * The wait between two DFU_GETSTATUS polls of a busy device: the bwPollTimeout it asks for, but at
 * most {@link #MAX_WAIT_MS}. The field has 24 bits, so a faulty device could otherwise hold the
 * host for hours on each poll; a device that is still busy after the cap is only polled sooner.
 */
public final class PollWait {
    /**
     * The longest wait per poll. The slowest step a DfuSe ROM is busy with, erasing one of the
     * largest STM32 sectors, takes seconds (the AN3155 client allows as long per sector); a device
     * still busy after it is simply polled again, within the caller's limit on polls.
     */
    public static final int MAX_WAIT_MS = 5000;

    /** How the host waits: {@link Thread#sleep(long)}, or in tests a recorder that does not wait. */
    public interface Sleeper {
        void sleep(int ms) throws InterruptedException;
    }

    public static final Sleeper THREAD_SLEEP = Thread::sleep;

    private final Sleeper sleeper;

    public PollWait(Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    /** Waits what {@code status} (a GETSTATUS reply) asks, capped. */
    public void after(byte[] status) throws IOException {
        after(status, MAX_WAIT_MS);
    }

    /**
     * Waits what {@code status} asks, capped, and at most {@code budgetMs} (what is left of the
     * caller's limit on the whole wait); returns the milliseconds waited.
     */
    public int after(byte[] status, long budgetMs) throws IOException {
        int ms = (int) Math.max(0, Math.min(Math.min(GetStatus.pollTimeoutMs(status), MAX_WAIT_MS), budgetMs));
        try {
            sleeper.sleep(ms);
            return ms;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }
}
