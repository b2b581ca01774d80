// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards of one release must agree on everything a patch depends on. Found by a review of the
 * release pipeline: shards signed with two keys (or one signed, one not), built with different
 * --ram-budget, --block-size or --address, or from different --old lists merged without a word
 * into a release that mixed them or lacked an old version; a hand-edited shard manifest missing an
 * entry merged as a partial release; --shard "+1/2", "01/2" or "1/1000000000" built a manifest that
 * the merge refused or took for another shard, and "2/2147483647" ended in an internal error.
 */
class MatrixShardConsistencyTest {
    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner();
    private final List<Path> olds = new ArrayList<>();
    private Path newBin;

    /** Small images, each the same base with a few seeded bytes changed. */
    @BeforeEach
    void images() throws Exception {
        newBin = Files.write(dir.resolve("new.bin"), variant(100));
        for (int i = 1; i <= 4; i++) {
            olds.add(Files.write(dir.resolve("v" + i + ".bin"), variant(i)));
        }
    }

    private static byte[] variant(int seed) {
        byte[] b = new byte[8192];
        new Random(7).nextBytes(b);
        Random r = new Random(seed);
        for (int i = 0; i < 20; i++) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** matrix --new new.bin --old v{@code order}... --out {@code out} --shard {@code shard}: its manifest. */
    private Path shard(String out, String shard, List<Integer> order, String... more) {
        List<String> args = new ArrayList<>(List.of("matrix", "--new", newBin.toString()));
        for (int i : order) {
            args.add("--old");
            args.add(olds.get(i - 1).toString());
        }
        args.addAll(List.of("--out", dir.resolve(out).toString(), "--shard", shard));
        args.addAll(List.of(more));
        assertEquals(ExitCodes.OK, cli.run(args.toArray(String[]::new)), cli.err());
        return dir.resolve(out).resolve("manifest.json");
    }

    private String mergeError(Path... manifests) {
        List<String> args = new ArrayList<>(List.of("matrix", "--merge"));
        for (Path m : manifests) {
            args.add(m.toString());
        }
        args.addAll(List.of("--out", dir.resolve("merged").toString()));
        int exit = cli.run(args.toArray(String[]::new));
        assertFalse(Files.exists(dir.resolve("merged")), "no merged output");
        return exit + " " + errorLine();
    }

    private String errorLine() {
        String err = cli.err().strip();
        assertEquals(1, err.lines().count(), err);
        return err.replace("fwdelta: error: ", "").replace(" (see 'fwdelta matrix --help')", "");
    }

    private static final List<Integer> FOUR = List.of(1, 2, 3, 4);

    @Test
    void shardsSignedWithAnotherKeyOrUnsignedAreNotMerged() throws Exception {
        Path k1 = dir.resolve("k1.pem");
        Path k2 = dir.resolve("k2.pem");
        assertEquals(0, cli.run("keygen", "-o", k1.toString()), cli.err());
        assertEquals(0, cli.run("keygen", "-o", k2.toString()), cli.err());
        Path s1 = shard("s1", "1/2", FOUR, "--key", k1.toString());
        Path s2 = shard("s2", "2/2", FOUR, "--key", k2.toString());
        Path u2 = shard("u2", "2/2", FOUR);
        String id1 = keyId(s1);
        String id2 = keyId(s2);
        String options = "codec=auto ram_budget=16384 block_size=262144 address=none key=";
        assertEquals("2 " + s2 + " is for another release than " + s1 + ": build (" + options + id2 + ", not "
                + options + id1 + "): build every shard with the same --new, --key and build options",
                mergeError(s1, s2));
        assertEquals("2 " + u2 + " is for another release than " + s1 + ": build (" + options + "none, not "
                + options + id1 + "): build every shard with the same --new, --key and build options",
                mergeError(s1, u2));
    }

    private static String keyId(Path manifest) throws Exception {
        return JsonParser.parseString(Files.readString(manifest)).getAsJsonObject().getAsJsonArray("patches").get(0)
                .getAsJsonObject().get("key_id").getAsString();
    }

    @Test
    void shardsBuiltWithOtherBuildOptionsAreNotMerged() {
        Path s1 = shard("s1", "1/2", FOUR);
        String ours = "codec=auto ram_budget=16384 block_size=262144 address=none key=none";
        String[][] others = {{"--ram-budget", "65536"}, {"--block-size", "1024"}, {"--address", "0x8000000"},
            {"--codec", "lzma"}};
        String[] theirs = {"codec=auto ram_budget=65536 block_size=262144 address=none key=none",
            "codec=auto ram_budget=16384 block_size=1024 address=none key=none",
            "codec=auto ram_budget=16384 block_size=262144 address=0x08000000 key=none",
            "codec=lzma ram_budget=16384 block_size=262144 address=none key=none"};
        for (int i = 0; i < others.length; i++) {
            Path s2 = shard("o" + i, "2/2", FOUR, others[i]);
            assertEquals("2 " + s2 + " is for another release than " + s1 + ": build (" + theirs[i] + ", not " + ours
                    + "): build every shard with the same --new, --key and build options", mergeError(s1, s2));
        }
    }

    @Test
    void shardsOfAnotherOldListAreNotMerged() {
        // v1 and v3 from the first list, v2 from the second: v4, in the second list only, was no shard's.
        Path s1 = shard("s1", "1/2", List.of(1, 2, 3));
        Path s2 = shard("s2", "2/2", List.of(1, 2, 4));
        assertEquals("2 " + s2 + " is a shard of another --old list than " + s1 + ": build every shard with the "
                + "same --old list", mergeError(s1, s2));
    }

    @Test
    void aShardManifestMissingAnEntryIsNotMerged() throws Exception {
        Path s1 = shard("s1", "1/2", FOUR);
        Path s2 = shard("s2", "2/2", FOUR);
        JsonObject m = JsonParser.parseString(Files.readString(s2)).getAsJsonObject();
        m.getAsJsonArray("patches").remove(1);
        Files.writeString(s2, m.toString());
        assertEquals("2 --merge holds 3 of the 4 old versions its shards were built for (the --old list of " + s1
                + "): a shard manifest lacks a patch; build the shards again", mergeError(s1, s2));
        // A whole build is held to its own --old list in the same way.
        Path whole = shard("whole", "1/1", FOUR);
        m = JsonParser.parseString(Files.readString(whole)).getAsJsonObject();
        m.getAsJsonArray("patches").remove(0);
        Files.writeString(whole, m.toString());
        assertEquals("2 --merge holds 3 of the 4 old versions its shards were built for (the --old list of " + whole
                + "): a shard manifest lacks a patch; build the shards again", mergeError(whole));
    }

    @Test
    void shardValuesOutsideWhatAManifestHoldsAreRefused() {
        for (String s : new String[] {"+1/2", "01/2", "1/1000000000", "2/2147483647", " 1/2", "1/2 ", "1/2/3",
            "0/3", "4/3", "1/0", "-1/2", "", "१/२"}) {
            assertEquals(ExitCodes.USAGE, cli.run("matrix", "--new", newBin.toString(), "--old",
                    olds.get(0).toString(), "--out", dir.resolve("x").toString(), "--shard", s), s);
            assertEquals("--shard must be i/n, two whole numbers written without sign or leading zero, with "
                    + "1 <= i <= n <= 999999999, got '" + s + "'", errorLine(), s);
            assertFalse(Files.exists(dir.resolve("x")), s);
        }
    }

    /** A manifest records at most as many old versions as a release holds patches: more is refused at once. */
    @Test
    void moreOldsThanAReleaseHoldsAreRefused() {
        List<String> args = new ArrayList<>(List.of("matrix", "--new", newBin.toString(), "--out",
                dir.resolve("x").toString()));
        for (int i = 0; i <= ReleaseManifest.MAX_PATCHES; i++) {
            args.add("--old");
            args.add(dir.resolve("missing" + i + ".bin").toString());
        }
        assertEquals(ExitCodes.USAGE, cli.run(args.toArray(String[]::new)));
        assertEquals("matrix takes at most 10000 --old (as many patches as a release holds), got 10001", errorLine());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    /** The same release split two ways, or built whole, merges to the same bytes. */
    @Test
    void mergedOutputIsTheSameWhateverTheSplit() throws Exception {
        List<Path> two = List.of(shard("a1", "1/2", FOUR), shard("a2", "2/2", FOUR));
        List<Path> three = List.of(shard("b3", "3/3", FOUR), shard("b1", "1/3", FOUR), shard("b2", "2/3", FOUR));
        Path whole = shard("w", "1/1", FOUR);
        assertEquals(0, cli.run("matrix", "--merge", two.get(0).toString(), two.get(1).toString(), "--out",
                dir.resolve("m2").toString()), cli.err());
        assertEquals(0, cli.run("matrix", "--merge", three.get(0).toString(), three.get(1).toString(),
                three.get(2).toString(), "--out", dir.resolve("m3").toString()), cli.err());
        assertEquals(0, cli.run("matrix", "--merge", whole.toString(), "--out", dir.resolve("m1").toString()),
                cli.err());
        Map<String, String> m2 = sha256s(dir.resolve("m2"));
        assertEquals(5, m2.size(), m2.toString());
        assertEquals(m2, sha256s(dir.resolve("m3")));
        assertEquals(m2, sha256s(dir.resolve("m1")));
    }

    private static Map<String, String> sha256s(Path out) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (var entries = Files.list(out)) {
            for (Path p : entries.toList()) {
                sums.put(p.getFileName().toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(p))));
            }
        }
        return sums;
    }
}
