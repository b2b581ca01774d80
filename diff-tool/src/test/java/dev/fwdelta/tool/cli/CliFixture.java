// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.tool.demo.DemoFirmware;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A pair of demo images in a directory and the patch between them, made with the command line. */
final class CliFixture {
    final CliRunner cli = new CliRunner();
    final Path dir;
    final Path oldBin;
    final Path newBin;

    CliFixture(Path dir) throws IOException {
        this.dir = dir;
        DemoFirmware.Pair pair = DemoFirmware.generate(5);
        oldBin = Files.write(dir.resolve("old.bin"), pair.oldImage());
        newBin = Files.write(dir.resolve("new.bin"), pair.newImage());
    }

    /** A patch from OLD to NEW, signed with a new key {@code key.pem} when {@code signed}. */
    Path patch(String name, boolean signed) {
        Path patch = dir.resolve(name);
        if (signed) {
            assertEquals(0, cli.run("keygen", "-o", key().toString()), cli.err());
            assertEquals(0, cli.run("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString(), "--key",
                    key().toString()), cli.err());
        } else {
            assertEquals(0, cli.run("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString()), cli.err());
        }
        return patch;
    }

    Path key() {
        return dir.resolve("key.pem");
    }

    /** The one line on standard error, without its "fwdelta: error: " start; fails if it is not one such line. */
    String errorLine() {
        String err = cli.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertEquals("fwdelta: error: ", err.substring(0, Math.min(err.length(), 16)), err);
        return err.substring(16);
    }
}
