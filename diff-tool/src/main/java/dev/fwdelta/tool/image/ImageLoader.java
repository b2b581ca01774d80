// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import dev.fwdelta.runtime.format.Limits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a firmware image from a raw binary or an Intel HEX file (by extension .hex/.ihex). */
public final class ImageLoader {
    private ImageLoader() {}

    public static boolean isIntelHex(Path path) {
        String name = path.getFileName().toString().toLowerCase();
        return name.endsWith(".hex") || name.endsWith(".ihex") || name.endsWith(".ihx");
    }

    public static FirmwareImage load(Path path) throws IOException {
        if (isIntelHex(path)) {
            try (var reader = Files.newBufferedReader(path, StandardCharsets.US_ASCII)) {
                return IntelHex.parse(reader);
            }
        }
        long size = Files.size(path);
        if (size > Limits.MAX_IMAGE_SIZE) {
            throw new IOException(path + " has " + size + " bytes; fwdelta takes images up to "
                    + Limits.MAX_IMAGE_SIZE + " bytes (2 GiB - 1)");
        }
        return new FirmwareImage(Files.readAllBytes(path), 0);
    }
}
