// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.BlockHeader;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.CRC32;

/** Compresses raw blocks with one codec and lays them out as the payload (FORMAT.md 2, format 3 block headers). */
public final class PayloadEncoder {
    private PayloadEncoder() {}

    public static byte[] encode(List<RawBlock> blocks, byte[] newImage, BlockCompressor compressor) {
        byte[][] encoded = blocks.parallelStream().map(b -> compressor.compress(b.records())).toArray(byte[][]::new);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length; i++) {
            RawBlock b = blocks.get(i);
            CRC32 crc = new CRC32();
            crc.update(newImage, (int) b.newOffset(), (int) b.outLength());
            BlockHeader h = new BlockHeader(i, encoded[i].length, b.records().length, b.newOffset(), b.oldOffset(),
                    b.outLength(), crc.getValue());
            payload.writeBytes(h.encodeCompact());
            payload.writeBytes(encoded[i]);
        }
        return payload.toByteArray();
    }
}
