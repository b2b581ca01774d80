// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The build's training run for the class-data sharing archive (diff-tool/pom.xml,
 * {@code -XX:ArchiveClassesAtExit}): the commands users run most, through the command line, in
 * one JVM, so that the archive holds the classes and lambdas each of their runs loads. The
 * archive keeps only what its one training process loaded: with {@code demo} alone, a
 * {@code fwdelta diff} still loaded its command's classes and the large-image road from the jar
 * and spun their lambdas (docs/bench, "The class-data archive trained on the commands").
 * Not a command: {@code java -cp fwdelta.jar dev.fwdelta.tool.cli.ClassDataTraining DIR}.
 */
public final class ClassDataTraining {
    private ClassDataTraining() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ClassDataTraining DIR (a directory to write the training files in)");
        }
        Main.useLocaleIndependentText();
        Path dir = Files.createDirectories(Path.of(args[0]));
        Path demo = dir.resolve("demo");
        run("demo", "--out", demo.toString());
        commandsOn(demo.resolve("old.bin"), demo.resolve("new.bin"), dir.resolve("small"));
        Path large = Files.createDirectories(dir.resolve("large"));
        Path oldLarge = large.resolve("old.bin");
        Path newLarge = large.resolve("new.bin");
        writeLargePair(oldLarge, newLarge);
        commandsOn(oldLarge, newLarge, large);
    }

    /** The files {@link #commandsOn} writes: an earlier build's are removed first (keygen keeps a key it finds). */
    private static final List<String> WRITTEN = List.of("update.fwd", "key.pem", "key.pub.pem", "rebuilt.bin");

    /** diff, inspect, keygen, sign, verify and apply of one pair, as a release pipeline and a user run them. */
    private static void commandsOn(Path oldImage, Path newImage, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : WRITTEN) {
            Files.deleteIfExists(dir.resolve(name));
        }
        String patch = dir.resolve("update.fwd").toString();
        String key = dir.resolve("key.pem").toString();
        run("diff", oldImage.toString(), newImage.toString(), "-o", patch);
        run("inspect", patch);
        run("keygen", "-o", key);
        run("sign", "--key", key, patch);
        run("verify", "--trust", dir.resolve("key.pub.pem").toString(), patch);
        run("apply", oldImage.toString(), patch, "-o", dir.resolve("rebuilt.bin").toString());
    }

    private static void writeLargePair(Path oldImage, Path newImage) throws IOException {
        ByteArrayOutputStream oldBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream newBytes = new ByteArrayOutputStream();
        // Demo pairs of successive seeds end to end, until the new image takes the large-image road.
        for (int seed = 1; newBytes.size() <= PatchBuilder.FULL_TRIAL_LIMIT; seed++) {
            DemoFirmware.Pair part = DemoFirmware.generate(seed);
            oldBytes.writeBytes(part.oldImage());
            newBytes.writeBytes(part.newImage());
        }
        Files.write(oldImage, oldBytes.toByteArray());
        Files.write(newImage, newBytes.toByteArray());
    }

    /** One command as {@code fwdelta ARGS} runs it; a failure fails the build that trains. */
    private static void run(String... args) {
        int code = Main.commandLineFor(args).execute(args);
        if (code != 0) {
            throw new IllegalStateException("training run 'fwdelta " + String.join(" ", List.of(args))
                    + "' exited with " + code);
        }
    }
}
