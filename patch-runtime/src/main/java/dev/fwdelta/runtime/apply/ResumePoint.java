// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

/**
 * The applier's complete state at a block boundary (docs/FORMAT.md section 2).
 *
 * @param blocksDone  blocks applied and checked
 * @param patchOffset patch bytes consumed (header included): where the rest of the patch starts
 * @param newOffset   new-image bytes produced
 * @param oldOffset   old-image read position
 */
public record ResumePoint(long blocksDone, long patchOffset, long newOffset, long oldOffset) {
}
