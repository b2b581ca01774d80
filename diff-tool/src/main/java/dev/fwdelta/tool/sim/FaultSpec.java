// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sim;

import java.util.Random;

/**
 * Faults a simulated device injects on the bytes it receives: {@code drop=P,corrupt=P,dup=P}
 * (per-byte probabilities), {@code disconnect=N} (after N bytes the device resets once: it ignores
 * the line for a while and reboots its session), {@code seed=S}.
 */
public final class FaultSpec {
    final double drop;
    final double corrupt;
    final double dup;
    final long disconnectAfter;
    final Random random;

    private FaultSpec(double drop, double corrupt, double dup, long disconnectAfter, long seed) {
        this.drop = drop;
        this.corrupt = corrupt;
        this.dup = dup;
        this.disconnectAfter = disconnectAfter;
        this.random = new Random(seed);
    }

    public static FaultSpec none() {
        return new FaultSpec(0, 0, 0, -1, 0);
    }

    public static FaultSpec parse(String spec) {
        double drop = 0;
        double corrupt = 0;
        double dup = 0;
        long disconnect = -1;
        long seed = 1;
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=");
            if (kv.length != 2) {
                throw new IllegalArgumentException("fault '" + part + "' is not KEY=VALUE");
            }
            switch (kv[0].trim()) {
                case "drop" -> drop = probability(kv[1]);
                case "corrupt" -> corrupt = probability(kv[1]);
                case "dup" -> dup = probability(kv[1]);
                case "disconnect" -> disconnect = Long.parseLong(kv[1].trim());
                case "seed" -> seed = Long.parseLong(kv[1].trim());
                default -> throw new IllegalArgumentException("unknown fault '" + kv[0] + "' (drop, corrupt, dup, "
                        + "disconnect, seed)");
            }
        }
        return new FaultSpec(drop, corrupt, dup, disconnect, seed);
    }

    private static double probability(String v) {
        double p = Double.parseDouble(v.trim());
        if (p < 0 || p > 0.5) {
            throw new IllegalArgumentException("fault probability must be 0..0.5, got " + v);
        }
        return p;
    }
}
