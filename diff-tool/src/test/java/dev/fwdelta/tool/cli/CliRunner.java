// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the command line as main() builds it, keeping the last run's standard error. */
final class CliRunner {
    private final StringWriter err = new StringWriter();

    int run(String... args) {
        err.getBuffer().setLength(0);
        CommandLine cl = Main.commandLineFor(args);
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    String err() {
        return err.toString();
    }
}
