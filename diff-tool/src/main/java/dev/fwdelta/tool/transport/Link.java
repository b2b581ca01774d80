// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import java.io.IOException;

/** A byte stream to a device: a serial port, a throttled or faulty wrapper, a pipe in tests. */
public interface Link extends AutoCloseable {
    /**
     * Reads what is there, waiting up to {@code timeoutMs}; 0 on timeout. With {@code timeoutMs} 0
     * it only takes what has already arrived, without waiting.
     */
    int read(byte[] b, int off, int len, int timeoutMs) throws IOException;

    void write(byte[] b, int off, int len) throws IOException;

    String name();

    @Override
    void close() throws IOException;
}
