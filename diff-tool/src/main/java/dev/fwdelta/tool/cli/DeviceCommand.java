// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fwdelta device ...}: the simulated device. */
@Command(name = "device", mixinStandardHelpOptions = true, description = "Simulated device: flash model, agent, bootloader.",
        subcommands = {SimulateCommand.class, ServeCommand.class})
final class DeviceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (" + RemoteCommands.names(spec) + ")");
    }
}
