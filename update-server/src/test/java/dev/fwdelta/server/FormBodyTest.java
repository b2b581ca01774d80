// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The form parsing the routes rely on, from the bytes FormBody.read took within its limit. */
class FormBodyTest {
    @Test
    void fieldsAreDecodedAndEmptyPairsAreNoFields() {
        FormBody f = FormBody.parse("hw=0x1&&ver=1.2%2B3&note=a+b&flag&", StandardCharsets.UTF_8);
        assertEquals("0x1", f.get("hw"));
        assertEquals("1.2+3", f.get("ver"));
        assertEquals("a b", f.get("note"));
        assertEquals("", f.get("flag"));
        assertNull(f.get(""));
        assertEquals("default", f.getOrDefault("group", "default"));
    }

    @Test
    void onlyPatchMayRepeat() {
        assertEquals(List.of("a.fwd", "b.fwd"), FormBody.parse("patch=a.fwd&patch=b.fwd", StandardCharsets.UTF_8).all("patch"));
        HttpError e = assertThrows(HttpError.class, () -> FormBody.parse("hw=1&hw=2", StandardCharsets.UTF_8));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().contains("hw is given 2 times"), e.getMessage());
    }

    @Test
    void aBadEscapeIsRefusedNamingTheField() {
        HttpError e = assertThrows(HttpError.class, () -> FormBody.parse("group=%zz", StandardCharsets.UTF_8));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().startsWith("group is not URL-encoded"), e.getMessage());
    }

    /**
     * A field name is the client's text: an error naming it must stay one line of bounded length
     * (docs/OTA.md, Conventions), whatever the name decodes to.
     */
    @Test
    void anErrorNamesAFieldOnOneBoundedLine() {
        String newline = assertThrows(HttpError.class, () -> FormBody.parse("a%0Ab=1&a%0Ab=2", StandardCharsets.UTF_8))
                .getMessage();
        assertEquals("a\\x0Ab is given 2 times", newline);
        String escape = assertThrows(HttpError.class, () -> FormBody.parse("a%0D%0Ab=%zz", StandardCharsets.UTF_8))
                .getMessage();
        assertEquals("a\\x0D\\x0Ab is not URL-encoded: a % must start a %XX escape", escape);
        String empty = assertThrows(HttpError.class, () -> FormBody.parse("=1&=2", StandardCharsets.UTF_8)).getMessage();
        assertEquals("a field with an empty name is given 2 times", empty);
        String name = "n".repeat(10_000);
        String longName = assertThrows(HttpError.class, () -> FormBody.parse(name + "=1&" + name + "=2",
                StandardCharsets.UTF_8)).getMessage();
        assertTrue(longName.length() < 500, longName.length() + " characters");
        assertTrue(longName.endsWith(" [9600 more characters cut] is given 2 times"), longName);
    }

    /** The charset is the Content-Type header's text: named in the error escaped and capped too. */
    @Test
    void anUnknownCharsetIsNamedOnOneBoundedLine() {
        String charset = "x".repeat(3000);
        HttpError e = assertThrows(HttpError.class, () -> FormBody.charset(charset));
        assertEquals(400, e.status);
        assertTrue(e.getMessage().length() < 500, e.getMessage().length() + " characters");
        assertTrue(e.getMessage().startsWith("Content-Type charset must be one the server knows (UTF-8), got xxx"),
                e.getMessage());
    }

    /** An empty charset or Content-Type is said to be empty, not shown as nothing after "got". */
    @Test
    void anEmptyCharsetOrTypeIsSaidToBeEmpty() {
        assertEquals("Content-Type charset must be one the server knows (UTF-8), got an empty charset",
                assertThrows(HttpError.class, () -> FormBody.charset("")).getMessage());
        HttpError type = assertThrows(HttpError.class, () -> FormBody.refuseOtherTypes(" "));
        assertEquals(415, type.status);
        assertEquals("Content-Type must be application/x-www-form-urlencoded (or none), got an empty Content-Type",
                type.getMessage());
    }

    /**
     * The charset of a Content-Type, read by the server itself: the web framework's reading failed
     * on "charset" without "=", a 500, and took a quoted value with its quotes.
     */
    @Test
    void theCharsetParameterIsReadWithoutTheFrameworkAndMayBeQuoted() {
        String form = "application/x-www-form-urlencoded";
        assertNull(FormBody.charsetParameter(null));
        assertNull(FormBody.charsetParameter(form));
        assertEquals("UTF-8", FormBody.charsetParameter(form + "; charset=UTF-8"));
        assertEquals("UTF-8", FormBody.charsetParameter(form + ";CHARSET=\"UTF-8\""));
        assertEquals("utf-8", FormBody.charsetParameter(form + "; q=1; charset = utf-8 "));
        HttpError e = assertThrows(HttpError.class, () -> FormBody.charsetParameter(form + "; charset"));
        assertEquals(400, e.status);
        assertEquals("Content-Type charset has no value: give charset=UTF-8 or none", e.getMessage());
    }
}
