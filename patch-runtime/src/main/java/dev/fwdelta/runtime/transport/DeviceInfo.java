package dev.fwdelta.runtime.transport;

/** What a device says of itself in INFO. */
public record DeviceInfo(long ramBudget, long installedVersion, long hardwareId, String layout) {
}
