// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link HostSafetyTest}: opens an output, writes to it, says "ready" and
 * waits to be stopped, as a long apply does when the user presses Ctrl-C.
 */
final class PartialOutputHolder {
    private PartialOutputHolder() {}

    public static void main(String[] args) throws Exception {
        AtomicOutput out = new AtomicOutput(Path.of(args[0]));
        out.stream().write(new byte[1 << 20]);
        out.stream().flush();
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
