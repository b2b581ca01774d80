// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport.dfu;

/** DFU 1.1 device states (bState). */
public enum DfuState {
    APP_IDLE, APP_DETACH, DFU_IDLE, DNLOAD_SYNC, DNBUSY, DNLOAD_IDLE, MANIFEST_SYNC, MANIFEST,
    MANIFEST_WAIT_RESET, UPLOAD_IDLE, ERROR;

    public int code() {
        return ordinal();
    }

    public static DfuState of(int code) {
        return code >= 0 && code < values().length ? values()[code] : null;
    }
}
