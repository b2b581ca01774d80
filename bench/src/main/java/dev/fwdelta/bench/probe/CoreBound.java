// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.probe;

import com.sun.management.OperatingSystemMXBean;
import dev.fwdelta.bench.ImagePair;
import dev.fwdelta.bench.PairSource;
import dev.fwdelta.bench.jmh.DiffVersusBsdiff;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How far both cores could take issue 19's in-process goal (docs/bench, "The bound both cores
 * set"): a warm diff's wall time and the process's CPU time over it, and what the CPU time would
 * take with both cores busy all the way (half of it), beside bsdiff's whole process on the same
 * bytes, measured right after. Small-image pairs only: libpython is ahead already.
 * <pre>java -Dfwdelta.corpus=../shared/corpus -cp bench/target/benchmarks.jar dev.fwdelta.bench.probe.CoreBound [PAIR...]</pre>
 */
public final class CoreBound {
    /** Images below this size get more calls: their diffs take milliseconds. */
    private static final int SMALL = 100_000;
    private static final int BSDIFF_RUNS = 11;

    private CoreBound() {}

    public static void main(String[] args) throws Exception {
        List<String> names = args.length > 0 ? List.of(args) : PairSource.pairs().stream().map(ImagePair::name)
                .filter(n -> !n.equals("libpython")).toList();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Path scratch = Files.createTempDirectory("fwdelta-core-bound");
        System.out.println("| pair | fwdelta wall (ms) | fwdelta CPU (ms) | cores used | bsdiff whole process (ms)"
                + " | bsdiff / fwdelta wall | bsdiff / (fwdelta CPU / 2) |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String name : names) {
            ImagePair p = PairSource.pair(name);
            byte[] oldImage = PairSource.imageBytes(p.oldPath());
            byte[] newImage = PairSource.imageBytes(p.newPath());
            int uncounted = newImage.length < SMALL ? 200 : 30;
            int counted = newImage.length < SMALL ? 100 : 20;
            for (int i = 0; i < uncounted; i++) {
                PatchBuilder.build(oldImage, newImage, BuildOptions.defaults());
            }
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            for (int i = 0; i < counted; i++) {
                PatchBuilder.build(oldImage, newImage, BuildOptions.defaults());
            }
            double wall = (System.nanoTime() - wall0) / 1e6 / counted;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / counted;
            double bsdiff = 1e3 * DiffVersusBsdiff.bsdiffSeconds(oldImage, newImage, BSDIFF_RUNS, scratch.resolve(name));
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.1f | %.2f | %.2f |%n", name, wall, cpu,
                    cpu / wall, bsdiff, bsdiff / wall, bsdiff / (cpu / 2));
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
