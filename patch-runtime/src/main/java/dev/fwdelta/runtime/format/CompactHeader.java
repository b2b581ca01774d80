// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

import static dev.fwdelta.runtime.format.PatchHeader.check;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import java.util.zip.CRC32;

/**
 * The format-3 header (docs/FORMAT.md 1.2): the 8-byte prefix of every version, then the same
 * fields as the 256-byte header in varints, without the CRC-32/MPEG-2 pair, and with the
 * payload's SHA-256 and the signature section only when the patch is signed, and under flag
 * SHA_ONLY without the images' CRC-32s and with half the old image's SHA-256. On a small patch the
 * 256-byte header was most of the file; this one is about 85 bytes unsigned.
 */
final class CompactHeader {
    private CompactHeader() {}

    static final int SIGNATURE_SECTION = 1 + 8 + SignatureSection.SIGNATURE_BYTES;
    private static final int KNOWN_FLAGS = PatchHeader.FLAG_SIGNED | PatchHeader.FLAG_RELOCATED
            | PatchHeader.FLAG_LOAD_ADDRESS | PatchHeader.FLAG_SHA_ONLY;

    static PatchHeader parse(byte[] b, int size) throws PatchException {
        ByteCursor c = new ByteCursor(b, PatchHeader.PREFIX_SIZE, size);
        int flags = c.u8("flags");
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new PatchException(ErrorCode.BAD_FLAGS, String.format(
                    "bad value for flags: 0x%02x (valid: bits 0, 1, 3 and 4, mask 0x%02x)", flags, KNOWN_FLAGS));
        }
        boolean signed = (flags & PatchHeader.FLAG_SIGNED) != 0;
        Codec codec = Codec.byId(c.u8("codec_id"));
        int props = c.u8("codec_props");
        long mapCount = c.uvarint("map_count");
        long mapLength = c.uvarint("map_bytes");
        if ((flags & PatchHeader.FLAG_RELOCATED) != 0) {
            check(ErrorCode.BAD_MAP, "map_count", mapCount, 2, Limits.MAX_MAP_ENTRIES);
            check(ErrorCode.BAD_MAP, "map_bytes", mapLength, 2, maxMapLength((int) mapCount));
        } else {
            check(ErrorCode.BAD_MAP, "map_count (no relocation flag)", mapCount, 0, 0);
            check(ErrorCode.BAD_MAP, "map_bytes (no relocation flag)", mapLength, 0, 0);
        }
        long window = c.uvarint("codec_window");
        PatchHeader.checkCodecParameters(codec, props, window);
        long ram = c.uvarint("decoder_ram");
        long expectedRam = PatchHeader.decoderRam(codec, (int) window, props, (int) mapCount);
        check(ErrorCode.BAD_DECODER_RAM, "decoder_ram", ram, expectedRam, expectedRam);
        long maxBlockRaw = c.uvarint("max_block_raw");
        check(ErrorCode.BAD_MAX_BLOCK_RAW, "max_block_raw", maxBlockRaw, 1, Limits.MAX_BLOCK_RAW);
        long blockCount = c.uvarint("block_count");
        long payloadLength = c.uvarint("payload_length");
        check(ErrorCode.BAD_PAYLOAD_LENGTH, "payload_length", payloadLength, mapLength, Limits.MAX_PAYLOAD_LENGTH);
        // The smallest block is a 10-byte block header and one byte of codec data.
        check(ErrorCode.BAD_BLOCK_COUNT, "block_count", blockCount, 0,
                (payloadLength - mapLength) / Limits.MIN_COMPACT_BLOCK_SIZE);
        boolean shaOnly = (flags & PatchHeader.FLAG_SHA_ONLY) != 0;
        ImageChecksums oldImage = image(c, "old", shaOnly);
        ImageChecksums newImage = image(c, "new", shaOnly);
        long firmwareVersion = c.uvarint("firmware_version", Limits.MAX_VARINT64_BYTES, Long.MAX_VALUE);
        long hardwareId = c.uvarint("hardware_id", Limits.MAX_VARINT_BYTES, 0xFFFF_FFFFL);
        long loadAddress = (flags & PatchHeader.FLAG_LOAD_ADDRESS) != 0 ? c.u32("load_address")
                : PatchHeader.NO_LOAD_ADDRESS;
        byte[] payloadSha = signed ? c.bytes(32, "payload_sha256") : null;
        int crcAt = c.position();
        long crc = c.u32("header_crc32");
        CRC32 computed = new CRC32();
        computed.update(b, 0, crcAt);
        if (computed.getValue() != crc) {
            throw new PatchException(ErrorCode.BAD_HEADER_CRC, String.format(
                    "bad value for header_crc32: %08x (computed %08x over bytes 0..%d)", crc, computed.getValue(),
                    crcAt - 1));
        }
        SignatureSection sig = SignatureSection.NONE;
        if (signed) {
            int alg = c.u8("sig_algorithm");
            check(ErrorCode.BAD_FLAGS, "sig_algorithm (flag SIGNED set)", alg, SignatureSection.ALG_ED25519,
                    SignatureSection.ALG_ECDSA_P256);
            long keyId = LittleEndian.u64(c.bytes(8, "key_id"), 0);
            sig = new SignatureSection(alg, keyId, c.bytes(SignatureSection.SIGNATURE_BYTES, "signature"));
        }
        check(ErrorCode.BAD_HEADER_SIZE, "header_size (end of the fields)", size, c.position(), c.position());
        return new PatchHeader(PatchHeader.FORMAT_VERSION_COMPACT, flags, codec, props, (int) mapCount, mapLength,
                (int) window, ram, (int) maxBlockRaw, blockCount, payloadLength, oldImage, newImage, payloadSha,
                firmwareVersion, hardwareId, sig, loadAddress);
    }

    /** The longest compact map of {@code count} entries: prefix 5 + 1, each entry two 5-byte varints. */
    static long maxMapLength(int count) {
        return 6 + 10L * (count - 1);
    }

    /** size, crc32 and sha256 of one image; under flag SHA_ONLY no crc32, and half the old image's sha256. */
    private static ImageChecksums image(ByteCursor c, String which, boolean shaOnly) throws PatchException {
        boolean old = which.equals("old");
        long size = c.uvarint(which + "_size");
        check(old ? ErrorCode.BAD_OLD_SIZE : ErrorCode.BAD_NEW_SIZE, which + "_size", size, 0, Limits.MAX_IMAGE_SIZE);
        long crc = shaOnly ? ImageChecksums.CRC32_NOT_RECORDED : c.u32(which + "_crc32");
        int shaBytes = shaOnly && old ? ImageChecksums.SHORT_SHA256_BYTES : 32;
        return new ImageChecksums(size, crc, ImageChecksums.MPEG2_NOT_RECORDED, c.bytes(shaBytes, which + "_sha256"));
    }

    static byte[] encode(PatchHeader h) {
        byte[] fields = fields(h);
        CRC32 crc = new CRC32();
        crc.update(fields);
        ByteWriter w = new ByteWriter().bytes(fields).u32(crc.getValue());
        if (h.signature().isPresent()) {
            SignatureSection s = h.signature();
            byte[] keyId = new byte[8];
            LittleEndian.put64(keyId, 0, s.keyId());
            w.u8(s.algorithm()).bytes(keyId).bytes(s.signature());
        } else if ((h.flags() & PatchHeader.FLAG_SIGNED) != 0) {
            w.bytes(new byte[SIGNATURE_SECTION]); // to be signed: the section's place, zeros
        }
        return w.toByteArray();
    }

    static int size(PatchHeader h) {
        return signedLength(h) + ((h.flags() & PatchHeader.FLAG_SIGNED) != 0 ? SIGNATURE_SECTION : 0);
    }

    /** Everything up to and including header_crc32. */
    static int signedLength(PatchHeader h) {
        return fields(h).length + 4;
    }

    /** The header up to header_crc32, with header_size already counting the whole header. */
    private static byte[] fields(PatchHeader h) {
        boolean signed = (h.flags() & PatchHeader.FLAG_SIGNED) != 0;
        ByteWriter w = new ByteWriter().u8(h.flags()).u8(h.codec().id()).u8(h.codecProps())
                .uvarint(h.mapCount()).uvarint(h.mapLength()).uvarint(h.codecWindow()).uvarint(h.decoderRam())
                .uvarint(h.maxBlockRaw()).uvarint(h.blockCount()).uvarint(h.payloadLength());
        putImage(w, h.oldImage());
        putImage(w, h.newImage());
        w.uvarint(h.firmwareVersion()).uvarint(h.hardwareId());
        if (h.hasLoadAddress()) {
            w.u32(h.loadAddress());
        }
        if (signed) {
            w.bytes(h.payloadSha256());
        }
        byte[] body = w.toByteArray();
        int size = PatchHeader.PREFIX_SIZE + body.length + 4 + (signed ? SIGNATURE_SECTION : 0);
        byte[] out = new byte[PatchHeader.PREFIX_SIZE + body.length];
        System.arraycopy(PatchHeader.MAGIC, 0, out, 0, 4);
        LittleEndian.put16(out, 4, PatchHeader.FORMAT_VERSION_COMPACT);
        LittleEndian.put16(out, 6, size);
        System.arraycopy(body, 0, out, PatchHeader.PREFIX_SIZE, body.length);
        return out;
    }

    private static void putImage(ByteWriter w, ImageChecksums image) {
        w.uvarint(image.size());
        if (image.hasCrc32()) { // PatchHeader checked that flag SHA_ONLY says the same
            w.u32(image.crc32());
        }
        w.bytes(image.sha256());
    }
}
