// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.publish;

import dev.fwdelta.server.AdminToken;
import dev.fwdelta.server.http.BodyDeadline;
import dev.fwdelta.server.http.ServerUrlOption;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
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

    /** A client of the admin API; an error naming both places when there is no token. */
    public AdminClient client() throws IOException {
        String token = AdminToken.require(adminTokenFile);
        return bodyLimits == null ? new AdminClient(server, token) : new AdminClient(server, token, bodyLimits, bodyLimits);
    }
}
