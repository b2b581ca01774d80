// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.tool.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Two connected pseudo-terminals made by socat (installed by .ci/run): host end and device end. */
public final class PtyPair implements AutoCloseable {
    public final Path host;
    public final Path device;
    private final Process socat;

    public PtyPair(Path dir) throws Exception {
        Tools.require("socat");
        host = dir.resolve("ttyHost");
        device = dir.resolve("ttyDevice");
        socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + host, "pty,raw,echo=0,link=" + device)
                .redirectErrorStream(true).start();
        long end = System.currentTimeMillis() + 5000;
        while (!(Files.exists(host) && Files.exists(device))) {
            if (System.currentTimeMillis() > end || !socat.isAlive()) {
                throw new IllegalStateException("socat did not create the pty pair");
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() throws Exception {
        socat.destroy();
        socat.waitFor(2, TimeUnit.SECONDS);
    }
}
