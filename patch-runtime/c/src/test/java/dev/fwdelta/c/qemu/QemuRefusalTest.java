// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.PatchHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C agent on the QEMU device refuses a patch from its header, before its first erase: the flash
 * file is byte for byte what it was, the device still runs v1 and answers. One QEMU for all cases.
 * The firmware trusts one Ed25519 key (QemuFirmware.KEY), so the policy cases are signed with it;
 * ErrorCodes and `fwdelta send` exit codes are those of the Java agent.
 */
class QemuRefusalTest {
    @TempDir
    Path dir;

    @Test
    void refusedBeforeTheFirstErase() throws Exception {
        Path flash = QemuFirmware.flashWith(dir.resolve("flash.bin"), QemuFirmware.appBytes(1));
        Path unsigned = QemuPatches.unsigned(dir, 1, 2, 2);
        Path otherKey = dir.resolve("other.pem");
        Cli.Result k = Cli.run("keygen", "-o", otherKey.toString());
        assertEquals(0, k.exit(), "fwdelta keygen: " + k.err());
        Path untrusted = QemuPatches.signedWith(dir, unsigned, otherKey);
        Path tampered = tamperedSignature(QemuPatches.signed(dir, 1, 2, 2));
        Path olderVersion = QemuPatches.signed(dir, 1, 2, 1);
        Path otherBoard = dir.resolve("other-board.fwd");
        Cli.Result made = Cli.run("diff", QemuFirmware.app(1).toString(), QemuFirmware.app(2).toString(), "-o",
                otherBoard.toString(), "--firmware-version", "2", "--hardware-id", "0x12345678");
        assertEquals(0, made.exit(), made.err());
        otherBoard = QemuPatches.signedWith(dir, otherBoard, QemuFirmware.KEY);
        Path wrongBase = QemuPatches.signed(dir, 2, 1, 3); // made against v2; the device has v1
        // A patch asks for no larger a window than its blocks can use, and v1 -> v2 is a short
        // diff: a new image of 64 KiB of noise needs the whole 64 KiB budget's dictionary.
        byte[] noise = new byte[64 * 1024];
        new Random(7).nextBytes(noise);
        Path noiseImage = Files.write(dir.resolve("noise.bin"), noise);
        Path bigDecoder = dir.resolve("big-decoder.fwd");
        Cli.Result big = Cli.run("diff", QemuFirmware.app(1).toString(), noiseImage.toString(), "-o",
                bigDecoder.toString(), "--firmware-version", "2", "--hardware-id", QemuFirmware.HARDWARE_ID,
                "--ram-budget", "65536", "--codec", "lzma");
        assertEquals(0, big.exit(), big.err());
        bigDecoder = QemuPatches.signedWith(dir, bigDecoder, QemuFirmware.KEY);
        long decoderRam = PatchHeader.parse(Files.readAllBytes(bigDecoder)).decoderRam();
        assertTrue(decoderRam > 16384, "the RAM case needs decoder_ram above the device's 16 KiB: " + decoderRam);
        // Linked for an STM32's flash at 0x08020000, not this board's active slot at 0x20000.
        Path otherSlot = QemuPatches.signed(dir, 1, 2, 2, "--address", "0x08020000");
        assertEquals(0x0802_0000L, PatchHeader.parse(Files.readAllBytes(otherSlot)).loadAddress());
        byte[] before = Files.readAllBytes(flash);
        try (QemuDevice device = QemuDevice.start(flash, dir.resolve("qemu.log"))) {
            assertEquals(1, device.awaitRunningVersion(30), device.log());
            refused(device, unsigned, 6, "UNSIGNED_PATCH");
            refused(device, untrusted, 6, "UNKNOWN_KEY");
            refused(device, tampered, 6, "SIGNATURE_INVALID");
            refused(device, olderVersion, 6, "ROLLBACK");
            refused(device, otherBoard, 6, "WRONG_HARDWARE");
            refused(device, wrongBase, 4, "WRONG_BASE_IMAGE");
            refused(device, bigDecoder, 3, "RAM_BUDGET_EXCEEDED");
            refused(device, otherSlot, 6, "WRONG_LOAD_ADDRESS");
            assertArrayEquals(before, Files.readAllBytes(flash), "no refusal wrote the flash");
            assertEquals(1, QemuInfo.installedVersion(device.pty()), "the device still runs v1: " + device.log());
            // one mark of the application after each of the eight refusals, under the same bound
            QemuFirmware.assertStackMarks(device.log(), 8, 1);
        }
        assertArrayEquals(before, Files.readAllBytes(flash), "flash unchanged");
    }

    /** The signed patch with one bit of its signature changed (FORMAT.md 1.1 and 1.2 layouts). */
    private Path tamperedSignature(Path signed) throws Exception {
        byte[] b = Files.readAllBytes(signed);
        PatchHeader h = PatchHeader.parse(b);
        int signatureAt = h.signedLength() + (h.compact() ? 9 : 12);
        b[signatureAt + 17] ^= 0x20;
        return Files.write(dir.resolve("tampered.fwd"), b);
    }

    private void refused(QemuDevice device, Path patch, int exit, String code) throws Exception {
        Cli.Result r = Cli.run("send", patch.toString(), "--port", device.pty());
        assertEquals(exit, r.exit(), patch.getFileName() + ": " + r.err() + r.out());
        assertTrue(r.err().contains(code), patch.getFileName() + " refused with " + code + ": " + r.err());
    }
}
