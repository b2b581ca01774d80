// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import dev.fwdelta.tool.transport.SerialLink;
import java.io.IOException;

/**
 * A relay between the host's end of a pty pair and QEMU's UART pty: one thread each way, each
 * reading what arrives and handing it to {@link #relay}, until closed or a port closes.
 */
abstract class LineRelay implements AutoCloseable {
    /** Which way bytes go. */
    enum Way { UP, DOWN }

    protected final SerialLink host;
    protected final SerialLink device;
    private volatile boolean running = true;
    private final Thread up;
    private final Thread down;

    LineRelay(String hostEnd, String devicePty) throws IOException {
        this.host = SerialLink.open(hostEnd, 115200);
        this.device = SerialLink.open(devicePty, 115200);
        up = new Thread(() -> pump(host, Way.UP), "relay host->device");
        down = new Thread(() -> pump(device, Way.DOWN), "relay device->host");
    }

    /** Starts both threads; called by a subclass once its fields are set. */
    protected final void start() {
        up.start();
        down.start();
    }

    /** Passes on (or not) the {@code n} bytes read from one end, going {@code way}. */
    protected abstract void relay(Way way, byte[] b, int n) throws IOException;

    private void pump(SerialLink from, Way way) {
        byte[] in = new byte[512];
        try {
            while (running) {
                int n = from.read(in, 0, in.length, 50);
                if (n > 0) {
                    relay(way, in, n);
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
