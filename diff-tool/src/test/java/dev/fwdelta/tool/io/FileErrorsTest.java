// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An error about an output's temporary file, or about no file ("File too large" from a file size
 * limit, "No space left on device"), names the output the user gave and keeps its kind.
 */
class FileErrorsTest {
    private static final Path OUTPUT = Path.of("out/p.fwd");

    @Test
    void anErrorWithoutAFileNamesTheOutput() {
        IOException cause = new IOException("File too large");
        FileSystemException e = FileErrors.naming(OUTPUT, cause);
        assertEquals("out/p.fwd: File too large", e.getMessage());
        assertSame(cause, e.getCause());
    }

    @Test
    void theTemporaryFilesNameGivesWayToTheOutputsAndTheKindStays() {
        FileSystemException denied = FileErrors.naming(OUTPUT,
                new AccessDeniedException("out/.p.fwd.3svdkvy6bcim1.part"));
        assertInstanceOf(AccessDeniedException.class, denied);
        assertEquals("out/p.fwd", denied.getMessage());
        FileSystemException missing = FileErrors.naming(OUTPUT,
                new NoSuchFileException("/proc/.p.fwd.1.part", null, "gone"));
        assertInstanceOf(NoSuchFileException.class, missing);
        assertEquals("out/p.fwd: gone", missing.getMessage());
        FileSystemException full = FileErrors.naming(OUTPUT,
                new FileSystemException("out/.p.fwd.1.part", null, "No space left on device"));
        assertEquals(FileSystemException.class, full.getClass());
        assertEquals("out/p.fwd: No space left on device", full.getMessage());
    }
}
