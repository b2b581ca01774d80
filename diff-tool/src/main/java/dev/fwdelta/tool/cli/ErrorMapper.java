// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.tool.bsdiff40.BadBsdiffPatchException;
import dev.fwdelta.tool.transport.DeviceRefusedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns exceptions into one-line messages and exit codes; stack traces only for bugs. With
 * --json the same error is also the last JSON line on standard output (docs/CLI.md, Errors).
 */
public final class ErrorMapper implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        int code = exitCode(t);
        // a command's own usage error says where the usage is, as picocli's do (Main.usageError)
        String message = code == ExitCodes.USAGE ? Main.usageMessage(message(t), cmd) : message(t);
        if (code == ExitCodes.INTERNAL) {
            cmd.getErr().println("fwdelta: internal error, please report it:");
            t.printStackTrace(cmd.getErr());
        } else {
            cmd.getErr().println("fwdelta: error: " + message);
        }
        if (wantsJson(cmd)) {
            printJson(cmd.getOut(), code, errorCode(t), message);
        }
        return code;
    }

    /** Whether the command that failed was given --json. */
    static boolean wantsJson(CommandLine cmd) {
        CommandLine.ParseResult parsed = cmd.getParseResult();
        return parsed != null && parsed.hasMatchedOption(JsonOption.NAME);
    }

    static void printJson(PrintWriter out, int exitCode, String errorCode, String message) {
        out.println(CommandOutput.errorLine(exitCode, errorCode, message));
        out.flush();
    }

    /** What to say when the heap ran out: the limit it had and how to raise it. */
    static String outOfMemory() {
        long mib = Runtime.getRuntime().maxMemory() >> 20;
        return "out of memory (this Java heap is limited to " + mib + " MiB): run again with a larger heap,"
                + " e.g. JAVA_TOOL_OPTIONS=-Xmx" + Math.max(2, 2 * mib / 1024 + 1) + "g, or use smaller inputs"
                + " (diff needs about 8 bytes of heap per byte of old and new image: README, Heap)";
    }

    static int exitCode(Throwable t) {
        if (t instanceof PatchException p) {
            return exitCode(p.code());
        }
        if (t instanceof DeviceRefusedException r) {
            return exitCode(refusalCode(r.status()));
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

    private static int exitCode(ErrorCode code) {
        switch (code) {
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

    /** A device's RESULT status is a patch error code (docs/FORMAT.md 5); an unknown one counts as I/O. */
    static ErrorCode refusalCode(int status) {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.number() == status) {
                return c;
            }
        }
        return ErrorCode.IO_ERROR;
    }

    /**
     * The error_code of the JSON error object: the patch error code's name when there is one, else
     * the kind of failure (docs/CLI.md lists them).
     */
    static String errorCode(Throwable t) {
        if (t instanceof PatchException p) {
            return p.code().name();
        }
        if (t instanceof DeviceRefusedException r) {
            return refusalCode(r.status()).name();
        }
        if (t instanceof BadBsdiffPatchException) {
            return "BAD_BSDIFF40_PATCH";
        }
        if (t instanceof ManifestMismatchException) {
            return "MANIFEST_MISMATCH";
        }
        if (t instanceof NoSuchFileException) {
            return "NO_SUCH_FILE";
        }
        if (t instanceof AccessDeniedException) {
            return "PERMISSION_DENIED";
        }
        if (t instanceof FileAlreadyExistsException) {
            return "FILE_EXISTS";
        }
        return switch (exitCode(t)) {
            case ExitCodes.IO_ERROR -> "IO_ERROR";
            case ExitCodes.USAGE -> "USAGE";
            default -> "INTERNAL";
        };
    }

    static String message(Throwable t) {
        if (t instanceof NoSuchFileException) {
            return "no such file: " + t.getMessage();
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied: " + t.getMessage();
        }
        if (t instanceof FileAlreadyExistsException) {
            return "file exists: " + t.getMessage();
        }
        if (t instanceof DeviceRefusedException r) {
            return refusal(r);
        }
        return CauseText.message(t);
    }

    /**
     * "device refused the update: CODE (n): why", the code said once: the device's own message
     * already starts with it when the device is fwdelta's agent, so it is added only when missing.
     */
    private static String refusal(DeviceRefusedException r) {
        ErrorCode code = refusalCode(r.status());
        String said = r.deviceMessage();
        String prefix = code.number() == r.status() ? code.name() + " (" + code.number() + ")" : "status " + r.status();
        if (!said.startsWith(prefix)) {
            said = prefix + (said.isEmpty() ? "" : ": " + said);
        }
        return "device refused the update: " + said;
    }
}
