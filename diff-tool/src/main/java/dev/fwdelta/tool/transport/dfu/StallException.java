// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport.dfu;

import java.io.IOException;

/** The device stalled a control request (USB STALL handshake). */
public final class StallException extends IOException {
    public StallException(String request) {
        super("device stalled " + request);
    }
}
