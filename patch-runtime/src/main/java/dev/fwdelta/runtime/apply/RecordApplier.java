package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.codec.RawConsumer;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.io.ImageSink;
import dev.fwdelta.runtime.io.OldImage;
import java.io.IOException;

/**
 * Applies the decoded record stream (docs/FORMAT.md 2.2) byte by byte as it arrives: reads the
 * old image by random access, writes the new image in order. Every length and seek is checked
 * against the image sizes before a byte moves. Memory: one 256-byte old-image buffer.
 */
final class RecordApplier implements RawConsumer {
    static final int KIND_BSDIFF = 0;

    private enum State { KIND, DIFF_LENGTH, DIFF_BYTES, EXTRA_LENGTH, EXTRA_BYTES, SEEK }

    private final OldImage old;
    private final ImageSink out;
    private final long oldSize;
    private final long newSize;
    private final byte[] oldBuffer = new byte[Limits.OLD_READ_BUFFER];

    private State state = State.KIND;
    private long varint;
    private int varintBytes;
    private long remaining;
    private long oldPos;
    private long newPos;

    /** {@code old} is the old image, or its {@link RelocatedOldImage} view when the patch has a map. */
    RecordApplier(OldImage old, long oldSize, long newSize, ImageSink out, long oldPos, long newPos) {
        this.oldPos = oldPos;
        this.newPos = newPos;
        this.old = old;
        this.oldSize = oldSize;
        this.newSize = newSize;
        this.out = out;
    }

    long oldPos() {
        return oldPos;
    }

    long newPos() {
        return newPos;
    }

    boolean atRecordBoundary() {
        return state == State.KIND;
    }

    @Override
    public void accept(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        while (off < end) {
            switch (state) {
                case DIFF_BYTES:
                    off += applyDiff(b, off, end - off);
                    break;
                case EXTRA_BYTES:
                    off += copyExtra(b, off, end - off);
                    break;
                case KIND:
                    int kind = b[off++] & 0xFF;
                    if (kind != KIND_BSDIFF) {
                        throw PatchException.outOfRange(ErrorCode.UNKNOWN_RECORD_KIND, "record kind", kind,
                                KIND_BSDIFF, KIND_BSDIFF);
                    }
                    state = State.DIFF_LENGTH;
                    break;
                default:
                    if (readVarint(b[off++] & 0xFF)) {
                        onVarint();
                    }
                    break;
            }
        }
    }

    /** Adds one LEB128 byte; true when the value is complete. */
    private boolean readVarint(int v) throws PatchException {
        varint |= (long) (v & 0x7F) << (7 * varintBytes);
        varintBytes++;
        if ((v & 0x80) == 0) {
            return true;
        }
        if (varintBytes == Limits.MAX_VARINT_BYTES) {
            throw new PatchException(ErrorCode.BAD_VARINT, "bad value for " + fieldName()
                    + ": varint longer than " + Limits.MAX_VARINT_BYTES + " bytes");
        }
        return false;
    }

    private String fieldName() {
        return state == State.DIFF_LENGTH ? "diff_len" : state == State.EXTRA_LENGTH ? "extra_len" : "seek";
    }

    private void onVarint() throws PatchException {
        long v = varint;
        varint = 0;
        varintBytes = 0;
        if (state == State.SEEK) {
            if (v > 0xFFFF_FFFFL) {
                throw PatchException.outOfRange(ErrorCode.BAD_VARINT, "seek (zig-zag)", v, 0, 0xFFFF_FFFFL);
            }
            long target = oldPos + ((v >>> 1) ^ -(v & 1));
            if (target < 0 || target > oldSize) {
                throw PatchException.outOfRange(ErrorCode.BAD_SEEK, "seek target in the old image", target, 0, oldSize);
            }
            oldPos = target;
            state = State.KIND;
            return;
        }
        if (v > Limits.MAX_VARINT_VALUE) {
            throw PatchException.outOfRange(ErrorCode.BAD_VARINT, fieldName(), v, 0, Limits.MAX_VARINT_VALUE);
        }
        if (state == State.DIFF_LENGTH && v > oldSize - oldPos) {
            throw PatchException.outOfRange(ErrorCode.BAD_DIFF_LENGTH, "diff_len at old offset " + oldPos,
                    v, 0, oldSize - oldPos);
        }
        if (v > newSize - newPos) {
            throw PatchException.outOfRange(ErrorCode.OUTPUT_OVERFLOW, fieldName() + " at new offset " + newPos,
                    v, 0, newSize - newPos);
        }
        remaining = v;
        if (state == State.DIFF_LENGTH) {
            state = v > 0 ? State.DIFF_BYTES : State.EXTRA_LENGTH;
        } else {
            state = v > 0 ? State.EXTRA_BYTES : State.SEEK;
        }
    }

    private int applyDiff(byte[] b, int off, int len) throws IOException {
        int n = (int) Math.min(Math.min(remaining, len), oldBuffer.length);
        old.read(oldPos, oldBuffer, 0, n);
        for (int i = 0; i < n; i++) {
            oldBuffer[i] += b[off + i];
        }
        out.write(oldBuffer, 0, n);
        oldPos += n;
        advance(n, State.EXTRA_LENGTH);
        return n;
    }

    private int copyExtra(byte[] b, int off, int len) throws IOException {
        int n = (int) Math.min(remaining, len);
        out.write(b, off, n);
        advance(n, State.SEEK);
        return n;
    }

    private void advance(int n, State next) {
        newPos += n;
        remaining -= n;
        if (remaining == 0) {
            state = next;
        }
    }
}
