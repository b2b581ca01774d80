package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.tool.bsdiff40.BadBsdiffPatchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/** Turns exceptions into one-line messages and exit codes; stack traces only for bugs. */
public final class ErrorMapper implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        int code = exitCode(t);
        if (code == ExitCodes.INTERNAL) {
            cmd.getErr().println("fwdelta: internal error, please report it:");
            t.printStackTrace(cmd.getErr());
        } else {
            cmd.getErr().println("fwdelta: error: " + message(t));
        }
        return code;
    }

    /** What to say when the heap ran out: the limit it had and how to raise it. */
    static String outOfMemory() {
        long mib = Runtime.getRuntime().maxMemory() >> 20;
        return "out of memory (this Java heap is limited to " + mib + " MiB): run again with a larger heap,"
                + " e.g. JAVA_TOOL_OPTIONS=-Xmx" + Math.max(2, 2 * mib / 1024 + 1) + "g, or use smaller inputs"
                + " (diff needs about 5 bytes of heap per byte of old and new image, README, Heap)";
    }

    static int exitCode(Throwable t) {
        if (t instanceof PatchException p) {
            switch (p.code()) {
                case WRONG_BASE_IMAGE:
                    return ExitCodes.WRONG_BASE_IMAGE;
                case IO_ERROR:
                    return ExitCodes.IO_ERROR;
                case SIGNATURE_INVALID:
                case UNKNOWN_KEY:
                case UNSIGNED_PATCH:
                case ROLLBACK:
                case WRONG_HARDWARE:
                case DOES_NOT_FIT:
                case WRONG_LOAD_ADDRESS:
                    return ExitCodes.REFUSED;
                default:
                    return ExitCodes.BAD_PATCH;
            }
        }
        if (t instanceof BadBsdiffPatchException || t instanceof ManifestMismatchException) {
            return ExitCodes.BAD_PATCH;
        }
        if (t instanceof IOException) {
            return ExitCodes.IO_ERROR;
        }
        if (t instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.INTERNAL;
    }

    private static String message(Throwable t) {
        if (t instanceof NoSuchFileException) {
            return "no such file: " + t.getMessage();
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied: " + t.getMessage();
        }
        if (t instanceof FileAlreadyExistsException) {
            return "file exists: " + t.getMessage();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
