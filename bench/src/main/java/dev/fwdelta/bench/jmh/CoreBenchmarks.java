// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.jmh;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.codec.BlockDecoder;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.tool.diff.SuffixArray;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.encode.RawBlock;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The diff and patch core, one benchmark per stage. Throughput is in operations per second; one
 * operation processes the whole pair, so MB/s of new image = ops/s x new size ({@link BenchMain}
 * prints both).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class CoreBenchmarks {
    /** SA-IS suffix array of the old image. */
    @Benchmark
    public int[] suffixArray(PairState s) {
        return SuffixArray.bsdiffOrder(s.oldImage);
    }

    /** The whole builder with default options (matching, blocking, every codec candidate, header). */
    @Benchmark
    public byte[] diff(PairState s) {
        return PatchBuilder.build(s.oldImage, s.newImage, BuildOptions.defaults()).patch();
    }

    /** Payload encoding with one codec: every block compressed. */
    @Benchmark
    public void encode(PairState s, CodecState c, Blackhole bh) {
        for (RawBlock b : c.blocks) {
            bh.consume(c.compressor.compress(b.records()));
        }
    }

    /** Payload decoding with one codec: the runtime's push decoders, every block. */
    @Benchmark
    public void decode(PairState s, CodecState c, Blackhole bh) throws IOException {
        BlockDecoder d = BlockDecoder.create(Codec.byLabel(c.codec), c.compressor.window(), c.compressor.props());
        for (int i = 0; i < c.encoded.length; i++) {
            d.start(c.encoded[i].length, c.blocks.get(i).records().length);
            d.feed(c.encoded[i], 0, c.encoded[i].length, (b, off, len) -> bh.consume(b));
            d.finish((b, off, len) -> bh.consume(b));
        }
    }

    /** The full streaming apply: old image in memory, new image to a sink, all checks on, 4 KiB chunks. */
    @Benchmark
    public long apply(PairState s, CodecState c, Blackhole bh) throws IOException {
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(s.oldImage), (b, off, len) -> bh.consume(b),
                BuildOptions.DEFAULT_RAM_BUDGET);
        byte[] p = c.patch;
        for (int off = 0; off < p.length; off += 4096) {
            a.process(p, off, Math.min(4096, p.length - off));
        }
        return a.finish().newSize();
    }
}
