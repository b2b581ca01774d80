// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.PatchHeader;

/** What a successful, fully verified apply produced. */
public record ApplyResult(PatchHeader header, long blocks) {
    public long newSize() {
        return header.newSize();
    }
}
