// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.publish;

import dev.fwdelta.server.RolloutOption;
import dev.fwdelta.tool.cli.ExitCodes;
import dev.fwdelta.tool.cli.UnsignedNumber;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.cli.ImageInputs;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.sign.KeyFiles;
import dev.fwdelta.tool.sign.SigningKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fwdelta release publish|rollout}: the update server's publishing client (without a
 * subcommand: usage error).
 */
@Command(name = "release", mixinStandardHelpOptions = true,
        subcommands = {ReleaseCommand.Publish.class, ReleaseCommand.ChangeRollout.class},
        description = "Releases on an update server.")
public final class ReleaseCommand {
    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Upload a release for a hardware id and roll it out.",
                "From an image: build and sign a patch from every image the server has seen for the hardware id. "
                    + "From a matrix output (--matrix DIR): upload its signed patches as they are (hardware id and "
                    + "version from its manifest.json). Both add the full image, as a patch signed here, for devices "
                    + "whose image the server does not know.",
                "  fwdelta release publish --server URL --image NEW --key KEY.pem --hardware-id ID --firmware-version N",
                "  fwdelta release publish --server URL --image NEW --key KEY.pem --matrix DIR",
                "      [--rollout all|group:NAME|percent:N]"})
    static final class Publish implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ImageInputs images;

        @Mixin
        AdminOptions admin;

        @Option(names = "--image", required = true, paramLabel = "NEW", description = "The release image.")
        Path image;

        @Option(names = "--key", required = true, paramLabel = "KEY.pem", description = "Release key: patches are signed here.")
        Path key;

        @Option(names = "--matrix", paramLabel = "DIR",
                description = "A fwdelta matrix output (manifest.json and its patches) for NEW.")
        Path matrix;

        @Option(names = "--hardware-id", paramLabel = "ID", converter = UnsignedNumber.U32.class,
                description = "Board/product id (without --matrix).")
        Long hardwareId;

        @Option(names = "--firmware-version", paramLabel = "N", converter = UnsignedNumber.class,
                description = "Version of NEW (without --matrix).")
        Long firmwareVersion;

        @Option(names = "--rollout", defaultValue = "all", paramLabel = "all|group:NAME|percent:N",
                converter = RolloutOption.class, description = "Who it goes to (default: ${DEFAULT-VALUE}).")
        String rollout;

        @Override
        public Integer call() throws Exception {
            if (matrix != null && (hardwareId != null || firmwareVersion != null)) {
                throw new IllegalArgumentException("--matrix takes the hardware id and version from its manifest.json:"
                        + " leave out --hardware-id and --firmware-version");
            }
            if (matrix == null && (hardwareId == null || firmwareVersion == null)) {
                throw new IllegalArgumentException("release publish needs --hardware-id and --firmware-version"
                        + " (or --matrix DIR)");
            }
            Publisher publisher = new Publisher(admin.client(), spec.commandLine().getOut()::println);
            byte[] newImage = images.load(image, FirmwareImage.NO_ADDRESS, spec.commandLine().getErr()).bytes();
            SigningKey signingKey = KeyFiles.readPrivate(key);
            String done;
            try {
                done = matrix != null
                        ? publisher.publishMatrix(matrix, newImage, signingKey, rollout)
                        : publisher.publish(newImage, new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET,
                                BuildOptions.DEFAULT_MAX_BLOCK_RAW, firmwareVersion, hardwareId), signingKey, rollout);
            } catch (AdminClient.Refused e) {
                // The version is published with something else: refused, nothing changed (docs/CLI.md exit 6).
                spec.commandLine().getErr().println("fwdelta: error: " + e.getMessage());
                return ExitCodes.REFUSED;
            }
            spec.commandLine().getOut().println(done);
            return 0;
        }
    }

    @Command(name = "rollout", mixinStandardHelpOptions = true,
            description = {"Change who a published release goes to: narrower, wider, or percent:0 to halt it.",
                "Devices follow at their next check-in; image and patches stay as published. Prints the rollout "
                    + "replaced.",
                "  fwdelta release rollout --server URL --hardware-id ID --firmware-version N",
                "      --rollout all|group:NAME|percent:N"})
    static final class ChangeRollout implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Option(names = "--hardware-id", required = true, paramLabel = "ID", converter = UnsignedNumber.U32.class,
                description = "Board/product id of the release.")
        long hardwareId;

        @Option(names = "--firmware-version", required = true, paramLabel = "N", converter = UnsignedNumber.class,
                description = "Version of the release.")
        long firmwareVersion;

        @Option(names = "--rollout", required = true, paramLabel = "all|group:NAME|percent:N",
                converter = RolloutOption.class, description = "Who it goes to from now on (percent:0: nobody).")
        String rollout;

        @Override
        public Integer call() throws Exception {
            try {
                spec.commandLine().getOut().println(admin.client().changeRollout(hardwareId, firmwareVersion, rollout));
            } catch (AdminClient.NotFound e) {
                // No such release: the hardware id or version given names none, a usage error (docs/CLI.md
                // exit 2) said as every other one is
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return 0;
        }
    }
}
