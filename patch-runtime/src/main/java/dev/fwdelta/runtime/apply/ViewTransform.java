// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import java.io.IOException;

/**
 * One architecture's rule of the relocated view (docs/FORMAT.md 2.3): it finds its references in
 * a chunk's window of old bytes and re-aims those the map moves. {@link RelocatedOldImage} applies
 * them in a fixed order, weakest first. A new architecture is one class
 * here, its transform bit in {@link RelocationMap}, its builder side (evidence and variants in
 * diff-tool) and a test vector.
 */
sealed interface ViewTransform permits XtensaTransform, ThumbTransform, A64Transform, PointerTransform {
    /** The {@link RelocationMap} transform bits it implements (any of them set selects it). */
    int transforms();

    /** Writes the re-aimed references that touch the chunk's old offsets into its view. */
    void reaim(ViewChunk c) throws IOException;
}
