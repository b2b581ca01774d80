// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.jmh;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.encode.BlockCompressor;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.CodecCandidates;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.encode.RawBlock;
import dev.fwdelta.tool.encode.RecordBlocker;
import java.util.List;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** A pair's record blocks, their encoding with one codec (within 16 KiB), and the whole patch. */
@State(Scope.Benchmark)
public class CodecState {
    @Param({"lz77", "lzma", "split", "none"})
    public String codec;

    public BlockCompressor compressor;
    public List<RawBlock> blocks;
    public byte[][] encoded;
    public byte[] patch;

    @Setup(Level.Trial)
    public void prepare(PairState pair) {
        Codec c = Codec.byLabel(codec);
        compressor = CodecCandidates.within(BuildOptions.DEFAULT_RAM_BUDGET, c).get(0);
        blocks = RecordBlocker.split(AlignmentScanner.diff(pair.oldImage, pair.newImage), BuildOptions.DEFAULT_MAX_BLOCK_RAW);
        encoded = blocks.stream().map(b -> compressor.compress(b.records())).toArray(byte[][]::new);
        patch = PatchBuilder.build(pair.oldImage, pair.newImage, BuildOptions.defaults().withCodec(c)).patch();
    }
}
