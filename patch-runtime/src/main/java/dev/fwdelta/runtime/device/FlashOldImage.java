// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.flash.Flash;
import dev.fwdelta.runtime.io.OldImage;

/** The running image, read in place from the active slot. */
final class FlashOldImage implements OldImage {
    private final Flash flash;
    private final Region slot;
    private final long size;
    private final ImageChecksums known;

    /** @param known the checksums of the image's first {@code size} bytes if measured already, else null */
    FlashOldImage(Flash flash, Region slot, long size, ImageChecksums known) {
        this.flash = flash;
        this.slot = slot;
        this.size = Math.min(size, slot.size());
        this.known = known != null && known.size() == this.size ? known : null;
    }

    @Override
    public ImageChecksums knownChecksums() {
        return known;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) {
        if (offset < 0 || offset + len > size) {
            throw new IndexOutOfBoundsException("read " + len + " at " + offset + " of " + size);
        }
        flash.read(slot.offset() + offset, dst, off, len);
    }
}
