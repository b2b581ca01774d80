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
import dev.fwdelta.runtime.sim.PowerCutException;
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
 * An ECC transcript ({@link UartLine#ECC_TEARS}) runs on the stm32l4-512k preset instead (ECC units
 * of 8 bytes, as tests/preset_layouts.h gives it to the C tool), its agent and its bootloader on an
 * {@link ArmedTearFlash}: a reset event arms a torn write (a program or an erase in a region the
 * seed picks), and the device resets when it lands, the rest of that chunk lost (a tear in a region
 * the bootloader writes is armed for a reset at once: {@link #arm}); after the line bytes one is
 * armed for the boots that follow, in place of one still armed. After every boot the active slot is
 * checked against the image the bootloader names (the line "unsafe boot" when it is not that
 * image whole), as the C tool does.
 */
final class JavaUartDevice {
    /** tests/ram_flash.h's layout. */
    static final DeviceLayout LAYOUT = layout();
    /** The ECC transcripts' layout (tests/preset_layouts.h's stm32l4-512k). */
    static final DeviceLayout ECC_LAYOUT = DeviceLayout.preset("stm32l4-512k");
    /** The applier's work buffer and RAM budget the C tool gives its agent. */
    private static final long RAM_BUDGET = 65536;

    private final List<String> out = new ArrayList<>();
    private final byte[] oldImage;
    private final byte[] newImage;
    private final long hardwareId;
    private final DeviceLayout layout;
    private final NorFlash flash;
    /** What the agent and the bootloader write through: the flash, with a torn write armed by a reset event. */
    private final ArmedTearFlash agentFlash;
    private UartDevice device;
    private UpdateAgent agent;
    /** The running image's checksums, measured at the last start of the application. */
    private ImageChecksums running;

    private JavaUartDevice(Path vectors, String vector, boolean ecc) throws IOException {
        oldImage = Files.readAllBytes(vectors.resolve(vector + ".old"));
        newImage = Files.readAllBytes(vectors.resolve(vector + ".new"));
        byte[] patch = Files.readAllBytes(vectors.resolve(vector + ".fwd"));
        try {
            hardwareId = PatchHeader.parse(patch).hardwareId();
        } catch (PatchException e) {
            throw new IOException(vector + " is not a patch", e);
        }
        layout = ecc ? ECC_LAYOUT : LAYOUT;
        flash = DeviceSimulator.provision(layout, oldImage);
        agentFlash = new ArmedTearFlash(flash);
    }

    /** What the Java device does with transcript {@code t}, in the C tool's lines (without "transcript"). */
    static List<String> run(Path vectors, byte[] transcript) throws IOException {
        byte[] t = Arrays.copyOf(transcript, Math.min(transcript.length, UartLine.INPUT_MAX));
        if (t.length < UartLine.HEAD) {
            return List.of("short");
        }
        JavaUartDevice d = new JavaUartDevice(vectors, UartLine.VECTORS[(t[0] & 0xFF) % UartLine.VECTORS.length],
                (t[1] & UartLine.ECC_TEARS) != 0);
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
            if (agentFlash.armed()) {
                receiveArmed(line, at, n, flags);
            } else {
                device.receive(line, at, n);
            }
            at += n;
            seed = UartLine.nextSeed(seed);
            if ((flags & UartLine.IDLES) != 0 && UartLine.idles(seed)) {
                out.add("idle");
                device.idle();
            }
            if ((flags & UartLine.RESETS) != 0 && UartLine.resets(seed) && (flags & UartLine.ECC_TEARS) != 0) {
                if (!agentFlash.armed()) {
                    arm(seed, flags, true);
                }
            } else if ((flags & UartLine.RESETS) != 0 && UartLine.resets(seed)) {
                startApplication(boot("reset", flags) == BootResult.Image.NEW);
            }
        }
        if ((flags & UartLine.ECC_TEARS) != 0) {
            arm(seed, flags, false); // for the boots after the line bytes, which install what was staged
        }
        out.add("idle");
        device.idle();
        out.add("agent " + agent.state().ordinal() + " " + agent.resumeOffset());
        region("staging", layout.staging());
        region("agent_log", layout.agentLog());
        region("boot_log", layout.bootLog());
        region("active", layout.active());
        boot("boot", flags);
        boot("boot", flags);
        region("active", layout.active());
    }

    /**
     * An ECC transcript's reset event: a tear armed where the seed says (fwdelta_c_uart.c's
     * arm_tear). In a region the bootloader writes and the agent does not program (active slot,
     * scratch, boot log), the device resets there ({@code resetAtOnce}), the tear armed for that
     * boot, then dropped.
     */
    private void arm(long seed, int flags, boolean resetAtOnce) {
        String name = UartLine.TEAR_REGIONS[UartLine.tearRegion(seed)];
        boolean erase = UartLine.tearErase(seed);
        out.add("tear armed " + name + " " + (erase ? "erase" : "program") + " " + UartLine.tearSkip(seed));
        agentFlash.arm(region(name), erase, UartLine.tearSkip(seed));
        if (resetAtOnce && UartLine.tearsAtBoot(UartLine.tearRegion(seed))) {
            BootResult.Image image = boot("reset", flags);
            agentFlash.disarm();
            startApplication(image == BootResult.Image.NEW);
        }
    }

    private Region region(String name) {
        return switch (name) {
            case "staging" -> layout.staging();
            case "agent_log" -> layout.agentLog();
            case "boot_log" -> layout.bootLog();
            case "active" -> layout.active();
            case "scratch" -> layout.scratch();
            default -> throw new IllegalArgumentException("no region " + name);
        };
    }

    /**
     * A chunk while a torn write is armed, a byte at a time (as the C tool gives it):
     * when the power fails the device resets at once and the bytes after that one are lost.
     */
    private void receiveArmed(byte[] line, int at, int n, int flags) throws IOException {
        for (int i = 0; i < n; i++) {
            try {
                device.receive(line, at + i, 1);
            } catch (PowerCutException cut) {
                out.add("power cut");
                startApplication(boot("reset", flags) == BootResult.Image.NEW);
                return;
            }
        }
    }

    /**
     * The application after a reset: measures the image it runs, then its agent from flash and the
     * session, rebooted ({@link UartDevice#reboot}: what `fwdelta device serve` does at a reset)
     * after the first start.
     */
    private void startApplication(boolean runsNew) {
        running = UpdateAgent.measureRunningImage(layout, flash, runsNew ? newImage.length : oldImage.length);
        if (device != null) {
            device.reboot();
            return;
        }
        UpdatePolicy policy = new UpdatePolicy(RAM_BUDGET, null, 0, false, hardwareId);
        // the session makes its agent again from flash after a failure, as fwd_uart.c calls fwd_agent_init
        Supplier<UpdateAgent> agents = () -> {
            agent = new UpdateAgent(layout, agentFlash, policy, running);
            return agent;
        };
        device = new UartDevice(agents, new DeviceInfo(RAM_BUDGET, 0, hardwareId, layout.name()),
                (b, off, len) -> out.add("tx " + HexFormat.of().formatHex(b, off, off + len)));
    }

    /**
     * The bootloader, and the application's confirm of a trial when the flags ask; when an armed tear
     * lands in them, "power cut" and the same again (the tear is spent).
     */
    private BootResult.Image boot(String word, int flags) {
        while (true) {
            Bootloader bootloader = new Bootloader(layout, agentFlash);
            try {
                BootResult r = bootloader.boot();
                out.add(word + " " + r.image().ordinal() + " " + (r.trial() ? 1 : 0));
                if (!holdsWhole(r.image())) {
                    out.add("unsafe boot");
                }
                if (r.trial() && (flags & UartLine.CONFIRM) != 0) {
                    bootloader.confirm();
                    out.add("confirm 0");
                }
                return r.image();
            } catch (PowerCutException cut) {
                out.add("power cut");
            } catch (IOException e) {
                out.add(word + " error");
                return BootResult.Image.UNKNOWN;
            }
        }
    }

    /** Whether the active slot starts with the whole image the bootloader named (never for UNKNOWN). */
    private boolean holdsWhole(BootResult.Image image) {
        byte[] expected = image == BootResult.Image.OLD ? oldImage : image == BootResult.Image.NEW ? newImage : null;
        if (expected == null) {
            return false;
        }
        byte[] active = new byte[expected.length];
        flash.read(layout.active().offset(), active, 0, active.length);
        return Arrays.equals(active, expected);
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
