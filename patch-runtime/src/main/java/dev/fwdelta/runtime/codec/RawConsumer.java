// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import java.io.IOException;

/** Receives the decoded (raw) bytes of a block, in order, in pieces of any size. */
@FunctionalInterface
public interface RawConsumer {
    void accept(byte[] b, int off, int len) throws IOException;
}
