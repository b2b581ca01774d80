// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.compare;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** All tools on one pair. */
record PairResult(String pair, long newSize, List<ToolResult> tools) {
    Optional<ToolResult> tool(String name) {
        return tools.stream().filter(t -> t.tool().equals(name)).findFirst();
    }

    /** The smallest patch of a peer (run here, or quoted), if any. */
    Optional<ToolResult> bestPeer() {
        return tools.stream()
                .filter(t -> !t.tool().startsWith("fwdelta") && (t.ok() || t.status().equals("reference")))
                .min(Comparator.comparingLong(ToolResult::patchSize));
    }
}
