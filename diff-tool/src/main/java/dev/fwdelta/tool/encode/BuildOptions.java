// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;

/**
 * What the builder is asked for. {@code codec} null means "the smallest patch within the budget".
 *
 * @param ramBudget       decoder RAM the target device gives the applier, bytes
 * @param maxBlockRaw     largest decoded block: the resume granularity and codec reset interval
 * @param firmwareVersion anti-rollback number of the new image
 * @param hardwareId      board/product id the image is for
 * @param target          where the images live and what code they hold, as far as the inputs say
 */
public record BuildOptions(Codec codec, long ramBudget, int maxBlockRaw, long firmwareVersion, long hardwareId,
                           ImageTarget target) {
    public static final long DEFAULT_RAM_BUDGET = 16 * 1024;
    public static final int DEFAULT_MAX_BLOCK_RAW = 256 * 1024;

    /** Options for images whose addresses and architecture are not known (raw binaries). */
    public BuildOptions(Codec codec, long ramBudget, int maxBlockRaw, long firmwareVersion, long hardwareId) {
        this(codec, ramBudget, maxBlockRaw, firmwareVersion, hardwareId, ImageTarget.UNKNOWN);
    }

    public BuildOptions {
        if (maxBlockRaw < 64 || maxBlockRaw > Limits.MAX_BLOCK_RAW) {
            throw new IllegalArgumentException("block size must be 64.." + Limits.MAX_BLOCK_RAW + ", got " + maxBlockRaw);
        }
        if (hardwareId < 0 || hardwareId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("hardware id must fit 32 bits, got " + hardwareId);
        }
        if (firmwareVersion < 0) {
            throw new IllegalArgumentException("firmware version must be >= 0, got " + firmwareVersion);
        }
    }

    public static BuildOptions defaults() {
        return new BuildOptions(null, DEFAULT_RAM_BUDGET, DEFAULT_MAX_BLOCK_RAW, 0, 0);
    }

    public BuildOptions withCodec(Codec c) {
        return new BuildOptions(c, ramBudget, maxBlockRaw, firmwareVersion, hardwareId, target);
    }

    public BuildOptions withRamBudget(long budget) {
        return new BuildOptions(codec, budget, maxBlockRaw, firmwareVersion, hardwareId, target);
    }

    public BuildOptions withTarget(ImageTarget t) {
        return new BuildOptions(codec, ramBudget, maxBlockRaw, firmwareVersion, hardwareId, t);
    }
}
