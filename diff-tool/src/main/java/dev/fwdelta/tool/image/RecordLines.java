// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.IOException;
import java.io.Reader;

/**
 * The non-blank lines of a text record file (Intel HEX, S-records), stripped, with their line
 * numbers. SUB (0x1A, Ctrl-Z) at a line's end counts as blank: DOS-era tools end the text with it,
 * on a line of its own or right after the last record. A character past ASCII is refused by line and column; read as ISO-8859-1, each byte is
 * one character, so the message names the byte itself. A line is refused as soon as it grows past {@link #MAX_LINE}, before it is held whole:
 * a file of one endless line would otherwise be read into memory entire.
 */
final class RecordLines {
    /** Twice the longest record of either format: room for the blanks around one, and no more. */
    static final int MAX_LINE = 2 * Math.max(IntelHex.MAX_LINE, Srec.MAX_LINE);
    /** SUB, the end-of-file mark of DOS text files. */
    private static final char DOS_END = 0x1A;

    private final Reader in;
    private final String what;
    private final char[] buffer = new char[8192];
    private int pos;
    private int end;
    private boolean afterCr;
    private int number;

    /** {@code what} names the file in messages. */
    RecordLines(Reader source, String what) {
        this.in = source;
        this.what = what;
    }

    /** The next non-blank line, or null at the end. */
    String next() throws IOException {
        String line;
        while ((line = rawLine()) != null) {
            number++;
            line = withoutDosEnd(line.strip()).strip();
            if (!line.isEmpty()) {
                return line;
            }
        }
        return null;
    }

    /** {@code line} without the SUB characters (DOS end-of-file marks) it ends with. */
    private static String withoutDosEnd(String line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == DOS_END) {
            end--;
        }
        return line.substring(0, end);
    }

    /** The number of the line {@link #next()} returned last (or of the last line, at the end). */
    int number() {
        return number;
    }

    /** The next line without its terminator (LF, CR or CR LF), or null at the end of the file. */
    private String rawLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (pos == end) {
                end = in.read(buffer);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return line.length() > 0 ? line.toString() : null;
                }
            }
            char c = buffer[pos++];
            if (afterCr && c == '\n') {
                afterCr = false;
                continue;
            }
            afterCr = c == '\r';
            if (c == '\n' || c == '\r') {
                return line.toString();
            }
            if (c > 0x7F) {
                throw new BadImageException(String.format("%s: line %d, column %d: %s is not ASCII (a record "
                        + "file is ASCII text)", what, number + 1, line.length() + 1,
                        c <= 0xFF ? String.format("byte 0x%02X", (int) c) : String.format("character U+%04X", (int) c)));
            }
            if (line.length() == MAX_LINE) {
                throw new BadImageException(what + ": line " + (number + 1) + " is longer than " + MAX_LINE
                        + " characters (a record line has at most " + Math.max(IntelHex.MAX_LINE, Srec.MAX_LINE) + ")");
            }
            line.append(c);
        }
    }
}
