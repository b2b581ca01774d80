// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

/**
 * One bsdiff control triple with its data: {@code diff.length} bytes added to the old image,
 * {@code extra} copied as-is, then the old position moves by {@code seek}.
 */
public record DeltaRecord(byte[] diff, byte[] extra, long seek) {
}
