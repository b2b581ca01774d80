// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport.dfu;

import java.io.IOException;

/** Class requests to a DFU interface: what the DFU host needs of USB. */
public interface ControlTransfer extends AutoCloseable {
    /** Host-to-device request; a stall is a {@link StallException}. */
    void out(int request, int value, byte[] data) throws IOException;

    /** Device-to-host request of up to {@code length} bytes; a stall is a {@link StallException}. */
    byte[] in(int request, int value, int length) throws IOException;

    @Override
    void close() throws IOException;
}
