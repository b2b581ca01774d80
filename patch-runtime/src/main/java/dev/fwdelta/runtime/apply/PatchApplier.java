// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.codec.BlockDecoder;
import dev.fwdelta.runtime.format.BlockHeader;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ImageSink;
import dev.fwdelta.runtime.io.OldImage;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.zip.CRC32;

/**
 * Push-style streaming applier: {@code new PatchApplier(...)}, {@link #process} with chunks of
 * any size (down to one byte), then {@link #finish}. It never holds the patch or an image.
 *
 * <pre>
 *  HEADER --header_size bytes--&gt; (check header, RAM, old image) --&gt; MAP (if any) --&gt;
 *  BLOCK_HEADER --28 bytes (format 3: 10..34)--&gt; BLOCK_DATA --encoded_length bytes--&gt;
 *  (check block) --&gt; BLOCK_HEADER ... --&gt; END
 * </pre>
 * RAM: {@code header.decoderRam()} bytes (FORMAT.md 4): fixed buffers plus the codec memory,
 * allocated once after the header passed its checks. Any error is sticky: every later call
 * throws it again, and nothing is reported successful before every hash matched.
 */
public final class PatchApplier {
    private enum State { HEADER, MAP, BLOCK_HEADER, BLOCK_DATA, END, DONE, FAILED }

    private final OldImage old;
    private final ImageSink sink;
    private final UpdatePolicy policy;

    private final byte[] headerBuffer = new byte[Limits.HEADER_SIZE];
    private final byte[] blockHeaderBuffer = new byte[Math.max(Limits.BLOCK_HEADER_SIZE,
            Limits.MAX_COMPACT_BLOCK_HEADER_SIZE)];
    private int buffered;
    private final long[] blockFields = new long[7];
    /** Header bytes to gather: the prefix first, then header_size once the prefix is read. */
    private int headerTarget = PatchHeader.PREFIX_SIZE;
    private CompactMapDecoder compactMap;
    private long mapLeft;

    private State state = State.HEADER;
    private PatchException failure;
    private PatchHeader header;
    /** What the base check found the old image to be: a caller may keep it for its next check. */
    private ImageChecksums baseChecksums;
    private BlockDecoder decoder;
    private RecordApplier records;
    private final MessageDigest payloadHash = ImageChecksums.sha256Digest();
    /** Made once the header is read: it computes only the checksums the header records. */
    private ImageChecksums.Accumulator newImage;
    private final CRC32 blockCrc = new CRC32();

    private BlockListener listener;
    /** The map section while it arrives; then the relocation map's own storage (RAM: 8 bytes per entry). */
    private byte[] mapBuffer;
    /** Resumed mid-patch: the payload and new-image hashes cannot cover bytes seen before. */
    private boolean resumed;
    private long payloadLeft;
    private long blockIndex;
    private long blockOutLength;
    private long blockOutCrc;
    private long blockEncodedLeft;
    private long blockOutStart;

    /**
     * @param ramBudget the RAM this device gives the applier; a patch whose decoder_ram is larger
     *                  is refused before anything is written. No signature or version checks.
     */
    public PatchApplier(OldImage old, ImageSink sink, long ramBudget) {
        this(old, sink, UpdatePolicy.ramOnly(ramBudget));
    }

    /** An applier that enforces {@code policy} on the header before writing anything. */
    public PatchApplier(OldImage old, ImageSink sink, UpdatePolicy policy) {
        if (old == null || sink == null || policy == null) {
            throw new IllegalArgumentException("old image, sink and policy are required");
        }
        this.old = old;
        this.sink = sink;
        this.policy = policy;
    }

