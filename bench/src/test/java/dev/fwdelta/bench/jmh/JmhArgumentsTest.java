// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** `fwdelta bench jmh`'s arguments: before, --help and any misspelt flag started the whole run. */
class JmhArgumentsTest {
    @Test
    void helpAsksForTheUsageOnly() {
        assertTrue(JmhArguments.parse("--help").help());
        assertTrue(JmhArguments.parse("-h").help());
        assertTrue(JmhArguments.USAGE.startsWith("Usage: fwdelta bench jmh [--quick] [--vs-bsdiff] [REGEX]"));
    }

    @Test
    void flagsAndOneRegex() {
        JmhArguments a = JmhArguments.parse("--quick", "diff$");
        assertTrue(a.quick());
        assertFalse(a.versusBsdiff());
        assertEquals("diff$", a.regex());
        assertEquals(".*", JmhArguments.parse().regex());
        assertTrue(JmhArguments.parse("--vs-bsdiff", "--quick").versusBsdiff());
    }

    @Test
    void anUnknownFlagIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JmhArguments.parse("--qiuck"));
        assertEquals("unknown option --qiuck (valid: --quick, --vs-bsdiff, --help)", e.getMessage());
    }

    @Test
    void twoRegexesOrARegexWithVsBsdiffAreRefused() {
        assertEquals("one REGEX of benchmark names, not 'diff' and 'apply'",
                assertThrows(IllegalArgumentException.class, () -> JmhArguments.parse("diff", "apply")).getMessage());
        assertEquals("--vs-bsdiff runs the diff benchmark on every pair: no REGEX",
                assertThrows(IllegalArgumentException.class, () -> JmhArguments.parse("--vs-bsdiff", "diff"))
                        .getMessage());
    }
}
