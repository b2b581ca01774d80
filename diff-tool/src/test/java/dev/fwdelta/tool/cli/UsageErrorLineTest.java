// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every usage error is the one line docs/CLI.md's Conventions promise: "fwdelta: error: MESSAGE (see
 * 'fwdelta COMMAND --help')", whether picocli found it or a command did, and picocli's own "Error: "
 * is not said a second time.
 */
class UsageErrorLineTest {
    @TempDir
    Path dir;

    @Test
    void aMissingModeSaysErrorOnce() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("u.fwd", false);
        assertEquals(ExitCodes.USAGE, f.cli.run("sign", patch.toString()));
        String line = f.errorLine();
        assertTrue(line.startsWith("Missing required argument"), line);
        assertFalse(line.contains("Error"), line);
        assertTrue(line.endsWith(" (see 'fwdelta sign --help')"), line);
    }

    @Test
    void aCommandsOwnUsageErrorSaysWhereTheUsageIs() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path key = dir.resolve("k.pub.pem");
        assertEquals(ExitCodes.USAGE, f.cli.run("keygen", "-o", key.toString()));
        assertEquals("-o names the private key file, and " + key + " is a public key's name: give KEY.pem (the public"
                + " key goes beside it as KEY.pub.pem) (see 'fwdelta keygen --help')", f.errorLine());
        assertFalse(Files.exists(key), "no key written");

        assertEquals(ExitCodes.USAGE, f.cli.run("keygen", "-o", key.toString(), "--json"));
        JsonObject error = JsonParser.parseString(f.cli.out().strip()).getAsJsonObject();
        assertEquals("USAGE", error.get("error_code").getAsString());
        assertEquals(f.errorLine(), error.get("message").getAsString(), "the JSON message is the error line's text");
    }
}