    /**
     * Continues the patch at a block boundary: called on an applier that has taken the header and,
     * when the patch has a relocation map, the whole map section, and nothing after them (a device
     * keeps the section as it arrived and feeds it again through {@link #process}: the applier
     * checks and expands it as the first time). The payload SHA-256 and the new image's checksums
     * cannot be checked by the applier, since earlier bytes are gone: the caller must verify the
     * new image it stored (the update agent reads it back from flash) against
     * {@code header().newImage()}.
     */
    public void resumeAt(ResumePoint at) throws PatchException {
        throwIfFailedOrDone();
        if (records == null || blockIndex != 0 || records.newPos() != 0 || buffered != 0
                || (state != State.BLOCK_HEADER && state != State.END)) {
            throw new IllegalStateException("resuming needs an applier just past the header and map, not in " + state);
        }
        PatchHeader h = header;
        long blocksStart = h.size() + (h.mapCount() > 0 ? h.mapLength() : 0);
        if (at.blocksDone() < 0 || at.blocksDone() > h.blockCount() || at.patchOffset() < blocksStart
                || at.patchOffset() > h.size() + h.payloadLength() || at.newOffset() < 0
                || at.newOffset() > h.newSize() || at.oldOffset() < 0 || at.oldOffset() > h.oldSize()) {
            throw new IllegalArgumentException("resume point " + at + " does not fit the patch");
        }
        resumed = true;
        blockIndex = at.blocksDone();
        payloadLeft = h.payloadLength() - (at.patchOffset() - h.size());
        records.moveTo(at.oldOffset(), at.newOffset());
        nextBlockOrEnd();
    }

    /** Called after every block is applied and checked (for progress records). */
    public void setBlockListener(BlockListener listener) {
        this.listener = listener;
    }

    /** The checked header, or null until all its bytes were processed. */
    public PatchHeader header() {
        return header;
    }

    /** The old image's checksums, as the header's check found them; null before the header. */
    public ImageChecksums baseChecksums() {
        return baseChecksums;
    }

    /** New-image bytes written to the sink so far. */
    public long bytesWritten() {
        return newImage == null ? 0 : newImage.size();
    }

    public void process(byte[] b, int off, int len) throws IOException {
        if (off < 0 || len < 0 || off + len > b.length) {
            throw new IndexOutOfBoundsException("off=" + off + " len=" + len + " of " + b.length);
        }
        throwIfFailedOrDone();
        try {
            int end = off + len;
            while (off < end) {
                off += step(b, off, end - off);
            }
        } catch (PatchException e) {
            throw fail(e);
        } catch (IOException e) {
            throw fail(new PatchException(ErrorCode.IO_ERROR, e.getMessage(), e));
        }
    }

    public void process(byte[] b) throws IOException {
        process(b, 0, b.length);
    }

    /** Ends the patch: checks nothing is missing and every hash, then reports success. */
    public ApplyResult finish() throws IOException {
        throwIfFailedOrDone();
        if (state != State.END) {
            throw fail(new PatchException(ErrorCode.TRUNCATED, "patch ended in " + state
                    + (header == null ? " after " + buffered + " of " + headerTarget + " header bytes"
                            : ", " + payloadLeft + " payload bytes missing")));
        }
        if (resumed) {
            state = State.DONE;
            return new ApplyResult(header, blockIndex);
        }
        // An unsigned format-3 patch records no payload hash: block CRCs and the new image's
        // checksums cover it.
        if (header.payloadSha256() != null && !MessageDigest.isEqual(payloadHash.digest(), header.payloadSha256())) {
            throw fail(new PatchException(ErrorCode.PAYLOAD_HASH, "payload SHA-256 differs from payload_sha256"));
        }
        ImageChecksums result = newImage.result();
        if (!result.matches(header.newImage())) {
            throw fail(new PatchException(ErrorCode.NEW_IMAGE_MISMATCH,
                    "new image is " + result + ", header says " + header.newImage()));
        }
        state = State.DONE;
        return new ApplyResult(header, blockIndex);
    }

    private void throwIfFailedOrDone() throws PatchException {
        if (state == State.FAILED) {
            throw failure;
        }
        if (state == State.DONE) {
            throw new IllegalStateException("apply already finished");
        }
    }

    private PatchException fail(PatchException e) {
        state = State.FAILED;
        failure = e;
        return e;
    }

