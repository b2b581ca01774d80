// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sim;

import dev.fwdelta.runtime.transport.dfu.DfuDevice;
import dev.fwdelta.tool.transport.dfu.ControlTransfer;
import dev.fwdelta.tool.transport.dfu.StallException;

/** Control transfers straight into a device-side state machine: DFU hosts tested without hardware. */
public final class InProcessControl implements ControlTransfer {
    /** A device's class-request handlers: false / null means it stalled. */
    public interface Endpoint {
        boolean controlOut(int request, int value, byte[] data);

        byte[] controlIn(int request, int value, int length);
    }

    private final Endpoint device;

    public InProcessControl(Endpoint device) {
        this.device = device;
    }

    public InProcessControl(DfuDevice device) {
        this(new Endpoint() {
            @Override
            public boolean controlOut(int request, int value, byte[] data) {
                return device.controlOut(request, value, data);
            }

            @Override
            public byte[] controlIn(int request, int value, int length) {
                return device.controlIn(request, value, length);
            }
        });
    }

    @Override
    public void out(int request, int value, byte[] data) throws StallException {
        if (!device.controlOut(request, value, data)) {
            throw new StallException("request " + request);
        }
    }

    @Override
    public byte[] in(int request, int value, int length) throws StallException {
        byte[] r = device.controlIn(request, value, length);
        if (r == null) {
            throw new StallException("request " + request);
        }
        return r;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
