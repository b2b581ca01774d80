// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** An old image read from a file by random access, never loaded whole. Closing it closes the file. */
public final class FileOldImage implements OldImage, AutoCloseable {
    private final RandomAccessFile file;
    private final long size;

    public FileOldImage(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString());
        }
        this.file = new RandomAccessFile(path.toFile(), "r");
        this.size = file.length();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) throws IOException {
        file.seek(offset);
        int done = 0;
        while (done < len) {
            int n = file.read(dst, off + done, len - done);
            if (n < 0) {
                throw new EOFException("old image ended at " + (offset + done) + ", expected " + size + " bytes");
            }
            done += n;
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
