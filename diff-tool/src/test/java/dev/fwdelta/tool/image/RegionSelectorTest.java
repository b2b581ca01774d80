// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The errors that list a file's regions stay one readable line however many regions it holds. */
class RegionSelectorTest {
    private static final int REGIONS = 1_000;
    private static final long APART = RegionCollector.SPLIT_GAP + 2;

    private static ImageFile manyRegions() {
        List<ImageRegion> regions = new ArrayList<>();
        for (int i = 0; i < REGIONS; i++) {
            regions.add(new ImageRegion(i * APART, new byte[] {(byte) i}));
        }
        return new ImageFile("many.hex", ImageFormat.INTEL_HEX, regions, FirmwareImage.NO_MACHINE);
    }

    @Test
    void aFileOfManyRegionsWithoutRegionListsAFewAndCountsTheRest() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegionSelector.select(manyRegions(), null, FirmwareImage.NO_ADDRESS));
        assertTrue(e.getMessage().length() < 2_000, e.getMessage().length() + " characters");
        assertTrue(e.getMessage().startsWith("many.hex has 1000 regions: 0x00000000..0x00000001 (1 bytes), "),
                e.getMessage());
        assertTrue(e.getMessage().contains(", ... and 992 more; a patch rebuilds one image"), e.getMessage());
    }

    @Test
    void noRegionInsideTheRangeListsAFewAndCountsTheRest() {
        AddressRange above = new AddressRange(REGIONS * APART, REGIONS * APART + 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegionSelector.select(manyRegions(), above, FirmwareImage.NO_ADDRESS));
        assertTrue(e.getMessage().length() < 2_000, e.getMessage().length() + " characters");
        assertTrue(e.getMessage().endsWith(", ... and 992 more)"), e.getMessage());
    }

    @Test
    void aFewRegionsAreAllListed() {
        List<ImageRegion> two = manyRegions().regions().subList(0, 2);
        assertEquals("0x00000000..0x00000001 (1 bytes), 0x00040002..0x00040003 (1 bytes)", RegionSelector.listed(two));
    }

    /**
     * Two one-byte records 255 MiB apart are two regions (the file's gaps are held to MAX_FILL),
     * but --region 0x0-0x10000000, the micro:bit recipe, joined them into a 255 MiB image: the
     * gaps --region joins are held to the same limit, before anything is allocated.
     */
    @Test
    void theGapsARegionJoinsAreHeldToTheFillLimit() {
        ImageFile scattered = new ImageFile("scattered.hex", ImageFormat.INTEL_HEX,
                List.of(new ImageRegion(0, new byte[] {1}), new ImageRegion(0x0FF00000L, new byte[] {2})),
                FirmwareImage.NO_MACHINE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegionSelector.select(scattered, new AddressRange(0, 0x10000000L), FirmwareImage.NO_ADDRESS));
        assertEquals("the regions in 0x0..0xff00001 would be joined with 267386879 bytes of 0xFF between them; fill "
                + "allowed: 0..16777216 bytes: choose a narrower --region", e.getMessage());

        long near = RegionCollector.MAX_FILL + 1;
        ImageFile close = new ImageFile("close.hex", ImageFormat.INTEL_HEX,
                List.of(new ImageRegion(0, new byte[] {1}), new ImageRegion(near, new byte[] {2})),
                FirmwareImage.NO_MACHINE);
        byte[] joined = RegionSelector.select(close, new AddressRange(0, 0x10000000L), FirmwareImage.NO_ADDRESS)
                .image().bytes();
        assertEquals(near + 1, joined.length, "a gap of MAX_FILL bytes is still joined");
        assertEquals(2, joined[joined.length - 1]);
        assertEquals((byte) 0xFF, joined[1]);
    }
}
