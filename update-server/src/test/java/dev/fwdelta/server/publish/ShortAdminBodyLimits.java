// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.publish;

import dev.fwdelta.server.ServerMain;
import dev.fwdelta.server.http.BodyDeadline;
import java.time.Duration;
import picocli.CommandLine;

/**
 * The fwdelta command line with every admin command's body limits shortened: a test of a stalled
 * answer then ends in a second or two instead of waiting out AdminClient's real limits.
 */
public final class ShortAdminBodyLimits {
    private ShortAdminBodyLimits() {}

    public static CommandLine commandLine(Duration idle, Duration total) {
        CommandLine cl = ServerMain.commandLine();
        shorten(cl, new BodyDeadline.Limits(idle, total));
        return cl;
    }

    private static void shorten(CommandLine cl, BodyDeadline.Limits limits) {
        for (Object mixin : cl.getMixins().values()) {
            if (mixin instanceof AdminOptions admin) {
                admin.bodyLimits = limits;
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            shorten(sub, limits);
        }
    }
}
