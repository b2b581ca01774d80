// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

/** What a device says of itself in INFO. */
public record DeviceInfo(long ramBudget, long installedVersion, long hardwareId, String layout) {
}
