// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The commands ./fwdelta runs from the update server's jar (server, release, device poll), listed
 * in this jar's help beside its own: a user looks for every command in {@code fwdelta --help}, and
 * this jar cannot load them. The update server's ServerHelpTest checks that this list matches them.
 */
final class RemoteCommands {
    /** By the qualified name of the command that lists them: each name with its first line of help. */
    private static final Map<String, Map<String, String>> LISTED = Map.of(
            "fwdelta", ordered("server", "Run the update server (docs/OTA.md). With no options: SQLite and artifacts in "
                    + "./fwdelta-server.", "release", "Releases on an update server."),
            "fwdelta device", ordered("poll", "Power on, check in once; download (resuming with Range), install and "
                    + "report an offered update."));

    private RemoteCommands() {
    }

    /** Lists the remote commands in the help of this command line and of its subcommands. */
    static void addTo(CommandLine cl) {
        Map<String, String> extra = LISTED.get(cl.getCommandSpec().qualifiedName());
        if (extra != null) {
            cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
                    help -> help.commandList(withRemote(help, extra)));
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            addTo(sub);
        }
    }

    /** The names of a command's subcommands, this jar's and the remote ones, for a missing-subcommand error. */
    static String names(CommandSpec spec) {
        List<String> names = new ArrayList<>(spec.subcommands().keySet());
        names.addAll(LISTED.getOrDefault(spec.qualifiedName(), Map.of()).keySet());
        return String.join(", ", names);
    }

    /** This jar's commands, then the remote ones, then {@code help}, which stays last. */
    private static Map<String, Help> withRemote(Help help, Map<String, String> extra) {
        Map<String, Help> all = new LinkedHashMap<>(help.subcommands());
        Help helpCommand = all.remove("help");
        extra.forEach((name, line) -> {
            CommandSpec remote = CommandSpec.create().name(name);
            remote.usageMessage().description(line);
            all.put(name, new Help(remote, help.colorScheme()));
        });
        if (helpCommand != null) {
            all.put("help", helpCommand);
        }
        return all;
    }

    private static Map<String, String> ordered(String... namesAndLines) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndLines.length; i += 2) {
            m.put(namesAndLines[i], namesAndLines[i + 1]);
        }
        return m;
    }
}
