// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.device.BootResult;
import dev.fwdelta.runtime.device.Bootloader;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.Region;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.DeviceInfo;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Java device on a transcript, printing what tools/fwdelta_c_uart.c prints for the C device:
 * {@link UartDevice} with its agent over a {@link NorFlash} of the C tests' layout
 * (tests/ram_flash.h: stm32f405-1m's sectors and regions, named "test", flash_base 0) holding
 * the vector's old image, its session rebooted and its agent made again from flash at each reset.
 */
final class JavaUartDevice {
    /** tests/ram_flash.h's layout. */
    static final DeviceLayout LAYOUT = layout();
    /** The applier's work buffer and RAM budget the C tool gives its agent. */
    private static final long RAM_BUDGET = 65536;

    private final List<String> out = new ArrayList<>();
    private final byte[] oldImage;
    private final byte[] newImage;
    private final long hardwareId;
    private final NorFlash flash;
    private UartDevice device;
    private UpdateAgent agent;
    /** The running image's checksums, measured at the last start of the application. */
    private ImageChecksums running;

    private JavaUartDevice(Path vectors, String vector) throws IOException {
        oldImage = Files.readAllBytes(vectors.resolve(vector + ".old"));
        newImage = Files.readAllBytes(vectors.resolve(vector + ".new"));
        byte[] patch = Files.readAllBytes(vectors.resolve(vector + ".fwd"));
        try {
            hardwareId = PatchHeader.parse(patch).hardwareId();
        } catch (PatchException e) {
            throw new IOException(vector + " is not a patch", e);
        }
        flash = DeviceSimulator.provision(LAYOUT, oldImage);
    }

    /** What the Java device does with transcript {@code t}, in the C tool's lines (without "transcript"). */
    static List<String> run(Path vectors, byte[] t) throws IOException {
        if (t.length < UartLine.HEAD) {
            return List.of("short");
        }
        JavaUartDevice d = new JavaUartDevice(vectors, UartLine.VECTORS[(t[0] & 0xFF) % UartLine.VECTORS.length]);
        try {
            d.feed(t);
        } catch (IOException | RuntimeException e) {
            d.out.add("java exception " + e); // never a C line: a device must not throw on line bytes
        }
        return d.out;
    }

    private void feed(byte[] t) throws IOException {
        int flags = t[1] & 0xFF;
        long seed = t[2] & 0xFF;
        byte[] line = Arrays.copyOfRange(t, UartLine.HEAD, t.length);
        if ((flags & UartLine.FIX_CRCS) != 0) {
            line = UartLine.fixCrcs(line);
        }
        startApplication(false);
        int at = 0;
        while (at < line.length) {
            int n = UartLine.chunk(seed, line.length - at);
            device.receive(line, at, n);
            at += n;
            seed = UartLine.nextSeed(seed);
            if ((flags & UartLine.IDLES) != 0 && UartLine.idles(seed)) {
                out.add("idle");
                device.idle();
            }
            if ((flags & UartLine.RESETS) != 0 && UartLine.resets(seed)) {
                startApplication(boot("reset", flags) == BootResult.Image.NEW);
            }
        }
        out.add("idle");
        device.idle();
        out.add("agent " + agent.state().ordinal() + " " + agent.resumeOffset());
        region("staging", LAYOUT.staging());
        region("agent_log", LAYOUT.agentLog());
        region("boot_log", LAYOUT.bootLog());
        region("active", LAYOUT.active());
        boot("boot", flags);
        boot("boot", flags);
        region("active", LAYOUT.active());
    }

    /**
     * The application after a reset: measures the image it runs, then its agent from flash and the
     * session, rebooted ({@link UartDevice#reboot}: what `fwdelta device serve` does at a reset)
     * after the first start.
     */
    private void startApplication(boolean runsNew) {
        running = UpdateAgent.measureRunningImage(LAYOUT, flash, runsNew ? newImage.length : oldImage.length);
        if (device != null) {
            device.reboot();
            return;
        }
        UpdatePolicy policy = new UpdatePolicy(RAM_BUDGET, null, 0, false, hardwareId);
        // the session makes its agent again from flash after a failure, as fwd_uart.c calls fwd_agent_init
        Supplier<UpdateAgent> agents = () -> {
            agent = new UpdateAgent(LAYOUT, flash, policy, running);
            return agent;
        };
        device = new UartDevice(agents, new DeviceInfo(RAM_BUDGET, 0, hardwareId, LAYOUT.name()),
                (b, off, len) -> out.add("tx " + HexFormat.of().formatHex(b, off, off + len)));
    }

    private BootResult.Image boot(String word, int flags) {
        Bootloader bootloader = new Bootloader(LAYOUT, flash);
        try {
            BootResult r = bootloader.boot();
            out.add(word + " " + r.image().ordinal() + " " + (r.trial() ? 1 : 0));
            if (r.trial() && (flags & UartLine.CONFIRM) != 0) {
                bootloader.confirm();
                out.add("confirm 0");
            }
            return r.image();
        } catch (IOException e) {
            out.add(word + " error");
            return BootResult.Image.UNKNOWN;
        }
    }

    private void region(String name, Region r) {
        byte[] bytes = new byte[(int) r.size()];
        flash.read(r.offset(), bytes, 0, bytes.length);
        try {
            out.add(name + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DeviceLayout layout() {
        String text = String.join("\n", "name = test", "flash_base = 0", "sectors = 4x16K, 1x64K, 7x128K",
                "program_unit = 4", "erased_value = 0xFF", "ecc = false", "costs_us = 0, 0, 0, 0",
                "agent_log = 0x4000 + 16K", "boot_log = 0x8000 + 16K", "active = 0x20000 + 384K",
                "staging = 0x80000 + 384K", "scratch = 0xE0000 + 128K");
        try {
            return DeviceLayout.parse(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
