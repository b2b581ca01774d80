// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.c.PatchLayout.Encoding;
import dev.fwdelta.c.PatchLayout.Field;
import dev.fwdelta.c.PatchLayout.Region;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Deterministic mutants of one valid patch that know docs/FORMAT.md's structure ({@link PatchLayout}):
 * every numeric field set to the boundary values of its rule and of its width, varints in
 * non-shortest and unterminated forms, map entries out of order, truncation at every field
 * boundary, a trailing byte, and seeded byte flips. A header field change keeps header_size and
 * header_crc32 right (one stale-CRC mutant per field apart), so that the rule under test is the
 * one reached.
 */
final class FormatMutants {
    /** The classes of mutation, as the report counts them. */
    enum Kind { HEADER_VALUE, CODEC_PARAMETERS, STALE_HEADER_CRC, VARINT_FORM, MAP_ENTRY, MAP_ORDER, BLOCK_HEADER,
        RECORD, CODED_RECORD, COUNTS, TRUNCATION, TRAILING, FLIP }

    record Mutant(String name, Kind kind, byte[] patch) {}

    private static final long I31 = 0x7FFF_FFFFL;
    private static final long U32 = 0xFFFF_FFFFL;
    private static final long VARINT5_MAX = (1L << 35) - 1;
    /** How many random byte flips per patch: the structure-aware mutants cover the fields already. */
    private static final int FLIPS = 64;

    /** The rule's limits of each header field (FORMAT.md 1.0, 1.2, 2.3, 4): a mutant at L-1, L, L+1 of each. */
    private static final Map<String, long[]> LIMITS = Map.ofEntries(
            Map.entry("format_version", new long[] {1, 2, 3}),
            Map.entry("header_size", new long[] {74, 98, 255, 256}),
            Map.entry("codec_id", new long[] {0, 1, 2, 3}),
            Map.entry("codec_props", new long[] {0, 4, 8, 44, 224}),
            Map.entry("map_count", new long[] {0, 2, 256}),
            Map.entry("map_bytes", new long[] {0, 2, 6, 2556}),
            Map.entry("codec_window", new long[] {256, 65536, 1 << 20}),
            Map.entry("max_block_raw", new long[] {1, 1 << 20}),
            Map.entry("firmware_version", new long[] {Long.MAX_VALUE}),
            Map.entry("hardware_id", new long[] {U32}),
            // Not a format rule: the staging slot of the agents' test layout, so that the fit check
            // (new_size at most the staging size) is met exactly, missed by one and passed by one.
            Map.entry("new_size", new long[] {JavaUartDevice.LAYOUT.staging().size()}),
            Map.entry("sig_algorithm", new long[] {0, 1, 2}),
            Map.entry("map.transforms", new long[] {1, 0x1F, 0x3F, 0x40}));

    /** Fields decoder_ram is computed from: a mutant of each with decoder_ram recomputed reaches the codec. */
    private static final Set<String> CODEC_FIELDS = Set.of("codec_id", "codec_window", "codec_props", "map_count");

    private final PatchLayout layout;
    private final byte[] patch;
    private final String base;
    private final List<Mutant> out = new ArrayList<>();
    private final long oldSize;

    private FormatMutants(String base, byte[] patch) {
        this.base = base;
        this.patch = patch;
        this.layout = PatchLayout.of(patch);
        this.oldSize = layout.fields.stream().filter(f -> f.name().equals("old_size")).findFirst().orElseThrow().value();
    }

    /** Every mutant of {@code patch} (named {@code base}), in a fixed order; flips seeded by the name. */
    static List<Mutant> of(String base, byte[] patch) {
        FormatMutants m = new FormatMutants(base, patch);
        for (Field f : m.layout.fields) {
            m.field(f);
        }
        m.mapOrder();
        m.counts();
        m.truncations();
        m.flips(new Random(base.hashCode()));
        return m.out;
    }

