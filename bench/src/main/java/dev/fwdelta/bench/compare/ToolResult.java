// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.compare;

/**
 * What one tool did on one pair: status "ok", "missing" (not installed), "failed" (with the error),
 * or "reference" (figures quoted from the corpus README, not run here). Times and memory are medians.
 */
record ToolResult(String tool, String status, long patchSize, double diffSeconds, double applySeconds,
                  long diffPeakKb, long applyPeakKb, boolean roundTrip, String error) {

    static ToolResult missing(String tool) {
        return new ToolResult(tool, "missing", 0, 0, 0, 0, 0, false, null);
    }

    static ToolResult failed(String tool, String error) {
        return new ToolResult(tool, "failed", 0, 0, 0, 0, 0, false, error);
    }

    static ToolResult reference(String tool, long size) {
        return new ToolResult(tool, "reference", size, 0, 0, 0, 0, false, null);
    }

    boolean ok() {
        return status.equals("ok");
    }
}
