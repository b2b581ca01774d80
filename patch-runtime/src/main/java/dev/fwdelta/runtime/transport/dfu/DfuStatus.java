// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport.dfu;

/** DFU 1.1 status codes (bStatus). */
public enum DfuStatus {
    OK, ERR_TARGET, ERR_FILE, ERR_WRITE, ERR_ERASE, ERR_CHECK_ERASED, ERR_PROG, ERR_VERIFY, ERR_ADDRESS,
    ERR_NOTDONE, ERR_FIRMWARE, ERR_VENDOR, ERR_USBR, ERR_POR, ERR_UNKNOWN, ERR_STALLEDPKT;

    public int code() {
        return ordinal();
    }

    public static DfuStatus of(int code) {
        return code >= 0 && code < values().length ? values()[code] : ERR_UNKNOWN;
    }
}
