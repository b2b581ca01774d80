// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;

/**
 * An independent writer of fwdelta patches (format 1, and format 2 with a relocation map) for tests and golden vectors. It follows
 * docs/FORMAT.md directly and shares no code with the production builder or parser: its own
 * little-endian layout, varints, checksums and reference apply. Every field can be overridden,
 * so corruption tests break exactly one field at a time.
 */
public final class TestPatch {
    /** One record of kind 0: diff bytes (added to the old image), extra bytes, seek. */
    public record Rec(byte[] diff, byte[] extra, int seek) {
    }

    /** A block: its records and overrides of any block-header field (null = correct value). */
    public static final class Block {
        public final List<Rec> records = new ArrayList<>();
        public byte[] rawOverride;
        public byte[] encodedOverride;
        public Long index;
        public Long encodedLength;
        public Long rawLength;
        public Long newOffset;
        public Long oldOffset;
        public Long outLength;
        public Long outCrc;

        public Block add(Rec r) {
            records.add(r);
            return this;
        }
    }

    public final byte[] old;
    public final List<Block> blocks = new ArrayList<>();
    public byte[] magic = {'F', 'W', 'D', 'P'};
    public int version = 1;
    public int headerSize = 256;
    public long flags;
    public int codecId;
    public int codecProps;
    public long codecWindow;
    public Long decoderRam;
    public long maxBlockRaw = 65536;
    public Long blockCount;
    public Long payloadLength;
    public Long oldSize;
    public Long newSize;
    public long firmwareVersion = 7;
    public long hardwareId = 0x1234;
    public Long headerCrc;
    /** Format 3 only: header_size and map_bytes overrides (null = the true value). */
    public Integer compactHeaderSize;
    /**
     * Format 3: load_address, written as a u32 after hardware_id when set (flag bit 3 is the
     * caller's to set, so that a test can write one without the other).
     */
    public Long loadAddress;
    /** Format 3: write kind-1 (sparse) records, every zero run its own pair. */
    public boolean sparse;
    public Long mapBytes;
    /** Header bytes 14..15: map_count (null = the number of map entries plus the prefix). */
    public Integer mapCount;
    /** Relocation map entries {old_start, shift}; when set, version 2 and flag 2 are expected. */
    public long[][] map;
    /**
     * Map prefix: link address of old offset 0, and the transforms (bit 0 Thumb BL, bit 1 32-bit
     * pointers, bit 2 A64 B/BL, bit 3 A64 ADRP pairs, bit 4 64-bit pointers).
     */
    public long imageBase;
    public int transforms = 1;
    /** Map prefix bytes 5..7 (must be 0). */
    public int prefixReserved;
    public byte[] trailer = new byte[0];
    /** Changes to the final header bytes before its CRC is computed. */
    public Consumer<ByteBuffer> headerTweak = h -> { };
    /**
     * Signs: gets the signed bytes (header bytes 0..175; in format 3 the header up to its CRC) and
     * returns the 80-byte signature section of format 1 (format 3 takes its algorithm, key id and
     * signature). Null = unsigned.
     */
    public Function<byte[], byte[]> signer;
    /** Compressor for codecs 1 and 2 (raw records in, codec data out). */
    public UnaryOperator<byte[]> compressor = raw -> raw;

    public TestPatch(byte[] old) {
        this.old = old;
    }

    public Block block() {
        Block b = new Block();
        blocks.add(b);
        return b;
    }

