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

    /**
     * Descriptions whose lines break a sentence: picocli prints each line of a description on a
     * line of its own (an option's second line not even indented as its wrapped text), so a line
     * must end a sentence or a lead-in (".", ":", "?", "!"), or be, or come before, a usage
     * example ("fwdelta ...", or a numbered step "1. fwdelta ..."). Each break is added to {@code broken} as the command or option and
     * the line's last words.
     */
    public static void brokenSentences(CommandLine cl, List<String> broken) {
        CommandSpec spec = cl.getCommandSpec();
        addBreaks(spec.qualifiedName(), spec.usageMessage().description(), broken);
        for (ArgSpec arg : spec.args()) {
            addBreaks(spec.qualifiedName() + " " + name(arg), arg.description(), broken);
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            brokenSentences(sub, broken);
        }
    }

    private static void addBreaks(String where, String[] lines, List<String> broken) {
        for (int i = 0; i + 1 < lines.length; i++) {
            String line = lines[i].strip();
            boolean ends = line.isEmpty() || line.matches(".*[.:?!]");
            if (!ends && !isExample(line) && !isExample(lines[i + 1].strip())) {
                broken.add(where + ": ..." + line.substring(Math.max(0, line.length() - 30)));
            }
        }
    }

    /** A usage example, or a numbered step that is one: "fwdelta sign ...", "1. fwdelta sign ...". */
    private static boolean isExample(String line) {
        return line.matches("(\\d+\\. )?fwdelta .*");
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
