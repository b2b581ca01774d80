// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;

/** A trial to be encoded in full, the map of its diff, and its fast-mode size. */
record Finalist(Trial trial, RelocationMap map, long fastSize) {
}
