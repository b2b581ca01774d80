// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocatedOldImage;
import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.diff.DeltaRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The relocated views worth diffing again: maps from the plain diff's alignment and from the
 * changed references (Thumb BL calls, AArch64 branches and ADRP pairs, Xtensa calls, absolute
 * pointers when a link address is found), each screened by how many bytes of the plain diff's
 * runs its view gets right (on a sample of them for a large image). Diffing again is the costly
 * part, so only the best view of each source competes.
 */
final class ViewScreen {
    private ViewScreen() {}

    /** The old image as a map predicts it, and how many more diff bytes it gets right. */
    record View(RelocationMap map, byte[] bytes, long gain) {
    }

    /** The views worth diffing again: of each map source the best, then the best {@code count}. */
    static List<View> screened(byte[] oldImage, byte[] newImage, List<DeltaRecord> records, BuildOptions options,
                               int count) {
        return screened(oldImage, newImage, records, options, count,
                RelocationPlanner.entriesWithin(options.ramBudget(), options.codec()));
    }

    /**
     * New images from this size are screened on a sample ({@link ViewGain#sampled}: one 16 KiB
     * window in eight), smaller ones on every byte, where a sample would be a window or two and
     * the whole screen costs little. The screen lies on the search's longest chain of steps (the
     * views' diffs wait for it); what the sample saves and what it did to the corpus patches:
     * docs/bench, "The views' screen on a sample".
     */
    static final int SAMPLED_SCREEN_FROM = 256 * 1024;

    /** The views worth diffing again, of maps with at most {@code entries} shift entries. */
    static List<View> screened(byte[] oldImage, byte[] newImage, List<DeltaRecord> records, BuildOptions options,
                               int count, int entries) {
        return screened(oldImage, newImage, records, options, count, entries,
                newImage.length >= SAMPLED_SCREEN_FROM);
    }

    /** As above, the gains measured on a sample or on every byte. */
    static List<View> screened(byte[] oldImage, byte[] newImage, List<DeltaRecord> records, BuildOptions options,
                               int count, int entries, boolean sampled) {
        // The sources are read side by side (reading the references is a pass over the diff of
        // its own), then every map is screened side by side: one task per map keeps both cores
        // busy when one source has more maps than another. A view is an image-sized array: the
        // podium keeps only those that can still win.
        DiffRuns runs = DiffRuns.of(records);
        List<List<RelocationMap>> sources = relocationCandidates(oldImage, newImage, runs, options, entries)
                .parallelStream().map(Supplier::get).toList();
        List<int[]> all = new ArrayList<>(); // {source, place in its list}
        for (int s = 0; s < sources.size(); s++) {
            for (int i = 0; i < sources.get(s).size(); i++) {
                all.add(new int[] {s, i});
            }
        }
        // Screened on a sample, only the winners' views are made, in parts side by side.
        ViewPodium podium = new ViewPodium(count);
        all.parallelStream().forEach(at -> {
            RelocationMap map = sources.get(at[0]).get(at[1]);
            byte[] view = sampled ? null : RelocatedOldImage.of(oldImage, map);
            long gain = sampled ? ViewGain.sampled(oldImage, map, newImage, runs)
                    : ViewGain.of(oldImage, view, newImage, runs);
            podium.offer(new ViewPodium.Entry(at[0], at[1], new View(map, view, gain)));
        });
        return podium.views().stream()
                .map(v -> v.bytes() != null ? v : new View(v.map(), inParts(oldImage, v.map()), v.gain())).toList();
    }

    /** The maps to screen, one list per source, the sources read side by side. */
    static List<List<RelocationMap>> sources(byte[] oldImage, byte[] newImage, DiffRuns runs, BuildOptions options) {
        int entries = RelocationPlanner.entriesWithin(options.ramBudget(), options.codec());
        return relocationCandidates(oldImage, newImage, runs, options, entries).parallelStream().map(Supplier::get)
                .toList();
    }

    /** Parts a large view is made in, side by side: more than cores, so that none waits on a slow one. */
    private static final int VIEW_PARTS = 8;

