// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.publish;

import dev.fwdelta.server.AdminToken;
import dev.fwdelta.server.http.BodyDeadline;
import dev.fwdelta.server.http.ServerUrlOption;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of every command that uses the admin API: which server, and where the admin token is. */
public final class AdminOptions {
    @Option(names = "--server", required = true, paramLabel = "URL", converter = ServerUrlOption.class,
            description = "The update server.")
    URI server;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "File holding the admin token (else " + AdminToken.ENV + ").")
    Path adminTokenFile;

    /** Body limits other than AdminClient's constants (tests, which cannot wait those out); null: the constants. */
    BodyDeadline.Limits bodyLimits;

    /** How long an answer's headers may take, other than AdminClient's constant (tests); null: the constant. */
    Duration headerLimit;

    /** A client of the admin API; an error naming both places when there is no token. */
    public AdminClient client() throws IOException {
        String token = AdminToken.require(adminTokenFile);
        BodyDeadline.Limits body = bodyLimits == null ? AdminClient.ANSWER_LIMITS : bodyLimits;
        return new AdminClient(server, token, body, bodyLimits == null ? AdminClient.ARTIFACT_LIMITS : bodyLimits,
                headerLimit == null ? AdminClient.HEADER_LIMIT : headerLimit);
    }
}
