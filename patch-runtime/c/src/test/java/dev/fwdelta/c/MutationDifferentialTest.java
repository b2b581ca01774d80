// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.GoldenVectors;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structure-aware mutants ({@link FormatMutants}, {@link CodedRecordMutants}) of every golden
 * vector, of builder patches of each codec and of two real firmware patches, applied by the Java
 * runtime and by the C tool (the ASan+UBSan build): the same error code and the same bytes written
 * (the new image when both apply), neither handing its sink more than the mutant's new_size
 * (nothing at all when its header does not parse), neither crashing. By default a seeded sample of
 * {@link #SAMPLE} mutants at 7-byte chunks; with {@code -Dfwdelta.mutation=all} (Maven profile
 * mutation-all, README) every mutant at chunks of 1, 7 and 4096 bytes.
 */
class MutationDifferentialTest {
    private static final int SAMPLE = 3000;
    private static final boolean ALL = "all".equals(System.getProperty("fwdelta.mutation"));
    /** {@code -Dfwdelta.mutation.only=TEXT}: only the mutants whose names contain TEXT (to rerun one), all of them. */
    private static final String ONLY = System.getProperty("fwdelta.mutation.only", "");

    /** Real firmware pairs (../shared/corpus, as CorpusDifferentialTest): name, old, new; their default patches. */
    private static final String[][] CORPUS_PAIRS = {
        {"programmer", "programmer/0.8.0.bin", "programmer/0.9.0.bin"},
        {"shell", "shell/old.bin", "shell/new.bin"},
    };
    /**
     * Builder patches at RAM budgets with no room for a 4096-byte window (FORMAT.md 4): name, old
     * (null: the synthetic pair), new, budget, codec (null: the builder's choice). Each is an LZMA or
     * split patch with a smaller window, also applied with a RAM budget of exactly its decoder_ram.
     */
    private static final Object[][] SMALL_WINDOW_PATCHES = {
        {"built-lzma-8192", null, null, 8192, Codec.LZMA},
        {"built-split-9216", null, null, 9216, Codec.SPLIT},
        {"programmer-8192", "programmer/0.8.0.bin", "programmer/0.9.0.bin", 8192, null},
        {"programmer-split-9216", "programmer/0.8.0.bin", "programmer/0.9.0.bin", 9216, Codec.SPLIT},
        {"shell-9216", "shell/old.bin", "shell/new.bin", 9216, null},
    };
    /** The names of the small-window bases start so: their window mutants always run ({@link #windowMutants}). */
    private static final String SMALL_WINDOW = "small-window ";
    /** The base of the record mutants behind each codec ({@link CodedRecordMutants}: their own patches). */
    private static final String CODED_RECORDS = "coded records";
    /** Vectors applied again with a RAM budget of exactly their decoder_ram: a codec field's mutant may exceed it. */
    private static final Set<String> BUDGET_VECTORS = Set.of("lzma-dict4096", "lz77-window256", "compact-lzma",
            "compact-split", "compact-relocation-long-map", "compact-lzma-window1024", "compact-split-window256");
    /** The load address of the compact-load-address vectors (FORMAT.md 6). */
    private static final long VECTOR_SLOT = 0x0801_0000L;
    /** What goes before a raw Ed25519 key in its SubjectPublicKeyInfo (FORMAT.md 1.1). */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    @TempDir
    Path dir;

    /** Vectors applied again under device policies ({@link #policyBases}): 256-byte and compact headers, signed and not. */
    private static final String[] POLICY_VECTORS = {"none-two-blocks", "compact-lzma", "ed25519-signed",
        "compact-ed25519-signed"};
    /** Header fields the agent's policy and fit checks read: their mutants run under every policy by default. */
    private static final String[] POLICY_FIELDS = {"firmware_version", "hardware_id", "new_size", "block_count",
        "sig_algorithm", "key_id"};
    /** The name of the patch itself among a policy base's mutants: the policy alone decides it. */
    private static final String UNCHANGED = "unchanged";

    /**
     * One patch to mutate, with the old image it applies to and the device policy both appliers apply
     * it with; with {@code agentFirst} each header goes to the update agents first ({@link JavaAgentBegin}).
     */
    private record Base(String name, byte[] old, byte[] patch, UpdatePolicy policy, List<String> cOptions,
                        boolean agentFirst) {
        Base(String name, byte[] old, byte[] patch) {
            this(name, old, patch, UpdatePolicy.ramOnly(Long.MAX_VALUE), List.of(), false);
        }

        Base(String name, byte[] old, byte[] patch, UpdatePolicy policy, List<String> cOptions) {
            this(name, old, patch, policy, cOptions, false);
        }
    }