    /**
     * {@code patch} with codec_window set to {@code window} and decoder_ram made the formula's again
     * (a mutant the codec, not the header check, decides when the window is valid); null when that
     * leaves the header as it was or the window has no decoder_ram.
     */
    static Mutant withWindow(String base, byte[] patch, long window) {
        FormatMutants m = new FormatMutants(base, patch);
        byte[] b = m.withDecoderRam(m.field("codec_window"), window);
        return b == null ? null
                : new Mutant(base + ": codec_window=" + window + " decoder_ram recomputed", Kind.CODEC_PARAMETERS, b);
    }

    private void field(Field f) {
        Kind kind = switch (f.region()) {
            case HEADER -> Kind.HEADER_VALUE;
            case MAP -> Kind.MAP_ENTRY;
            case BLOCK_HEADER -> Kind.BLOCK_HEADER;
            case RECORD -> Kind.RECORD;
        };
        if (!f.numeric()) {
            if (f.length() > 0) {
                // A hash, key or reserved field: its first byte changed (reserved: made non-zero).
                byte[] b = patch.clone();
                b[f.at()] ^= 1;
                add(f.name() + " ^1", kind, fixHeader(b, f, 0, 0, false));
            }
            return;
        }
        for (long v : values(f)) {
            byte[] value = encode(f.encoding(), f.length(), v);
            if (value == null) {
                continue;
            }
            add(f.name() + "=" + Long.toUnsignedString(v), kind, withValue(f, value, true));
            if (value.length != f.length() && f.region() != Region.HEADER) {
                add(f.name() + "=" + Long.toUnsignedString(v) + " lengths kept", kind, withValue(f, value, false));
            }
            if (CODEC_FIELDS.contains(f.name())) {
                byte[] consistent = withDecoderRam(f, v);
                if (consistent != null) {
                    add(f.name() + "=" + Long.toUnsignedString(v) + " decoder_ram recomputed", Kind.CODEC_PARAMETERS,
                            consistent);
                }
            }
        }
        if (f.region() == Region.HEADER && !f.name().equals("header_crc32")) {
            byte[] stale = splice(patch, f.at(), f.length(), encode(f.encoding(), f.length(), f.value() ^ 1));
            add(f.name() + "^1 stale crc", Kind.STALE_HEADER_CRC, stale);
        }
        if (f.encoding() == Encoding.UVARINT || f.encoding() == Encoding.SVARINT) {
            varintForms(f);
        }
    }

    /** 0, 1, the value ±1, the 31-bit and width limits, and the field's own limits ±1. */
    private Set<Long> values(Field f) {
        Set<Long> s = new LinkedHashSet<>();
        long cur = f.value();
        for (long v : new long[] {0, 1, cur - 1, cur + 1, I31 - 1, I31, I31 + 1}) {
            s.add(v);
        }
        switch (f.encoding()) {
            case U8 -> s.add(0xFFL);
            case U16 -> s.add(0xFFFFL);
            case U32 -> s.add(U32);
            case U64 -> s.add(-1L);
            case UVARINT, SVARINT -> {
                s.add(U32);
                s.add(VARINT5_MAX);
                s.add(-1L);
            }
            default -> { }
        }
        if (f.name().equals("flags")) {
            for (int bit = 0; bit < 8 * f.length(); bit++) {
                s.add(cur ^ 1L << bit);
            }
        }
        if (f.name().endsWith("old_start") || f.name().endsWith("distance")) {
            s.add(oldSize - 1);
            s.add(oldSize);
        }
        if (f.encoding() == Encoding.SVARINT) {
            s.add(U32 - 1); // zig-zag 2^31-1
            s.add(U32 - 2); // zig-zag -(2^31-1)
        }
        for (long limit : LIMITS.getOrDefault(f.name(), new long[0])) {
            s.add(limit - 1);
            s.add(limit);
            s.add(limit + 1);
        }
        s.remove(cur);
        s.removeIf(v -> v < 0 && f.encoding() != Encoding.U64 && f.encoding() != Encoding.UVARINT
                && f.encoding() != Encoding.SVARINT);
        return s;
    }

