// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionCollectorTest {
    private static final int RECORDS = 200_000;
    private static final long BASE = 0x0800_0000L;

    @Test
    void oneByteRecordsUpwardsOrDownwardsAreHeldAsOneRun() {
        byte[] expected = new byte[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            expected[i] = (byte) i;
        }
        for (boolean downwards : new boolean[] {false, true}) {
            RegionCollector c = new RegionCollector("t.hex");
            for (int k = 0; k < RECORDS; k++) {
                int i = downwards ? RECORDS - 1 - k : k;
                c.add(BASE + i, new byte[] {(byte) i}, " line " + (k + 1));
            }
            // One array and one map entry, not one of each per record.
            assertEquals(1, c.runCount());
            List<ImageRegion> regions = c.regions();
            assertEquals(1, regions.size());
            assertEquals(BASE, regions.get(0).address());
            assertArrayEquals(expected, regions.get(0).bytes());
        }
    }

    @Test
    void recordsThatContinueOneAnotherAreHeldAsOneRun() {
        RegionCollector c = new RegionCollector("t.hex");
        c.add(0x100, new byte[] {3}, " line 1");
        c.add(0x101, new byte[] {4}, " line 2");
        c.add(0x0FF, new byte[] {2}, " line 3");
        c.add(0x200, new byte[] {9}, " line 4");
        assertEquals(2, c.runCount());
        List<ImageRegion> regions = c.regions();
        assertEquals(1, regions.size());
        assertEquals(0x0FF, regions.get(0).address());
        assertEquals(0x102, regions.get(0).bytes().length);
        assertArrayEquals(new byte[] {2, 3, 4, (byte) 0xFF}, Arrays.copyOf(regions.get(0).bytes(), 4));
        assertEquals(9, regions.get(0).bytes()[0x101]);
    }

    @Test
    void runsPastTheLimitAreRefusedNamingTheRange() {
        RegionCollector c = new RegionCollector("t.hex");
        for (int i = 0; i < RegionCollector.MAX_RUNS; i++) {
            c.add(2L * i, new byte[] {1}, " line " + (i + 1));
        }
        BadImageException e = assertThrows(BadImageException.class,
                () -> c.add(2L * RegionCollector.MAX_RUNS, new byte[] {1}, " line 65537"));
        assertEquals("t.hex line 65537: data at 0x00020000 starts run 65537 of consecutive data; runs allowed: "
                + "1..65536 (records that neither continue nor lead into earlier ones)", e.getMessage());
    }

    @Test
    void overlapsAreRefusedAsBeforeWhetherARecordIsJoinedOrNot() {
        RegionCollector c = new RegionCollector("t.hex");
        c.add(0x10, new byte[] {1, 2}, " line 1");
        c.add(0x12, new byte[] {3, 4}, " line 2");
        for (long at : new long[] {0x0F, 0x10, 0x11, 0x13}) {
            BadImageException e = assertThrows(BadImageException.class,
                    () -> c.add(at, new byte[] {5, 6}, " line 3"));
            assertEquals(String.format("t.hex line 3: data at 0x%08x overlaps data already given at "
                    + "0x00000010..0x00000014", at), e.getMessage());
        }
        c.add(0x0E, new byte[] {7, 8}, " line 4");
        c.add(0x14, new byte[] {9}, " line 5");
        assertArrayEquals(new byte[] {7, 8, 1, 2, 3, 4, 9}, c.regions().get(0).bytes());
    }

    @Test
    void gapFillPastTheLimitIsRefusedNamingIt() {
        RegionCollector c = new RegionCollector("t.hex");
        for (int i = 0; i < 1_024; i++) {
            c.add(BASE + i * RegionCollector.SPLIT_GAP, new byte[] {(byte) i}, " line " + (i + 1));
        }
        BadImageException e = assertThrows(BadImageException.class, c::regions);
        assertEquals("t.hex: filling the gaps between its records (gaps up to 262144 bytes are filled with 0xFF) "
                + "would add 268172289 bytes to its 1024 bytes of data; fill allowed: 0..16777216 bytes", e.getMessage());
    }

    @Test
    void gapFillUpToTheLimitIsAllowed() {
        // 64 gaps just under the split size: 16 MiB of fill exactly, in one region.
        RegionCollector c = new RegionCollector("t.hex");
        for (int i = 0; i <= 64; i++) {
            c.add(BASE + i * (RegionCollector.SPLIT_GAP + 1), new byte[] {(byte) i}, " line " + (i + 1));
        }
        List<ImageRegion> regions = c.regions();
        assertEquals(1, regions.size());
        assertEquals(RegionCollector.MAX_FILL + 65, regions.get(0).bytes().length);
    }
}
