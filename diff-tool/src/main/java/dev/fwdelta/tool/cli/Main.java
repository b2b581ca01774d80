// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.format.PatchHeader;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The fwdelta command line. */
@Command(name = "fwdelta", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Firmware delta updates: small signed patches, applied as a stream in bounded memory.")
public final class Main implements Runnable {
    /**
     * The subcommands, in the order help lists them. Added by hand rather than in the annotation:
     * a run that names its command builds only that command's model, which picocli otherwise
     * builds for all of them by reflection, a large part of every run's start (docs/bench, "Diff
     * time against bsdiff").
     */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();
    /** How picocli starts some of its messages, e.g. a missing argument of an option group. */
    private static final String PICOCLI_PREFIX = "Error: ";
    /** Picocli's error for a command group run without one of its commands, which it does not name. */
    private static final String MISSING_SUBCOMMAND = "Missing required subcommand";

    static {
        COMMANDS.put("diff", DiffCommand::new);
        COMMANDS.put("apply", ApplyCommand::new);
        COMMANDS.put("inspect", InspectCommand::new);
        COMMANDS.put("verify", VerifyCommand::new);
        COMMANDS.put("sign", SignCommand::new);
        COMMANDS.put("keygen", KeygenCommand::new);
        COMMANDS.put("matrix", MatrixCommand::new);
        COMMANDS.put("send", SendCommand::new);
        COMMANDS.put("device", DeviceCommand::new);
        COMMANDS.put("stm32", Stm32Command::new);
        COMMANDS.put("demo", DemoCommand::new);
        COMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        useLocaleIndependentText();
        System.exit(commandLineFor(args).execute(args));
    }

    /**
     * Numbers print in ASCII digits with a '.' whatever the user's locale (a Thai one printed its
     * own digits): the lines are read by scripts and pasted into bug reports. Every category,
     * since PrintWriter.printf formats in the plain default, String.format in FORMAT's. Locale.US
     * rather than ROOT: the JDK's Formatter prints US numbers without loading locale data. Public
     * for the update server's main (ServerMain).
     */
    public static void useLocaleIndependentText() {
        Locale.setDefault(Locale.US);
    }

    /** The configured command line with every subcommand; tests drive it with {@code execute(args)}. */
    public static CommandLine commandLine() {
        return configured(COMMANDS.keySet().toArray(String[]::new));
    }

    /**
     * The command line for these arguments: only the named subcommand when the first argument
     * names one (help lists them all, so it gets them all), else every subcommand.
     */
    static CommandLine commandLineFor(String[] args) {
        if (args.length > 0 && COMMANDS.containsKey(args[0]) && !args[0].equals("help")) {
            return configured(args[0]);
        }
        return commandLine();
    }

    private static CommandLine configured(String... names) {
        CommandLine cl = new CommandLine(new Main());
        for (String name : names) {
            cl.addSubcommand(name, COMMANDS.get(name).get());
        }
        cl.setExecutionExceptionHandler(new ErrorMapper());
        cl.setExecutionStrategy(Main::runReportingMemory);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        }
        RemoteCommands.addTo(cl);
        withVersion(cl);
        return cl;
    }

    /**
     * Every subcommand's -V/--version prints what {@code fwdelta --version} prints: the standard
     * options list it on each command, and without a provider of its own it printed nothing.
     */
    private static void withVersion(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(new Version());
            withVersion(sub);
        }
    }

    /**
     * A usage error: one {@code fwdelta: error:} line, like every user error, that says where the
     * usage is (and, for a mistyped name, what was meant); the usage itself only when asked. Public
     * as the parameter exception handler of the update server's commands too (ServerMain).
     */
    public static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        int code = cl.getCommandSpec().exitCodeOnInvalidInput();
        if (!(e instanceof MissingCommandException)) {
            String message = usageMessage(e.getMessage() + suggestion(e) + subcommands(e), cl);
            cl.getErr().println("fwdelta: error: " + message);
            if (Arrays.asList(args).contains(JsonOption.NAME)) {
                ErrorMapper.printJson(cl.getOut(), code, "USAGE", message);
            }
        }
        return code;
    }

    /**
     * The text of every usage error, picocli's and the commands' own alike: what is wrong, without
     * picocli's "Error: " (the line already says error), and where the usage is.
     */
    static String usageMessage(String what, CommandLine cl) {
        String text = what.startsWith(PICOCLI_PREFIX) ? what.substring(PICOCLI_PREFIX.length()) : what;
        return text + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')";
    }

    /** "; did you mean X?" for an unknown command or option close to a known one, else nothing. */
    private static String suggestion(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            return "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        return "";
    }

    /** " (a, b)": the commands a group run without one could have been given, else nothing. */
    private static String subcommands(CommandLine.ParameterException e) {
        if (!MISSING_SUBCOMMAND.equals(e.getMessage())) {
            return "";
        }
        return " (" + String.join(", ", e.getCommandLine().getSubcommands().keySet()) + ")";
    }

    /** Runs the command; running out of heap is one error line with what to do, never a stack trace. */
    private static int runReportingMemory(CommandLine.ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (OutOfMemoryError e) {
            CommandLine cl = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
            cl.getErr().println("fwdelta: error: " + ErrorMapper.outOfMemory());
            cl.getErr().flush();
            if (ErrorMapper.wantsJson(cl)) {
                ErrorMapper.printJson(cl.getOut(), ExitCodes.IO_ERROR, "OUT_OF_MEMORY", ErrorMapper.outOfMemory());
            }
            return ExitCodes.IO_ERROR;
        }
    }

    @Override
    public void run() {
        // A bare `fwdelta`: the list of every command, as a user starting out needs it.
        CommandLine cl = spec.commandLine();
        cl.usage(cl.getErr());
        throw new MissingCommandException(cl);
    }

    /** No command named: the usage listing every command was printed; this exits with USAGE without another line. */
    private static final class MissingCommandException extends CommandLine.ParameterException {
        private static final long serialVersionUID = 1L;

        MissingCommandException(CommandLine cl) {
            super(cl, "missing command");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"fwdelta " + (v == null ? "dev" : v) + ", writes patch format "
                    + PatchHeader.FORMAT_VERSION_COMPACT + ", applies formats " + PatchHeader.FORMAT_VERSION_PLAIN + " to "
                    + PatchHeader.FORMAT_VERSION_COMPACT};
        }
    }
}
