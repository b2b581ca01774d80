// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.CheckinAnswer;
import java.io.IOException;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Each field of an {@code update} answer is checked on its own: the error names the first field that
 * does not hold, what the server sent and what is allowed, and is always an IOException (the
 * server's fault, exit 5), never a NumberFormatException that the command takes for a usage error.
 */
class CheckinAnswerFieldsTest {
    private static final String SHA = "5b1f".repeat(16);
    private static final String WHAT = "the server's check-in answer: ";

    private static String refusal(String answer) {
        return assertThrows(IOException.class, () -> CheckinAnswer.parse(answer, 1000), answer).getMessage();
    }

    @Test
    void aVersionBeyondTwoToTheSixtyThreeIsOutOfRangeNotAUsageError() {
        assertEquals(WHAT + "version 9999999999999999999 is outside 0..9223372036854775807",
                refusal("update 9999999999999999999 100 " + SHA + " /d/a"));
        assertEquals(Long.MAX_VALUE,
                assertDoesNotThrowParse("update 9223372036854775807 100 " + SHA + " /d/a").version());
    }

    @Test
    void eachBadFieldIsNamedWithWhatWasSentAndWhatIsAllowed() {
        assertEquals(WHAT + "SHA256 '" + SHA.toUpperCase(Locale.ROOT) + "' is not 64 lowercase hex digits",
                refusal("update 3 100 " + SHA.toUpperCase(Locale.ROOT) + " /d/a"));
        assertEquals(WHAT + "SHA256 '" + SHA.substring(1) + "' is not 64 lowercase hex digits",
                refusal("update 3 100 " + SHA.substring(1) + " /d/a"));
        assertEquals(WHAT + "size '-5' is not a decimal number in 1..1000", refusal("update 3 -5 " + SHA + " /d/a"));
        assertEquals(WHAT + "size 12345678901234 is outside 1..1000",
                refusal("update 3 12345678901234 " + SHA + " /d/a"));
        assertEquals(WHAT + "size 0 is outside 1..1000", refusal("update 3 0 " + SHA + " /d/a"));
        assertEquals(WHAT + "version 'x' is not a decimal number in 0..9223372036854775807",
                refusal("update x 100 " + SHA + " /d/a"));
        assertTrue(refusal("update 3 100 " + SHA).startsWith(WHAT + "URL is missing"), refusal("update 3 100 " + SHA));
        assertEquals("the server's check-in answer is neither 'none' nor 'update VERSION SIZE SHA256 URL'",
                refusal("offer 3 100 " + SHA + " /d/a"));
    }

    @Test
    void theServersTextIsPrintedWithItsControlCharactersEscaped() {
        String esc = "\u001b[2J";
        for (String answer : new String[] {"update 3 100 " + SHA + " http://cdn.example/" + esc + "x",
            "update 3 100 " + SHA.substring(4) + esc + " /d/a", "update 3" + esc + " 100 " + SHA + " /d/a"}) {
            String message = refusal(answer);
            assertFalse(message.contains("\u001b"), message);
            assertTrue(message.contains("\\x1B[2J"), message);
        }
    }

    private static CheckinAnswer assertDoesNotThrowParse(String answer) {
        try {
            return CheckinAnswer.parse(answer, 1000);
        } catch (IOException e) {
            throw new AssertionError(answer + ": " + e.getMessage(), e);
        }
    }
}
