// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.io;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import java.io.IOException;

/** The image already on the device, read by random access (it stays in its flash slot). */
public interface OldImage {
    long size();

    /** Reads exactly {@code len} bytes at {@code offset}; the caller keeps the range inside {@link #size()}. */
    void read(long offset, byte[] dst, int off, int len) throws IOException;

    /**
     * The checksums of the whole image when the device knows them without reading it (measured
     * at boot, or by the check of an earlier patch), else null: the applier then reads the image
     * to check that it is the patch's base.
     */
    default ImageChecksums knownChecksums() {
        return null;
    }
}
