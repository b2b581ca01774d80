// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Format;
import dev.fwdelta.tool.bsdiff40.Bsdiff40Summary;
import dev.fwdelta.tool.io.BoundedFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show every header field of PATCH (fwdelta or BSDIFF40), its codec, the RAM it needs and its "
                + "size ratio.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATCH", description = "The patch to show (fwdelta or BSDIFF40).")
    Path patchPath;

    @Mixin
    JsonOption json;

    @Mixin
    MaxSizeOption maxSize;

    @Override
    public Integer call() throws Exception {
        BoundedFile.requireFile(patchPath);
        PatchFileSummary.requireRereadable(patchPath, "inspect");
        Map<String, Object> fields = new LinkedHashMap<>();
        if (Bsdiff40Format.isBsdiff40(patchPath)) {
            describeBsdiff40(fields);
        } else {
            // The declared size is refused on the header, as apply does, before the blocks are walked.
            maxSize.checkNewSize(PatchFileSummary.readHeader(patchPath).newSize());
            PatchFileSummary summary = PatchFileSummary.read(patchPath);
            describeHeader(summary.header(), summary.fileSize(), fields);
            fields.put("largest_block_encoded", summary.largestEncodedBlock());
            fields.put("raw_records_total", summary.rawTotal());
            if (summary.header().payloadSha256() != null) {
                // an unsigned format-3 header records no payload hash: there is nothing to be ok
                fields.put("payload_sha256_ok", summary.payloadHashMatches());
            }
        }
        CommandOutput output = json.output(spec);
        Consumer<PrintWriter> lines = w -> fields.forEach((k, v) -> w.printf("%-22s %s%n", k, text(k, v)));
        if (Boolean.FALSE.equals(fields.get("payload_sha256_ok"))) {
            // every field is shown, as for a good patch, then the run fails as verify does
            output.event("inspected", fields);
            output.text(lines);
            throw PatchFileSummary.payloadHashError(patchPath);
        }
        output.result(fields, lines);
        return ExitCodes.OK;
    }

    /** A field as a person reads it: ids in hex, the ratio to 4 places, what a null means. */
    private static String text(String key, Object value) {
        if (value == null && key.equals("payload_sha256")) {
            return "not recorded (unsigned format 3)";
        }
        if (key.equals("hardware_id")) {
            return String.format("0x%08x", (Long) value);
        }
        if (value == null && key.endsWith("_crc32")) {
            return "not recorded (flag SHA_ONLY)";
        }
        if (key.equals("load_address")) {
            return value == null ? "not recorded" : String.format("0x%08x", (Long) value);
        }
        if (key.equals("ratio")) {
            return String.format("%.4f", (Double) value);
        }
        return String.valueOf(value);
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
        f.put("ratio", ratio(s.patchSize(), s.newSize()));
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
        f.put("payload_sha256", h.payloadSha256() == null ? null : HexFormat.of().formatHex(h.payloadSha256()));
        f.put("firmware_version", JsonNumbers.unsigned(h.firmwareVersion()));
        f.put("hardware_id", h.hardwareId());
        f.put("load_address", h.hasLoadAddress() ? (Object) h.loadAddress() : null);
        f.put("signed", h.signature().isPresent());
        if (h.signature().isPresent()) {
            SignatureAlgorithm alg = SignatureAlgorithm.byId(h.signature().algorithm());
            f.put("sig_algorithm", alg.label());
            f.put("key_id", TrustedKey.keyIdHex(h.signature().keyId()));
        }
        f.put("ratio", ratio(fileSize, h.newSize()));
    }

    /** Patch size over new size, rounded to 4 places (0 for an empty new image). */
    private static double ratio(long patchSize, long newSize) {
        return newSize == 0 ? 0.0 : Math.round(10000.0 * patchSize / newSize) / 10000.0;
    }

    private static void image(String which, ImageChecksums c, Map<String, Object> f) {
        f.put(which + "_size", c.size());
        f.put(which + "_crc32", c.hasCrc32() ? String.format("%08x", c.crc32()) : null);
        if (c.crc32Mpeg2() != ImageChecksums.MPEG2_NOT_RECORDED) {
            f.put(which + "_crc32_mpeg2", String.format("%08x", c.crc32Mpeg2()));
        }
        // under flag SHA_ONLY the old image's is its first 16 bytes: 32 hex digits
        f.put(which + "_sha256", HexFormat.of().formatHex(c.sha256()));
    }
}
