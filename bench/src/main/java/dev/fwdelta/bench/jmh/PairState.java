// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.jmh;

import dev.fwdelta.bench.ImagePair;
import dev.fwdelta.bench.PairSource;
import java.io.IOException;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One corpus pair in memory (a HEX file's main flash region, as the peers were measured on it).
 * Pick pairs with {@code -p pair=a,b} (any pair of the corpus README, the micro:bit ones included);
 * other pair sets with -Dfwdelta.pairs=DIR.
 */
@State(Scope.Benchmark)
public class PairState {
    @Param({"programmer", "synth-1-3", "pyb-small", "esp8266", "libpython"})
    public String pair;

    public byte[] oldImage;
    public byte[] newImage;

    @Setup(Level.Trial)
    public void load() throws IOException {
        ImagePair p = PairSource.pair(pair);
        oldImage = PairSource.imageBytes(p.oldPath());
        newImage = PairSource.imageBytes(p.newPath());
    }
}
