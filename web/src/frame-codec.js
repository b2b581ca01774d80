// SPDX-License-Identifier: Apache-2.0
// The UART frame (docs/PROTOCOL.md section 1): its types, its bytes, and the decoder that finds
// frames in what the line delivers, as the Java runtime's Frame, FrameType and FrameDecoder.

import { crc16ccitt, crc32 } from './checksums.js';
import { putU32, u16, u32 } from './little-endian.js';

const SOF = 0xa5;
const MAX_PAYLOAD = 1024;
/** Patch bytes in a full DATA frame: its payload less the u32 offset. */
export const DATA_CHUNK = MAX_PAYLOAD - 4;

export const FrameType = Object.freeze({
  HELLO: 0x01, INFO: 0x02, BEGIN: 0x03, READY: 0x04, DATA: 0x05,
  ACK: 0x06, NAK: 0x07, DONE: 0x08, RESULT: 0x09, ABORT: 0x0a, SACK: 0x0b,
});

/** Frame types by number: "ACK", for the words that name what a device sent. */
export const FRAME_NAMES = Object.fromEntries(Object.entries(FrameType).map(([name, type]) => [type, name]));

export const NakReason = Object.freeze({ GAP: 1, CORRUPT: 2, RESTARTED: 3, CUT: 4 }); // CUT: a frame cut by 50 ms of quiet; handled as any gap

/** One frame's bytes: SOF, type, seq, length, header CRC, payload, CRC-32. */
export function encodeFrame(type, seq, payload = new Uint8Array(0)) {
  if (payload.length > MAX_PAYLOAD) {
    throw new RangeError(`frame payload length ${payload.length} is outside 0..${MAX_PAYLOAD}`);
  }
  const f = new Uint8Array(7 + payload.length + 4);
  f[0] = SOF; f[1] = type; f[2] = seq & 0xff; f[3] = payload.length & 0xff; f[4] = payload.length >> 8;
  const h = crc16ccitt(f, 0, 5);
  f[5] = h & 0xff; f[6] = h >> 8;
  f.set(payload, 7);
  putU32(f, 7 + payload.length, crc32(f, 0, 7 + payload.length));
  return f;
}

/** docs/PROTOCOL.md 1: a frame the line has been quiet in for this long is dropped. */
export const QUIET_MS = 50;

const KNOWN_TYPES = new Set(Object.values(FrameType));

/**
 * Finds frames in a byte stream: hunts for SOF, checks the header CRC, the type and the length limit
 * before buffering any payload, drops a frame whose CRC-32 is wrong or that the line went quiet in
 * (idle), and then searches the bytes after its SOF again, delivering the frames found there: the
 * Java host's FrameDecoder (patch-runtime) on the same bytes. Memory: one frame buffer.
 */
export class FrameDecoder {
  constructor() {
    this.buf = new Uint8Array(7 + MAX_PAYLOAD + 4);
    this.n = 0;
    this.dropped = 0; // frames dropped: a bad CRC-32, or cut by quiet
    this.lastByteAt = -Infinity;
  }

  /**
   * Feeds bytes; returns the complete good frames they finish, as {type, seq, payload}. With `now`
   * (milliseconds), a frame the line was quiet in for QUIET_MS before these bytes is dropped first.
   */
  push(bytes, now) {
    const out = [];
    if (now !== undefined) {
      if (now - this.lastByteAt >= QUIET_MS) this.idleInto(out);
      this.lastByteAt = now;
    }
    for (const b of bytes) this.pushByte(b, out);
    return out;
  }

  /** True while part of a frame is buffered: quiet would drop it. */
  partial() {
    return this.n > 0;
  }

  /**
   * The line went quiet in a frame (a sender writes a frame in one go): it is dropped, and the
   * frames found in the bytes after its SOF are returned.
   */
  idle() {
    const out = [];
    this.idleInto(out);
    return out;
  }

  idleInto(out) {
    if (this.n > 0) {
      this.dropped++;
      this.resync(out);
    }
  }

  pushByte(b, out) {
    if (this.n === 0 && b !== SOF) return;
    this.buf[this.n++] = b;
    if (this.n === 7) {
      const len = u16(this.buf, 3);
      if (crc16ccitt(this.buf, 0, 5) !== u16(this.buf, 5) || len > MAX_PAYLOAD || !KNOWN_TYPES.has(this.buf[1])) {
        this.resync(out);
      }
      return;
    }
    if (this.n > 7 && this.n === 7 + u16(this.buf, 3) + 4) {
      const len = this.n - 11;
      if (crc32(this.buf, 0, 7 + len) === u32(this.buf, 7 + len)) {
        out.push({ type: this.buf[1], seq: this.buf[2], payload: this.buf.slice(7, 7 + len) });
        this.n = 0;
      } else {
        this.dropped++;
        this.resync(out);
      }
    }
  }

  /** Drops the frame's SOF and searches the bytes after it again: frames found there are delivered. */
  resync(out) {
    const rest = this.buf.slice(1, this.n);
    this.n = 0;
    for (const b of rest) this.pushByte(b, out);
  }
}