    /** Non-shortest (one and five extra zero groups), unterminated (the last byte's continuation bit set), 11 bytes. */
    private void varintForms(Field f) {
        byte[] cur = Arrays.copyOfRange(patch, f.at(), f.end());
        byte[] overlong = Arrays.copyOf(cur, cur.length + 1);
        overlong[cur.length - 1] |= (byte) 0x80;
        add(f.name() + " overlong", Kind.VARINT_FORM, withValue(f, overlong, true));
        add(f.name() + " overlong, lengths kept", Kind.VARINT_FORM, withValue(f, overlong, false));
        byte[] padded = Arrays.copyOf(cur, Math.max(cur.length + 1, 6));
        for (int i = cur.length - 1; i < padded.length - 1; i++) {
            padded[i] |= (byte) 0x80;
        }
        add(f.name() + " padded to " + padded.length, Kind.VARINT_FORM, withValue(f, padded, true));
        byte[] unterminated = cur.clone();
        unterminated[cur.length - 1] |= (byte) 0x80;
        add(f.name() + " unterminated", Kind.VARINT_FORM, withValue(f, unterminated, true));
        byte[] eleven = new byte[11];
        Arrays.fill(eleven, (byte) 0xFF);
        eleven[10] = 0x01;
        add(f.name() + " 11 bytes", Kind.VARINT_FORM, withValue(f, eleven, true));
    }

    /** Map entries swapped (order) and an entry repeated (overlap), when the map has two or more. */
    private void mapOrder() {
        List<Field> starts = new ArrayList<>();
        for (Field f : layout.fields) {
            if (f.region() == Region.MAP && (f.name().endsWith("old_start") || f.name().endsWith("distance"))) {
                starts.add(f);
            }
        }
        for (int i = 0; i + 1 < starts.size(); i++) {
            Field a = starts.get(i);
            Field b = starts.get(i + 1);
            int entryEnd = entryEnd(b);
            byte[] first = Arrays.copyOfRange(patch, a.at(), b.at());
            byte[] second = Arrays.copyOfRange(patch, b.at(), entryEnd);
            byte[] swapped = patch.clone();
            System.arraycopy(second, 0, swapped, a.at(), second.length);
            System.arraycopy(first, 0, swapped, a.at() + second.length, first.length);
            add("map entries " + (i + 1) + "," + (i + 2) + " swapped", Kind.MAP_ORDER, swapped);
            byte[] repeated = patch.clone();
            System.arraycopy(first, 0, repeated, b.at(), Math.min(first.length, entryEnd - b.at()));
            add("map entry " + (i + 1) + " repeated", Kind.MAP_ORDER,
                    first.length == second.length ? repeated : splice(patch, b.at(), second.length, first));
        }
    }

    private int entryEnd(Field start) {
        int i = layout.fields.indexOf(start);
        return layout.fields.get(i + 1).end();
    }

    private void truncations() {
        Set<Integer> cuts = new LinkedHashSet<>();
        for (Field f : layout.fields) {
            cuts.add(f.at());
            if (f.length() > 1) {
                cuts.add(f.at() + 1);
            }
        }
        cuts.add(patch.length - 1);
        for (int cut : cuts) {
            if (cut < patch.length) {
                add("truncated to " + cut, Kind.TRUNCATION, Arrays.copyOf(patch, cut));
            }
        }
        add("one trailing byte", Kind.TRAILING, Arrays.copyOf(patch, patch.length + 1));
    }

    private void flips(Random random) {
        for (int i = 0; i < FLIPS; i++) {
            byte[] b = patch.clone();
            int at = random.nextInt(patch.length);
            int xor = 1 + random.nextInt(255);
            b[at] ^= (byte) xor;
            add("byte " + at + " ^" + Integer.toHexString(xor), Kind.FLIP, b);
        }
    }

