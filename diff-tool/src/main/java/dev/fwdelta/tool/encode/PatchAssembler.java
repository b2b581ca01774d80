// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.format.SignatureSection;
import dev.fwdelta.tool.encode.PatchBuilder.Built;
import java.util.ArrayList;
import java.util.List;

/** A patch's bytes from its encoded blocks: the header, the relocation map, the blocks. */
final class PatchAssembler {
    private PatchAssembler() {}

    /**
     * The patch of encoded blocks made by {@code encoder} from {@code rawBlocks}. Its header names
     * the encoder's setting with the window fitted to the longest block (BlockCompressor.fittedTo):
     * a short diff does not ask the device for a dictionary it cannot use. A window below xz's
     * smallest dictionary also bounds max_block_raw, which every block is within.
     */
    static Built assemble(BlockCompressor encoder, RelocationMap map, List<RawBlock> rawBlocks, byte[] blocks,
                          ImageSums sums, BuildOptions options, boolean sparse) {
        BlockCompressor c = encoder.fittedTo(rawBlocks.stream().mapToLong(b -> b.records().length).max().orElse(0));
        int blockCount = rawBlocks.size();
        byte[] mapSection = map == null ? new byte[0] : map.encodeCompact();
        byte[] payload = new byte[mapSection.length + blocks.length];
        System.arraycopy(mapSection, 0, payload, 0, mapSection.length);
        System.arraycopy(blocks, 0, payload, mapSection.length, blocks.length);
        int mapCount = map == null ? 0 : map.sectionEntries();
        // Format 3, unsigned: no payload hash until a signer adds one with its signature.
        long loadAddress = options.target().loadAddress();
        // SHA_ONLY: the images' CRC-32s say nothing their SHA-256s do not, and half of the old
        // image's SHA-256 identifies the base as surely; 24 bytes of every patch (FORMAT.md 1.2).
        int flags = (map == null ? 0 : PatchHeader.FLAG_RELOCATED) | PatchHeader.FLAG_SHA_ONLY
                | (loadAddress == PatchHeader.NO_LOAD_ADDRESS ? 0 : PatchHeader.FLAG_LOAD_ADDRESS);
        PatchHeader header = new PatchHeader(PatchHeader.FORMAT_VERSION_COMPACT, flags, c.codec(), c.props(), mapCount, mapSection.length,
                c.window(), PatchHeader.decoderRam(c.codec(), c.window(), c.props(), mapCount), c.maxBlockRaw(options.maxBlockRaw()),
                blockCount, payload.length, sums.old().shaOnly(ImageChecksums.SHORT_SHA256_BYTES), sums.neu(), null, options.firmwareVersion(),
                options.hardwareId(), SignatureSection.NONE, loadAddress);
        byte[] head = header.encode();
        byte[] patch = new byte[head.length + payload.length];
        System.arraycopy(head, 0, patch, 0, head.length);
        System.arraycopy(payload, 0, patch, head.length, payload.length);
        return new Built(patch, header, c.describe() + (sparse ? ", sparse records" : "")
                + (map == null ? "" : ", " + describe(map)));
    }

    private static String describe(RelocationMap map) {
        List<String> kinds = new ArrayList<>();
        if (map.has(RelocationMap.THUMB_BL)) {
            kinds.add("Thumb BL");
        }
        if (map.has(RelocationMap.A64_BRANCH)) {
            kinds.add("A64 B/BL");
        }
        if (map.has(RelocationMap.A64_ADRP)) {
            kinds.add("A64 ADRP");
        }
        if (map.has(RelocationMap.XTENSA_CALL)) {
            kinds.add("Xtensa CALL");
        }
        if (map.has(RelocationMap.POINTER32) || map.has(RelocationMap.POINTER64)) {
            kinds.add((map.has(RelocationMap.POINTER64) ? "64-bit " : "") + "pointers at "
                    + String.format("0x%08x", map.imageBase()));
        }
        return "relocation map " + (map.sectionEntries() - 1) + " entries, " + String.join(" + ", kinds);
    }
}
