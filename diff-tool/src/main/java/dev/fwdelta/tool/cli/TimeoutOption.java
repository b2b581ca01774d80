// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.tool.transport.UartChannel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --timeout SECONDS}, shared by the commands that talk to a device: how long the device may
 * stay silent before the command gives up (a port where nothing answers fails after it). Longer
 * operations that the device announces (an erase, the verification of a staged image) keep their
 * own, longer limits.
 */
final class TimeoutOption {
    static final double MIN_SECONDS = 0.2;
    static final double MAX_SECONDS = 3600;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    private long millis = UartChannel.DEFAULT_TIMEOUT_MS;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "2",
            description = "How long the device may stay silent before giving up (default: ${DEFAULT-VALUE} s).")
    void setTimeout(double seconds) {
        if (!(seconds >= MIN_SECONDS && seconds <= MAX_SECONDS)) {
            throw new ParameterException(spec.commandLine(), "--timeout must be " + MIN_SECONDS + ".." + MAX_SECONDS
                    + " seconds, got " + seconds);
        }
        millis = Math.round(seconds * 1000);
    }

    long millis() {
        return millis;
    }
}
