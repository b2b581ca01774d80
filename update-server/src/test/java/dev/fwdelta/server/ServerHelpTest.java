// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.tool.cli.HelpWalk;
import dev.fwdelta.tool.cli.Main;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * This jar's commands say what each option is for, and a user finds every one of them: in its
 * parent's help, in the error a bare parent gives, and in the release tool's {@code fwdelta --help}
 * and {@code fwdelta device}, which is where ./fwdelta sends a user who asks for the list.
 */
class ServerHelpTest {
    @Test
    void everyOptionAndParameterHasADescription() {
        List<String> bare = new ArrayList<>();
        HelpWalk.undescribed(ServerMain.commandLine(), bare);
        assertEquals(List.of(), bare, "options and parameters without a description in --help");
    }

    @Test
    void noDescriptionBreaksASentenceAcrossItsLines() {
        List<String> broken = new ArrayList<>();
        HelpWalk.brokenSentences(ServerMain.commandLine(), broken);
        assertEquals(List.of(), broken, "descriptions whose lines break a sentence in --help");
    }

    @Test
    void everySubcommandIsListedByItsParentAndItsMissingCommandError() {
        List<String> unlisted = new ArrayList<>();
        HelpWalk.parents(ServerMain.commandLine(), parent -> {
            String qualified = parent.getCommandSpec().qualifiedName();
            String usage = parent.getUsageMessage(CommandLine.Help.Ansi.OFF);
            String[] path = qualified.substring("fwdelta".length()).strip().split(" ");
            // `fwdelta server` alone starts the server: it has no missing-command error to check.
            Fleet.Run bare = qualified.equals("fwdelta server") ? null
                    : Fleet.cli(path[0].isEmpty() ? new String[0] : path);
            for (String sub : parent.getSubcommands().keySet()) {
                if (!HelpWalk.listsCommand(usage, sub)) {
                    unlisted.add(qualified + " --help: " + sub);
                }
                if (bare != null && !bare.err().contains(sub)) {
                    unlisted.add(qualified + " (bare): " + sub);
                }
            }
        });
        assertEquals(List.of(), unlisted, "subcommands their parent does not name");
    }

    @Test
    void theReleaseToolListsThisJarsCommands() {
        List<String> unlisted = new ArrayList<>();
        String toolUsage = Main.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (CommandLine command : ServerMain.commandLine().getSubcommands().values()) {
            String name = command.getCommandName();
            CommandLine group = Main.commandLine().getSubcommands().get(name);
            if (group == null) {
                if (!HelpWalk.listsCommand(toolUsage, name)) {
                    unlisted.add("fwdelta --help: " + name);
                }
                continue;
            }
            // A group both jars have (device): the tool's lists this jar's commands in it.
            String groupUsage = group.getUsageMessage(CommandLine.Help.Ansi.OFF);
            Fleet.Run bare = Fleet.cli(Main.commandLine(), name);
            for (String sub : command.getSubcommands().keySet()) {
                if (!HelpWalk.listsCommand(groupUsage, sub)) {
                    unlisted.add("fwdelta " + name + " --help: " + sub);
                }
                if (!bare.err().contains(sub)) {
                    unlisted.add("fwdelta " + name + " (bare): " + sub);
                }
            }
        }
        assertEquals(List.of(), unlisted, "update-server commands the release tool's help does not name");
    }
}
