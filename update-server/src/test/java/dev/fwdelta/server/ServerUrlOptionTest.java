// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A --server that is not an http:// or https:// URL is a usage error (exit 2) naming --server and
 * what it takes, in every command that has one, before any file is read or request is built.
 */
class ServerUrlOptionTest {
    @TempDir
    Path dir;

    private static void assertRefused(String command, Fleet.Run r) {
        assertEquals(2, r.exit(), r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("fwdelta: error: Invalid value for option '--server'"), line);
        assertTrue(line.contains("'htp://127.0.0.1:9/' is not an http:// or https:// URL with a host (scheme htp)"), line);
        assertTrue(line.endsWith("(see 'fwdelta " + command + " --help')"), line);
    }

    @Test
    void everyServerOptionIsChecked() throws Exception {
        String bad = "htp://127.0.0.1:9/";
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        assertRefused("device poll", Fleet.cli("device", "poll", "--server", bad, "--id", "board-1", "--layout",
                "stm32l4-512k", "--image", "old.bin", "--flash-file", "flash", "--hardware-id", "7"));
        assertRefused("server add-device", Fleet.cli("server", "add-device", "--server", bad, "--admin-token-file",
                token.toString(), "--id", "board-1"));
        assertRefused("release publish", Fleet.cli("release", "publish", "--server", bad, "--image", "new.bin",
                "--key", "k.pem", "--hardware-id", "7", "--firmware-version", "2"));
        assertRefused("release rollout", Fleet.cli("release", "rollout", "--server", bad, "--hardware-id", "7",
                "--firmware-version", "2", "--rollout", "all"));
    }

    @Test
    void aUrlWithoutHostIsRefusedToo() {
        Fleet.Run r = Fleet.cli("server", "add-device", "--server", "localhost:8080", "--id", "board-1");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("'localhost:8080' is not an http:// or https:// URL"), r.err());
    }
}
