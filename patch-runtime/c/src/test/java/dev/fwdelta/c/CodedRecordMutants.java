// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.runtime.GoldenVectors;
import dev.fwdelta.runtime.TestCodecs;
import dev.fwdelta.runtime.TestPatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Record mutants behind a codec: {@link FormatMutants}' record mutants of TestPatch's standard
 * patch in codec none (kind 0, and kind 1 in format 3), their blocks' bytes then coded by lz77,
 * lzma and split, so that a record error is reached through each decoder and its chunking
 * (FORMAT.md 5: bytes decoded before a codec error reach the records first). A record mutant the
 * test split coder cannot lay out (it parses the records it codes) is left out.
 */
final class CodedRecordMutants {
    /** A codec configuration of a TestPatch, named. */
    private record Coding(String name, boolean sparse, Consumer<TestPatch> setUp) {}

    private static final List<Coding> CODINGS = List.of(
            new Coding("lz77", false, t -> {
                t.codecId = 1;
                t.codecWindow = 256;
                t.compressor = raw -> TestCodecs.lz4(raw, 256);
            }),
            lzma("lzma", 1, false, 2),
            lzma("compact-lzma", 3, false, 0),
            lzma("compact-lzma-sparse", 3, true, 0),
            new Coding("compact-split", true, t -> {
                t.version = 3;
                t.sparse = true;
                t.codecId = 3;
                t.codecWindow = 4096;
                t.compressor = GoldenVectors.all().get("compact-split").compressor; // the test split coder, lc0 lp0 pb0
            }));

    private CodedRecordMutants() {}

    /** The old image every mutant applies to. */
    static byte[] old() {
        return TestPatch.standard().old;
    }

    /** LZMA with a 4096-byte dictionary, lc0 lp0 and {@code pb}. */
    private static Coding lzma(String name, int version, boolean sparse, int pb) {
        return new Coding(name, sparse, t -> {
            t.version = version;
            t.sparse = sparse;
            t.codecId = 2;
            t.codecProps = pb * 5 * 9;
            t.codecWindow = 4096;
            t.compressor = raw -> TestCodecs.lzma(raw, 4096, 0, 0, pb);
        });
    }

    static List<FormatMutants.Mutant> all() {
        List<FormatMutants.Mutant> out = new ArrayList<>();
        for (boolean sparse : new boolean[] {false, true}) {
            TestPatch none = TestPatch.standard();
            none.version = sparse ? 3 : 1;
            none.sparse = sparse;
            for (FormatMutants.Mutant m : FormatMutants.of("none", none.build())) {
                boolean ofRecord = m.name().contains(".record[") && !m.name().endsWith("lengths kept")
                        && (m.kind() == FormatMutants.Kind.RECORD || m.kind() == FormatMutants.Kind.VARINT_FORM);
                if (!ofRecord) {
                    continue;
                }
                List<int[]> data = PatchLayout.withoutRecords(m.patch()).blockData;
                for (Coding c : CODINGS) {
                    if (c.sparse() != sparse) {
                        continue;
                    }
                    TestPatch t = TestPatch.standard();
                    c.setUp().accept(t);
                    for (int i = 0; i < data.size(); i++) {
                        int[] d = data.get(i);
                        t.blocks.get(i).rawOverride = Arrays.copyOfRange(m.patch(), d[0], d[0] + d[1]);
                    }
                    byte[] coded;
                    try {
                        coded = t.build();
                    } catch (RuntimeException notLaidOut) {
                        continue;
                    }
                    String name = "coded records: " + c.name() + " " + m.name().substring(m.name().indexOf(": ") + 2);
                    out.add(new FormatMutants.Mutant(name, FormatMutants.Kind.CODED_RECORD, coded));
                }
            }
        }
        return out;
    }
}
