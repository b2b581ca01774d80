// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.server.device.DevicePollCommand;
import dev.fwdelta.server.publish.ReleaseCommand;
import dev.fwdelta.tool.cli.ErrorMapper;
import dev.fwdelta.tool.cli.ExitCodes;
import dev.fwdelta.tool.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fwdelta server|release|device poll}: the remote-update commands, in their own jar so that
 * the release tool's jar stays small and quick to start (./fwdelta sends these commands here).
 */
@Command(name = "fwdelta", mixinStandardHelpOptions = true,
        subcommands = {ServerCommand.class, ReleaseCommand.class, DevicePollCommand.class})
public final class ServerMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Main.useLocaleIndependentText();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ServerMain());
        cl.setExecutionExceptionHandler(new ErrorMapper());
        // A usage error is one line saying where the usage is, as in the release tool's commands.
        cl.setParameterExceptionHandler(Main::usageError);
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (server, release, device poll)");
    }
}
