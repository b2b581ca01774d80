// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import picocli.CommandLine;

/**
 * A command line's {@code --rollout}, checked as the server checks a request's ({@link Rollout#parse}:
 * the same forms, limits and words) before any request is sent: a bad one is a usage error (exit 2)
 * naming what is allowed. Converts to the form the server records ({@code percent:010} is
 * {@code percent:10}).
 */
public final class RolloutOption implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
        try {
            return Rollout.parse(value).toString();
        } catch (HttpError e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
