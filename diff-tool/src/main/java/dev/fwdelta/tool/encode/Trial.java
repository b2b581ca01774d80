// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import java.util.List;

/** One record kind's blocks with one codec setting. */
record Trial(List<RawBlock> blocks, boolean sparse, BlockCompressor codec) {
    long rawBytes() {
        return blocks.stream().mapToLong(b -> b.records().length).sum();
    }
}
