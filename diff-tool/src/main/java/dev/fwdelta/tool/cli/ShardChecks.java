// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What matrix --merge checks of its manifests as a set, once each is read: every shard of one
 * count there, one --old list, and every version of it held. A merge that passes publishes the
 * whole release or nothing.
 */
final class ShardChecks {
    private ShardChecks() {
    }

    /**
     * Refuses a merge of shards "i/n" that leaves out one of the n, or has one twice: the merged
     * manifest would lack the old versions of the shards not given. A whole build ("1/1") is
     * complete alone; when a manifest records no "i/n" (an earlier merge), nothing is checked.
     */
    static void refuseMissingShards(Map<Path, String> shards) {
        Map<Integer, Path> given = new LinkedHashMap<>();
        int count = 0;
        Path first = null;
        for (Map.Entry<Path, String> e : shards.entrySet()) {
            Shard s = Shard.parse(e.getValue());
            if (s == null) {
                return;
            }
            if (s.count() == 1) {
                continue;
            }
            if (first == null) {
                count = s.count();
                first = e.getKey();
            } else if (s.count() != count) {
                throw new IllegalArgumentException(e.getKey() + " is shard " + e.getValue() + " but " + first
                        + " is a shard of " + count + ": merge the shards of one --shard count");
            }
            Path twice = given.put(s.index(), e.getKey());
            if (twice != null) {
                throw new IllegalArgumentException(e.getKey() + " and " + twice + " are both shard " + e.getValue());
            }
        }
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            if (!given.containsKey(i)) {
                missing.add(i + "/" + count);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("--merge is missing shard" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + ": give the manifest of every shard of " + count);
        }
    }

    /**
     * Refuses a shard "i/n" (n > 1) given another --old list than the shards before it: each took
     * its places in its own list, so versions of either list could be in no shard.
     */
    static void refuseOtherOldList(Path m, ReleaseManifest manifest, Map<Path, ReleaseManifest> earlier) {
        if (!isPartOfMany(manifest)) {
            return;
        }
        for (Map.Entry<Path, ReleaseManifest> e : earlier.entrySet()) {
            if (isPartOfMany(e.getValue())) {
                if (!e.getValue().olds().equals(manifest.olds())) {
                    throw new IllegalArgumentException(m + " is a shard of another --old list than " + e.getKey()
                            + ": build every shard with the same --old list");
                }
                return;
            }
        }
    }

    /**
     * Refuses a merge that lacks a patch for an old version its shards were given: the shards
     * "i/n" (n > 1) together, and each whole build or earlier merge alone, must hold exactly the
     * versions of their --old list. Only a manifest edited or damaged after its build lacks one
     * once the shards and their lists are checked, and it would publish a partial release.
     */
    static void refuseMissingOlds(Map<Path, ReleaseManifest> manifests) {
        List<String> shardOlds = new ArrayList<>();
        Path firstShard = null;
        for (Map.Entry<Path, ReleaseManifest> e : manifests.entrySet()) {
            List<String> held = e.getValue().patches().stream().map(ReleaseManifest.Entry::fromSha256).toList();
            if (!isPartOfMany(e.getValue())) {
                requireAll(e.getKey(), e.getValue().olds(), held);
            } else {
                firstShard = firstShard == null ? e.getKey() : firstShard;
                shardOlds.addAll(held);
            }
        }
        if (firstShard != null) {
            requireAll(firstShard, manifests.get(firstShard).olds(), shardOlds);
        }
    }

    private static void requireAll(Path listOf, ReleaseManifest.Olds olds, List<String> held) {
        if (held.size() != olds.count()) {
            throw new IllegalArgumentException("--merge holds " + held.size() + " of the " + olds.count() + " old "
                    + "versions its shards were built for (the --old list of " + listOf + "): a shard manifest lacks "
                    + "a patch; build the shards again");
        }
        if (!ReleaseManifest.Olds.of(held).equals(olds)) {
            throw new IllegalArgumentException("--merge holds old versions its shards were not built for (the --old "
                    + "list of " + listOf + "): a shard manifest was edited; build the shards again");
        }
    }

    /** A shard "i/n" with n > 1: a part of a build, not a whole one or a merge. */
    private static boolean isPartOfMany(ReleaseManifest manifest) {
        Shard s = Shard.parse(manifest.shard());
        return s != null && s.count() > 1;
    }
}
