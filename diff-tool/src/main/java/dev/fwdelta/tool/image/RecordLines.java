// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;

/** The non-blank lines of a text record file (Intel HEX, S-records), stripped, with their line numbers. */
final class RecordLines {
    private final BufferedReader in;
    private int number;

    RecordLines(Reader source) {
        this.in = new BufferedReader(source);
    }

    /** The next non-blank line, or null at the end. */
    String next() throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            number++;
            line = line.strip();
            if (!line.isEmpty()) {
                return line;
            }
        }
        return null;
    }

    /** The number of the line {@link #next()} returned last (or of the last line, at the end). */
    int number() {
        return number;
    }
}
