// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport.dfu;

/** DFU 1.1 class requests (bRequest). */
public final class DfuRequest {
    public static final int DETACH = 0;
    public static final int DNLOAD = 1;
    public static final int UPLOAD = 2;
    public static final int GETSTATUS = 3;
    public static final int CLRSTATUS = 4;
    public static final int GETSTATE = 5;
    public static final int ABORT = 6;

    private DfuRequest() {}
}
