// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.tool.io.BoundedFile;
import dev.fwdelta.tool.transport.DeviceText;
import dev.fwdelta.tool.io.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far the device has hashed the artifact it downloads, kept beside its flash so that a download
 * resumed after a reboot is still compared with the check-in answer's hash: the artifact's SHA-256
 * as offered, the SHA-256 of the patch header that was hashed, the bytes hashed, and the hash's state
 * after them ({@link ResumableSha256}). One line, {@code download ARTIFACT_SHA256 HEADER_SHA256 HASHED
 * STATE}, written to a new file and moved over the old one. The header's hash is there because the
 * bytes a resumed hash skips are the agent's: a state saved beside another header than the one
 * fetched now (the agent begins that patch afresh) stands for none of them and is not resumed.
 * A state that is wrong but well formed makes the artifact's hash come out wrong: the download is
 * then refused (PAYLOAD_HASH) and begun again, never installed.
 */
record DownloadCheckpoint(String artifactSha256, String headerSha256, long hashed, String state) {
    /** Largest file read: one line of at most ~340 bytes. */
    static final int MAX_FILE = 512;
    /** Largest HASHED taken: no artifact a device is offered is larger (CheckinAnswer's SIZE is bounded below it). */
    static final long MAX_HASHED = 1L << 32;
    private static final Pattern LINE = Pattern.compile("download ([0-9a-f]{64}) ([0-9a-f]{64}) ([0-9]+) ([0-9a-f]*)\n?");

    /** Where checkpoints are kept: in RAM (one process) or in a file (across runs). */
    interface Store {
        /** The saved checkpoint, or null. An IOException when it cannot be read or is malformed. */
        DownloadCheckpoint load() throws IOException;

        void save(DownloadCheckpoint c) throws IOException;

        void clear() throws IOException;
    }

    /** A store that lives as long as the object: a device model whose RAM survives a dropped link only. */
    static Store inMemory() {
        return new Store() {
            private DownloadCheckpoint saved;

            @Override
            public DownloadCheckpoint load() {
                return saved;
            }

            @Override
            public void save(DownloadCheckpoint c) {
                saved = c;
            }

            @Override
            public void clear() {
                saved = null;
            }
        };
    }

    /** A store in {@code file}; a malformed file is an IOException naming it and the field, and is removed. */
    static Store file(Path file) {
        return new Store() {
            @Override
            public DownloadCheckpoint load() throws IOException {
                if (!Files.exists(file)) {
                    return null;
                }
                try {
                    return read(file);
                } catch (IOException e) {
                    // Dropped so that the next run begins the download again instead of failing here for ever.
                    Files.deleteIfExists(file);
                    throw e;
                }
            }

            @Override
            public void save(DownloadCheckpoint c) throws IOException {
                DurableFiles.write(file, ("download " + c.artifactSha256() + " " + c.headerSha256() + " " + c.hashed()
                        + " " + c.state() + "\n").getBytes(StandardCharsets.US_ASCII));
            }

            @Override
            public void clear() throws IOException {
                Files.deleteIfExists(file);
            }
        };
    }

    private static DownloadCheckpoint read(Path file) throws IOException {
        String why = file + ": download checkpoint (dropped: the next run downloads the update again)";
        String text;
        try {
            // Read to the limit whatever size the file reports: a FIFO or /dev/zero reports none.
            text = new String(BoundedFile.read(file, MAX_FILE, "download checkpoint"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IOException(why + ": " + e.getMessage(), e);
        }
        Matcher m = LINE.matcher(text);
        if (!m.matches()) {
            throw new IOException(why + ": '" + DeviceText.printable(text.strip()) + "' is not"
                    + " 'download ARTIFACT_SHA256 HEADER_SHA256 HASHED STATE'");
        }
        long hashed = DecimalField.parse(file.toString(), "download checkpoint HASHED", m.group(3), 0, MAX_HASHED);
        String state = m.group(4);
        long digits = 2 * (ResumableSha256.WORDS_BYTES + hashed % ResumableSha256.BLOCK);
        if (state.length() != digits) {
            throw new IOException(why + ": STATE has " + state.length() + " hex digits, not the " + digits
                    + " of HASHED " + hashed + " (64, then 2 for each of the HASHED % 64 bytes of the partial block)");
        }
        return new DownloadCheckpoint(m.group(1), m.group(2), hashed, state);
    }
}
