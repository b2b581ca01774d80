// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

/** A range of flash, from its start. */
public record Region(long offset, long size) {
    public long end() {
        return offset + size;
    }

    boolean overlaps(Region o) {
        return offset < o.end() && o.offset < end();
    }
}
