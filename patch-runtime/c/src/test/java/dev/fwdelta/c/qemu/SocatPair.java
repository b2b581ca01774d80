// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A pty pair made by socat, its ends linked as {@code host} and {@code relay} in a directory:
 * `fwdelta send` opens the first, a {@link LineRelay} the second.
 */
final class SocatPair implements AutoCloseable {
    private final Process socat;
    private final Path hostEnd;
    private final Path relayEnd;

    private SocatPair(Process socat, Path hostEnd, Path relayEnd) {
        this.socat = socat;
        this.hostEnd = hostEnd;
        this.relayEnd = relayEnd;
    }

    /** Starts socat and waits (5 s at most) for both links. */
    static SocatPair start(Path dir) throws IOException, InterruptedException {
        QemuFirmware.requireTool("socat");
        Path hostEnd = dir.resolve("host");
        Path relayEnd = dir.resolve("relay");
        Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + hostEnd, "pty,raw,echo=0,link=" + relayEnd)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        for (int i = 0; i < 100 && !(Files.exists(hostEnd) && Files.exists(relayEnd)); i++) {
            Thread.sleep(50);
        }
        return new SocatPair(socat, hostEnd, relayEnd);
    }

    String hostEnd() {
        return hostEnd.toString();
    }

    String relayEnd() {
        return relayEnd.toString();
    }

    @Override
    public void close() throws InterruptedException {
        socat.destroy();
        socat.waitFor(5, TimeUnit.SECONDS);
    }
}
