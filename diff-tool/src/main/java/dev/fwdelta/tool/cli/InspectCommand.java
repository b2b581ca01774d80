package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Format;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Summary;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show every header field of PATCH (fwdelta or BSDIFF40), its codec, the RAM it needs and its "
                + "size ratio.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATCH")
    Path patchPath;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Mixin
    MaxSizeOption maxSize;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (Bsdiff40Format.isBsdiff40(patchPath)) {
            describeBsdiff40(fields);
        } else {
            PatchFileSummary summary = PatchFileSummary.read(patchPath);
            describeHeader(summary.header(), summary.fileSize(), fields);
            fields.put("largest_block_encoded", summary.largestEncodedBlock());
            fields.put("raw_records_total", summary.rawTotal());
            fields.put("payload_sha256_ok", summary.payloadHashMatches());
        }
        if (json) {
            spec.commandLine().getOut().println(new com.google.gson.GsonBuilder().disableHtmlEscaping().create()
                    .toJson(fields));
        } else {
            fields.forEach((k, v) -> spec.commandLine().getOut().printf("%-22s %s%n", k, v));
        }
        return ExitCodes.OK;
    }

    /** BSDIFF40 has a 32-byte header and no checksums: the block lengths and what walking the records found. */
    private void describeBsdiff40(Map<String, Object> f) throws IOException {
        Bsdiff40Summary s;
        try (SeekableByteChannel patch = Files.newByteChannel(patchPath)) {
            s = Bsdiff40Summary.read(patch, maxSize.bytes());
        }
        f.put("format", Bsdiff40Format.MAGIC);
        f.put("patch_size", s.patchSize());
        f.put("header_size", Bsdiff40Format.HEADER_SIZE);
        f.put("control_block_length", s.controlBlockLength());
        f.put("diff_block_length", s.diffBlockLength());
        f.put("extra_block_length", s.extraBlockLength());
        f.put("compression", "bzip2");
        f.put("new_size", s.newSize());
        f.put("control_triples", s.triples());
        f.put("diff_bytes", s.diffBytes());
        f.put("extra_bytes", s.extraBytes());
        f.put("checksums", "none (BSDIFF40 records none)");
        f.put("ratio", String.format("%.4f", s.newSize() == 0 ? 0.0 : (double) s.patchSize() / s.newSize()));
    }

    static void describeHeader(PatchHeader h, long fileSize, Map<String, Object> f) {
        f.put("format_version", h.formatVersion());
        f.put("patch_size", fileSize);
        f.put("header_size", h.size());
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
        f.put("payload_sha256", h.payloadSha256() == null ? "not recorded (unsigned format 3)"
                : HexFormat.of().formatHex(h.payloadSha256()));
        f.put("firmware_version", Long.toUnsignedString(h.firmwareVersion()));
        f.put("hardware_id", String.format("0x%08x", h.hardwareId()));
        f.put("load_address", h.hasLoadAddress() ? String.format("0x%08x", h.loadAddress()) : "not recorded");
        f.put("signed", h.signature().isPresent());
        if (h.signature().isPresent()) {
            SignatureAlgorithm alg = SignatureAlgorithm.byId(h.signature().algorithm());
            f.put("sig_algorithm", alg.label());
            f.put("key_id", TrustedKey.keyIdHex(h.signature().keyId()));
        }
        f.put("ratio", String.format("%.4f", h.newSize() == 0 ? 0.0 : (double) fileSize / h.newSize()));
    }

    private static void image(String which, ImageChecksums c, Map<String, Object> f) {
        f.put(which + "_size", c.size());
        f.put(which + "_crc32", String.format("%08x", c.crc32()));
        if (c.crc32Mpeg2() != ImageChecksums.MPEG2_NOT_RECORDED) {
            f.put(which + "_crc32_mpeg2", String.format("%08x", c.crc32Mpeg2()));
        }
        f.put(which + "_sha256", HexFormat.of().formatHex(c.sha256()));
    }
}
