// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A serial port through jSerialComm, opened by path (/dev/ttyUSB0, /dev/ttyACM0 for USB CDC-ACM,
 * or a pseudo-terminal). 8 data bits, one stop bit, the given parity.
 */
public final class SerialLink implements Link {
    /**
     * The port's read timeout, set once at open: reads wait in slices of this rather than
     * reconfiguring the port (a termios call) on every read while another thread may be writing.
     */
    private static final int POLL_MS = 10;
    /**
     * Bytes that can honestly wait ahead of a write in the port's buffers (the kernel's, a USB
     * adapter's): a write may take as long as the line needs to carry them and its own bytes.
     */
    static final int MAX_BUFFERED_BYTES = 64 * 1024;
    /** The least time a write may take before the device counts as no longer taking data. */
    static final long MIN_WRITE_STALL_MS = 5000;

    private final SerialPort port;
    private final String path;
    private final int baud;
    /**
     * Closes the port under a write that has blocked too long: jSerialComm's writes on Linux block
     * until the bytes are taken whatever the write timeout, so a device that stops reading (a USB
     * CDC-ACM device whose firmware hangs, a pty nobody reads) would hold the host for ever, and
     * closing the port is what makes such a write return.
     */
    private final ScheduledExecutorService watchdog;
    private volatile boolean stalled;

    private SerialLink(SerialPort port, String path, int baud) {
        this.port = port;
        this.path = path;
        this.baud = baud;
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("fwdelta-serial-write-watchdog");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true);
        this.watchdog = w;
    }

    public static SerialLink open(String path, int baud, int parity) throws IOException {
        if (!Files.exists(Path.of(path))) {
            throw new NoSuchFileException(path, null, "no serial port there");
        }
        // Refused up front, not left to the open: a pty only sometimes reports that it dropped
        // parity (glibc checks only when the call changed nothing else), so a first run passed
        // and every rerun failed.
        if (parity != SerialPort.NO_PARITY && PseudoTerminal.is(Path.of(path))) {
            throw SerialOpenFailure.parityOnPseudoTerminal(path, baud, parity);
        }
        SerialPort p = SerialPort.getCommPort(path);
        p.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, parity);
        p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!p.openPort()) {
            // Read at once: the next native call may overwrite it.
            throw SerialOpenFailure.of(path, baud, parity, p.getLastErrorLocation(), p.getLastErrorCode());
        }
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, POLL_MS, 0);
        return new SerialLink(p, path, baud);
    }

    public static SerialLink open(String path, int baud) throws IOException {
        return open(path, baud, SerialPort.NO_PARITY);
    }

    @Override
    public int read(byte[] b, int off, int len, int timeoutMs) throws IOException {
        if (timeoutMs <= 0) {
            // The port's read blocks for POLL_MS when nothing is there; a look costs nothing.
            int waiting = port.bytesAvailable();
            if (waiting < 0) {
                throw failed();
            }
            if (waiting == 0) {
                return 0;
            }
        }
        long deadline = System.nanoTime() + Math.max(1, timeoutMs) * 1_000_000L;
        while (true) {
            int n = port.readBytes(b, len, off);
            if (n < 0 || (n == 0 && port.bytesAvailable() < 0)) {
                throw failed();
            }
            if (n > 0 || System.nanoTime() >= deadline) {
                return n;
            }
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        long limitMs = writeLimitMs(len, baud);
        ScheduledFuture<?> guard = watchdog.schedule(() -> {
            stalled = true;
            port.closePort();
        }, limitMs, TimeUnit.MILLISECONDS);
        try {
            int done = 0;
            while (done < len) {
                int n = port.writeBytes(b, len - done, off + done);
                if (n < 0) {
                    throw stalled ? new IOException("the device on " + path + " stopped taking data: a write of " + len
                            + " bytes was not taken in " + String.format(Locale.ROOT, "%.1f", limitMs / 1000.0) + " s")
                            : failed();
                }
                done += n;
            }
        } finally {
            guard.cancel(false);
        }
    }

    /** How long a write of {@code len} bytes may take: the buffered bytes ahead of it and its own, at the line's rate. */
    static long writeLimitMs(int len, int baud) {
        return Math.max(MIN_WRITE_STALL_MS, (MAX_BUFFERED_BYTES + (long) len) * 10 * 1000 / baud);
    }

    private IOException failed() {
        return new IOException(stalled ? "the device on " + path + " stopped taking data (its port was closed)"
                : "serial port " + path + " failed (unplugged?)");
    }

    @Override
    public String name() {
        return path;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        port.closePort();
    }
}
