// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The main flash region of an image file, as `--region 0x0-0x10000000` selects it: what a release
 * pipeline puts beside the application, such as the micro:bit files' UICR record at 0x10001014,
 * is left out. The corpus README measures the peers on the micro:bit pairs this way, and the size
 * measurements (bench compare, CorpusRoundTripTest) read them the same way.
 */
public final class MainFlash {
    /** nRF FICR/UICR and other configuration areas start here. */
    public static final long LIMIT = 0x1000_0000L;

    private MainFlash() {}

    public static FirmwareImage read(Path file) throws IOException {
        return RegionSelector.select(ImageLoader.read(file), new AddressRange(0, LIMIT), FirmwareImage.NO_ADDRESS)
                .image();
    }
}
