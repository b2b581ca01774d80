// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import dev.fwdelta.tool.transport.SerialLink;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small relay between the host's end of a pty pair and QEMU's UART pty that drops, corrupts
 * (one bit flipped) and duplicates bytes with the probabilities of `fwdelta device serve
 * --faults drop=P,corrupt=P,dup=P,seed=S`, in both directions, each with its own seeded random.
 */
final class FaultyRelay implements AutoCloseable {
    private final SerialLink host;
    private final SerialLink device;
    private final double drop;
    private final double corrupt;
    private final double dup;
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong relayed = new AtomicLong();
    private volatile boolean running = true;
    private final Thread up;
    private final Thread down;

    FaultyRelay(String hostEnd, String devicePty, double drop, double corrupt, double dup, long seed)
            throws IOException {
        this.host = SerialLink.open(hostEnd, 115200);
        this.device = SerialLink.open(devicePty, 115200);
        this.drop = drop;
        this.corrupt = corrupt;
        this.dup = dup;
        up = new Thread(() -> pump(host, device, new Random(seed)), "relay host->device");
        down = new Thread(() -> pump(device, host, new Random(seed + 1)), "relay device->host");
        up.start();
        down.start();
    }

    long faults() {
        return faults.get();
    }

    long relayed() {
        return relayed.get();
    }

    private void pump(SerialLink from, SerialLink to, Random random) {
        byte[] in = new byte[512];
        byte[] out = new byte[1024];
        try {
            while (running) {
                int n = from.read(in, 0, in.length, 50);
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
                    to.write(out, 0, m);
                }
            }
        } catch (IOException e) {
            running = false; // a port closed: the relay ends
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        up.join(2000);
        down.join(2000);
        host.close();
        device.close();
    }
}
