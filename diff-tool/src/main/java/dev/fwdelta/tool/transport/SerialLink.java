// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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

    private final SerialPort port;
    private final String path;

    private SerialLink(SerialPort port, String path) {
        this.port = port;
        this.path = path;
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
        return new SerialLink(p, path);
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
                throw new IOException("serial port " + path + " failed (unplugged?)");
            }
            if (waiting == 0) {
                return 0;
            }
        }
        long deadline = System.nanoTime() + Math.max(1, timeoutMs) * 1_000_000L;
        while (true) {
            int n = port.readBytes(b, len, off);
            if (n < 0 || (n == 0 && port.bytesAvailable() < 0)) {
                throw new IOException("serial port " + path + " failed (unplugged?)");
            }
            if (n > 0 || System.nanoTime() >= deadline) {
                return n;
            }
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = port.writeBytes(b, len - done, off + done);
            if (n < 0) {
                throw new IOException("serial port " + path + " failed (unplugged?)");
            }
            done += n;
        }
    }

    @Override
    public String name() {
        return path;
    }

    @Override
    public void close() {
        port.closePort();
    }
}
