// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import com.fazecast.jSerialComm.SerialPort;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.sim.An3155Simulator;
import dev.fwdelta.tool.transport.PtyPair;
import dev.fwdelta.tool.transport.SerialLink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An AN3155 simulator on the device end of a socat pty pair, running on its own thread. */
final class SimulatedChip implements AutoCloseable {
    final PtyPair pty;
    final NorFlash flash;
    final An3155Simulator simulator;
    private final SerialLink link;
    private final Thread thread;

    SimulatedChip(Path dir, Stm32Part part, byte[] image) throws Exception {
        this(dir, part, NorFlash.erased(An3155Simulator.geometry(part)), image);
    }

    /** A chip over {@code flash}, e.g. the flash a killed simulator left behind. */
    SimulatedChip(Path dir, Stm32Part part, NorFlash flash, byte[] image) throws Exception {
        this(dir, part, flash, image, true);
    }

    /** A chip holding {@code image} whose Get list leaves out Extended Erase 0x44 unless {@code listsExtendedErase}. */
    SimulatedChip(Path dir, Stm32Part part, byte[] image, boolean listsExtendedErase) throws Exception {
        this(dir, part, NorFlash.erased(An3155Simulator.geometry(part)), image, listsExtendedErase);
    }

    private SimulatedChip(Path dir, Stm32Part part, NorFlash flash, byte[] image, boolean listsExtendedErase)
            throws Exception {
        pty = new PtyPair(dir);
        this.flash = flash;
        if (image != null) {
            byte[] padded = Arrays.copyOf(image, (image.length + 7) & ~7);
            Arrays.fill(padded, image.length, padded.length, (byte) 0xFF);
            flash.provision(0, padded);
        }
        link = SerialLink.open(pty.device.toString(), 115200, SerialPort.NO_PARITY);
        simulator = new An3155Simulator(link, part, flash, listsExtendedErase);
        thread = new Thread(simulator, "an3155-simulator");
        thread.start();
    }

    /** The arguments of {@code stm32 flash --verify} to this chip, kept copies in {@code copies}, then {@code options}. */
    String[] verifiedFlashArgs(Path copies, String... options) {
        List<String> args = new ArrayList<>(List.of("stm32", "flash", "--port", pty.host.toString(), "--parity",
                "none", "--verify", "--recovery-dir", copies.toString()));
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    byte[] content(int length) {
        return Arrays.copyOf(flash.snapshot(), length);
    }

    @Override
    public void close() throws Exception {
        simulator.stop();
        thread.join(2000);
        link.close();
        pty.close();
    }
}
