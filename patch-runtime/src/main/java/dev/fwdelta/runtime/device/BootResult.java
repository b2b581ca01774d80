// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

/**
 * What the bootloader started: which image the active slot holds (the one the boot log says it
 * holds, confirmed by the patch header's checksums when an update is known; UNKNOWN if they do not
 * match), and whether it runs on trial (must be confirmed, or the next boot reverts it).
 */
public record BootResult(Image image, boolean trial) {
    public enum Image { OLD, NEW, UNKNOWN }
}
