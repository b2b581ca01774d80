// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.DeflaterOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

/**
 * Writes BSDIFF40 test patches field by field, independently of the code under test (which has
 * no writer: fwdelta's own BSDIFF40 patches come from jbsdiff). Every header field and block can
 * be overridden, so one test can break one thing; blocks are bzip2 with 100 kB blocks unless a
 * test gives another compressor.
 */
public final class Bsdiff40TestPatch {
    public record Triple(long diffLength, long extraLength, long seek) {
    }

    public final List<Triple> triples = new ArrayList<>();
    public final ByteArrayOutputStream diff = new ByteArrayOutputStream();
    public final ByteArrayOutputStream extra = new ByteArrayOutputStream();
    /** Raw bytes of the control block, before compression; null means the triples. */
    byte[] controlOverride;
    Long controlLength;
    Long diffLength;
    public Long newSize;
    byte[] magic = "BSDIFF40".getBytes(StandardCharsets.US_ASCII);
    public UnaryOperator<byte[]> controlCompressor = Bsdiff40TestPatch::bzip2;
    public UnaryOperator<byte[]> diffCompressor = Bsdiff40TestPatch::bzip2;
    public UnaryOperator<byte[]> extraCompressor = Bsdiff40TestPatch::bzip2;

    /** Adds a record: its diff bytes, its extra bytes, then the seek applied after them. */
    public Bsdiff40TestPatch add(byte[] diffBytes, byte[] extraBytes, long seek) {
        triples.add(new Triple(diffBytes.length, extraBytes.length, seek));
        diff.writeBytes(diffBytes);
        extra.writeBytes(extraBytes);
        return this;
    }

    /** Adds a control triple alone, with no diff or extra bytes behind it. */
    public Bsdiff40TestPatch triple(long diffLength, long extraLength, long seek) {
        triples.add(new Triple(diffLength, extraLength, seek));
        return this;
    }

    long declaredNewSize() {
        if (newSize != null) {
            return newSize;
        }
        long n = 0;
        for (Triple t : triples) {
            n += t.diffLength() + t.extraLength();
        }
        return n;
    }

    byte[] controlBytes() {
        if (controlOverride != null) {
            return controlOverride;
        }
        byte[] c = new byte[24 * triples.size()];
        for (int i = 0; i < triples.size(); i++) {
            Triple t = triples.get(i);
            offtout(t.diffLength(), c, 24 * i);
            offtout(t.extraLength(), c, 24 * i + 8);
            offtout(t.seek(), c, 24 * i + 16);
        }
        return c;
    }

    public byte[] build() {
        byte[] c = controlCompressor.apply(controlBytes());
        byte[] d = diffCompressor.apply(diff.toByteArray());
        byte[] e = extraCompressor.apply(extra.toByteArray());
        byte[] p = new byte[32 + c.length + d.length + e.length];
        System.arraycopy(magic, 0, p, 0, Math.min(8, magic.length));
        offtout(controlLength != null ? controlLength : c.length, p, 8);
        offtout(diffLength != null ? diffLength : d.length, p, 16);
        offtout(declaredNewSize(), p, 24);
        System.arraycopy(c, 0, p, 32, c.length);
        System.arraycopy(d, 0, p, 32 + c.length, d.length);
        System.arraycopy(e, 0, p, 32 + c.length + d.length, e.length);
        return p;
    }

    /** bsdiff's offtout: magnitude little-endian, sign in the top bit of byte 7. */
    static void offtout(long v, byte[] b, int off) {
        long m = v < 0 ? -v : v;
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (m >>> (8 * i));
        }
        if (v < 0) {
            b[off + 7] |= (byte) 0x80;
        }
    }

    public static byte[] bzip2(byte[] raw) {
        return compress(raw, o -> new BZip2CompressorOutputStream(o, 1));
    }

    /** zlib-wrapped deflate, which format detection takes for Commons Compress's "deflate". */
    public static byte[] deflate(byte[] raw) {
        return compress(raw, DeflaterOutputStream::new);
    }

    /**
     * A real .lzma stream whose header then claims a dictionary of 0x7FFF0000 bytes (2 GiB - 64
     * KiB), the largest that Commons Compress's detection still takes for LZMA (it wants the
     * header to start 5D 00 00): a decoder that trusts it allocates that before the first byte.
     */
    public static byte[] lzmaMaxDictionary(byte[] raw) {
        byte[] s = compress(raw, o -> new LZMAOutputStream(o, new LZMA2Options(), raw.length));
        s[1] = 0;
        s[2] = 0;
        s[3] = (byte) 0xFF;
        s[4] = 0x7F;
        return s;
    }

    /** A Pack200 archive's magic (0xCAFED00D) and a version, then junk: detection takes it for Pack200. */
    public static byte[] pack200(byte[] raw) {
        byte[] s = new byte[64];
        s[0] = (byte) 0xCA;
        s[1] = (byte) 0xFE;
        s[2] = (byte) 0xD0;
        s[3] = (byte) 0x0D;
        s[4] = 7;
        s[5] = (byte) 150;
        return s;
    }

    private interface Wrapper {
        OutputStream wrap(OutputStream o) throws IOException;
    }

    private static byte[] compress(byte[] raw, Wrapper w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream o = w.wrap(out)) {
            o.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