    @Test
    void javaAndCAgreeOnEveryMutant() throws Exception {
        List<Base> bases = bases(dir);
        Random random = new Random(20261206);
        Map<Base, List<FormatMutants.Mutant>> run = new LinkedHashMap<>();
        List<FormatMutants.Mutant> all = new ArrayList<>();
        Map<FormatMutants.Mutant, Base> baseOf = new IdentityHashMap<>();
        List<FormatMutants.Mutant> underPolicy = new ArrayList<>();
        List<FormatMutants.Mutant> pinned = new ArrayList<>();
        for (Base b : bases) {
            List<FormatMutants.Mutant> mutants = b.patch() == null ? CodedRecordMutants.all()
                    : FormatMutants.of(b.name(), b.patch());
            assertTrue(b.patch() == null || b.agentFirst()
                    || JavaMutantApply.apply(b.old(), b.patch(), 4096, b.policy()).code() == 0, b.name() + " applies");
            if (b.agentFirst()) {
                mutants = new ArrayList<>(mutants);
                mutants.add(0, new FormatMutants.Mutant(b.name() + ": " + UNCHANGED, FormatMutants.Kind.HEADER_VALUE,
                        b.patch()));
            }
            for (FormatMutants.Mutant m : mutants) {
                if (!m.name().contains(ONLY) || b.agentFirst() && !ALL && ONLY.isEmpty() && !ofPolicyField(m)) {
                    continue;
                }
                (b.agentFirst() ? underPolicy : all).add(m);
                baseOf.put(m, b);
            }
            if (b.name().startsWith(SMALL_WINDOW)) {
                for (FormatMutants.Mutant m : windowMutants(b)) {
                    if (m.name().contains(ONLY)) {
                        pinned.add(m);
                        baseOf.put(m, b);
                    }
                }
            }
        }
        if (!ALL && ONLY.isEmpty()) {
            all = sample(all, random);
        }
        all.addAll(underPolicy);
        all.addAll(pinned);
        for (FormatMutants.Mutant m : all) {
            run.computeIfAbsent(baseOf.get(m), k -> new ArrayList<>()).add(m);
        }
        int[] chunks = ALL ? new int[] {1, 7, 4096} : new int[] {7};
        CApplyBatch c = new CApplyBatch(dir);
        Map<FormatMutants.Kind, int[]> counts = new EnumMap<>(FormatMutants.Kind.class);
        List<String> disagreements = new ArrayList<>();
        int refused = 0;
        Map<Integer, Integer> codes = new TreeMap<>();
        int policyApplies = 0;
        for (Map.Entry<Base, List<FormatMutants.Mutant>> e : run.entrySet()) {
            List<byte[]> patches = e.getValue().stream().map(FormatMutants.Mutant::patch).toList();
            for (int chunk : chunks) {
                List<MutantOutcome> cOut = c.apply(e.getKey().old(), patches, chunk, e.getKey().cOptions());
                for (int i = 0; i < patches.size(); i++) {
                    FormatMutants.Mutant m = e.getValue().get(i);
                    Base b = e.getKey();
                    MutantOutcome byAgent = b.agentFirst() ? JavaAgentBegin.refusal(b.old(), m.patch(), b.policy()) : null;
                    MutantOutcome java = byAgent != null ? byAgent : JavaMutantApply.apply(b.old(), m.patch(), chunk, b.policy());
                    policyApplies += b.agentFirst() ? 1 : 0;
                    MutantOutcome cPort = cOut.get(i);
                    counts.computeIfAbsent(m.kind(), k -> new int[1])[0]++;
                    refused += java.code() != 0 ? 1 : 0;
                    codes.merge(java.code(), 1, Integer::sum);
                    String what = m.name() + " (" + m.kind() + ", chunk " + chunk + "): Java " + java + ", C " + cPort;
                    long limit = newSizeLimit(m.patch());
                    if (!java.sameAs(cPort)) {
                        disagreements.add(what);
                    } else if (java.written() > limit || cPort.written() > limit) {
                        disagreements.add(what + ": wrote " + java.written() + " / " + cPort.written()
                                + " bytes, the header allows " + limit);
                    }
                }
            }
        }
        System.out.println("mutation differential: " + counts.values().stream().mapToInt(a -> a[0]).sum()
                + " applies per applier (" + policyApplies + " under agent policies, " + pinned.size()
                + " small-window codec_window mutants), by class " + format(counts)
                + "; outcomes by code " + codes + "; "
                + disagreements.size() + " disagreements");
        if (ONLY.isEmpty()) {
            assertEquals(FormatMutants.Kind.values().length, counts.size(), "every class of mutation ran: " + counts.keySet());
        }
        assertTrue(refused > 0, "the mutants include refused patches");
        if (ONLY.isEmpty()) {
            for (int policyCode : new int[] {39, 40, 41, 43}) {
                assertTrue(codes.containsKey(policyCode), "policy code " + policyCode + " reached: " + codes.keySet());
            }
        }
        assertEquals(List.of(), disagreements.subList(0, Math.min(50, disagreements.size())),
                disagreements.size() + " disagreements");
    }

