// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

/**
 * A matrix shard "i/n": the old versions at places i, i+n, i+2n... (1-based) of the --old list.
 * One spelling per shard (no sign, no leading zero) and n below a billion, so the name a shard
 * writes in its manifest is the one a merge reads back, and i + n cannot overflow an int.
 */
record Shard(int index, int count) {
    /** The whole build. */
    static final Shard WHOLE = new Shard(1, 1);
    /** What --shard and a manifest's "shard" take, for errors. */
    static final String RULE = "i/n, two whole numbers written without sign or leading zero, with "
            + "1 <= i <= n <= 999999999";

    /** The shard {@code text} names, or null when it is not {@link #RULE}. */
    static Shard parse(String text) {
        if (text == null || !text.matches("[1-9][0-9]{0,8}/[1-9][0-9]{0,8}")) {
            return null;
        }
        int slash = text.indexOf('/');
        int i = Integer.parseInt(text.substring(0, slash));
        int n = Integer.parseInt(text.substring(slash + 1));
        return i <= n ? new Shard(i, n) : null;
    }

    /** Whether the --old at {@code place} (0-based) is this shard's. */
    boolean holds(int place) {
        return place % count == index - 1;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
