// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.io;

import java.io.IOException;

/** Where the new image goes, strictly front to back (a staging slot, a file, a hash). */
@FunctionalInterface
public interface ImageSink {
    void write(byte[] b, int off, int len) throws IOException;
}
