package dev.fwdelta.tool.stm32;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.flash.SectorMap;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Updates a chip through its ROM bootloader with a patch instead of an image: reads the installed
 * image from the chip, checks it is the patch's base (the patch's old CRC/SHA), rebuilds the new
 * image on the host, then erases and writes only the sectors whose content changes, and reads
 * them back.
 */
public final class DeltaFlasher {
    /** What a flash did, next to what a full write would have done. */
    public record Summary(int sectorsErased, int sectorsInImage, long bytesWritten, long imageBytes, long wireBytes,
                          double seconds, boolean verified) {
    }

    /** Progress: a phase name and how far it is. */
    @FunctionalInterface
    public interface Progress {
        void update(String phase, long done, long total);
    }

    private DeltaFlasher() {}

    public static Summary flashPatch(FlashTarget t, byte[] patch, boolean verify, Progress progress) throws IOException {
        long start = System.nanoTime();
        PatchHeader h = PatchHeader.parse(patch);
        checkFits(t.part(), h.newSize());
        if (h.oldSize() > t.part().flashSize()) {
            throw new PatchException(ErrorCode.WRONG_BASE_IMAGE,
                    "the patch's base image (" + h.oldSize() + " bytes) is larger than the chip's flash");
        }
        byte[] installed = readWithProgress(t, 0, (int) h.oldSize(), progress, "read installed image");
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(installed), rebuilt::write, Long.MAX_VALUE);
        a.process(patch); // the old image's checksums are checked first: WRONG_BASE_IMAGE if it is not the base
        a.finish();
        byte[] image = rebuilt.toByteArray();
        byte[] current = installed;
        if (image.length > installed.length) {
            byte[] tail = readWithProgress(t, installed.length, image.length - installed.length, progress, "read tail");
            current = Arrays.copyOf(installed, image.length);
            System.arraycopy(tail, 0, current, installed.length, tail.length);
        }
        return write(t, current, image, verify, progress, start);
    }

    /** A plain full write of {@code image} at the flash base. */
    public static Summary flashImage(FlashTarget t, byte[] image, boolean verify, Progress progress) throws IOException {
        checkFits(t.part(), image.length);
        return write(t, null, image, verify, progress, System.nanoTime());
    }

    private static Summary write(FlashTarget t, byte[] current, byte[] image, boolean verify, Progress progress,
                                 long start) throws IOException {
        SectorMap map = t.part().map();
        List<Integer> changed = new ArrayList<>();
        int inImage = 0;
        for (int s = 0; s < map.count() && map.start(s) < image.length; s++) {
            inImage++;
            int from = (int) map.start(s);
            int to = (int) Math.min(map.start(s) + map.size(s), image.length);
            if (current == null || !Arrays.equals(current, from, to, image, from, to)) {
                changed.add(s);
            }
        }
        int[] sectors = changed.stream().mapToInt(Integer::intValue).toArray();
        progress.update("erase", 0, sectors.length);
        t.erase(sectors);
        progress.update("erase", sectors.length, sectors.length);
        long written = 0;
        long total = changed.stream().mapToLong(s -> Math.min(map.size(s), image.length - map.start(s))).sum();
        for (int s : sectors) {
            int from = (int) map.start(s);
            int to = (int) Math.min(map.start(s) + map.size(s), image.length);
            for (int at = from; at < to; at += 256) {
                int n = Math.min(256, to - at);
                byte[] chunk = Arrays.copyOfRange(image, at, at + n);
                if (!allErased(chunk)) {
                    t.write(t.part().flashBase() + at, chunk);
                    written += n;
                }
                progress.update("write", at + n - from + (written - (at + n - from)), total);
            }
        }
        if (verify) {
            for (int s : sectors) {
                int from = (int) map.start(s);
                int to = (int) Math.min(map.start(s) + map.size(s), image.length);
                byte[] back = t.read(t.part().flashBase() + from, to - from);
                if (!Arrays.equals(back, 0, back.length, image, from, to)) {
                    throw new IOException("verify failed in sector " + s + " at 0x"
                            + Long.toHexString(t.part().flashBase() + from));
                }
                progress.update("verify", s, sectors.length);
            }
        }
        return new Summary(sectors.length, inImage, written, image.length, t.wireBytes(),
                (System.nanoTime() - start) / 1e9, verify);
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

    private static void checkFits(Stm32Part part, long size) {
        if (size > part.flashSize()) {
            throw new IllegalArgumentException("image of " + size + " bytes does not fit the " + part.name()
                    + "'s " + part.flashSize() + "-byte flash");
        }
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
