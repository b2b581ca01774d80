// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.tool.encode.BuildOptions;
import java.util.List;
import picocli.CommandLine.Option;

/** The patch-building options shared by {@code diff} and {@code matrix}. */
final class BuildOptionsMixin {
    /** The options' names: each sets something only a fwdelta patch records. */
    static final List<String> NAMES = List.of("--codec", "--ram-budget", "--block-size", "--firmware-version",
            "--hardware-id");

    @Option(names = "--codec", paramLabel = "CODEC",
            description = "none, lz77, lzma or split. Default: whichever gives the smaller patch within the RAM budget.")
    String codec;

    @Option(names = "--ram-budget", paramLabel = "BYTES", converter = ByteSize.class, defaultValue = "16384",
            description = "Decoder RAM the device gives the applier (default: ${DEFAULT-VALUE}).")
    long ramBudget;

    @Option(names = "--block-size", paramLabel = "BYTES", converter = ByteSize.class, defaultValue = "262144",
            description = "Largest decoded block: resume granularity (default: ${DEFAULT-VALUE}).")
    long blockSize;

    @Option(names = "--firmware-version", paramLabel = "N", converter = UnsignedNumber.class, defaultValue = "0",
            description = "Anti-rollback version of NEW (default: ${DEFAULT-VALUE}).")
    long firmwareVersion;

    @Option(names = "--hardware-id", paramLabel = "ID", converter = UnsignedNumber.U32.class, defaultValue = "0",
            description = "Board/product id NEW is for, 32 bits (default: ${DEFAULT-VALUE}).")
    long hardwareId;

    BuildOptions toOptions() {
        if (blockSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--block-size " + blockSize + " is too large");
        }
        return new BuildOptions(codec == null ? null : Codec.byLabel(codec), ramBudget, (int) blockSize,
                firmwareVersion, hardwareId);
    }
}