    /**
     * {@link #SAMPLE} mutants: each header mutation (a field set to a value, a form of its varint)
     * once, on a seeded choice of the patches it applies to; then each other mutation once (block,
     * map and record fields, truncation points, flips), in a seeded order; then repeats. So a header
     * rule's boundary is in the sample whichever patch happens to carry it.
     */
    private static List<FormatMutants.Mutant> sample(List<FormatMutants.Mutant> all, Random random) {
        Collections.shuffle(all, random);
        Map<String, FormatMutants.Mutant> firstOfEach = new LinkedHashMap<>();
        List<FormatMutants.Mutant> rest = new ArrayList<>();
        for (FormatMutants.Mutant m : all) {
            String mutation = m.name().substring(m.name().indexOf(": ") + 2);
            if (firstOfEach.putIfAbsent(mutation, m) != null) {
                rest.add(m);
            }
        }
        List<FormatMutants.Mutant> out = new ArrayList<>();
        firstOfEach.values().stream().filter(MutationDifferentialTest::ofHeader).forEach(out::add);
        firstOfEach.values().stream().filter(m -> !ofHeader(m)).forEach(out::add);
        out.addAll(rest);
        return out.subList(0, Math.min(SAMPLE, out.size()));
    }

    /**
     * A small-window base's codec_window (decoder_ram recomputed) at 255 (refused), 256, its true
     * window (the least the Java runtime applies the patch with: its farthest match) and one less,
     * where that match reaches past the window [CODEC_CORRUPT]. Found by bisection, which holds
     * because a larger window only keeps more history.
     */
    private static List<FormatMutants.Mutant> windowMutants(Base b) throws PatchException {
        int window = PatchHeader.parse(b.patch()).codecWindow();
        UpdatePolicy any = UpdatePolicy.ramOnly(Long.MAX_VALUE);
        int low = 256;
        int high = window;
        while (low < high) {
            int mid = (low + high) >>> 1;
            byte[] at = mid == window ? b.patch() : FormatMutants.withWindow(b.name(), b.patch(), mid).patch();
            if (JavaMutantApply.apply(b.old(), at, 4096, any).code() == 0) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        int trueWindow = low;
        System.out.println(b.name() + ": codec_window " + window + ", farthest match needs " + trueWindow);
        if (trueWindow > 256) {
            FormatMutants.Mutant short1 = FormatMutants.withWindow(b.name(), b.patch(), trueWindow - 1);
            assertEquals(ErrorCode.CODEC_CORRUPT.number(), JavaMutantApply.apply(b.old(), short1.patch(), 4096, any).code(),
                    b.name() + ": a window one byte short of its farthest match " + trueWindow);
        }
        List<FormatMutants.Mutant> out = new ArrayList<>();
        for (long w : new long[] {255, 256, trueWindow - 1L, trueWindow}) {
            FormatMutants.Mutant m = FormatMutants.withWindow(b.name(), b.patch(), w);
            if (m != null && out.stream().noneMatch(x -> x.name().equals(m.name()))) {
                out.add(m);
            }
        }
        return out;
    }

    /** A value given to a field the agent's checks read (not its varint forms, nor a stale CRC), or the patch itself. */
    private static boolean ofPolicyField(FormatMutants.Mutant m) {
        String mutation = m.name().substring(m.name().indexOf(": ") + 2);
        for (String field : POLICY_FIELDS) {
            if (mutation.startsWith(field + "=") && m.kind() == FormatMutants.Kind.HEADER_VALUE
                    && !mutation.endsWith("lengths kept")) {
                return true;
            }
        }
        return mutation.equals(UNCHANGED);
    }

    private static boolean ofHeader(FormatMutants.Mutant m) {
        return m.kind() == FormatMutants.Kind.HEADER_VALUE || m.kind() == FormatMutants.Kind.CODEC_PARAMETERS
                || m.kind() == FormatMutants.Kind.STALE_HEADER_CRC || m.kind() == FormatMutants.Kind.TRAILING
                || m.kind() == FormatMutants.Kind.COUNTS
                || m.kind() == FormatMutants.Kind.VARINT_FORM && !m.name().contains("].");
    }

    /** The mutant header's new_size: no applier may write more; 0 when the header does not parse. */
    private static long newSizeLimit(byte[] patch) {
        try {
            return PatchHeader.parse(patch).newSize();
        } catch (PatchException | RuntimeException e) {
            return 0;
        }
    }

    private static String format(Map<FormatMutants.Kind, int[]> counts) {
        StringBuilder s = new StringBuilder();
        counts.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(v[0]));
        return s.toString();
    }