    /** The new image the records produce (reference bspatch semantics, strict ranges). */
    public byte[] newImage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int oldPos = 0;
        for (Block b : blocks) {
            for (Rec r : b.records) {
                byte[] view = view();
                for (int i = 0; i < r.diff.length; i++) {
                    out.write(view[oldPos + i] + r.diff[i]);
                }
                out.writeBytes(r.extra);
                oldPos += r.diff.length + r.seek;
            }
        }
        return out.toByteArray();
    }

    public byte[] build() {
        byte[] newImage = newImage();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        if (map != null && version == 3) {
            payload.writeBytes(compactMap());
        } else if (map != null) {
            ByteBuffer m = le(8 * map.length + 8);
            m.putInt((int) imageBase);
            m.putInt(transforms | prefixReserved << 8);
            for (long[] e : map) {
                m.putInt((int) e[0]);
                m.putInt((int) e[1]);
            }
            payload.writeBytes(m.array());
        }
        long newPos = 0;
        long oldPos = 0;
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            long outLen = 0;
            long oldAfter = oldPos;
            for (Rec r : b.records) {
                raw.write(sparse ? 1 : 0);
                uvarint(raw, r.diff.length);
                if (sparse) {
                    writePairs(raw, r.diff);
                } else {
                    raw.writeBytes(r.diff);
                }
                uvarint(raw, r.extra.length);
                raw.writeBytes(r.extra);
                uvarint(raw, ((long) r.seek << 1 ^ (r.seek >> 31)) & 0xFFFFFFFFL);
                outLen += r.diff.length + r.extra.length;
                oldAfter += r.diff.length + r.seek;
            }
            byte[] rawBytes = b.rawOverride != null ? b.rawOverride : raw.toByteArray();
            byte[] enc = b.encodedOverride != null ? b.encodedOverride : compressor.apply(rawBytes);
            CRC32 crc = new CRC32();
            crc.update(newImage, (int) newPos, (int) outLen);
            if (version == 3) {
                ByteArrayOutputStream bh = new ByteArrayOutputStream();
                uvarint(bh, or(b.index, i));
                uvarint(bh, or(b.encodedLength, enc.length));
                uvarint(bh, or(b.rawLength, rawBytes.length));
                uvarint(bh, or(b.newOffset, newPos));
                uvarint(bh, or(b.oldOffset, oldPos));
                uvarint(bh, or(b.outLength, outLen));
                long c = or(b.outCrc, crc.getValue());
                for (int k = 0; k < 4; k++) {
                    bh.write((int) (c >>> (8 * k)));
                }
                payload.writeBytes(bh.toByteArray());
                payload.writeBytes(enc);
                newPos += outLen;
                oldPos = oldAfter;
                continue;
            }
            ByteBuffer h = le(28);
            h.putInt((int) or(b.index, i));
            h.putInt((int) or(b.encodedLength, enc.length));
            h.putInt((int) or(b.rawLength, rawBytes.length));
            h.putInt((int) or(b.newOffset, newPos));
            h.putInt((int) or(b.oldOffset, oldPos));
            h.putInt((int) or(b.outLength, outLen));
            h.putInt((int) or(b.outCrc, crc.getValue()));
            payload.writeBytes(h.array());
            payload.writeBytes(enc);
            newPos += outLen;
            oldPos = oldAfter;
        }
        byte[] p = payload.toByteArray();
        if (version == 3) {
            return join(compactHeader(p, newImage), p);
        }

        ByteBuffer h = le(256);
        h.put(magic);
        h.putShort((short) version);
        h.putShort((short) headerSize);
        h.putInt((int) flags);
        h.put((byte) codecId);
        h.put((byte) codecProps);
        h.putShort((short) (int) or(mapCount == null ? null : (long) mapCount, map == null ? 0 : map.length + 1));
        h.putInt((int) codecWindow);
        h.putInt((int) or(decoderRam, expectedDecoderRam()));
        h.putInt((int) maxBlockRaw);
        h.putInt((int) or(blockCount, blocks.size()));
        h.putLong(or(payloadLength, p.length));
        putImage(h, old, or(oldSize, old.length));
        putImage(h, newImage, or(newSize, newImage.length));
        h.put(sha256(p));
        h.putLong(firmwareVersion);
        h.putInt((int) hardwareId);
        headerTweak.accept(h);
        CRC32 crc = new CRC32();
        crc.update(h.array(), 0, 172);
        h.putInt(172, (int) or(headerCrc, crc.getValue()));
        if (signer != null) {
            byte[] section = signer.apply(Arrays.copyOf(h.array(), 176));
            System.arraycopy(section, 0, h.array(), 176, 80);
        }

        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(h.array());
        all.writeBytes(p);
        all.writeBytes(trailer);
        return all.toByteArray();
    }

    /**
     * FORMAT.md 2.3, written again here from the text: the old image as the map predicts it. Per
     * byte: an aligned word holding an address the map knows becomes the moved address; else a
     * byte of a Thumb BL whose position and target the map knows becomes the re-aimed call; else
     * the old byte. The rules are written weakest first, so that the rule FORMAT.md lists first
     * is written last.
     */
    byte[] view() {
        byte[] v = old.clone();
        if (map == null) {
            return v;
        }
        if ((transforms & 32) != 0) {
            // XTENSA_CALL, ascending q: of overlapping re-aimed calls the last one's bytes stay
            for (int q = 0; q + 3 <= old.length; q++) {
                long x = le(old, q, 3);
                if ((x & 0x0F) != 0x05) {
                    continue;
                }
                long off = x >> 6;
                if (off >= 1 << 17) {
                    off -= 1 << 18;
                }
                long target = (q & ~3) + 4 + 4 * off;
                if (target < 0 || target + 2 > old.length) {
                    continue;
                }
                long at = mapped(q);
                long moved = mapped(target);
                if (at < 0 || moved < 0) {
                    continue;
                }
                long d = moved - 4 - (at & ~3);
                if (Math.floorMod(d, 4) != 0 || d / 4 < -(1 << 17) || d / 4 >= 1 << 17 || d / 4 == off) {
                    continue;
                }
                int b0 = old[(int) target] & 0xFF;
                int b1 = old[(int) target + 1] & 0xFF;
                if ((b0 == 0x12 && b1 == 0xC1) || (b0 == 0x36 && (b1 & 0x0F) == 0x01)) {
                    putLe(v, q, 3, (x & 0x3F) | (d / 4 & 0x3FFFF) << 6);
                }
            }
        }
        if ((transforms & 1) != 0) {
            for (int q = 0; q + 4 <= old.length; q += 2) {
                int hw1 = (old[q] & 0xFF) | (old[q + 1] & 0xFF) << 8;
                int hw2 = (old[q + 2] & 0xFF) | (old[q + 3] & 0xFF) << 8;
                if ((hw1 & 0xF800) != 0xF000 || (hw2 & 0xF800) != 0xF800) {
                    continue;
                }
                int halfwords = ((hw1 & 0x7FF) << 11) | (hw2 & 0x7FF);
                if ((halfwords & (1 << 21)) != 0) {
                    halfwords -= 1 << 22;
                }
                long target = mapped(q + 4 + 2L * halfwords);
                long at = mapped(q);
                if (target < 0 || at < 0) {
                    continue;
                }
                long offset = (target - (at + 4)) >> 1;
                int n1 = 0xF000 | (int) ((offset >> 11) & 0x7FF);
                int n2 = 0xF800 | (int) (offset & 0x7FF);
                v[q] = (byte) n1;
                v[q + 1] = (byte) (n1 >> 8);
                v[q + 2] = (byte) n2;
                v[q + 3] = (byte) (n2 >> 8);
            }
        }
        if ((transforms & 4) != 0) {
            for (int p = 0; p + 4 <= old.length; p += 4) {
                long insn = le(old, p, 4);
                if ((insn >> 26 & 0x1F) != 0b00101) {
                    continue;
                }
                long imm26 = insn & 0x3FFFFFF;
                long offset = 4 * (imm26 >= 1 << 25 ? imm26 - (1 << 26) : imm26);
                long target = mapped(p + offset);
                long at = mapped(p);
                if (target >= 0 && at >= 0) {
                    putLe(v, p, 4, (insn & 0xFC000000L) | (Math.floorDiv(target - at, 4) & 0x3FFFFFF));
                }
            }
        }
        if ((transforms & 8) != 0) {
            for (int p = 0; p + 4 <= old.length; p += 4) {
                adrpPair(v, p);
            }
        }
        if ((transforms & 2) != 0) {
            for (int w = 0; w + 4 <= old.length; w += 4) {
                long target = mapped(le(old, w, 4) - imageBase);
                if (target >= 0) {
                    putLe(v, w, 4, imageBase + target);
                }
            }
        }
        if ((transforms & 16) != 0) {
            for (int w = 0; w + 8 <= old.length; w += 8) {
                long value = le(old, w, 8);
                long target = value < 0 ? -1 : mapped(value - imageBase);
                if (target >= 0) {
                    putLe(v, w, 8, imageBase + target);
                }
            }
        }
        return v;
    }

    /** FORMAT.md 2.3, A64_ADRP: the ADRP at p (if it is one) and its partner, re-aimed into v. */
    private void adrpPair(byte[] v, int p) {
        long adrp = le(old, p, 4);
        if ((adrp & 0x9F000000L) != 0x90000000L) {
            return;
        }
        long reg = adrp & 31;
        int partner = -1;
        int scale = 0;
        for (int k = 1; k <= 8 && p + 4 * k + 4 <= old.length; k++) {
            long x = le(old, p + 4 * k, 4);
            boolean add = (x >> 22) == 0x244; // 1001 0001 00: ADD Xd, Xn, #imm12
            boolean unsignedImmLoadStore = (x >> 27 & 7) == 7 && (x >> 24 & 3) == 1;
            if ((x >> 5 & 31) == reg && (add || unsignedImmLoadStore)) {
                partner = p + 4 * k;
                boolean q128 = (x >> 26 & 1) == 1 && (x >> 23 & 1) == 1;
                scale = add ? 0 : q128 ? 4 : (int) (x >> 30);
                break;
            }
            if ((x & 0x9F000000L) == 0x90000000L && (x & 31) == reg) {
                break;
            }
        }
        long imm21 = (adrp >> 5 & 0x7FFFF) << 2 | (adrp >> 29 & 3);
        long pageOffset = (imm21 >= 1 << 20 ? imm21 - (1 << 21) : imm21) * 4096;
        long target = Math.floorDiv(imageBase + p, 4096) * 4096 + pageOffset;
        if (partner >= 0) {
            target += (le(old, partner, 4) >> 10 & 0xFFF) << scale;
        }
        long movedTarget = mapped(target - imageBase);
        long movedAt = mapped(p);
        if (movedTarget < 0 || movedAt < 0) {
            return;
        }
        long newTarget = imageBase + movedTarget;
        long pages = Math.floorDiv(newTarget, 4096) - Math.floorDiv(imageBase + movedAt, 4096);
        putLe(v, p, 4, (adrp & 0x9F00001FL) | (pages & 3) << 29 | (pages >> 2 & 0x7FFFF) << 5);
        if (partner >= 0 && Math.floorMod(newTarget, 1L << scale) == 0) {
            long x = le(old, partner, 4);
            putLe(v, partner, 4, (x & ~(0xFFFL << 10)) | (Math.floorMod(newTarget, 4096) >> scale) << 10);
        }
    }

    /** The n-byte little-endian value at b[at] (n = 8 may come back negative). */
    private static long le(byte[] b, int at, int n) {
        long v = 0;
        for (int k = n - 1; k >= 0; k--) {
            v = v << 8 | (b[at + k] & 0xFF);
        }
        return v;
    }

    private static void putLe(byte[] b, int at, int n, long v) {
        for (int k = 0; k < n; k++) {
            b[at + k] = (byte) (v >>> (8 * k));
        }
    }

    /** map(a): a plus the shift of the last entry starting at or below a; -1 outside the old image or the map. */
    private long mapped(long a) {
        long moved = -1;
        for (long[] e : map) {
            if (e[0] <= a && a < old.length) {
                moved = a + e[1];
            }
        }
        return moved;
    }

    /** docs/FORMAT.md section 4, computed here from the text, not from the runtime's code. */
    public long expectedDecoderRam() {
        long mapRam = 8L * (map == null ? 0 : map.length + 1);
        switch (codecId) {
            case 1:
                return 1024 + codecWindow + mapRam;
            case 2:
            case 3:
                int lc = codecProps % 9;
                int lp = codecProps / 9 % 5;
                long lzma = codecWindow + 2L * (1846 + (768L << (lc + lp))) + 64;
                // split: the control coder's 6 x 174 probabilities and 160 bytes of split state
                return 1024 + lzma + (codecId == 3 ? 2L * 6 * 174 + 160 : 0) + mapRam;
            default:
                return 1024 + mapRam;
        }
    }

    private byte[] join(byte[] header, byte[] p) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(header);
        all.writeBytes(p);
        all.writeBytes(trailer);
        return all.toByteArray();
    }

    /** FORMAT.md 1.2, written from the text: the format-3 header for payload {@code p}. */
    private byte[] compactHeader(byte[] p, byte[] newImage) {
        boolean signed = (flags & 1) != 0;
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((int) flags);
        f.write(codecId);
        f.write(codecProps);
        int entries = map == null ? 0 : map.length + 1;
        uvarint(f, or(mapCount == null ? null : (long) mapCount, entries));
        uvarint(f, or(mapBytes, mapLength()));
        uvarint(f, codecWindow);
        uvarint(f, or(decoderRam, expectedDecoderRam()));
        uvarint(f, maxBlockRaw);
        uvarint(f, or(blockCount, blocks.size()));
        uvarint(f, or(payloadLength, p.length));
        boolean shaOnly = (flags & 16) != 0;
        putCompactImage(f, old, or(oldSize, old.length), shaOnly, shaOnly ? 16 : 32);
        putCompactImage(f, newImage, or(newSize, newImage.length), shaOnly, 32);
        uvarint(f, firmwareVersion);
        uvarint(f, hardwareId);
        if (loadAddress != null) {
            for (int k = 0; k < 4; k++) {
                f.write((int) (loadAddress >>> (8 * k)));
            }
        }
        if (signed) {
            f.writeBytes(sha256(p));
        }
        byte[] body = f.toByteArray();
        int size = compactHeaderSize != null ? compactHeaderSize : 8 + body.length + 4 + (signed ? 73 : 0);
        ByteBuffer h = le(8 + body.length + 4);
        h.put(magic);
        h.putShort((short) version);
        h.putShort((short) size);
        h.put(body);
        headerTweak.accept(h);
        CRC32 crc = new CRC32();
        crc.update(h.array(), 0, 8 + body.length);
        h.putInt(8 + body.length, (int) or(headerCrc, crc.getValue()));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(h.array());
        if (signed && signer != null) {
            byte[] section = signer.apply(h.array()); // the 80-byte section of format 1: reuse its fields
            all.write(section[0]);
            all.write(section, 4, 8 + 64);
        } else if (signed) {
            all.writeBytes(new byte[73]);
        }
        return all.toByteArray();
    }

    /**
     * FORMAT.md 2.2, kind 1, written from the text: (zero run, literal run) pairs covering the
     * diff bytes; here every run of zeros, however short, ends a literal run.
     */
    private static void writePairs(ByteArrayOutputStream out, byte[] diff) {
        int i = 0;
        while (i < diff.length) {
            int z = i;
            while (z < diff.length && diff[z] == 0) {
                z++;
            }
            int l = z;
            while (l < diff.length && diff[l] != 0) {
                l++;
            }
            uvarint(out, z - i);
            uvarint(out, l - z);
            out.write(diff, z, l - z);
            i = l;
        }
    }

    private long mapLength() {
        return map == null ? 0 : compactMap().length;
    }

    /**
     * FORMAT.md 2.3, format 3: image_base and transforms, then per entry the distance from the
     * previous old_start and the zig-zag shift, all varints.
     */
    private byte[] compactMap() {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        uvarint(m, imageBase);
        m.write(transforms);
        long previous = 0;
        for (long[] e : map) {
            uvarint(m, e[0] - previous);
            uvarint(m, (e[1] << 1) ^ (e[1] >> 63));
            previous = e[0];
        }
        return m.toByteArray();
    }

    /** size, crc32 (none under flag SHA_ONLY), the first shaBytes of the SHA-256. */
    private static void putCompactImage(ByteArrayOutputStream f, byte[] image, long size, boolean shaOnly,
                                        int shaBytes) {
        CRC32 crc = new CRC32();
        crc.update(image);
        uvarint(f, size);
        if (!shaOnly) {
            for (int k = 0; k < 4; k++) {
                f.write((int) (crc.getValue() >>> (8 * k)));
            }
        }
        f.write(sha256(image), 0, shaBytes);
    }

    private static void putImage(ByteBuffer h, byte[] image, long size) {
        CRC32 crc = new CRC32();
        crc.update(image);
        h.putInt((int) size);
        h.putInt((int) crc.getValue());
        h.putInt(crcMpeg2(image));
        h.put(sha256(image));
    }

    /** Bitwise CRC-32/MPEG-2, the slow obvious way (the runtime uses a table). */
    public static int crcMpeg2(byte[] data) {
        int crc = 0xFFFFFFFF;
        for (byte b : data) {
            crc ^= (b & 0xFF) << 24;
            for (int k = 0; k < 8; k++) {
                crc = crc < 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
        }
        return crc;
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void uvarint(ByteArrayOutputStream out, long v) {
        while (v >= 0x80) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long or(Long override, long value) {
        return override != null ? override : value;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Deterministic pseudo-random bytes. */
    public static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A diff run that changes every {@code every}-th byte by +1 (0 = no change). */
    public static byte[] diff(int n, int every) {
        byte[] d = new byte[n];
        for (int i = 0; every > 0 && i < n; i += every) {
            d[i] = 1;
        }
        return d;
    }

    /** The standard small patch: two blocks, forward and backward seeks, inserted bytes. */
    public static TestPatch standard() {
        TestPatch t = new TestPatch(bytes(42, 400));
        t.block()
                .add(new Rec(diff(100, 7), "INSERTED-v2".getBytes(), 10))
                .add(new Rec(diff(150, 0), new byte[0], -200));
        t.block()
                .add(new Rec(diff(40, 3), bytes(7, 5), 0))
                .add(new Rec(new byte[0], "tail".getBytes(), 0));
        return t;
    }

    public static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
