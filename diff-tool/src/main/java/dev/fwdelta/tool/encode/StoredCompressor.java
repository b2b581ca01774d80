// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;

/** Codec "none". */
public final class StoredCompressor implements BlockCompressor {
    @Override
    public Codec codec() {
        return Codec.NONE;
    }

    @Override
    public int props() {
        return 0;
    }

    @Override
    public int window() {
        return 0;
    }

    @Override
    public byte[] compress(byte[] raw) {
        return raw.clone();
    }
}