    /** The whole view, made in parts (each part of a view depends only on the old image: FORMAT.md 2.3). */
    private static byte[] inParts(byte[] oldImage, RelocationMap map) {
        byte[] view = new byte[oldImage.length];
        IntStream.range(0, VIEW_PARTS).parallel().forEach(p -> {
            int from = (int) ((long) oldImage.length * p / VIEW_PARTS);
            int to = (int) ((long) oldImage.length * (p + 1) / VIEW_PARTS);
            RelocatedOldImage.viewOf(oldImage, map, from, to - from, view, from);
        });
        return view;
    }

    /**
     * Maps worth a try, one list per source (the plain diff's alignment, the changed references): Thumb BL
     * calls, AArch64 branches and ADRP pairs, Xtensa calls; with a link address also absolute
     * pointers, alone and with the calls of each architecture; at most {@code entries} shift
     * entries each. A source is read when its supplier is called.
     */
    private static List<Supplier<List<RelocationMap>>> relocationCandidates(byte[] oldImage, byte[] newImage,
                                                                            DiffRuns runs, BuildOptions options,
                                                                            int entries) {
        RelocationMap shifts = entries < 1 ? null : RelocationPlanner.plan(runs, oldImage.length, entries);
        if (shifts == null) {
            return List.of();
        }
        List<Supplier<List<RelocationMap>>> out = new ArrayList<>();
        OptionalLong base = linkBase(oldImage, newImage, runs, shifts, options);
        List<Architecture> archs = architectures(options.target().elfMachine(), oldImage);
        List<RelocationMap> fromAlignment = new ArrayList<>();
        for (Architecture arch : archs) {
            fromAlignment.addAll(arch.variants(shifts, base));
        }
        out.add(() -> fromAlignment);
        for (Architecture arch : archs) {
            out.add(() -> ReferenceEvidence.maps(arch, oldImage, newImage, runs, base.orElse(-1), entries).stream()
                    .flatMap(map -> arch.variants(map, base).stream()).toList());
        }
        return out;
    }

    /**
     * The address the old image is linked at: the one its file gives (HEX, ELF, --address), or
     * the one the header of a raw image that is an ELF file gives (a shared library), or else the
     * one the diff's changed words agree on. Reading it from the header spares a pass over every
     * diff byte (on libpython the pass finds the same base, 0).
     */
    private static OptionalLong linkBase(byte[] oldImage, byte[] newImage, DiffRuns runs, RelocationMap shifts,
                                         BuildOptions options) {
        long known = options.target().oldAddress();
        if (known != PatchHeader.NO_LOAD_ADDRESS) {
            return OptionalLong.of(known);
        }
        OptionalLong declared = RawElfHeader.linkBase(oldImage);
        return declared.isPresent() ? declared : LinkAddressFinder.find(oldImage, newImage, runs, shifts);
    }

    /**
     * The architectures whose views are screened: the ELF input's machine alone (none if fwdelta
     * has no transform for it), else the machine of a raw image that is itself an ELF file, else all.
     */
    static List<Architecture> architectures(int elfMachine, byte[] oldImage) {
        if (elfMachine != ImageTarget.NO_MACHINE) {
            Architecture a = Architecture.ofElfMachine(elfMachine);
            return a == null ? List.of() : List.of(a);
        }
        Architecture elf = elfArchitecture(oldImage);
        return elf == null ? Architecture.ALL : List.of(elf);
    }

    /**
     * The code an ELF image holds, from its header (little-endian e_machine at offset 18: 40 ARM,
     * 183 AArch64, 94 Xtensa), or null for anything else, a raw firmware image included: then
     * every architecture's views are tried. An ELF file says what it is; no need to screen views of
     * the other instruction set.
     */
    static Architecture elfArchitecture(byte[] image) {
        OptionalInt machine = RawElfHeader.machine(image);
        return machine.isPresent() ? Architecture.ofElfMachine(machine.getAsInt()) : null;
    }
}
