// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import java.io.IOException;
import java.util.Arrays;

/**
 * The Java update agent's answer to a mutant's header, as the C tool's {@code --batch
 * --installed-version} gives it: the header offered to {@link UpdateAgent#begin} on
 * {@link JavaUartDevice#LAYOUT} (tests/ram_flash.h) with the old image in its active slot, under
 * the policy. The anti-rollback, board and fit checks are the agent's on the C side, so this is
 * where the two can be compared.
 */
final class JavaAgentBegin {
    /** SHA-256 of no bytes: what a refused header hands its sink. */
    private static final String NOTHING_WRITTEN = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private JavaAgentBegin() {}

    /** The refusal, or null when the agent accepts the header or the patch is too short to hold one. */
    static MutantOutcome refusal(byte[] old, byte[] patch, UpdatePolicy policy) {
        int size;
        try {
            size = PatchHeader.sizeFromPrefix(patch);
        } catch (PatchException e) {
            return null; // the applier reports the prefix, as the C tool leaves it to its applier
        }
        if (patch.length < size) {
            return null;
        }
        try {
            UpdateAgent agent = new UpdateAgent(JavaUartDevice.LAYOUT,
                    DeviceSimulator.provision(JavaUartDevice.LAYOUT, old), policy);
            agent.begin(Arrays.copyOf(patch, size));
            return null;
        } catch (PatchException e) {
            return new MutantOutcome(e.code().number(), 0, NOTHING_WRITTEN, null);
        } catch (IOException | RuntimeException e) {
            return MutantOutcome.crashed(e.toString());
        }
    }
}
