// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Where an encoder's output goes, one byte at a time: collected, or only counted when a trial
 * needs nothing but the size. Unsynchronized: the LZMA range coder writes every output byte with
 * its own call, and ByteArrayOutputStream takes a lock for each.
 */
final class ByteSink extends OutputStream {
    private byte[] bytes;
    private int size;

    private ByteSink(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A sink that keeps the bytes, starting with room for {@code capacity}. */
    static ByteSink collecting(int capacity) {
        return new ByteSink(new byte[Math.max(16, capacity)]);
    }

    /** A sink that counts the bytes and drops them. */
    static ByteSink counting() {
        return new ByteSink(null);
    }

    @Override
    public void write(int b) {
        if (bytes != null) {
            if (size == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[size] = (byte) b;
        }
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (bytes != null) {
            if (size + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
            }
            System.arraycopy(b, off, bytes, size, len);
        }
        size += len;
    }

    /** Bytes written so far. */
    int size() {
        return size;
    }

    /** The bytes written; only for a collecting sink. */
    byte[] toByteArray() {
        if (bytes == null) {
            throw new IllegalStateException("a counting sink keeps no bytes");
        }
        return Arrays.copyOf(bytes, size);
    }
}
