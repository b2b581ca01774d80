package dev.fwdelta.tool.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file that appears under its name only when {@link #commit} is called: bytes go to a
 * temporary file beside it, which {@link #close} deletes if it was not committed. So a failed
 * run never leaves a partial or unverified output behind.
 */
final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final OutputStream out;
    private boolean committed;

    AtomicOutput(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        Path dir = this.target.getParent();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "output directory does not exist");
        }
        this.temp = Files.createTempFile(dir, "." + this.target.getFileName(), ".part");
        this.out = Files.newOutputStream(temp);
    }

    OutputStream stream() {
        return out;
    }

    void commit() throws IOException {
        out.close();
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    static void write(Path target, byte[] bytes) throws IOException {
        try (AtomicOutput o = new AtomicOutput(target)) {
            o.stream().write(bytes);
            o.commit();
        }
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            out.close();
            Files.deleteIfExists(temp);
        }
    }
}
