// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Errors that name the file the user gave. An output is written to a temporary file beside it and
 * renamed to its name: the JDK's error of creating, writing or moving that file names the temporary
 * file (one the user never gave) or no file at all ("File too large", "No space left on device").
 */
public final class FileErrors {
    private FileErrors() {}

    /**
     * The same error naming {@code file}: its kind kept (permission denied, no such file, file
     * exists), which the command line's error line says; its reason, or else its message, kept.
     */
    public static FileSystemException naming(Path file, IOException e) {
        String name = file.toString();
        FileSystemException n;
        if (e instanceof AccessDeniedException a) {
            n = new AccessDeniedException(name, null, a.getReason());
        } else if (e instanceof NoSuchFileException f) {
            n = new NoSuchFileException(name, null, f.getReason());
        } else if (e instanceof FileAlreadyExistsException f) {
            n = new FileAlreadyExistsException(name, null, f.getReason());
        } else if (e instanceof FileSystemException f) {
            n = new FileSystemException(name, null, f.getReason());
        } else {
            n = new FileSystemException(name, null, e.getMessage());
        }
        n.initCause(e);
        return n;
    }
}
