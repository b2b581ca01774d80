// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameDecoder;
import dev.fwdelta.runtime.transport.FrameType;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A relay that loses the device's first RESULT frame and nothing else: the host's bytes go
 * through as they are, the device's are decoded frame by frame and written again, but for that
 * one. The line then behaves as one that broke the answer to DONE just before the device reset
 * into its new firmware.
 */
final class ResultLosingRelay extends LineRelay {
    private final FrameDecoder answers = new FrameDecoder(this::fromDevice);
    private final AtomicInteger resultsLost = new AtomicInteger();

    ResultLosingRelay(String hostEnd, String devicePty) throws IOException {
        super(hostEnd, devicePty);
        start();
    }

    /** The RESULT frames the relay did not pass on: 1 once the device answered DONE. */
    int resultsLost() {
        return resultsLost.get();
    }

    @Override
    protected void relay(Way way, byte[] b, int n) throws IOException {
        if (way == Way.UP) {
            device.write(b, 0, n);
        } else {
            answers.push(b, 0, n);
        }
    }

    private void fromDevice(Frame f) throws IOException {
        if (f.type() == FrameType.RESULT && resultsLost.compareAndSet(0, 1)) {
            return;
        }
        byte[] b = f.encode();
        host.write(b, 0, b.length);
    }
}
