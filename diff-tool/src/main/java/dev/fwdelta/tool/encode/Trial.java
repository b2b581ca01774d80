// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import java.util.List;

/**
 * One record kind's blocks with one codec setting; and, for a trial on windows of the image
 * ({@link TrialWindows}), the windows' blocks and the scale that makes their size the whole one.
 */
record Trial(List<RawBlock> blocks, boolean sparse, BlockCompressor codec, List<RawBlock> windows, double scale) {
    /** A trial of the whole diff. */
    Trial(List<RawBlock> blocks, boolean sparse, BlockCompressor codec) {
        this(blocks, sparse, codec, null, 1);
    }

    long rawBytes() {
        return blocks.stream().mapToLong(b -> b.records().length).sum();
    }

    /** The size the codec's fast mode gives the whole diff: measured, or from the windows, scaled. */
    long fastSize() {
        if (windows == null) {
            return SampledTrial.trialSize(blocks, codec);
        }
        return Math.round(scale * SampledTrial.trialSize(windows, codec));
    }
}
