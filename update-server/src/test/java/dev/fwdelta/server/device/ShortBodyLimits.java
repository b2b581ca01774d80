// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.server.ServerMain;
import dev.fwdelta.server.http.BodyDeadline;
import java.time.Duration;
import picocli.CommandLine;

/**
 * The fwdelta command line with {@code device poll}'s body limits shortened: a test of a stalled
 * body then ends in a second or two instead of waiting out OtaDevice's real limits.
 */
public final class ShortBodyLimits {
    private ShortBodyLimits() {}

    public static CommandLine commandLine(Duration idle, Duration total) {
        CommandLine cl = ServerMain.commandLine();
        DevicePollCommand.Poll poll = cl.getSubcommands().get("device").getSubcommands().get("poll").getCommand();
        poll.answerLimits = new BodyDeadline.Limits(idle, total);
        poll.downloadLimits = new BodyDeadline.Limits(idle, total);
        return cl;
    }

    /** As {@link #commandLine(Duration, Duration)}, and every request's wait for its answer headers {@code header}. */
    public static CommandLine commandLine(Duration idle, Duration total, Duration header) {
        CommandLine cl = commandLine(idle, total);
        DevicePollCommand.Poll poll = cl.getSubcommands().get("device").getSubcommands().get("poll").getCommand();
        poll.headerLimit = header;
        return cl;
    }
}
