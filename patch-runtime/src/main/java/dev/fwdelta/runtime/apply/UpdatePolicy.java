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
 * @param hardwareId       this board's id, 0..0xffffffff (hardware_id is 32 bits); or -1 to accept any
 * @param slotAddress      the address the new image will run from: a patch that records another
 *                         load_address is refused [WRONG_LOAD_ADDRESS] as soon as its header is in,
 *                         whatever chunks it arrives in; {@link #ANY_SLOT} to accept any
 */
public record UpdatePolicy(long ramBudget, TrustStore trust, long installedVersion, boolean allowDowngrade,
                           long hardwareId, long slotAddress) {

    /** slotAddress of a policy that does not check the patch's load address. */
    public static final long ANY_SLOT = -1;

    /** installedVersion and hardwareId of a policy that does not check them. */
    public static final long NO_CHECK = -1;

    public UpdatePolicy {
        // Only -1 means "no check": the checks skip on a negative value, so another one (2^63 and up
        // taken as unsigned) would switch the anti-rollback or board check off without saying so.
        if (installedVersion < NO_CHECK) {
            throw new IllegalArgumentException("installed version " + Long.toUnsignedString(installedVersion)
                    + " is not -1 (no check) or 0.." + Long.MAX_VALUE);
        }
        if (hardwareId < NO_CHECK || hardwareId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("hardware id " + hardwareId + " is not -1 (any) or 0..0xffffffff");
        }
        if (slotAddress < ANY_SLOT || slotAddress > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("slot address " + slotAddress + " is not -1 (any) or 0..0xffffffff");
        }
    }

    /** A policy that accepts a patch for any slot. */
    public UpdatePolicy(long ramBudget, TrustStore trust, long installedVersion, boolean allowDowngrade,
                        long hardwareId) {
        this(ramBudget, trust, installedVersion, allowDowngrade, hardwareId, ANY_SLOT);
    }

    /** No signature, version, board or slot checks: RAM budget only. */
    public static UpdatePolicy ramOnly(long ramBudget) {
        return new UpdatePolicy(ramBudget, null, -1, false, -1);
    }

    /** This policy, refusing a patch whose load address is not {@code address}. */
    public UpdatePolicy atSlot(long address) {
        return new UpdatePolicy(ramBudget, trust, installedVersion, allowDowngrade, hardwareId, address);
    }
}
