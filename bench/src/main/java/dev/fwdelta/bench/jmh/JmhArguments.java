// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.jmh;

/**
 * The arguments of {@code fwdelta bench jmh}: flags and at most one regex of benchmark names. An
 * unknown flag is refused rather than taken for a regex or ignored: a whole run takes about twenty
 * minutes, and {@code --help} started one.
 *
 * @param regex benchmark names to run ({@code .*}: all)
 */
record JmhArguments(boolean help, boolean quick, boolean versusBsdiff, String regex) {
    static final String USAGE = String.join("\n",
            "Usage: fwdelta bench jmh [--quick] [--vs-bsdiff] [REGEX]",
            "JMH benchmarks of the core (CoreBenchmarks), MB/s of new image and bytes allocated per operation.",
            "      REGEX        Benchmarks to run, by name (default: all), e.g. 'diff$'.",
            "      --quick      Two pairs, short iterations: a few minutes on 2 cores.",
            "      --vs-bsdiff  The diff benchmark on every pair beside Debian bsdiff's whole process.",
            "  -h, --help       Show this help message and exit.");

    /** The arguments, or an IllegalArgumentException naming the one not understood. */
    static JmhArguments parse(String... args) {
        boolean help = false;
        boolean quick = false;
        boolean versusBsdiff = false;
        String regex = null;
        for (String a : args) {
            switch (a) {
                case "-h", "--help" -> help = true;
                case "--quick" -> quick = true;
                case "--vs-bsdiff" -> versusBsdiff = true;
                default -> {
                    if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + a
                                + " (valid: --quick, --vs-bsdiff, --help)");
                    }
                    if (regex != null) {
                        throw new IllegalArgumentException("one REGEX of benchmark names, not '" + regex + "' and '"
                                + a + "'");
                    }
                    regex = a;
                }
            }
        }
        if (versusBsdiff && regex != null) {
            throw new IllegalArgumentException("--vs-bsdiff runs the diff benchmark on every pair: no REGEX");
        }
        return new JmhArguments(help, quick, versusBsdiff, regex == null ? ".*" : regex);
    }
}
