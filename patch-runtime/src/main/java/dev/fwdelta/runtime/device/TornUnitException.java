// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import java.io.IOException;

/**
 * On an ECC part, a staging unit that must be written holds neither the erased value nor the
 * wanted bytes: a program torn by a power cut. The unit takes no second program before its sector
 * is erased, and the sector's start holds finished blocks, so the update cannot resume in place.
 */
final class TornUnitException extends IOException {
    TornUnitException(long offset) {
        super(String.format("staging unit at 0x%x torn by a power cut (ECC flash: one program per erase)", offset));
    }
}
