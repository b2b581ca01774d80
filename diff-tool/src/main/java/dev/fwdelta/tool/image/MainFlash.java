package dev.fwdelta.tool.image;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The main flash region of an Intel HEX file: its data records below 0x10000000, flattened with
 * gaps 0xFF as {@link IntelHex} does. It leaves out what a release pipeline puts beside the
 * application, such as the micro:bit files' UICR record at 0x10001014 (256 MiB above the rest, too
 * far for one flat image). This is how the corpus README measures the peers on the micro:bit
 * pairs; the size measurements (bench compare, CorpusRoundTripTest) read them the same way. It is
 * a stopgap for measuring: reading a HEX file as an image with regions is issue 20.
 */
public final class MainFlash {
    /** nRF FICR/UICR and other configuration areas start here. */
    public static final long LIMIT = 0x1000_0000L;

    private MainFlash() {}

    public static FirmwareImage read(Path hexFile) throws IOException {
        StringBuilder kept = new StringBuilder();
        boolean above = false;
        for (String line : Files.readAllLines(hexFile, StandardCharsets.US_ASCII)) {
            String l = line.strip();
            // An extended linear address record (type 04) moves every data record after it: those
            // of a segment at or above LIMIT are dropped, the address records themselves kept.
            if (l.length() >= 13 && l.startsWith(":02000004")) {
                above = Long.parseLong(l.substring(9, 13), 16) << 16 >= LIMIT;
            } else if (above && l.length() >= 9 && l.startsWith("00", 7)) {
                continue;
            }
            kept.append(l).append('\n');
        }
        return IntelHex.parse(new StringReader(kept.toString()));
    }
}
