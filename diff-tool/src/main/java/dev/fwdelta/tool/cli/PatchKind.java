// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Format;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Which kind of patch a file or an image begins with, if any, by its magic: so that a patch given
 * where an image goes (or the other way round) is named, rather than read as what it is not.
 */
enum PatchKind {
    FWDELTA("a fwdelta patch"), BSDIFF40("a BSDIFF40 patch"), NONE("not a patch");

    final String description;

    PatchKind(String description) {
        this.description = description;
    }

    static PatchKind of(byte[] b) {
        if (b.length >= PatchHeader.MAGIC.length && Arrays.equals(b, 0, PatchHeader.MAGIC.length, PatchHeader.MAGIC, 0,
                PatchHeader.MAGIC.length)) {
            return FWDELTA;
        }
        return Bsdiff40Format.hasMagic(b) ? BSDIFF40 : NONE;
    }

    /** A regular file's kind; anything else (a FIFO can be read only once, by the command) is NONE. */
    static PatchKind ofFile(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return NONE;
        }
        try (InputStream in = Files.newInputStream(path)) {
            return of(in.readNBytes(Bsdiff40Format.MAGIC.length()));
        }
    }

    /** BAD_MAGIC naming the file: what a command that reads fwdelta patches says of anything else. */
    static PatchException notFwdelta(Path path, PatchKind kind) {
        return new PatchException(ErrorCode.BAD_MAGIC, path + (kind == BSDIFF40
                ? ": a BSDIFF40 patch, not a fwdelta patch (only apply and inspect read BSDIFF40)"
                : ": not a fwdelta patch (it does not begin with \"FWDP\")"));
    }
}
