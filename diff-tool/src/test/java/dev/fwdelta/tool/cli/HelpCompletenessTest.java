// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --help} says what every option and argument is for, in lines that do not break its
 * sentences, and every command can be found from its parent: in the parent's command list and in
 * the error a bare parent gives.
 */
class HelpCompletenessTest {
    @Test
    void everyOptionAndParameterHasADescription() {
        List<String> bare = new ArrayList<>();
        HelpWalk.undescribed(Main.commandLine(), bare);
        assertEquals(List.of(), bare, "options and parameters without a description in --help");
    }

    @Test
    void noDescriptionBreaksASentenceAcrossItsLines() {
        List<String> broken = new ArrayList<>();
        HelpWalk.brokenSentences(Main.commandLine(), broken);
        assertEquals(List.of(), broken, "descriptions whose lines break a sentence in --help");
    }

    @Test
    void everySubcommandIsListedByItsParentAndItsMissingCommandError() {
        List<String> unlisted = new ArrayList<>();
        HelpWalk.parents(Main.commandLine(), parent -> {
            String qualified = parent.getCommandSpec().qualifiedName();
            String usage = parent.getUsageMessage(CommandLine.Help.Ansi.OFF);
            CliRunner cli = new CliRunner();
            String[] args = Arrays.copyOfRange(qualified.split(" "), 1, qualified.split(" ").length);
            int exit = cli.run(args);
            if (exit != ExitCodes.USAGE) {
                unlisted.add(qualified + ": bare run exits " + exit);
            }
            for (String sub : parent.getSubcommands().keySet()) {
                if (!HelpWalk.listsCommand(usage, sub)) {
                    unlisted.add(qualified + " --help: " + sub);
                }
                if (!cli.err().contains(sub)) {
                    unlisted.add(qualified + " (bare): " + sub);
                }
            }
        });
        assertEquals(List.of(), unlisted, "subcommands their parent does not name");
    }

    /**
     * Every command's --help lists -V/--version, and each prints what {@code fwdelta --version}
     * prints: without a version provider of its own a subcommand printed nothing and exited 0.
     */
    @Test
    void everyCommandsVersionOptionPrintsTheVersion() {
        CliRunner top = new CliRunner();
        assertEquals(0, top.run("--version"));
        String version = top.out();
        assertTrue(version.startsWith("fwdelta "), version);
        List<String> silent = new ArrayList<>();
        walk(Main.commandLine(), cl -> {
            String qualified = cl.getCommandSpec().qualifiedName();
            if (cl.getCommandSpec().optionsMap().containsKey("--version")) {
                String[] path = qualified.split(" ");
                String[] args = Arrays.copyOf(Arrays.copyOfRange(path, 1, path.length), path.length);
                args[path.length - 1] = "-V";
                CliRunner cli = new CliRunner();
                if (cli.run(args) != 0 || !cli.out().equals(version)) {
                    silent.add(qualified + ": " + cli.out().strip());
                }
            }
        });
        assertEquals(List.of(), silent, "commands whose -V does not print the version");
    }

    private static void walk(CommandLine cl, Consumer<CommandLine> each) {
        each.accept(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            walk(sub, each);
        }
    }
}
