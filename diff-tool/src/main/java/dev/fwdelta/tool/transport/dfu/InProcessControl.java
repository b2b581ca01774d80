package dev.fwdelta.tool.transport.dfu;

import dev.fwdelta.runtime.transport.dfu.DfuDevice;

/** Control transfers straight into a device-side state machine: the DFU host tested without hardware. */
public final class InProcessControl implements ControlTransfer {
    private final DfuDevice device;

    public InProcessControl(DfuDevice device) {
        this.device = device;
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
