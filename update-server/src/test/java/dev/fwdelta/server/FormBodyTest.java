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
}
