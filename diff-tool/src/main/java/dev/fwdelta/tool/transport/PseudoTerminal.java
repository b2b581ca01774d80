// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import java.io.IOException;
import java.nio.file.Path;

/** Whether a port path is a pseudo-terminal (socat's links included): Linux puts them in /dev/pts. */
final class PseudoTerminal {
    private static final Path PTS = Path.of("/dev/pts");

    private PseudoTerminal() {}

    static boolean is(Path port) {
        try {
            return port.toRealPath().getParent().equals(PTS);
        } catch (IOException e) {
            return false;
        }
    }
}
