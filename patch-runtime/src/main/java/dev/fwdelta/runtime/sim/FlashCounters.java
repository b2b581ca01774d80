// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.sim;

/** What a flash has done: erases per sector, bytes programmed, operations, estimated time. */
public final class FlashCounters {
    private final long[] erases;
    private long bytesProgrammed;
    private long programCalls;
    private long operations;
    private double micros;

    FlashCounters(int sectors) {
        erases = new long[sectors];
    }

    void erase(int sector, double us) {
        erases[sector]++;
        operations++;
        micros += us;
    }

    void program(int bytes, double us) {
        bytesProgrammed += bytes;
        programCalls++;
        operations++;
        micros += us;
    }

    public long erases(int sector) {
        return erases[sector];
    }

    public long totalErases() {
        long n = 0;
        for (long e : erases) {
            n += e;
        }
        return n;
    }

    public long maxErasesPerSector() {
        long m = 0;
        for (long e : erases) {
            m = Math.max(m, e);
        }
        return m;
    }

    public long bytesProgrammed() {
        return bytesProgrammed;
    }

    public long programCalls() {
        return programCalls;
    }

    /** Erase and program operations so far: the numbering power cuts use. */
    public long operations() {
        return operations;
    }

    public double estimatedSeconds() {
        return micros / 1e6;
    }
}
