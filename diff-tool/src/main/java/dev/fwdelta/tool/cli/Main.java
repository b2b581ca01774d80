package dev.fwdelta.tool.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The fwdelta command line. */
@Command(name = "fwdelta", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Firmware delta updates: small signed patches, applied as a stream in bounded memory.",
        subcommands = {DiffCommand.class, ApplyCommand.class, InspectCommand.class, VerifyCommand.class,
                SignCommand.class, KeygenCommand.class, MatrixCommand.class, SendCommand.class, DeviceCommand.class,
                Stm32Command.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests drive it with {@code execute(args)}. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorMapper());
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        }
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (diff, apply, inspect, verify, sign, keygen, matrix, demo)");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"fwdelta " + (v == null ? "dev" : v) + ", patch format v1"};
        }
    }
}
