// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.jmh;

import dev.fwdelta.tool.diff.SuffixArray;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The suffix array on texts of one shape each, against random bytes of the same size: the
 * shapes that take SuffixArray's other roads (a reduced problem sorted by prefix doubling when
 * its names do not fit a byte, SA-IS again when they do) and could be its slow cases. A flash
 * image can hold any of them: a table repeated, erased flash, a pattern fill.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar SuffixArrayShapes} (docs/bench, "SA-IS on
 * bytes only").
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@State(Scope.Benchmark)
public class SuffixArrayShapes {
    /**
     * random: no repeats; repeat-N: one random block of N bytes over and over (many distinct LMS
     * substrings repeated: doubling); zeros: one byte value (erased flash read as 0x00).
     */
    @Param({"random", "repeat-16", "repeat-1000", "repeat-65536", "zeros"})
    public String shape;

    @Param("1048576")
    public int size;

    private byte[] text;

    @Setup(Level.Trial)
    public void make() {
        text = text(shape, size);
    }

    @Benchmark
    public int[] suffixArray() {
        return SuffixArray.bsdiffOrder(text);
    }

    /** The text of a shape; the same bytes on every run (a fixed seed). */
    static byte[] text(String shape, int size) {
        byte[] out = new byte[size];
        Random random = new Random(1);
        if (shape.equals("random")) {
            random.nextBytes(out);
        } else if (shape.startsWith("repeat-")) {
            byte[] block = new byte[Integer.parseInt(shape.substring("repeat-".length()))];
            random.nextBytes(block);
            for (int i = 0; i < size; i++) {
                out[i] = block[i % block.length];
            }
        } else if (!shape.equals("zeros")) {
            throw new IllegalArgumentException("shape: random, repeat-N or zeros, got " + shape);
        }
        return out;
    }
}
