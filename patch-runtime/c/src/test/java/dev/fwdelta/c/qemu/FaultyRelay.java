// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import java.io.IOException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small relay between the host's end of a pty pair and QEMU's UART pty that drops, corrupts
 * (one bit flipped) and duplicates bytes with the probabilities of `fwdelta device serve
 * --faults drop=P,corrupt=P,dup=P,seed=S`, in both directions, each with its own seeded random.
 */
final class FaultyRelay extends LineRelay {
    private final double drop;
    private final double corrupt;
    private final double dup;
    private final Random upRandom;
    private final Random downRandom;
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong relayed = new AtomicLong();

    FaultyRelay(String hostEnd, String devicePty, double drop, double corrupt, double dup, long seed)
            throws IOException {
        super(hostEnd, devicePty);
        this.drop = drop;
        this.corrupt = corrupt;
        this.dup = dup;
        this.upRandom = new Random(seed);
        this.downRandom = new Random(seed + 1);
        start();
    }

    long faults() {
        return faults.get();
    }

    long relayed() {
        return relayed.get();
    }

    @Override
    protected void relay(Way way, byte[] in, int n) throws IOException {
        Random random = way == Way.UP ? upRandom : downRandom;
        byte[] out = new byte[2 * n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            byte v = in[i];
            double r = random.nextDouble();
            relayed.incrementAndGet();
            if (r < drop) {
                faults.incrementAndGet();
                continue;
            }
            if (r < drop + corrupt) {
                faults.incrementAndGet();
                v ^= (byte) (1 << random.nextInt(8));
            }
            out[m++] = v;
            if (r > 1 - dup) {
                faults.incrementAndGet();
                out[m++] = v;
            }
        }
        if (m > 0) {
            (way == Way.UP ? device : host).write(out, 0, m);
        }
    }
}
