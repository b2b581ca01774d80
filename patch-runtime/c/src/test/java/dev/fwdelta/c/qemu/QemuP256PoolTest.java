// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ECDSA P-256 on the Cortex-M4 within the application's mbed TLS pool (board.h APP_MBEDTLS_POOL,
 * 6 KiB): the other QEMU tests sign with Ed25519, which takes nothing from the pool. p256_check.c,
 * built with the application's crypto library and started by the bootloader like an application,
 * verifies a P-256 signature with the pool at that size, refuses it with one bit changed, and finds
 * the smallest pool that passes; the pool must keep at least {@value #POOL_HEADROOM} bytes over it.
 */
class QemuP256PoolTest {
    /** The pool over the smallest a verify passes with, on this core (README "Figures" here). */
    static final int POOL_HEADROOM = 1024;
    private static final Pattern SMALLEST = Pattern.compile("p256-check: smallest pool that verifies (\\d+)\n");
    private static final Pattern POOL = Pattern.compile("p256-check: pool bytes (\\d+)\n");

    @TempDir
    Path dir;

    @Test
    void p256VerifiesInTheApplicationsPool() throws Exception {
        Path flash = QemuFirmware.flashWith(dir.resolve("flash.bin"), QemuFirmware.p256CheckBytes());
        String log;
        try (QemuDevice device = QemuDevice.start(flash, dir.resolve("qemu.log"))) {
            assertTrue(device.awaitExit(60), "the check stops QEMU when done: " + device.log());
            log = device.log();
            assertEquals(0, device.exitValue(), log);
        }
        Matcher pool = POOL.matcher(log);
        Matcher smallest = SMALLEST.matcher(log);
        assertTrue(pool.find() && smallest.find(), log);
        int poolBytes = Integer.parseInt(pool.group(1));
        int needed = Integer.parseInt(smallest.group(1));
        assertTrue(log.contains("p256-check: verified in the application's pool\n"), log);
        assertTrue(log.contains("p256-check: changed signature refused\n"), log);
        int[] stack = QemuFirmware.assertStackMarks(log, 1, 1);
        System.out.printf("QEMU P-256 check: verified in the %d-byte mbed TLS pool, smallest that verifies %d bytes "
                + "(16-byte steps), stack high-water mark %d bytes%n", poolBytes, needed, stack[0]);
        assertTrue(needed > 0 && needed + POOL_HEADROOM <= poolBytes, "a P-256 verify needs " + needed
                + " bytes of the " + poolBytes + "-byte pool: less than " + POOL_HEADROOM + " bytes to spare\n" + log);
    }
}
