// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Image files for tests: bytes at an address, written by fwdelta's own record writers. */
public final class TestImages {
    private TestImages() {}

    /** {@code bytes} at {@code address} as an Intel HEX file {@code file}. */
    public static Path hexAt(Path file, long address, byte[] bytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            RecordWriter w = RecordWriter.of(ImageFormat.INTEL_HEX, out, address);
            w.write(bytes);
            w.finish();
        }
        return file;
    }
}
