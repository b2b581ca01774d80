// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.security.HeaderSignature;

/**
 * The device's own rules on a parsed header, in the order a device should apply them: who signed
 * it, which board it is for, that it is newer, which slot it is linked for, that its decoder fits
 * in RAM.
 */
final class HeaderPolicyCheck {
    private HeaderPolicyCheck() {}

    static void check(byte[] headerBytes, PatchHeader h, UpdatePolicy policy) throws PatchException {
        if (policy.trust() != null) {
            HeaderSignature.verify(headerBytes, h, policy.trust());
        }
        if (policy.hardwareId() >= 0 && h.hardwareId() != policy.hardwareId()) {
            throw new PatchException(ErrorCode.WRONG_HARDWARE, String.format(
                    "hardware_id 0x%08x is not this board's 0x%08x", h.hardwareId(), policy.hardwareId()));
        }
        if (policy.installedVersion() >= 0 && !policy.allowDowngrade()
                && Long.compareUnsigned(h.firmwareVersion(), policy.installedVersion()) <= 0) {
            throw new PatchException(ErrorCode.ROLLBACK, "firmware_version " + Long.toUnsignedString(h.firmwareVersion())
                    + " is not newer than the installed " + policy.installedVersion());
        }
        if (policy.slotAddress() != UpdatePolicy.ANY_SLOT) {
            h.checkLoadAddress(policy.slotAddress());
        }
        if (h.decoderRam() > policy.ramBudget()) {
            throw PatchException.outOfRange(ErrorCode.RAM_BUDGET_EXCEEDED, "decoder_ram", h.decoderRam(), 0,
                    policy.ramBudget());
        }
    }
}
