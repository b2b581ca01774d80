// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.flash.SectorMap;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.tool.io.BoundedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Updates a chip through its ROM bootloader with a patch instead of an image: reads the installed
 * image from the chip, checks it is the patch's base (the patch's old CRC/SHA), rebuilds the new
 * image on the host, then erases and writes, one sector at a time, only the sectors whose content
 * differs from the new image.
 *
 * <p>An interrupted flash can always be finished with the same patch (docs/STM32-FLASH.md):
 * before the first erase the rebuilt image is stored in {@link RecoveryCopies}; a rerun that
 * finds the chip holding neither the base nor the result takes the image from there (checked
 * against the patch's new SHA-256) and rewrites the sectors that still differ. A chip that
 * already holds the result is reported as up to date and nothing is written.
 */
public final class DeltaFlasher {
    /** How a patch flash started: from the base, from the stored copy, or not at all. */
    public enum Start { BASE, RESUMED, UP_TO_DATE }

    /** What a flash did, next to what a full write would have done. */
    public record Summary(int sectorsErased, int sectorsInImage, long bytesWritten, long imageBytes, long wireBytes,
                          double seconds, boolean verified, Start start) {
    }

    /** Progress: a phase name and how far it is. */
    @FunctionalInterface
    public interface Progress {
        void update(String phase, long done, long total);
    }

    /**
     * The largest patch file read: the largest flash in the part table is 2 MiB, and a patch is
     * never much larger than the image it rebuilds.
     */
    public static final long MAX_PATCH_BYTES = 16L << 20;

    private DeltaFlasher() {}

    /** Reads a patch file for {@link #flashPatch}, refusing one larger than {@link #MAX_PATCH_BYTES}. */
    public static byte[] readPatch(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_PATCH_BYTES) {
            throw new PatchException(ErrorCode.BAD_PAYLOAD_LENGTH, "patch file " + file + " has " + size
                    + " bytes (valid range 0.." + MAX_PATCH_BYTES + " for an STM32 flash)");
        }
        return BoundedFile.read(file, MAX_PATCH_BYTES, "patch file for an STM32 flash");
    }

    /** {@link #flashPatch(FlashTarget, byte[], long, boolean, Progress, RecoveryCopies)} at the patch's load address, else the flash base. */
    public static Summary flashPatch(FlashTarget t, byte[] patch, boolean verify, Progress progress,
                                     RecoveryCopies copies) throws IOException {
        return flashPatch(t, patch, t.part().flashBase(), verify, progress, copies);
    }

    /**
     * Updates the image at {@code address} (used when the patch records no load address; one that
     * does must record this one [WRONG_LOAD_ADDRESS] if {@code address} is not the flash base
     * default, and is written at its own otherwise).
     */
    public static Summary flashPatch(FlashTarget t, byte[] patch, long address, boolean verify, Progress progress,
                                     RecoveryCopies copies) throws IOException {
        long start = System.nanoTime();
        PatchHeader h = PatchHeader.parse(patch);
        long at = h.hasLoadAddress() ? h.loadAddress() : address;
        int base = offsetInFlash(t.part(), at, Math.max(h.oldSize(), h.newSize()));
        int newSize = (int) h.newSize();
        byte[] newSha = h.newImage().sha256();
        byte[] chip = readWithProgress(t, base, (int) Math.max(h.oldSize(), h.newSize()), progress,
                "read installed image");
        if (Arrays.equals(RecoveryCopies.sha256(Arrays.copyOf(chip, newSize)), newSha)) {
            copies.delete(newSha); // a copy left by a run whose verification did not happen
            return new Summary(0, sectorsSpanned(t.part().map(), base, newSize), 0, newSize, t.wireBytes(),
                    (System.nanoTime() - start) / 1e9, false, Start.UP_TO_DATE);
        }
        Start how = Start.BASE;
        byte[] image;
        try {
            image = rebuild(Arrays.copyOf(chip, (int) h.oldSize()), patch);
        } catch (PatchException e) {
            if (e.code() != ErrorCode.WRONG_BASE_IMAGE) {
                throw e;
            }
            Optional<byte[]> copy = copies.load(newSha, newSize);
            if (copy.isEmpty()) {
                throw new PatchException(ErrorCode.WRONG_BASE_IMAGE, "the chip holds neither the patch's base image"
                        + " nor its result, and " + copies.dir() + " has no copy of the result from an interrupted"
                        + " flash (" + e.getMessage() + ")");
            }
            image = copy.get();
            how = Start.RESUMED;
        }
        byte[] current = Arrays.copyOf(chip, Math.max(chip.length, image.length));
        List<Integer> changed = changedSectors(t.part().map(), base, current, image);
        refuseUnerasable(t, changed);
        copies.save(newSha, image);
        Summary s = write(t, base, changed, image, verify, progress, start, how, copies);
        if (s.verified()) {
            copies.delete(newSha);
        }
        return s;
    }

    private static byte[] rebuild(byte[] installed, byte[] patch) throws IOException {
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(installed), rebuilt::write, Long.MAX_VALUE);
        a.process(patch); // the old image's checksums are checked first: WRONG_BASE_IMAGE if it is not the base
        a.finish(); // and the result's: an image that does not hash to the header's SHA-256 is never written
        return rebuilt.toByteArray();
    }

    /** A plain full write of {@code image} at the flash base. */
    public static Summary flashImage(FlashTarget t, byte[] image, boolean verify, Progress progress) throws IOException {
        return flashImage(t, image, t.part().flashBase(), verify, progress);
    }

    /** A plain full write of {@code image} at {@code address}; the sectors below and above it are not touched. */
    public static Summary flashImage(FlashTarget t, byte[] image, long address, boolean verify, Progress progress)
            throws IOException {
        int base = offsetInFlash(t.part(), address, image.length);
        List<Integer> changed = changedSectors(t.part().map(), base, null, image);
        refuseUnerasable(t, changed);
        return write(t, base, changed, image, verify, progress, System.nanoTime(), Start.BASE, null);
    }

    /**
     * Where an image of {@code size} bytes at {@code address} starts in the flash: it must lie in the
     * part's flash and start on a sector boundary (erasing its first sector must not erase what is
     * below it, such as a bootloader).
     */
    public static int offsetInFlash(Stm32Part part, long address, long size) {
        long base = part.flashBase();
        long end = base + part.flashSize();
        if (address < base || address + size > end) {
            throw new IllegalArgumentException(String.format("the image at 0x%08x..0x%08x (%d bytes) is outside the "
                    + "%s's flash 0x%08x..0x%08x (%d bytes)", address, address + size, size, part.name(), base, end,
                    part.flashSize()));
        }
        long offset = address - base;
        if (!part.map().isBoundary(offset)) {
            long sectorStart = base + part.map().start(part.map().sectorAt(offset));
            throw new IllegalArgumentException(String.format("the image at 0x%08x does not start on a sector of the "
                    + "%s (its sector starts at 0x%08x): erasing it would erase what lies below the image",
                    address, part.name(), sectorStart));
        }
        return (int) offset;
    }

    /** The sectors of {@code image} at flash offset {@code base} that differ from {@code current} (all if null). */
    private static List<Integer> changedSectors(SectorMap map, int base, byte[] current, byte[] image) {
        List<Integer> changed = new ArrayList<>();
        int first = map.sectorAt(base);
        int inImage = sectorsSpanned(map, base, image.length);
        for (int s = first; s < first + inImage; s++) {
            int from = (int) map.start(s) - base;
            int to = (int) Math.min(map.start(s) + map.size(s) - base, image.length);
            if (current == null || !Arrays.equals(current, from, to, image, from, to)) {
                changed.add(s);
            }
        }
        return changed;
    }

    /**
     * Refuses, before the first erase, a run whose erases the bootloader cannot carry: found in the
     * middle, the refusal would leave a chip half written that no rerun could finish. Each sector is
     * checked as {@link #write} erases it, one at a time.
     */
    private static void refuseUnerasable(FlashTarget t, List<Integer> changed) throws IOException {
        for (int s : changed) {
            try {
                t.checkErase(new int[] {s});
            } catch (IOException e) {
                throw new IOException(String.format("the flash did not start, nothing written: sector %d at"
                        + " 0x%08x cannot be erased with the commands this bootloader offers: %s", s,
                        t.part().flashBase() + t.part().map().start(s), e.getMessage()), e);
            }
        }
    }

    /** Writes {@code image} at flash offset {@code base}: erases and writes the {@code changed} sectors. */
    private static Summary write(FlashTarget t, int base, List<Integer> changed, byte[] image, boolean verify,
                                 Progress progress, long start, Start how, RecoveryCopies copies) throws IOException {
        SectorMap map = t.part().map();
        int inImage = sectorsSpanned(map, base, image.length);
        long written = 0;
        long total = changed.stream().mapToLong(s -> Math.min(map.size(s), image.length - (map.start(s) - base))).sum();
        long done = 0;
        // One sector at a time, erase then write: an interruption leaves at most one sector neither old nor new.
        for (int s : changed) {
            int from = (int) map.start(s) - base;
            int to = (int) Math.min(map.start(s) + map.size(s) - base, image.length);
            try {
                t.erase(new int[] {s});
                for (int at = from; at < to; at += 256) {
                    int n = Math.min(256, to - at);
                    byte[] chunk = Arrays.copyOfRange(image, at, at + n);
                    if (!allErased(chunk)) {
                        t.write(t.part().flashBase() + base + at, chunk);
                        written += n;
                    }
                    progress.update("write", done + (at + n - from), total);
                }
            } catch (IOException e) {
                throw interrupted(t, s, e, copies);
            }
            done += to - from;
        }
        if (verify) {
            int checked = 0;
            for (int s : changed) {
                int from = (int) map.start(s) - base;
                int to = (int) Math.min(map.start(s) + map.size(s) - base, image.length);
                byte[] back = t.read(t.part().flashBase() + base + from, to - from);
                if (!Arrays.equals(back, 0, back.length, image, from, to)) {
                    throw new IOException("verify failed in sector " + s + " at 0x"
                            + Long.toHexString(t.part().flashBase() + base + from)
                            + (copies == null ? "" : "; run the same command again to rewrite it"));
                }
                progress.update("verify", ++checked, changed.size());
            }
        }
        return new Summary(changed.size(), inImage, written, image.length, t.wireBytes(),
                (System.nanoTime() - start) / 1e9, verify, how);
    }

    /** Says what happened, where, and how to finish: the cause alone names only a bootloader address. */
    private static IOException interrupted(FlashTarget t, int sector, IOException cause, RecoveryCopies copies) {
        String where = "sector " + sector + " at 0x" + Long.toHexString(t.part().flashBase() + t.part().map().start(sector));
        String how = copies == null ? "write the image again to finish"
                : "the new image is kept in " + copies.dir() + ": run the same command again to finish the update";
        return new IOException("flash interrupted while erasing or writing " + where + " (" + cause.getMessage()
                + "); " + how, cause);
    }

    /** Sectors holding bytes of an image of {@code size} bytes at flash offset {@code base} (a sector start). */
    private static int sectorsSpanned(SectorMap map, int base, long size) {
        int first = map.sectorAt(base);
        int n = 0;
        while (first + n < map.count() && map.start(first + n) < base + size) {
            n++;
        }
        return n;
    }

    private static byte[] readWithProgress(FlashTarget t, int offset, int length, Progress p, String phase)
            throws IOException {
        byte[] out = new byte[length];
        for (int done = 0; done < length; ) {
            int n = Math.min(4096, length - done);
            byte[] part = t.read(t.part().flashBase() + offset + done, n);
            System.arraycopy(part, 0, out, done, n);
            done += n;
            p.update(phase, done, length);
        }
        return out;
    }

    private static boolean allErased(byte[] b) {
        for (byte v : b) {
            if (v != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }
}
