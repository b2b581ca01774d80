// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

/** The decoded bytes of one payload block and the applier state at its start. */
public record RawBlock(byte[] records, long newOffset, long oldOffset, long outLength) {
}
