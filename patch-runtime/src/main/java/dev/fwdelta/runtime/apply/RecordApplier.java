// SPDX-License-Identifier: Apache-2.0
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
    /** Format 3: the diff bytes as (zero run, literal run) pairs (FORMAT.md 2.2). */
    static final int KIND_SPARSE = 1;

    private enum State { KIND, DIFF_LENGTH, DIFF_BYTES, ZERO_RUN, LITERAL_LENGTH, EXTRA_LENGTH, EXTRA_BYTES, SEEK }

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
    private final int maxKind;
    private boolean sparse;
    /** Sparse record: diff bytes of the record not yet covered by its pairs. */
    private long diffLeft;
    private long zeroRun;

    /**
     * {@code old} is the old image, or its {@link RelocatedOldImage} view when the patch has a map;
     * {@code maxKind} the highest record kind the patch's version allows.
     */
    RecordApplier(OldImage old, long oldSize, long newSize, ImageSink out, long oldPos, long newPos, int maxKind) {
        this.maxKind = maxKind;
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

    /** Continues at another block boundary (a resumed apply): the positions its block header records. */
    void moveTo(long oldPos, long newPos) {
        if (state != State.KIND) {
            throw new IllegalStateException("moved inside a record");
        }
        this.oldPos = oldPos;
        this.newPos = newPos;
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
                    if (kind > maxKind) {
                        throw PatchException.outOfRange(ErrorCode.UNKNOWN_RECORD_KIND, "record kind", kind,
                                KIND_BSDIFF, maxKind);
                    }
                    sparse = kind == KIND_SPARSE;
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
        switch (state) {
            case DIFF_LENGTH:
                return "diff_len";
            case ZERO_RUN:
                return "zero_run";
            case LITERAL_LENGTH:
                return "literal_len";
            case EXTRA_LENGTH:
                return "extra_len";
            default:
                return "seek";
        }
    }

    private void onVarint() throws IOException {
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
        if (state == State.ZERO_RUN || state == State.LITERAL_LENGTH) {
            onPairField(v);
            return;
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
        if (state == State.DIFF_LENGTH && sparse) {
            diffLeft = v;
            state = v > 0 ? State.ZERO_RUN : State.EXTRA_LENGTH;
        } else if (state == State.DIFF_LENGTH) {
            state = v > 0 ? State.DIFF_BYTES : State.EXTRA_LENGTH;
        } else {
            state = v > 0 ? State.EXTRA_BYTES : State.SEEK;
        }
    }

    /**
     * A sparse record's pair: a zero run (old bytes copied as they are) and a literal run (diff
     * bytes that follow). Each pair must cover at least one byte and stay within diff_len.
     */
    private void onPairField(long v) throws IOException {
        if (state == State.ZERO_RUN) {
            if (v > diffLeft) {
                throw PatchException.outOfRange(ErrorCode.BAD_DIFF_LENGTH, "zero_run (diff bytes left)", v, 0,
                        diffLeft);
            }
            zeroRun = v;
            state = State.LITERAL_LENGTH;
            return;
        }
        long lo = zeroRun == 0 ? 1 : 0;
        if (v < lo || v > diffLeft - zeroRun) {
            throw PatchException.outOfRange(ErrorCode.BAD_DIFF_LENGTH,
                    "literal_len (diff bytes left after the zero run)", v, lo, diffLeft - zeroRun);
        }
        copyOld(zeroRun);
        diffLeft -= zeroRun + v;
        remaining = v;
        state = v > 0 ? State.DIFF_BYTES : afterPair();
    }

    private State afterPair() {
        return diffLeft > 0 ? State.ZERO_RUN : State.EXTRA_LENGTH;
    }

    /** The old bytes of a zero run, unchanged (diff_len was checked against both images). */
    private void copyOld(long n) throws IOException {
        while (n > 0) {
            int k = (int) Math.min(n, oldBuffer.length);
            old.read(oldPos, oldBuffer, 0, k);
            out.write(oldBuffer, 0, k);
            oldPos += k;
            newPos += k;
            n -= k;
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
        advance(n, sparse ? null : State.EXTRA_LENGTH);
        return n;
    }

    private int copyExtra(byte[] b, int off, int len) throws IOException {
        int n = (int) Math.min(remaining, len);
        out.write(b, off, n);
        advance(n, State.SEEK);
        return n;
    }

    /** {@code next} null: the literal run of a sparse pair ended, the next pair or extra_len follows. */
    private void advance(int n, State next) {
        newPos += n;
        remaining -= n;
        if (remaining == 0) {
            state = next != null ? next : afterPair();
        }
    }
}