    private void add(String name, Kind kind, byte[] bytes) {
        if (bytes == null) {
            return;
        }
        out.add(new Mutant(base + ": " + name, kind, bytes));
    }

    /**
     * The patch with {@code f}'s bytes replaced. With {@code keepLengths} the lengths that count the
     * field's bytes follow a change of its length (map_bytes and payload_length for a compact map
     * entry; encoded_length, raw_length and payload_length for a record of codec none), so that the
     * mutant reaches the rule of the field itself. A header change keeps header_size and
     * header_crc32 right.
     */
    private byte[] withValue(Field f, byte[] value, boolean keepLengths) {
        byte[] b = splice(patch, f.at(), f.length(), value);
        int delta = value.length - f.length();
        int dependentDelta = 0;
        boolean headerTouched = false;
        if (keepLengths && delta != 0) {
            for (Field d : lengthsCounting(f)) {
                byte[] enc = encode(d.encoding(), d.length(), d.value() + delta);
                if (enc == null) {
                    continue;
                }
                b = splice(b, d.at(), d.length(), enc);
                dependentDelta += d.region() == Region.HEADER ? enc.length - d.length() : 0;
                headerTouched |= d.region() == Region.HEADER;
            }
        }
        return fixHeader(b, f, f.region() == Region.HEADER ? delta : 0, dependentDelta, headerTouched);
    }

    /** The fields whose value counts {@code f}'s bytes, last in the patch first (so earlier offsets hold). */
    private List<Field> lengthsCounting(Field f) {
        List<String> names = new ArrayList<>();
        if (f.region() == Region.RECORD) {
            String block = f.name().substring(0, f.name().indexOf('.') + 1);
            names.add(block + "raw_length");
            names.add(block + "encoded_length");
        }
        if (f.region() != Region.HEADER) {
            names.add("payload_length");
        }
        if (f.region() == Region.MAP) {
            names.add("map_bytes");
        }
        List<Field> out = new ArrayList<>();
        for (String n : names) {
            layout.fields.stream().filter(x -> x.name().equals(n)).forEach(out::add);
        }
        out.sort((x, y) -> Integer.compare(y.at(), x.at()));
        return out;
    }

    /** A codec field (or map_count) set to {@code v} with decoder_ram made the formula's again (FORMAT.md 4). */
    private byte[] withDecoderRam(Field f, long v) {
        long id = value("codec_id");
        long window = value("codec_window");
        long props = value("codec_props");
        long maps = value("map_count");
        switch (f.name()) {
            case "codec_id" -> id = v;
            case "codec_window" -> window = v;
            case "codec_props" -> props = v;
            default -> maps = v;
        }
        if (window < 0 || window > I31 || props < 0 || props > 255 || maps < 0 || maps > 0xFFFF) {
            return null;
        }
        long ram;
        try {
            ram = PatchHeader.decoderRam(Codec.byId((int) id), (int) window, (int) props, (int) maps);
        } catch (PatchException | RuntimeException e) {
            return null;
        }
        if (ram == value("decoder_ram")) {
            return null;
        }
        return withHeaderValues(patch, Map.of(f, v, field("decoder_ram"), ram));
    }

    /**
     * {@code b} (the patch, its payload possibly changed) with header fields before header_crc32
     * set to new values, header_size and header_crc32 made right; null when a value does not fit
     * its field.
     */
    private byte[] withHeaderValues(byte[] b, Map<Field, Long> values) {
        List<Field> fields = new ArrayList<>(values.keySet());
        fields.sort((x, y) -> Integer.compare(y.at(), x.at()));
        int delta = 0;
        for (Field f : fields) {
            byte[] value = encode(f.encoding(), f.length(), values.get(f));
            if (value == null) {
                return null;
            }
            b = splice(b, f.at(), f.length(), value);
            delta += value.length - f.length();
        }
        return fixHeader(b, fields.get(0), delta, 0, true);
    }