    /**
     * Every golden vector; the signed ones again with their key trusted (so that the signature
     * section is checked), the load-address ones again at their slot, five again with a RAM budget
     * of their decoder_ram; and builder patches of a
     * synthetic pair in each codec (the default, then each one); the default patches of two
     * real firmware pairs; and {@link #SMALL_WINDOW_PATCHES}, also with a budget of their decoder_ram.
     */
    private static List<Base> bases(Path dir) throws Exception {
        List<Base> out = new ArrayList<>();
        byte[] rawKey = GoldenVectorDifferentialTest.resource("ed25519-signed.pub");
        Path pem = dir.resolve("ed25519-signed.pem");
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + rawKey.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(rawKey, 0, spki, ED25519_SPKI_PREFIX.length, rawKey.length);
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(spki)
                + "\n-----END PUBLIC KEY-----\n");
        UpdatePolicy trusted = new UpdatePolicy(Long.MAX_VALUE,
                new TrustStore(List.of(new TrustedKey(SignatureAlgorithm.ED25519, rawKey))), -1, false, -1);
        for (String name : GoldenVectors.all().keySet()) {
            byte[] old = GoldenVectorDifferentialTest.resource(name + ".old");
            byte[] patch = GoldenVectorDifferentialTest.resource(name + ".fwd");
            out.add(new Base(name, old, patch));
            if (name.endsWith("signed")) {
                out.add(new Base(name + "+trust", old, patch, trusted, List.of("--trust", pem.toString())));
            }
            if (BUDGET_VECTORS.contains(name)) {
                long budget = PatchHeader.parse(patch).decoderRam();
                out.add(new Base(name + "+budget", old, patch, UpdatePolicy.ramOnly(budget),
                        List.of("--budget", Long.toString(budget))));
            }
            if (name.startsWith("compact-load-address")) {
                out.add(new Base(name + "+slot", old, patch, UpdatePolicy.ramOnly(Long.MAX_VALUE).atSlot(VECTOR_SLOT),
                        List.of("--slot", "0x" + Long.toHexString(VECTOR_SLOT))));
            }
        }
        out.addAll(policyBases(pem, trusted.trust()));
        byte[] old = syntheticImage();
        byte[] neu = edited(old);
        for (Codec codec : new Codec[] {null, Codec.SPLIT, Codec.LZMA, Codec.LZ77, Codec.NONE}) {
            BuildOptions options = codec == null ? BuildOptions.defaults() : BuildOptions.defaults().withCodec(codec);
            out.add(new Base("built-" + (codec == null ? "default" : codec.label()), old,
                    PatchBuilder.build(old, neu, options).patch()));
        }
        out.add(new Base(CODED_RECORDS, CodedRecordMutants.old(), null));
        Path corpus = CorpusDifferentialTest.corpus();
        for (Object[] s : SMALL_WINDOW_PATCHES) {
            byte[] sOld = s[1] == null ? old : Files.readAllBytes(corpus.resolve((String) s[1]));
            byte[] sNew = s[1] == null ? neu : Files.readAllBytes(corpus.resolve((String) s[2]));
            BuildOptions options = BuildOptions.defaults().withRamBudget((Integer) s[3]);
            byte[] patch = PatchBuilder.build(sOld, sNew, s[4] == null ? options : options.withCodec((Codec) s[4])).patch();
            PatchHeader h = PatchHeader.parse(patch);
            assertTrue(h.codec() == Codec.LZMA || h.codec() == Codec.SPLIT, s[0] + ": lzma or split, not " + h.codec());
            assertTrue(h.codecWindow() < 4096, s[0] + ": a window below 4096, not " + h.codecWindow());
            out.add(new Base(SMALL_WINDOW + s[0], sOld, patch));
            out.add(new Base(SMALL_WINDOW + s[0] + "+budget", sOld, patch, UpdatePolicy.ramOnly(h.decoderRam()),
                    List.of("--budget", Long.toString(h.decoderRam()))));
        }
        for (String[] pair : CORPUS_PAIRS) {
            byte[] corpusOld = Files.readAllBytes(corpus.resolve(pair[1]));
            byte[] corpusNew = Files.readAllBytes(corpus.resolve(pair[2]));
            out.add(new Base(pair[0], corpusOld, PatchBuilder.build(corpusOld, corpusNew, BuildOptions.defaults()).patch()));
        }
        return out;
    }

    /**
     * {@link #POLICY_VECTORS} under device policies at the boundaries of their headers' fields: the
     * installed version one below, equal to and one above firmware_version, 0 and 2^63-1 (the
     * largest a Java policy holds; C's u64 above it refuses the same patches); the board id matching,
     * one more, 0 and 2^32-1; signatures required with no key trusted, and the signed ones with
     * their key trusted.
     */
    private static List<Base> policyBases(Path pem, TrustStore trusted) throws Exception {
        List<Base> out = new ArrayList<>();
        for (String name : POLICY_VECTORS) {
            byte[] old = GoldenVectorDifferentialTest.resource(name + ".old");
            byte[] patch = GoldenVectorDifferentialTest.resource(name + ".fwd");
            PatchHeader h = PatchHeader.parse(patch);
            long version = h.firmwareVersion();
            long board = h.hardwareId();
            assertTrue(version > 0 && version < Long.MAX_VALUE, name + ": firmware_version inside 1..2^63-2");
            long[][] settings = {{version - 1, board}, {version, board}, {version + 1, board}, {0, board},
                {Long.MAX_VALUE, board}, {version - 1, (board + 1) & 0xFFFF_FFFFL}, {version - 1, 0},
                {version - 1, 0xFFFF_FFFFL}};
            for (long[] s : settings) {
                out.add(agentBase(name + "+installed " + s[0] + ", board " + s[1], old, patch, null, s[0], s[1],
                        List.of()));
            }
            out.add(agentBase(name + "+signed only", old, patch, new TrustStore(List.of()), version - 1, board,
                    List.of("--signed-only")));
            if (name.endsWith("signed")) {
                out.add(agentBase(name + "+trust, installed " + (version - 1), old, patch, trusted, version - 1, board,
                        List.of("--trust", pem.toString())));
            }
        }
        return out;
    }

    private static Base agentBase(String name, byte[] old, byte[] patch, TrustStore trust, long installed, long board,
                                  List<String> trustOptions) {
        List<String> options = new ArrayList<>(trustOptions);
        options.addAll(List.of("--installed-version", Long.toString(installed), "--hardware-id", Long.toString(board)));
        return new Base(name, old, patch, new UpdatePolicy(Long.MAX_VALUE, trust, installed, false, board), options,
                true);
    }

    /** 6 KiB of repeated 64-byte "functions" with varying constants: compressible, with matches to find. */
    private static byte[] syntheticImage() {
        Random r = new Random(7);
        byte[] body = new byte[64];
        r.nextBytes(body);
        byte[] img = new byte[6144];
        for (int i = 0; i < img.length; i++) {
            img[i] = (byte) (body[i % 64] + (i % 64 == 5 ? i / 64 : 0));
        }
        return img;
    }

    /** {@code old} with 16 bytes inserted at 1000, 10 changed at 3000 and 20 removed at 5000. */
    private static byte[] edited(byte[] old) {
        byte[] inserted = new byte[16];
        new Random(8).nextBytes(inserted);
        byte[] a = FormatMutants.splice(old, 1000, 0, inserted);
        for (int i = 3000; i < 3010; i++) {
            a[i] ^= 0x5A;
        }
        return FormatMutants.splice(a, 5000, 20, new byte[0]);
    }
}
