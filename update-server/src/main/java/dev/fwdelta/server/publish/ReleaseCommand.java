// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.publish;

import dev.fwdelta.server.AdminToken;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.image.ImageLoader;
import dev.fwdelta.tool.sign.KeyFiles;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import dev.fwdelta.tool.cli.UnsignedNumber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fwdelta release publish}: the update server's publishing client. */
@Command(name = "release", mixinStandardHelpOptions = true, subcommands = ReleaseCommand.Publish.class,
        description = "Releases on an update server.")
public final class ReleaseCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (publish)");
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Build and sign a patch from every image the server has seen for the hardware id, upload them",
                "and the full image, and roll the release out.",
                "  fwdelta release publish --server URL --image NEW --key KEY.pem --hardware-id ID --firmware-version N",
                "      [--rollout all|group:NAME|percent:N]"})
    static final class Publish implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--server", required = true, paramLabel = "URL")
        URI server;

        @Option(names = "--image", required = true, paramLabel = "NEW")
        Path image;

        @Option(names = "--key", required = true, paramLabel = "KEY.pem", description = "Release key: patches are signed here.")
        Path key;

        @Option(names = "--hardware-id", required = true, paramLabel = "ID", converter = UnsignedNumber.U32.class)
        long hardwareId;

        @Option(names = "--firmware-version", required = true, paramLabel = "N", converter = UnsignedNumber.class)
        long firmwareVersion;

        @Option(names = "--rollout", defaultValue = "all", paramLabel = "all|group:NAME|percent:N")
        String rollout;

        @Option(names = "--admin-token-file", paramLabel = "FILE")
        Path adminTokenFile;

        @Override
        public Integer call() throws Exception {
            String token = AdminToken.require(adminTokenFile);
            BuildOptions options = new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET,
                    BuildOptions.DEFAULT_MAX_BLOCK_RAW, firmwareVersion, hardwareId);
            String done = new Publisher(new AdminClient(server, token), spec.commandLine().getOut()::println)
                    .publish(ImageLoader.load(image).bytes(), options, KeyFiles.readPrivate(key), rollout);
            spec.commandLine().getOut().println(done);
            return 0;
        }
    }
}
