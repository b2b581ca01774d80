// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

import java.io.IOException;

/**
 * A flash that hands every operation to another: tests override the operations they count,
 * refuse or tear, and leave the rest as the device's flash does them.
 */
public class ForwardingFlash implements Flash {
    protected final Flash inner;

    public ForwardingFlash(Flash inner) {
        this.inner = inner;
    }

    @Override
    public FlashGeometry geometry() {
        return inner.geometry();
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) {
        inner.read(offset, dst, off, len);
    }

    @Override
    public void erase(int sector) throws IOException {
        inner.erase(sector);
    }

    @Override
    public void program(long offset, byte[] src, int off, int len) throws IOException {
        inner.program(offset, src, off, len);
    }

    @Override
    public boolean isErased(long offset, int len) {
        return inner.isErased(offset, len);
    }
}