    /**
     * Counts kept consistent with a changed payload, so that the rules on the applier's final state
     * are reached: payload_length one more with a byte appended; the last block dropped
     * (block_count and payload_length one block less: an incomplete image); the last block sent
     * twice (block_count and payload_length one block more).
     */
    private void counts() {
        Field payloadLength = field("payload_length");
        Field blockCount = field("block_count");
        add("payload_length+1 with a trailing byte", Kind.COUNTS, withHeaderValues(Arrays.copyOf(patch, patch.length + 1),
                Map.of(payloadLength, payloadLength.value() + 1)));
        if (layout.blockData.isEmpty()) {
            return;
        }
        int last = layout.blockData.size() - 1;
        int start = field("block[" + last + "].block_index").at();
        int[] data = layout.blockData.get(last);
        int size = data[0] + data[1] - start;
        byte[] dropped = Arrays.copyOf(patch, start);
        add("last block dropped", Kind.COUNTS, withHeaderValues(dropped,
                Map.of(payloadLength, payloadLength.value() - size, blockCount, blockCount.value() - 1)));
        byte[] twice = FormatMutants.splice(patch, patch.length, 0, Arrays.copyOfRange(patch, start, start + size));
        add("last block twice", Kind.COUNTS, withHeaderValues(twice,
                Map.of(payloadLength, payloadLength.value() + size, blockCount, blockCount.value() + 1)));
    }

    private Field field(String name) {
        return layout.fields.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    }

    private long value(String name) {
        return field(name).value();
    }

    /**
     * header_size and header_crc32 made right after {@code f} changed length by {@code fieldDelta}
     * and fields before header_crc32 by {@code dependentDelta} ({@code headerTouched}: such fields
     * were rewritten); a mutant of header_crc32 or of the payload alone is left as it is.
     */
    private byte[] fixHeader(byte[] b, Field f, int fieldDelta, int dependentDelta, boolean headerTouched) {
        boolean header = f.region() == Region.HEADER && !f.name().equals("header_crc32");
        if (!header && !headerTouched) {
            return b;
        }
        int delta = (header ? fieldDelta : 0) + dependentDelta;
        if (!f.name().equals("header_size") && delta != 0) {
            int size = layout.headerSize + delta;
            b[6] = (byte) size;
            b[7] = (byte) (size >> 8);
        }
        int crcAt = layout.headerCrcAt + dependentDelta + (header && f.at() < layout.headerCrcAt ? fieldDelta : 0);
        CRC32 crc = new CRC32();
        crc.update(b, 0, crcAt);
        long v = crc.getValue();
        for (int i = 0; i < 4; i++) {
            b[crcAt + i] = (byte) (v >> (8 * i));
        }
        return b;
    }

    static byte[] splice(byte[] b, int at, int length, byte[] replacement) {
        byte[] r = new byte[b.length - length + replacement.length];
        System.arraycopy(b, 0, r, 0, at);
        System.arraycopy(replacement, 0, r, at, replacement.length);
        System.arraycopy(b, at + length, r, at + replacement.length, b.length - at - length);
        return r;
    }

    /** {@code v} in the field's encoding; null when a fixed-width field cannot hold it. */
    private static byte[] encode(Encoding e, int length, long v) {
        if (e == Encoding.UVARINT || e == Encoding.SVARINT) {
            ByteArrayOutputStream w = new ByteArrayOutputStream();
            long x = v;
            while (Long.compareUnsigned(x, 0x80) >= 0) {
                w.write((int) (x & 0x7F) | 0x80);
                x >>>= 7;
            }
            w.write((int) x);
            return w.toByteArray();
        }
        if (length < 8 && (v < 0 || v >= 1L << (8 * length))) {
            return null;
        }
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }
}
