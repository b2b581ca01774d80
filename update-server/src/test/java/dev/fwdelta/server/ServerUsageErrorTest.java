// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A usage error in the server jar's commands is one {@code fwdelta: error:} line saying where the
 * usage is, as in the release tool's (diff-tool's Main.usageError): not the whole usage.
 */
class ServerUsageErrorTest {
    @TempDir
    Path dir;

    @Test
    void aMissingOptionIsOneLine() {
        Fleet.Run r = Fleet.cli("release", "publish", "--image", "x");
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("fwdelta: error: Missing required options"), r.err());
        assertTrue(r.err().strip().endsWith("(see 'fwdelta release publish --help')"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aMistypedOptionIsOneLineWithWhatWasMeant() {
        Fleet.Run r = Fleet.cli("server", "--prot", "8080");
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("; did you mean --"), r.err());
    }

    @Test
    void aMissingCommandIsOneLine() {
        for (String[] args : new String[][] {{}, {"release"}, {"device"}, {"server", "add-device", "--id", "b"}}) {
            Fleet.Run r = Fleet.cli(args);
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("fwdelta: error: "), r.err());
        }
    }

    /**
     * {@code --db-password-env VAR} with VAR not set is a usage error naming both, before anything
     * is created: not a login without a password that the database then refuses for another reason.
     */
    @Test
    void aDatabasePasswordVariableThatIsNotSetIsAUsageError() throws Exception {
        String unset = "FWDELTA_TEST_DB_PASSWORD_NOT_SET";
        assertNull(System.getenv(unset), unset + " must not be set for this test");
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path store = dir.resolve("store");
        Fleet.Run r = Fleet.cli("server", "--port", "0", "--db", "jdbc:postgresql://127.0.0.1:1/fwdelta",
                "--db-user", "fwdelta", "--db-password-env", unset, "--store", store.toString(),
                "--admin-token-file", token.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("fwdelta: error: --db-password-env: " + unset + " is not set (see 'fwdelta server --help')",
                r.err().strip());
        assertFalse(Files.exists(store), "a failed start created " + store);
    }

    /** A password without a user was dropped without a word: the server then logged in without one. */
    @Test
    void aDatabasePasswordWithoutAUserIsAUsageError() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path store = dir.resolve("store");
        Fleet.Run r = Fleet.cli("server", "--port", "0", "--db", "jdbc:postgresql://127.0.0.1:1/fwdelta",
                "--db-password-env", "PATH", "--store", store.toString(), "--admin-token-file", token.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("fwdelta: error: --db-password-env needs --db-user (the user whose password it holds)"
                + " (see 'fwdelta server --help')", r.err().strip());
        assertFalse(Files.exists(store), "a failed start created " + store);
    }

    /** {@code --max-upload 0} started a server that answered every upload 413. */
    @Test
    void anUploadLimitNoPatchFitsIsAUsageError() throws Exception {
        assertEquals("fwdelta: error: --max-upload must be " + ServerCommand.MIN_MAX_UPLOAD + " to "
                + ServerCommand.MAX_MAX_UPLOAD + " bytes, got 0 (see 'fwdelta server --help')", refusedStart("--max-upload", "0"));
    }

    /** A cap no connection fits under is refused before anything is created, naming the range. */
    @Test
    void aConnectionCapOfNoneIsAUsageError() throws Exception {
        String err = refusedStart("--max-connections", "0");
        assertTrue(err.startsWith("fwdelta: error: --max-connections must be 1 to "), err);
        assertTrue(err.endsWith(", got 0 (see 'fwdelta server --help')"), err);
    }

    /** A limit per address that admits no connection, or past the largest cap, is refused naming the range. */
    @Test
    void aLimitPerAddressOutOfItsRangeIsAUsageError() throws Exception {
        for (String n : new String[] {"0", "-1", "1000001"}) {
            assertEquals("fwdelta: error: --max-connections-per-address must be 1 to 1000000, got " + n
                    + " (see 'fwdelta server --help')", refusedStart("--max-connections-per-address", n));
        }
    }

    /** The one error line of a server started with {@code option value}: exit 2, and no store created. */
    private String refusedStart(String option, String value) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path store = dir.resolve("store");
        Fleet.Run r = Fleet.cli("server", "--port", "0", option, value, "--store", store.toString(),
                "--admin-token-file", token.toString());
        assertEquals(2, r.exit(), r.err());
        assertFalse(Files.exists(store), "a failed start created " + store);
        return r.err().strip();
    }
}
