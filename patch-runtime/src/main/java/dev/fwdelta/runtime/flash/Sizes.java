package dev.fwdelta.runtime.flash;

/** Sizes and offsets written as 16384, 16K, 1M or 0x4000. */
final class Sizes {
    private Sizes() {}

    static long parse(String s) {
        String v = s.trim().toUpperCase();
        long unit = 1;
        if (v.endsWith("K")) {
            unit = 1024;
        } else if (v.endsWith("M")) {
            unit = 1024 * 1024;
        }
        if (unit != 1) {
            v = v.substring(0, v.length() - 1);
        }
        return Long.decode(v) * unit;
    }
}
