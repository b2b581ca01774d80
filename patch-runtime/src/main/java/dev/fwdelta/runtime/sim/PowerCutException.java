// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.sim;

/**
 * Power failed: thrown by the fault injector instead of the operation (or after tearing it).
 * Unchecked on purpose: nothing on the device may catch and survive it; only the simulator,
 * which then "reboots" the device.
 */
public final class PowerCutException extends RuntimeException {
    private final long operation;

    public PowerCutException(long operation) {
        super("power cut before flash operation " + operation);
        this.operation = operation;
    }

    public long operation() {
        return operation;
    }
}
