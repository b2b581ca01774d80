// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Picks the image a patch rebuilds from a file's regions. A patch rebuilds one contiguous image,
 * so a file with regions outside it (a UICR record, option bytes, a second bank) needs
 * {@code --region START-END} to say which part is the image; the regions left out are returned,
 * for the command to say so. Nothing is ever dropped or flattened across a wide gap silently.
 */
public final class RegionSelector {
    /**
     * Regions an error lists by name before it only counts the rest: a file may hold tens of
     * thousands of regions, and an error is one line for a person to read.
     */
    static final int MAX_LISTED_REGIONS = 8;

    /** The image, and the file's regions outside {@code --region}. */
    public record Selection(FirmwareImage image, List<ImageRegion> leftOut) {
    }

    private RegionSelector() {}

    /**
     * @param range      {@code --region}, or null
     * @param rawAddress {@code --address}: where a raw binary goes ({@link FirmwareImage#NO_ADDRESS}: unknown);
     *                   a file with addresses must agree with it
     */
    public static Selection select(ImageFile file, AddressRange range, long rawAddress) {
        if (!file.addressed()) {
            byte[] bytes = file.regions().get(0).bytes();
            if (range != null) {
                throw new IllegalArgumentException("--region selects regions of a HEX, S-record or ELF file; "
                        + file.name() + " is a raw binary, one region");
            }
            if (rawAddress != FirmwareImage.NO_ADDRESS && rawAddress + bytes.length > RegionCollector.ADDRESS_LIMIT) {
                throw new IllegalArgumentException(String.format("%s: %d bytes at --address 0x%x run past 2^32",
                        file.name(), bytes.length, rawAddress));
            }
            return new Selection(new FirmwareImage(bytes, rawAddress, file.format(), file.elfMachine()), List.of());
        }
        if (file.regions().isEmpty()) {
            throw new BadImageException(file.name() + " holds no data");
        }
        List<ImageRegion> chosen = new ArrayList<>();
        List<ImageRegion> leftOut = new ArrayList<>();
        if (range == null) {
            if (file.regions().size() > 1) {
                ImageRegion main = largest(file.regions());
                throw new IllegalArgumentException(file.name() + " has " + file.regions().size() + " regions: "
                        + listed(file.regions()) + "; a patch rebuilds one image: select it with --region "
                        + String.format("0x%x-0x%x", main.address(), main.end())
                        + " (the regions outside are then left out and not updated)");
            }
            chosen.add(file.regions().get(0));
        } else {
            for (ImageRegion r : file.regions()) {
                if (range.contains(r)) {
                    chosen.add(r);
                } else if (range.overlaps(r)) {
                    throw new IllegalArgumentException(file.name() + ": region " + r + " crosses the edge of --region "
                            + range + ": widen or narrow it to hold the region whole or not at all");
                } else {
                    leftOut.add(r);
                }
            }
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException(file.name() + ": no region inside --region " + range + " (regions: "
                        + listed(file.regions()) + ")");
            }
        }
        FirmwareImage image = new FirmwareImage(join(chosen), chosen.get(0).address(), file.format(), file.elfMachine());
        if (rawAddress != FirmwareImage.NO_ADDRESS && rawAddress != image.address()) {
            throw new IllegalArgumentException(String.format("%s is at 0x%08x, not at --address 0x%08x: --address is "
                    + "for raw binaries; %s files say where they go", file.name(), image.address(), rawAddress,
                    file.format().label()));
        }
        return new Selection(image, leftOut);
    }

    /**
     * Regions inside one --region: joined with 0xFF between them (the span is within the range),
     * the gaps held to {@link RegionCollector#MAX_FILL} as a file's own gaps are.
     */
    private static byte[] join(List<ImageRegion> regions) {
        if (regions.size() == 1) {
            return regions.get(0).bytes();
        }
        long start = regions.get(0).address();
        long end = regions.get(regions.size() - 1).end();
        if (end - start > RegionCollector.MAX_REGION_SPAN) {
            throw new IllegalArgumentException(String.format("the regions in 0x%x..0x%x span %d bytes; at most %d "
                    + "allowed: choose a narrower --region", start, end, end - start, RegionCollector.MAX_REGION_SPAN));
        }
        long gaps = end - start - regions.stream().mapToLong(r -> r.bytes().length).sum();
        if (gaps > RegionCollector.MAX_FILL) {
            // The file's own gaps were held to MAX_FILL when its regions were collected; the ones
            // between the regions --region takes must be too, or two bytes of records 255 MiB
            // apart became a 255 MiB image.
            throw new IllegalArgumentException(String.format("the regions in 0x%x..0x%x would be joined with %d bytes "
                    + "of 0xFF between them; fill allowed: 0..%d bytes: choose a narrower --region", start, end, gaps,
                    RegionCollector.MAX_FILL));
        }
        byte[] out = new byte[(int) (end - start)];
        Arrays.fill(out, RegionCollector.ERASED);
        for (ImageRegion r : regions) {
            System.arraycopy(r.bytes(), 0, out, (int) (r.address() - start), r.bytes().length);
        }
        return out;
    }

    /** The first {@link #MAX_LISTED_REGIONS} regions, then how many more there are. */
    static String listed(List<ImageRegion> regions) {
        String first = regions.stream().limit(MAX_LISTED_REGIONS).map(ImageRegion::toString)
                .collect(Collectors.joining(", "));
        int more = regions.size() - MAX_LISTED_REGIONS;
        return more > 0 ? first + ", ... and " + more + " more" : first;
    }

    private static ImageRegion largest(List<ImageRegion> regions) {
        ImageRegion best = regions.get(0);
        for (ImageRegion r : regions) {
            if (r.bytes().length > best.bytes().length) {
                best = r;
            }
        }
        return best;
    }
}
