// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.util.List;
import java.util.Locale;

/**
 * The image file formats fwdelta reads and writes, recognised by their content; a file name's
 * extension must agree with what the content is.
 */
public enum ImageFormat {
    /** Raw bytes; the address comes from {@code --address} (or a command's default). */
    BIN("raw binary", List.of(".bin", ".so", ".img")),
    INTEL_HEX("Intel HEX", List.of(".hex", ".ihex", ".ihx")),
    SREC("Motorola S-record", List.of(".srec", ".s19", ".s28", ".s37", ".mot")),
    ELF("ELF", List.of(".elf", ".axf", ".out")),
    /** USB DFU 1.1 or DfuSe: the image without the file's suffix; a DfuSe file gives addresses ({@link DfuFile}). */
    DFU("DFU", List.of(".dfu"));

    private final String label;
    private final List<String> extensions;

    ImageFormat(String label, List<String> extensions) {
        this.label = label;
        this.extensions = extensions;
    }

    public String label() {
        return label;
    }

    /** The format a file name's extension stands for, or null when it names none of them. */
    public static ImageFormat byName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        for (ImageFormat f : values()) {
            for (String ext : f.extensions) {
                if (name.endsWith(ext)) {
                    return f;
                }
            }
        }
        return null;
    }

    /**
     * What the first bytes of a file are: ELF by its magic, a DfuSe file by its prefix, Intel HEX
     * and S-records by a first line that is a whole well-formed record of that kind; anything else
     * is raw (a plain DFU file too, which only its last bytes tell: {@link ImageLoader#detect}).
     */
    public static ImageFormat byContent(byte[] head) {
        if (head.length >= 4 && head[0] == 0x7F && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            return ELF;
        }
        if (DfuFile.startsAsDfuse(head)) {
            return DFU;
        }
        String first = firstLine(head);
        if (first == null) {
            return BIN;
        }
        if (first.startsWith(":") && IntelHex.isRecord(first)) {
            return INTEL_HEX;
        }
        if (first.startsWith("S") && Srec.isRecord(first)) {
            return SREC;
        }
        return BIN;
    }

    /**
     * The first non-blank line of printable ASCII (up to its line break), stripped, or null if the
     * bytes are not text. Blank lines and blanks around a record are what {@link RecordLines} skips
     * too: a file that begins with an empty line, CR LF or an indent is recognised as the records it holds.
     */
    private static String firstLine(byte[] head) {
        int from = blanksAt(head);
        StringBuilder line = new StringBuilder();
        for (int i = from; i < head.length; i++) {
            byte b = head[i];
            if (b == '\n' || b == '\r') {
                break;
            }
            if ((b < 0x20 || b > 0x7E) && b != '\t') {
                return null;
            }
            line.append((char) b);
        }
        return line.toString().strip();
    }

    /** How many blanks (space, tab, CR, LF) {@code head} begins with. */
    static int blanksAt(byte[] head) {
        int i = 0;
        while (i < head.length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
            i++;
        }
        return i;
    }
}
