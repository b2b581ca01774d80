// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sim;

import dev.fwdelta.runtime.transport.UartDevice;
import dev.fwdelta.tool.transport.Link;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A simulated device on a link: feeds received bytes (after the injected faults) to the device
 * session, writes its answers back. Runs until {@link #stop} or, if asked, until an update is staged
 * and the host has gone quiet.
 */
public final class DeviceServer implements Runnable {
    private static final long RESET_MS = 1500;
    /**
     * After the update is staged the server keeps answering until the host has been quiet this
     * long: the last answer may still be on the line (closing the port would discard it), or lost
     * and asked for again.
     */
    private static final long LINGER_NS = 1_000_000_000L;

    private final Link link;
    private final FaultSpec faults;
    private final UartDevice session;
    private final BooleanSupplier finished;
    private volatile boolean running = true;
    private volatile IOException failure;
    private long received;
    private boolean disconnected;
    private int resets;

    public DeviceServer(Link link, FaultSpec faults, Function<UartDevice.Output, UartDevice> sessions,
                        BooleanSupplier finished) {
        this.link = link;
        this.faults = faults;
        this.session = sessions.apply(link::write);
        this.finished = finished;
    }

    @Override
    public void run() {
        byte[] buf = new byte[2048];
        ByteArrayOutputStream delivered = new ByteArrayOutputStream();
        try {
            long quietSince = System.nanoTime();
            while (running && !(finished.getAsBoolean() && System.nanoTime() - quietSince > LINGER_NS)) {
                int n = link.read(buf, 0, buf.length, 50);
                if (n <= 0) {
                    session.idle();
                    continue;
                }
                quietSince = System.nanoTime();
                delivered.reset();
                for (int i = 0; i < n; i++) {
                    received++;
                    if (!disconnected && faults.disconnectAfter >= 0 && received >= faults.disconnectAfter) {
                        disconnected = true;
                        reset();
                        break;
                    }
                    double r = faults.random.nextDouble();
                    if (r < faults.drop) {
                        continue;
                    }
                    byte v = buf[i];
                    if (r < faults.drop + faults.corrupt) {
                        v ^= (byte) (1 << faults.random.nextInt(8));
                    }
                    delivered.write(v);
                    if (r > 1 - faults.dup) {
                        delivered.write(v);
                    }
                }
                byte[] d = delivered.toByteArray();
                session.receive(d, 0, d.length);
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    /** The device resets: the line is dead for a while, then the session restarts from flash. */
    private void reset() throws IOException {
        resets++;
        long end = System.currentTimeMillis() + RESET_MS;
        byte[] sink = new byte[2048];
        while (System.currentTimeMillis() < end) {
            link.read(sink, 0, sink.length, 50);
        }
        session.reboot();
    }

    public void stop() {
        running = false;
    }

    public IOException failure() {
        return failure;
    }

    public int resets() {
        return resets;
    }

    public UartDevice session() {
        return session;
    }
}
