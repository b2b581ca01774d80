// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

/** A codec setting with one record kind, to be tried. */
record Pairing(BlockCompressor codec, boolean sparse) {
}
