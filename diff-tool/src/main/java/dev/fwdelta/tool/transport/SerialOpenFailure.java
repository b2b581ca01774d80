// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Why jSerialComm's openPort() returned false, told from its last error: the native source line
 * that failed (open, lock or configure) and the errno it saw. The lines are those of jSerialComm
 * 2.11.0's SerialPort_Posix.c; an unknown line is reported with its number rather than guessed at.
 */
final class SerialOpenFailure {
    static final int ALREADY_OPEN = 505;
    static final int OPEN = 519;
    static final int LOCK = 538;
    static final int SET_BLOCKING = 762;
    static final int SET_TERMIOS = 768;

    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ENOTTY = 25;

    private SerialOpenFailure() {}

    static IOException of(String path, int baud, int parity, int location, int errno) {
        return switch (location) {
            case OPEN -> switch (errno) {
                case EACCES, EPERM -> new AccessDeniedException(path, null,
                        "cannot open it for reading and writing (is the user in group dialout?)");
                case ENOENT -> new NoSuchFileException(path, null, "no serial port there");
                default -> new IOException("cannot open serial port " + path + " (" + errnoName(errno) + ")");
            };
            case LOCK -> new IOException("serial port " + path + " is in use: "
                    + FlockHolder.of(Path.of(path)).map(h -> "process " + h).orElse("another process")
                    + " holds its exclusive lock");
            case SET_BLOCKING, SET_TERMIOS -> errno == ENOTTY
                    ? new IOException(path + " is not a serial port: it opened, but is not a terminal (ENOTTY)")
                    : new IOException("serial port " + path + " opened but refused the settings asked for: "
                            + settings(baud, parity) + " (" + errnoName(errno) + ")");
            case ALREADY_OPEN -> new IOException("serial port " + path + " is already open in this program");
            default -> new IOException("cannot open serial port " + path + " (jSerialComm error " + errno
                    + " at its native line " + location + ")");
        };
    }

    /** A pty clears PARENB whatever is asked, and glibc notices only when nothing else changed. */
    static IOException parityOnPseudoTerminal(String path, int baud, int parity) {
        return new IOException(path + " is a pseudo-terminal, which cannot keep parity (asked for "
                + settings(baud, parity) + "): use --parity none");
    }

    static String settings(int baud, int parity) {
        return baud + " baud, " + parityName(parity) + " parity";
    }

    private static String parityName(int parity) {
        return switch (parity) {
            case SerialPort.NO_PARITY -> "no";
            case SerialPort.ODD_PARITY -> "odd";
            case SerialPort.EVEN_PARITY -> "even";
            case SerialPort.MARK_PARITY -> "mark";
            default -> "space";
        };
    }

    private static String errnoName(int errno) {
        return switch (errno) {
            case 5 -> "EIO";
            case 6 -> "ENXIO";
            case 11 -> "EAGAIN";
            case 16 -> "EBUSY";
            case 19 -> "ENODEV";
            case 22 -> "EINVAL";
            default -> "errno " + errno;
        };
    }
}
