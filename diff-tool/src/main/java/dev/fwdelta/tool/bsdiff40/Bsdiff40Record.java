// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

/**
 * One control triple of a BSDIFF40 patch, checked and placed: add {@code diffLength} bytes of
 * the diff block to the old image's bytes from {@code oldOffset}, then copy {@code extraLength}
 * bytes of the extra block. The triple's seek is already applied to the next record's old offset.
 */
public record Bsdiff40Record(long oldOffset, long diffLength, long extraLength) {
}