    /** Consumes bytes for the current state; returns how many. */
    private int step(byte[] b, int off, int len) throws IOException {
        switch (state) {
            case HEADER: {
                int n = gather(headerBuffer, headerTarget, b, off, len);
                if (buffered == PatchHeader.PREFIX_SIZE && headerTarget == PatchHeader.PREFIX_SIZE) {
                    headerTarget = PatchHeader.sizeFromPrefix(headerBuffer);
                }
                if (buffered == headerTarget) {
                    buffered = 0;
                    onHeader();
                }
                return n;
            }
            case MAP: {
                if (compactMap != null) {
                    return feedCompactMap(b, off, len);
                }
                int n = gather(mapBuffer, mapBuffer.length, b, off, len);
                payloadHash.update(b, off, n);
                payloadLeft -= n;
                if (buffered == mapBuffer.length) {
                    buffered = 0;
                    onMap();
                }
                return n;
            }
            case BLOCK_HEADER: {
                if (header.compact()) {
                    // One byte at a time: the header ends where its sixth varint and CRC end.
                    blockHeaderBuffer[buffered++] = b[off];
                    payloadHash.update(b, off, 1);
                    payloadLeft--;
                    if (BlockHeader.compactComplete(blockHeaderBuffer, buffered)) {
                        BlockHeader.compactFields(blockHeaderBuffer, buffered, blockFields);
                        buffered = 0;
                        onBlockHeader();
                    } else if (payloadLeft == 0 || buffered == blockHeaderBuffer.length) {
                        throw new PatchException(ErrorCode.BAD_PAYLOAD_LENGTH, "block " + blockIndex
                                + " header does not end within the payload");
                    }
                    return 1;
                }
                int n = gather(blockHeaderBuffer, Limits.BLOCK_HEADER_SIZE, b, off, len);
                payloadHash.update(b, off, n);
                payloadLeft -= n;
                if (buffered == Limits.BLOCK_HEADER_SIZE) {
                    buffered = 0;
                    BlockHeader.fields(blockHeaderBuffer, blockFields);
                    onBlockHeader();
                }
                return n;
            }
            case BLOCK_DATA: {
                int n = (int) Math.min(len, blockEncodedLeft);
                payloadHash.update(b, off, n);
                payloadLeft -= n;
                blockEncodedLeft -= n;
                decoder.feed(b, off, n, records);
                if (blockEncodedLeft == 0) {
                    onBlockEnd();
                }
                return n;
            }
            case END:
                throw new PatchException(ErrorCode.TRAILING_BYTES,
                        "bytes after the end of the payload (payload_length " + header.payloadLength() + ")");
            default:
                throw new IllegalStateException(state.name());
        }
    }

    private int gather(byte[] target, int upTo, byte[] b, int off, int len) {
        int n = Math.min(len, upTo - buffered);
        System.arraycopy(b, off, target, buffered, n);
        buffered += n;
        return n;
    }

    private void onHeader() throws IOException {
        PatchHeader h = PatchHeader.parse(headerBuffer);
        HeaderPolicyCheck.check(headerBuffer, h, policy);
        baseChecksums = BaseImageCheck.verify(old, h.oldImage());
        header = h;
        newImage = ImageChecksums.Accumulator.toCheck(h.newImage());
        decoder = BlockDecoder.create(h.codec(), h.codecWindow(), h.codecProps());
        payloadLeft = h.payloadLength();
        if (h.mapCount() > 0) {
            if (payloadLeft < h.mapLength()) {
                throw new PatchException(ErrorCode.BAD_PAYLOAD_LENGTH, "payload_length " + payloadLeft
                        + " cannot hold the " + h.mapLength() + "-byte relocation map");
            }
            if (h.compact()) {
                compactMap = new CompactMapDecoder(h.mapCount());
                mapLeft = h.mapLength();
            } else {
                mapBuffer = new byte[(int) h.mapBytes()];
            }
            state = State.MAP;
            return;
        }
        records = new RecordApplier(old, h.oldSize(), h.newSize(), this::emit, 0, 0, maxRecordKind(h));
        nextBlockOrEnd();
    }

    private int feedCompactMap(byte[] b, int off, int len) throws IOException {
        int n = (int) Math.min(len, mapLeft);
        for (int i = 0; i < n; i++) {
            if (compactMap.complete()) {
                throw new PatchException(ErrorCode.BAD_MAP, "bad value for map_bytes: " + header.mapLength()
                        + " (the " + header.mapCount() + " entries end after " + (header.mapLength() - mapLeft + i) + ")");
            }
            compactMap.feed(b[off + i] & 0xFF);
        }
        payloadHash.update(b, off, n);
        payloadLeft -= n;
        mapLeft -= n;
        if (mapLeft == 0) {
            if (!compactMap.complete()) {
                throw new PatchException(ErrorCode.BAD_MAP, "bad value for map_bytes: " + header.mapLength()
                        + " (ends before the last of map_count " + header.mapCount() + " entries)");
            }
            mapBuffer = compactMap.section(); // expanded in place: no second copy
            compactMap = null;
            onMap();
        }
        return n;
    }

