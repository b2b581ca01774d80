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
        return commandLine(idle, total, null);
    }

    /** As {@link #commandLine(Duration, Duration)}, and the wait for an answer's headers {@code headers} (null: as is). */
    public static CommandLine commandLine(Duration idle, Duration total, Duration headers) {
        CommandLine cl = ServerMain.commandLine();
        shorten(cl, new BodyDeadline.Limits(idle, total), headers);
        return cl;
    }

    private static void shorten(CommandLine cl, BodyDeadline.Limits limits, Duration headers) {
        for (Object mixin : cl.getMixins().values()) {
            if (mixin instanceof AdminOptions admin) {
                admin.bodyLimits = limits;
                admin.headerLimit = headers;
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            shorten(sub, limits, headers);
        }
    }
}
