// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.tool.io.BoundedFile;
import dev.fwdelta.tool.transport.DeviceText;
import dev.fwdelta.tool.io.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.Limits;

/**
 * What a polling device remembers across runs and power cuts, beside its flash file: the image it
 * runs ({@code installed VERSION SIZE SHA256}) and, once an update was offered, the image that
 * update installs ({@code pending VERSION SIZE SHA256}). After a power cut the active slot is
 * compared with both: whichever it holds is what the device runs. Written to a new file and moved
 * over the old one, so a cut leaves the old record or the new one, never half of one.
 */
public record DeviceState(Image installed, Image pending) {
    /** Largest state file read: two lines of at most ~110 bytes. */
    static final int MAX_FILE = 512;
    /** Numbers of any length match, so that one too large is reported as out of range, naming the field. */
    private static final Pattern LINE = Pattern.compile("(installed|pending) ([0-9]+) ([0-9]+) ([0-9a-f]{64})");

    /** An image: its firmware version, size and SHA-256. */
    public record Image(long version, long size, String sha256) {
        public static Image of(long version, byte[] image) {
            return new Image(version, image.length, HexFormat.of().formatHex(ImageChecksums.of(image).sha256()));
        }
    }

    public DeviceState withPending(Image p) {
        return new DeviceState(installed, p);
    }

    /** The pending image is the one running now. */
    public DeviceState pendingInstalled() {
        return new DeviceState(pending, null);
    }

    public static DeviceState load(Path file) throws IOException {
        // Read to the limit whatever size the file reports: a FIFO or /dev/zero reports none.
        String text = new String(BoundedFile.read(file, MAX_FILE, "device state"), StandardCharsets.US_ASCII);
        Image installed = null;
        Image pending = null;
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IOException(file + ": device state line '" + DeviceText.printable(line) + "' is not"
                        + " 'installed|pending VERSION SIZE SHA256'");
            }
            String source = file.toString();
            // VERSION is a firmware_version (0..2^63-1); SIZE at most the largest image a patch
            // describes here. Whether it fits the active slot is the layout's question (PersistentDevice).
            Image i = new Image(DecimalField.parse(source, "device state " + m.group(1) + " VERSION", m.group(2), 0, Long.MAX_VALUE),
                    DecimalField.parse(source, "device state " + m.group(1) + " SIZE", m.group(3), 0, Limits.MAX_IMAGE_SIZE), m.group(4));
            if (m.group(1).equals("installed")) {
                installed = i;
            } else {
                pending = i;
            }
        }
        if (installed == null) {
            throw new IOException(file + ": device state has no 'installed' line");
        }
        return new DeviceState(installed, pending);
    }

    public void save(Path file) throws IOException {
        StringBuilder b = new StringBuilder(line("installed", installed));
        if (pending != null) {
            b.append(line("pending", pending));
        }
        DurableFiles.write(file, b.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static String line(String kind, Image i) {
        return kind + " " + i.version() + " " + i.size() + " " + i.sha256() + "\n";
    }
}
