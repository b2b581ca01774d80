// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --json}, the same on every command: the result as one JSON object on standard output
 * (commands with progress write JSON lines before it), an error as a final JSON object
 * (docs/CLI.md).
 */
final class JsonOption {
    static final String NAME = "--json";

    @Option(names = NAME, description = "Machine-readable output: JSON lines on standard output (docs/CLI.md).")
    boolean enabled;

    /** Where this command's result goes: its standard output, as JSON or as text. */
    CommandOutput output(CommandSpec spec) {
        return new CommandOutput(spec.commandLine().getOut(), enabled);
    }

    /** Progress on standard error (a bar or lines), or JSON lines on standard output. */
    ProgressReporter progress(CommandSpec spec) {
        return ProgressReporter.forCommand(spec.commandLine().getOut(), spec.commandLine().getErr(), enabled);
    }
}