    private void onMap() throws IOException {
        RelocationMap map = RelocationMap.parse(mapBuffer, header.mapCount(), header.oldSize(),
                header.formatVersion());
        records = new RecordApplier(new RelocatedOldImage(old, map), header.oldSize(), header.newSize(), this::emit,
                0, 0, maxRecordKind(header));
        mapBuffer = null; // the map holds the section now
        nextBlockOrEnd();
    }

    private void nextBlockOrEnd() throws PatchException {
        if (blockIndex < header.blockCount()) {
            if (payloadLeft < (header.compact() ? Limits.MIN_COMPACT_BLOCK_HEADER_SIZE : Limits.BLOCK_HEADER_SIZE)) {
                throw new PatchException(ErrorCode.BAD_PAYLOAD_LENGTH, "payload_length " + header.payloadLength()
                        + " ends before block " + blockIndex + " of block_count " + header.blockCount());
            }
            state = State.BLOCK_HEADER;
            return;
        }
        if (payloadLeft != 0) {
            throw new PatchException(ErrorCode.BAD_PAYLOAD_LENGTH, payloadLeft
                    + " payload bytes left after the last of block_count " + header.blockCount() + " blocks");
        }
        if (records.newPos() != header.newSize()) {
            throw new PatchException(ErrorCode.NEW_IMAGE_MISMATCH,
                    "payload produced " + records.newPos() + " bytes, new_size is " + header.newSize());
        }
        state = State.END;
    }

    /** Checks the block header in {@link #blockFields} against the applier's own state; allocates nothing. */
    private void onBlockHeader() throws PatchException {
        long[] b = blockFields;
        long encodedLength = b[BlockHeader.ENCODED_LENGTH];
        long rawLength = b[BlockHeader.RAW_LENGTH];
        BlockLayoutCheck.check(header, blockIndex, b[BlockHeader.INDEX], rawLength, encodedLength, payloadLeft);
        BlockLayoutCheck.inRange(ErrorCode.BAD_NEW_OFFSET, "new_offset", b[BlockHeader.NEW_OFFSET], records.newPos(), records.newPos());
        BlockLayoutCheck.inRange(ErrorCode.BAD_OLD_OFFSET, "old_offset", b[BlockHeader.OLD_OFFSET], records.oldPos(), records.oldPos());
        blockOutLength = b[BlockHeader.OUT_LENGTH];
        BlockLayoutCheck.inRange(ErrorCode.BAD_OUT_LENGTH, "out_length", blockOutLength, 0, header.newSize() - records.newPos());
        blockOutCrc = b[BlockHeader.OUT_CRC32];
        blockEncodedLeft = encodedLength;
        blockOutStart = records.newPos();
        blockCrc.reset();
        decoder.start(encodedLength, rawLength);
        state = State.BLOCK_DATA;
    }

    private void onBlockEnd() throws IOException {
        decoder.finish(records);
        if (!records.atRecordBoundary()) {
            throw new PatchException(ErrorCode.RECORD_SPLIT, "block " + blockIndex + " ends inside a record");
        }
        long produced = records.newPos() - blockOutStart;
        if (produced != blockOutLength) {
            throw PatchException.outOfRange(ErrorCode.BAD_OUT_LENGTH, "out_length of block " + blockIndex,
                    blockOutLength, produced, produced);
        }
        if (blockCrc.getValue() != blockOutCrc) {
            throw new PatchException(ErrorCode.BLOCK_CRC, String.format(
                    "bad value for out_crc32 of block %d: %08x (computed %08x)", blockIndex, blockOutCrc,
                    blockCrc.getValue()));
        }
        blockIndex++;
        if (listener != null) {
            listener.blockDone(blockIndex, header.size() + header.payloadLength() - payloadLeft, records.newPos(),
                    records.oldPos());
        }
        nextBlockOrEnd();
    }

    /** Sparse records (kind 1) came with format 3; older versions have kind 0 only. */
    private static int maxRecordKind(PatchHeader h) {
        return h.compact() ? RecordApplier.KIND_SPARSE : RecordApplier.KIND_BSDIFF;
    }

    private void emit(byte[] b, int off, int len) throws IOException {
        blockCrc.update(b, off, len);
        newImage.update(b, off, len);
        sink.write(b, off, len);
    }
}
