// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import java.net.URI;
import picocli.CommandLine;

/**
 * A command line's {@code --server URL}, checked as it is read: anything but an absolute http:// or
 * https:// URL with a host is a usage error naming the option and what it takes, rather than the HTTP
 * client's "invalid URI scheme" when the first request is built.
 */
public final class ServerUrlOption implements CommandLine.ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
        String why = HttpUrls.problem(value, false);
        if (why != null) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an http:// or https:// URL with a host ("
                    + why + ")");
        }
        return URI.create(value);
    }
}
