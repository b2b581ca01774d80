// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A usage error in the server jar's commands is one {@code fwdelta: error:} line saying where the
 * usage is, as in the release tool's (diff-tool's Main.usageError): not the whole usage.
 */
class ServerUsageErrorTest {
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
}
