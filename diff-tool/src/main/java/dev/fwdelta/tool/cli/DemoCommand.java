// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.apply.ApplyResult;
import dev.fwdelta.runtime.apply.StreamApply;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.diff.BsdiffMatcher;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Make a firmware-like pair, diff it, apply the patch as a device would, verify, print sizes.")
final class DemoCommand implements Callable<Integer> {
    private static final int BAUD = 115200;

    @Spec
    CommandSpec spec;

    /** The files demo keeps in --out: an earlier run's are replaced, anything else there is refused. */
    private static final List<String> FILES = List.of("old.bin", "new.bin", "update.fwd");

    @Option(names = "--out", paramLabel = "DIR", description = {"Keep old.bin, new.bin and update.fwd here: a new "
            + "directory, or one holding only those (replaced)."})
    Path outDir;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated pair (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        if (outDir != null) {
            OutputDirectory.claim("--out", outDir, FILES::contains, "demo writes only " + String.join(", ", FILES)
                    + " (replacing an earlier run's): name a new directory, or demo's own earlier --out");
        }
        DemoFirmware.Pair pair = DemoFirmware.generate(seed);
        PatchBuilder.Built built = PatchBuilder.build(pair.oldImage(), pair.newImage(), BuildOptions.defaults());
        ByteArrayOutputStream bsdiff = new ByteArrayOutputStream();
        BsdiffMatcher.writeBsdiff40(pair.oldImage(), pair.newImage(), bsdiff, "bzip2");

        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        ApplyResult result = StreamApply.apply(new ByteArrayInputStream(built.patch()),
                new ByteArrayOldImage(pair.oldImage()), rebuilt::write, BuildOptions.DEFAULT_RAM_BUDGET);
        if (!Arrays.equals(rebuilt.toByteArray(), pair.newImage())) {
            throw new IllegalStateException("demo patch did not reproduce the new image");
        }
        if (outDir != null) {
            Files.createDirectories(outDir);
            AtomicOutput.write(outDir.resolve(FILES.get(0)), pair.oldImage());
            AtomicOutput.write(outDir.resolve(FILES.get(1)), pair.newImage());
            AtomicOutput.write(outDir.resolve(FILES.get(2)), built.patch());
        }
        int patchSize = built.patch().length;
        int newSize = pair.newImage().length;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("old_size", pair.oldImage().length);
        r.put("new_size", newSize);
        r.put("patch_size", patchSize);
        r.put("ratio", Math.round(10000.0 * patchSize / newSize) / 10000.0);
        r.put("codec_setting", built.codecSetting());
        r.put("decoder_ram", built.header().decoderRam());
        r.put("bsdiff40_size", bsdiff.size());
        r.put("blocks", result.blocks());
        r.put("verified", true);
        r.put("baud", BAUD);
        r.put("patch_seconds", Math.round(seconds(patchSize) * 10) / 10.0);
        r.put("full_image_seconds", Math.round(seconds(newSize) * 10) / 10.0);
        r.put("out_dir", outDir == null ? null : outDir.toString());
        json.output(spec).result(r, out -> {
            out.printf("old image  %8d bytes (Cortex-M style: vectors, Thumb code, BL calls, literal pools)%n",
                    pair.oldImage().length);
            out.printf("new image  %8d bytes (2 functions inserted, 4 edited, strings changed)%n", newSize);
            out.printf("patch      %8d bytes = %.2f%% of the new image (%s, decoder RAM %d bytes)%n",
                    patchSize, 100.0 * patchSize / newSize, built.codecSetting(), built.header().decoderRam());
            out.printf("bsdiff40   %8d bytes (classic bsdiff layout, bzip2), for comparison%n", bsdiff.size());
            out.printf("applied    streaming, %d block%s, within %d bytes of decoder RAM: new image verified "
                    + "(%s)%n", result.blocks(), result.blocks() == 1 ? "" : "s", built.header().decoderRam(), VerifiedChecks.of(result.header().newImage()));
            out.printf("at %d baud: patch %.1f s, full image %.1f s%n", BAUD, seconds(patchSize), seconds(newSize));
            if (outDir != null) {
                out.printf("files in %s: %s%n", outDir, String.join(" ", FILES));
            }
        });
        return ExitCodes.OK;
    }

    /** 8N1 framing: 10 bits on the line per byte. */
    private static double seconds(long bytes) {
        return bytes * 10.0 / BAUD;
    }
}
