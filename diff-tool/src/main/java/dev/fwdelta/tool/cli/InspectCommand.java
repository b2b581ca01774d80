package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.BlockHeader;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show every header field of PATCH, its codec, the RAM it needs and its size ratio.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATCH")
    Path patchPath;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        long fileSize = Files.size(patchPath);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(patchPath))) {
            byte[] head = in.readNBytes(Limits.HEADER_SIZE);
            PatchHeader h = PatchHeader.parse(head);
            describeHeader(h, fileSize, fields);
            describeBlocks(in, h, fields);
        }
        if (json) {
            spec.commandLine().getOut().println(JsonWriter.object(fields));
        } else {
            fields.forEach((k, v) -> spec.commandLine().getOut().printf("%-22s %s%n", k, v));
        }
        return ExitCodes.OK;
    }

    static void describeHeader(PatchHeader h, long fileSize, Map<String, Object> f) {
        f.put("format_version", PatchHeader.FORMAT_VERSION);
        f.put("patch_size", fileSize);
        f.put("flags", h.flags());
        f.put("codec", h.codec().label());
        f.put("codec_props", h.codecProps());
        f.put("codec_window", h.codecWindow());
        f.put("decoder_ram", h.decoderRam());
        f.put("max_block_raw", h.maxBlockRaw());
        f.put("block_count", h.blockCount());
        f.put("payload_length", h.payloadLength());
        image("old", h.oldImage(), f);
        image("new", h.newImage(), f);
        f.put("payload_sha256", HexFormat.of().formatHex(h.payloadSha256()));
        f.put("firmware_version", h.firmwareVersion());
        f.put("hardware_id", String.format("0x%08x", h.hardwareId()));
        f.put("signed", h.signature().isPresent());
        f.put("ratio", String.format("%.4f", h.newSize() == 0 ? 0.0 : (double) fileSize / h.newSize()));
    }

    private static void image(String which, ImageChecksums c, Map<String, Object> f) {
        f.put(which + "_size", c.size());
        f.put(which + "_crc32", String.format("%08x", c.crc32()));
        f.put(which + "_crc32_mpeg2", String.format("%08x", c.crc32Mpeg2()));
        f.put(which + "_sha256", HexFormat.of().formatHex(c.sha256()));
    }

    /** Walks the block headers (without decoding) to report block sizes and check the layout. */
    private static void describeBlocks(InputStream in, PatchHeader h, Map<String, Object> f) throws IOException {
        long largestEncoded = 0;
        long rawTotal = 0;
        for (long i = 0; i < h.blockCount(); i++) {
            byte[] b = in.readNBytes(Limits.BLOCK_HEADER_SIZE);
            if (b.length < Limits.BLOCK_HEADER_SIZE) {
                throw new PatchException(ErrorCode.TRUNCATED, "patch ends inside the header of block " + i);
            }
            BlockHeader bh = BlockHeader.parse(b);
            try {
                in.skipNBytes(bh.encodedLength());
            } catch (java.io.EOFException e) {
                throw new PatchException(ErrorCode.TRUNCATED, "patch ends inside block " + i);
            }
            largestEncoded = Math.max(largestEncoded, bh.encodedLength());
            rawTotal += bh.rawLength();
        }
        f.put("largest_block_encoded", largestEncoded);
        f.put("raw_records_total", rawTotal);
    }
}
