// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameDecoder;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.tool.transport.SerialLink;
import java.util.concurrent.atomic.AtomicReference;

/** Asks the device over its UART who it is: HELLO, and the INFO frame it answers (docs/PROTOCOL.md). */
final class QemuInfo {
    private QemuInfo() {}

    /** The installed firmware version INFO reports, or -1 if no INFO came. */
    static long installedVersion(String pty) throws Exception {
        AtomicReference<Frame> info = new AtomicReference<>();
        FrameDecoder decoder = new FrameDecoder(f -> {
            if (f.type() == FrameType.INFO) {
                info.set(f);
            }
        });
        try (SerialLink link = SerialLink.open(pty, 115200)) {
            byte[] hello = new Frame(FrameType.HELLO, 0, new byte[] {1}).encode();
            byte[] buf = new byte[256];
            // Up to 30 HELLOs a second apart: a device just out of a trial boot on a loaded machine may
            // take several seconds (its flash is a host file through semihosting) before it reads its UART.
            for (int attempt = 0; attempt < 30 && info.get() == null; attempt++) {
                link.write(hello, 0, hello.length);
                for (int waited = 0; waited < 10 && info.get() == null; waited++) {
                    int n = link.read(buf, 0, buf.length, 100);
                    decoder.push(buf, 0, n);
                }
            }
        }
        return info.get() == null ? -1 : LittleEndian.u64(info.get().payload(), 7);
    }
}
