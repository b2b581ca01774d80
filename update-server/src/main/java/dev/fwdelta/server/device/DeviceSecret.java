// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.tool.io.BoundedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The polling device's secret: from {@code --secret-file} or {@link #ENV}, never from the command
 * line (it would show in ps), as the admin token.
 */
public final class DeviceSecret {
    public static final String ENV = "FWDELTA_DEVICE_SECRET";
    /** Largest secret file read: a secret is 64 hex digits; room for a newline and more. */
    static final int MAX_FILE = 1024;

    private DeviceSecret() {}

    /** The secret from {@code file} if given, else from {@code env}; an error naming both when there is none. */
    public static String read(Path file, String env) throws IOException {
        String secret;
        String source;
        if (file != null) {
            secret = new String(BoundedFile.read(file, MAX_FILE, "device secret file"), StandardCharsets.UTF_8).strip();
            source = "--secret-file " + file;
        } else if (env != null) {
            secret = env.strip();
            source = ENV;
        } else {
            throw new IllegalArgumentException("no device secret: give --secret-file FILE or set " + ENV);
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException(source + " holds an empty device secret");
        }
        return secret;
    }
}
