// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Walks a picocli model for HelpCompletenessTest; the update server's jar walks its own commands with it too. */
public final class HelpWalk {
    private HelpWalk() {
    }

    public static void undescribed(CommandLine cl, List<String> bare) {
        CommandSpec spec = cl.getCommandSpec();
        for (ArgSpec arg : spec.args()) {
            if (String.join("", arg.description()).isBlank()) {
                bare.add(spec.qualifiedName() + " " + name(arg));
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            undescribed(sub, bare);
        }
    }

    public static void parents(CommandLine cl, Consumer<CommandLine> check) {
        if (cl.getSubcommands().isEmpty()) {
            return;
        }
        check.accept(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            parents(sub, check);
        }
    }

    /** Whether the usage's command list has a row for this command: two spaces, then its name. */
    public static boolean listsCommand(String usage, String name) {
        int list = usage.indexOf("Commands:");
        return list >= 0 && usage.substring(list).lines().anyMatch(l -> l.matches(" {2}" + name + "( .*)?"));
    }

    private static String name(ArgSpec arg) {
        return arg.isOption() ? ((OptionSpec) arg).longestName() : arg.paramLabel();
    }
}
