// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.security.TrustStore;

/**
 * What a device accepts, checked on the header before the first byte is written.
 *
 * @param ramBudget        RAM the device gives the applier (decoder_ram must fit)
 * @param trust            keys a signature must come from; null accepts unsigned patches (development)
 * @param installedVersion firmware_version of the running image; the patch's must be greater, or
 *                         -1 to skip the check
 * @param allowDowngrade   development override of the anti-rollback check
 * @param hardwareId       this board's id, or -1 to accept any
 */
public record UpdatePolicy(long ramBudget, TrustStore trust, long installedVersion, boolean allowDowngrade,
                           long hardwareId) {

    /** No signature, version or board checks: RAM budget only. */
    public static UpdatePolicy ramOnly(long ramBudget) {
        return new UpdatePolicy(ramBudget, null, -1, false, -1);
    }
}
