// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The process holding a flock on a file, from /proc/locks (Linux): "PID (command)". Empty where
 * there is no /proc/locks or no such lock, so a caller falls back to "another process".
 */
final class FlockHolder {
    private static final Path LOCKS = Path.of("/proc/locks");

    private FlockHolder() {}

    static Optional<String> of(Path file) {
        try {
            long dev = (Long) Files.getAttribute(file, "unix:dev");
            long ino = (Long) Files.getAttribute(file, "unix:ino");
            // /proc/locks names the file as major:minor:inode, in the kernel's split of the device.
            String id = String.format("%02x:%02x:%d", major(dev), minor(dev), ino);
            for (String line : Files.readAllLines(LOCKS, StandardCharsets.US_ASCII)) {
                List<String> f = List.of(line.trim().split("\\s+"));
                // A waiter's line has "->" before its type: it holds nothing.
                if (f.size() > 5 && f.get(1).equals("FLOCK") && f.get(5).equals(id)) {
                    return Optional.of(f.get(4) + command(f.get(4)));
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // No /proc/locks or no unix attributes: the holder stays unnamed.
        }
        return Optional.empty();
    }

    private static String command(String pid) {
        try {
            return " (" + Files.readString(Path.of("/proc", pid, "comm"), StandardCharsets.UTF_8).strip() + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    private static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }
}
