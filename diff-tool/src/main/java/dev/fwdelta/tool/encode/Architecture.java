// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import java.util.List;
import java.util.OptionalLong;

/**
 * One instruction set as the builder sees it: how a reference that changed between the old and
 * the new image is read (evidence of where its target went), and which transforms of a map are
 * worth a view. The runtime side of each is a ViewTransform in patch-runtime; a new architecture is
 * one class on each side plus its test vector.
 */
sealed interface Architecture permits ThumbArchitecture, A64Architecture, XtensaArchitecture {
    /** Tried in this order (the order of the views screened, so of the patches built). */
    List<Architecture> ALL = List.of(ThumbArchitecture.INSTANCE, A64Architecture.INSTANCE, XtensaArchitecture.INSTANCE);

    /** Records that old offset {@code a} went to new offset {@code b}; false if either lies outside its image. */
    @FunctionalInterface
    interface Samples {
        boolean add(long a, long b);
    }

    /** ELF e_machine of this code. */
    int elfMachine();

    /** Alignment of the offsets a reference may start at. */
    int step();

    /**
     * Reads the reference (or the pointer, with a link address {@code base} >= 0) at old offset
     * {@code o} and new offset {@code n}, if both hold one, into {@code samples}.
     */
    void read(byte[] old, byte[] neu, int o, int n, long base, Samples samples);

    /** The transforms of {@code map} worth a view: the calls, and with a link address the pointers. */
    List<RelocationMap> variants(RelocationMap map, OptionalLong base);

    /** The architecture of an ELF image's e_machine (40 ARM, 183 AArch64, 94 Xtensa), or null. */
    static Architecture ofElfMachine(int machine) {
        for (Architecture a : ALL) {
            if (a.elfMachine() == machine) {
                return a;
            }
        }
        return null;
    }
}
