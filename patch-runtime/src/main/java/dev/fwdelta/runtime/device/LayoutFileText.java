// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The text of a layout file given by path: at most a named number of bytes, decoded as UTF-8 with
 * every bad byte reported. A file too large to be a layout is an I/O error, as an over-long key
 * file is; a byte that is not UTF-8 is bad content, a usage error naming the file and its offset.
 */
final class LayoutFileText {
    private LayoutFileText() {}

    static String read(Path path, int maxBytes) throws IOException {
        if (Files.isDirectory(path)) {
            // opening a directory succeeds; only the read fails, with an error that names no file
            throw new FileSystemException(path.toString(), null, "is a directory, not a file");
        }
        byte[] bytes;
        // Read one byte past the limit, whatever size the file system reports: the bytes read are
        // what counts, and memory grows only with them.
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            long size = Files.size(path);
            throw new IOException(path + ": " + (size > maxBytes ? Long.toString(size) : "more than " + maxBytes)
                    + " bytes; a layout file has 0.." + maxBytes + " bytes");
        }
        return decode(path, bytes);
    }

    private static String decode(Path path, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input by default
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never gives more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position(); // where the bad bytes begin
            throw new IllegalArgumentException(String.format("layout file %s is not UTF-8 text: byte 0x%02x at offset %d",
                    path, bytes[at] & 0xFF, at));
        }
        decoder.flush(out); // UTF-8 holds nothing back; flushing completes the decoder's protocol
        return out.flip().toString();
    }
}
