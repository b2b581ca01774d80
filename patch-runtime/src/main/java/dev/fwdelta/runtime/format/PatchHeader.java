// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

import static dev.fwdelta.runtime.format.LittleEndian.*;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The patch header (docs/FORMAT.md, section 1): 256 fixed bytes in formats 1 and 2, compact and
 * of variable size in format 3 ({@link CompactHeader}). Immutable; {@link #parse} checks every
 * field against its named limit before anything else uses it.
 *
 * @param mapLength     bytes of the relocation map in the payload (8 per entry before format 3)
 * @param payloadSha256 null in an unsigned format-3 patch, which does not record it
 * @param loadAddress   format 3 with flag LOAD_ADDRESS: the address the new image is programmed at
 *                      (0..2^32-1); {@link #NO_LOAD_ADDRESS} when the patch records none
 */
public record PatchHeader(
        int version,
        int flags,
        Codec codec,
        int codecProps,
        int mapCount,
        long mapLength,
        int codecWindow,
        long decoderRam,
        int maxBlockRaw,
        long blockCount,
        long payloadLength,
        ImageChecksums oldImage,
        ImageChecksums newImage,
        byte[] payloadSha256,
        long firmwareVersion,
        long hardwareId,
        SignatureSection signature,
        long loadAddress) {

    public static final byte[] MAGIC = {'F', 'W', 'D', 'P'};
    /** The compact format the builder writes (docs/FORMAT.md 1.2). */
    public static final int FORMAT_VERSION_COMPACT = 3;
    /** Format 2: the 256-byte header with a relocation map. */
    public static final int FORMAT_VERSION = 2;
    /** Format 1: no relocation map. Devices that only know format 1 still apply such patches. */
    public static final int FORMAT_VERSION_PLAIN = 1;
    public static final int FLAG_SIGNED = 1;
    /**
     * Format 2: the payload starts with a relocation map, and diff runs read the old image through
     * it (docs/FORMAT.md 2.3). In format 1 this bit meant an older, run-relative Thumb BL
     * prediction, which is no longer applied.
     */
    public static final int FLAG_RELOCATED = 2;
    /*
     * Bit 2 (4) is reserved for a record kind of another change; the next free bit is 5 (32).
     */
    /**
     * Format 3 only: the header holds load_address, where the new image is programmed; an
     * applier given its slot's address refuses another one before anything is written
     * [WRONG_LOAD_ADDRESS] (docs/FORMAT.md 1.2).
     */
    public static final int FLAG_LOAD_ADDRESS = 8;
    /**
     * Format 3 only: the header identifies the images by SHA-256 alone, with no old_crc32 or
     * new_crc32, and records the first {@link ImageChecksums#SHORT_SHA256_BYTES} bytes of the old
     * image's SHA-256 (docs/FORMAT.md 1.2). What the builder writes.
     */
    public static final int FLAG_SHA_ONLY = 16;
    /** load_address of a patch that records none (flag LOAD_ADDRESS clear). */
    public static final long NO_LOAD_ADDRESS = -1;
    private static final int KNOWN_FLAGS = FLAG_SIGNED | FLAG_RELOCATED;

    public PatchHeader {
        if (((flags & FLAG_LOAD_ADDRESS) != 0) != (loadAddress != NO_LOAD_ADDRESS)
                || loadAddress < NO_LOAD_ADDRESS || loadAddress > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("flag LOAD_ADDRESS and load_address disagree: flags " + flags
                    + ", load_address " + loadAddress);
        }
        boolean shaOnly = (flags & FLAG_SHA_ONLY) != 0;
        if (oldImage.hasCrc32() == shaOnly || newImage.hasCrc32() == shaOnly || newImage.sha256().length != 32
                || oldImage.sha256().length != (shaOnly ? ImageChecksums.SHORT_SHA256_BYTES : 32)) {
            throw new IllegalArgumentException("flag SHA_ONLY and the image checksums disagree: flags " + flags
                    + ", old " + oldImage + ", new " + newImage);
        }
        if (payloadSha256 != null) {
            payloadSha256 = payloadSha256.clone();
            if (payloadSha256.length != 32) {
                throw new IllegalArgumentException("payload sha256 must be 32 bytes");
            }
        }
    }

    @Override
    public byte[] payloadSha256() {
        return payloadSha256 == null ? null : payloadSha256.clone();
    }

    /**
     * The header's size from its first 8 bytes (magic, version, header_size), checked: 256 for
     * formats 1 and 2, {@link Limits#MIN_COMPACT_HEADER_SIZE}..256 for format 3.
     */
    public static int sizeFromPrefix(byte[] b) throws PatchException {
        // The magic first, as far as there are bytes: three bytes of text are not a patch cut
        // short, and their length is no header field.
        int magicBytes = Math.min(b.length, MAGIC.length);
        if (!Arrays.equals(b, 0, magicBytes, MAGIC, 0, magicBytes)) {
            throw new PatchException(ErrorCode.BAD_MAGIC, "not a fwdelta patch: magic is not \"FWDP\"");
        }
        if (b.length < PREFIX_SIZE) {
            throw new PatchException(ErrorCode.TRUNCATED, "patch ends after " + b.length + " bytes, within the "
                    + PREFIX_SIZE + " every header starts with (magic, format_version, header_size)");
        }
        int version = u16(b, 4);
        check(ErrorCode.UNSUPPORTED_VERSION, "format_version", version, FORMAT_VERSION_PLAIN, FORMAT_VERSION_COMPACT);
        int min = version == FORMAT_VERSION_COMPACT ? Limits.MIN_COMPACT_HEADER_SIZE : Limits.HEADER_SIZE;
        int size = u16(b, 6);
        check(ErrorCode.BAD_HEADER_SIZE, "header_size", size, min, Limits.HEADER_SIZE);
        return size;
    }

    /** Magic, format_version and header_size: the bytes every version starts with. */
    public static final int PREFIX_SIZE = 8;

    /** Parses and checks a header at the start of {@code b} (which may hold more of the patch). */
    public static PatchHeader parse(byte[] b) throws PatchException {
        int size = sizeFromPrefix(b);
        if (b.length < size) {
            throw PatchException.outOfRange(ErrorCode.TRUNCATED, "header length", b.length, size, size);
        }
        int version = u16(b, 4);
        if (version == FORMAT_VERSION_COMPACT) {
            return CompactHeader.parse(b, size);
        }
        long crc = u32(b, 172);
        CRC32 c = new CRC32();
        c.update(b, 0, 172);
        if (c.getValue() != crc) {
            throw new PatchException(ErrorCode.BAD_HEADER_CRC, String.format(
                    "bad value for header_crc32: %08x (computed %08x over bytes 0..171)", crc, c.getValue()));
        }
        long flags = u32(b, 8);
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw PatchException.outOfRange(ErrorCode.BAD_FLAGS, "flags", flags, 0, KNOWN_FLAGS);
        }
        if (((flags & FLAG_RELOCATED) != 0) != (version == FORMAT_VERSION)) {
            throw new PatchException(ErrorCode.BAD_FLAGS, version == FORMAT_VERSION
                    ? "bad value for flags: format_version 2 requires flag bit 1 (RELOCATED)"
                    : "bad value for flags: bit 1 in a format_version 1 patch is the retired Thumb BL map of"
                    + " early builds; rebuild the patch (format 2)");
        }
        Codec codec = Codec.byId(u8(b, 12));
        if (codec == Codec.SPLIT) {
            throw new PatchException(ErrorCode.BAD_CODEC, "codec_id 3 (split) needs format_version 3, this patch is "
                    + version);
        }
        int props = u8(b, 13);
        int mapCount = u16(b, 14);
        if ((flags & FLAG_RELOCATED) != 0) {
            check(ErrorCode.BAD_MAP, "map_count", mapCount, 2, Limits.MAX_MAP_ENTRIES);
        } else {
            check(ErrorCode.BAD_MAP, "map_count (no relocation flag)", mapCount, 0, 0);
        }
        long window = u32(b, 16);
        checkCodecParameters(codec, props, window);
        long ram = u32(b, 20);
        long expectedRam = decoderRam(codec, (int) window, props, mapCount);
        check(ErrorCode.BAD_DECODER_RAM, "decoder_ram", ram, expectedRam, expectedRam);
        long maxBlockRaw = u32(b, 24);
        check(ErrorCode.BAD_MAX_BLOCK_RAW, "max_block_raw", maxBlockRaw, 1, Limits.MAX_BLOCK_RAW);
        long payloadLength = u64(b, 32);
        check(ErrorCode.BAD_PAYLOAD_LENGTH, "payload_length", payloadLength, 0, Limits.MAX_PAYLOAD_LENGTH);
        long blockCount = u32(b, 28);
        check(ErrorCode.BAD_BLOCK_COUNT, "block_count", blockCount, 0, payloadLength / Limits.BLOCK_HEADER_SIZE);
        long oldSize = u32(b, 40);
        check(ErrorCode.BAD_OLD_SIZE, "old_size", oldSize, 0, Limits.MAX_IMAGE_SIZE);
        long newSize = u32(b, 84);
        check(ErrorCode.BAD_NEW_SIZE, "new_size", newSize, 0, Limits.MAX_IMAGE_SIZE);
        ImageChecksums oldImage = new ImageChecksums(oldSize, u32(b, 44), u32(b, 48), Arrays.copyOfRange(b, 52, 84));
        ImageChecksums newImage = new ImageChecksums(newSize, u32(b, 88), u32(b, 92), Arrays.copyOfRange(b, 96, 128));
        SignatureSection sig = SignatureSection.parse(b, Limits.SIGNED_SIZE);
        if (((flags & FLAG_SIGNED) != 0) != sig.isPresent()) {
            throw new PatchException(ErrorCode.BAD_FLAGS, "flag SIGNED is " + (flags & FLAG_SIGNED)
                    + " but sig_algorithm is " + sig.algorithm());
        }
        return new PatchHeader(version, (int) flags, codec, props, mapCount, (long) Limits.MAP_ENTRY_BYTES * mapCount,
                (int) window, ram, (int) maxBlockRaw, blockCount, payloadLength, oldImage, newImage, Arrays.copyOfRange(b, 128, 160), u64(b, 160), u32(b, 168), sig,
                NO_LOAD_ADDRESS);
    }

    static void checkCodecParameters(Codec codec, int props, long window) throws PatchException {
        switch (codec) {
            case NONE -> {
                check(ErrorCode.BAD_CODEC_PROPS, "codec_props", props, 0, 0);
                check(ErrorCode.BAD_CODEC_WINDOW, "codec_window", window, 0, 0);
            }
            case LZ77 -> {
                check(ErrorCode.BAD_CODEC_PROPS, "codec_props", props, 0, 0);
                check(ErrorCode.BAD_CODEC_WINDOW, "codec_window", window, Limits.MIN_LZ77_WINDOW,
                        Limits.MAX_LZ77_WINDOW);
                if (Long.bitCount(window) != 1) {
                    throw new PatchException(ErrorCode.BAD_CODEC_WINDOW,
                            "bad value for codec_window: " + window + " (lz77 needs a power of two)");
                }
            }
            case LZMA, SPLIT -> {
                int lc = props % 9;
                int lp = (props / 9) % 5;
                check(ErrorCode.BAD_CODEC_PROPS, "codec_props", props, 0, Codec.lzmaProps(8, 4, 4));
                if (lc + lp > 4) {
                    throw new PatchException(ErrorCode.BAD_CODEC_PROPS,
                            "bad value for codec_props: lc+lp = " + (lc + lp) + " (valid range 0..4)");
                }
                check(ErrorCode.BAD_CODEC_WINDOW, "codec_window", window, Limits.MIN_LZMA_WINDOW, Limits.MAX_LZMA_DICT);
            }
        }
    }

    static void check(ErrorCode code, String field, long value, long lo, long hi) throws PatchException {
        if (value < lo || value > hi) {
            throw PatchException.outOfRange(code, field, value, lo, hi);
        }
    }

    public int formatVersion() {
        return version;
    }

    public boolean compact() {
        return version == FORMAT_VERSION_COMPACT;
    }

    /** Bytes of the header in the patch: where the payload starts. */
    public int size() {
        return compact() ? CompactHeader.size(this) : Limits.HEADER_SIZE;
    }

    /** The header bytes, with header_crc32 computed; the signature section as given. */
    public byte[] encode() {
        if (compact()) {
            return CompactHeader.encode(this);
        }
        byte[] b = new byte[Limits.HEADER_SIZE];
        System.arraycopy(MAGIC, 0, b, 0, 4);
        put16(b, 4, formatVersion());
        put16(b, 6, Limits.HEADER_SIZE);
        put32(b, 8, flags);
        b[12] = (byte) codec.id();
        b[13] = (byte) codecProps;
        put16(b, 14, mapCount);
        put32(b, 16, codecWindow);
        put32(b, 20, decoderRam);
        put32(b, 24, maxBlockRaw);
        put32(b, 28, blockCount);
        put64(b, 32, payloadLength);
        putImage(b, 40, oldImage);
        putImage(b, 84, newImage);
        System.arraycopy(payloadSha256, 0, b, 128, 32);
        put64(b, 160, firmwareVersion);
        put32(b, 168, hardwareId);
        CRC32 c = new CRC32();
        c.update(b, 0, 172);
        put32(b, 172, c.getValue());
        signature.encodeInto(b, Limits.SIGNED_SIZE);
        return b;
    }

    /** How many leading bytes of the encoded header a signature covers (FORMAT.md 1.1, 1.2). */
    public int signedLength() {
        return compact() ? CompactHeader.signedLength(this) : Limits.SIGNED_SIZE;
    }

    /** The bytes a signature covers: the first {@link #signedLength()} bytes of the header. */
    public byte[] signedBytes() {
        return Arrays.copyOf(encode(), signedLength());
    }

    /**
     * This header with flag SIGNED set and no signature yet: what a signer signs. A format-3
     * header needs the payload's SHA-256 to be signed ({@code payloadSha256}; ignored before).
     */
    public PatchHeader toBeSigned(byte[] payloadHash) {
        return withSignature(SignatureSection.NONE, payloadHash);
    }

    /** This header with flag SIGNED, the payload's SHA-256 and the given signature section. */
    public PatchHeader withSignature(SignatureSection sig, byte[] payloadHash) {
        byte[] hash = payloadSha256 != null ? payloadSha256 : payloadHash;
        if (hash == null) {
            throw new IllegalArgumentException("signing a format-3 patch needs its payload's SHA-256");
        }
        return new PatchHeader(version, flags | FLAG_SIGNED, codec, codecProps, mapCount, mapLength, codecWindow,
                decoderRam, maxBlockRaw, blockCount, payloadLength, oldImage, newImage, hash, firmwareVersion,
                hardwareId, sig, loadAddress);
    }

    /** Whether the patch records where its new image is programmed (flag LOAD_ADDRESS). */
    public boolean hasLoadAddress() {
        return loadAddress != NO_LOAD_ADDRESS;
    }

    /**
     * Refuses this patch for a slot at {@code slotAddress} if it records another load address
     * [WRONG_LOAD_ADDRESS]; a patch without one fits any slot.
     */
    public void checkLoadAddress(long slotAddress) throws PatchException {
        if (hasLoadAddress() && loadAddress != slotAddress) {
            throw new PatchException(ErrorCode.WRONG_LOAD_ADDRESS, String.format(
                    "bad value for load_address: 0x%08x, but this slot is at 0x%08x (the patch was made for an "
                            + "image linked elsewhere)", loadAddress, slotAddress));
        }
    }

    private static void putImage(byte[] b, int off, ImageChecksums image) {
        put32(b, off, image.size());
        put32(b, off + 4, image.crc32());
        put32(b, off + 8, image.crc32Mpeg2());
        System.arraycopy(image.sha256(), 0, b, off + 12, 32);
    }

    /** decoder_ram (FORMAT.md 4): applier base, codec memory, relocation map. */
    public static long decoderRam(Codec codec, int window, int props, int mapCount) {
        return codec.decoderRam(window, props) + (long) Limits.MAP_ENTRY_BYTES * mapCount;
    }

    /** Bytes of the relocation map as the applier holds it (8 per entry, FORMAT.md 4). */
    public long mapBytes() {
        return (long) Limits.MAP_ENTRY_BYTES * mapCount;
    }

    public long newSize() {
        return newImage.size();
    }

    public long oldSize() {
        return oldImage.size();
    }
}
