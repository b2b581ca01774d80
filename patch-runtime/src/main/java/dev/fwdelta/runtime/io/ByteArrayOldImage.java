// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.io;

/** An old image held in memory (tests, host tools). The array is not copied. */
public final class ByteArrayOldImage implements OldImage {
    private final byte[] image;

    public ByteArrayOldImage(byte[] image) {
        this.image = image;
    }

    @Override
    public long size() {
        return image.length;
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) {
        if (offset < 0 || offset + len > image.length) {
            throw new IndexOutOfBoundsException("read " + len + " at " + offset + " of " + image.length);
        }
        System.arraycopy(image, (int) offset, dst, off, len);
    }
}
