// SPDX-License-Identifier: Apache-2.0
// The bytes a serial port delivers, read as frames with a timeout (docs/PROTOCOL.md section 1, the
// 50 ms quiet rule included). The same in a browser and in node: the page feeds it from WebSerial,
// the tests from the npm serialport package or a scripted device.

import { FrameDecoder, QUIET_MS } from './frame-codec.js';

/** Bytes a ByteChannel keeps of what it received first: enough to tell what answered. */
const FIRST_BYTES = 64;

/**
 * Bytes from a serial port, pushed by whatever reads it (WebSerial reader loop, serialport 'data'
 * events), read as frames with a timeout. write() is the port's writer.
 */
export class ByteChannel {
  /** clock: {now, setTimeout, clearTimeout} for the 50 ms quiet rule and the waits (tests move their own). */
  constructor(write, clock = {}) {
    this.write = write;
    this.decoder = new FrameDecoder();
    this.frames = [];
    this.waiter = null;
    this.closed = false;
    this.now = clock.now ?? (() => globalThis.performance.now());
    this.timers = clock.setTimeout ? clock : globalThis;
    this.quietTimer = null;
    this.firstBytes = []; // what came first, up to FIRST_BYTES: what answered, when no frame did
    this.bytesRead = 0;
  }

  push(bytes) {
    this.bytesRead += bytes.length;
    for (let i = 0; i < bytes.length && this.firstBytes.length < FIRST_BYTES; i++) this.firstBytes.push(bytes[i]);
    for (const f of this.decoder.push(bytes, this.now())) this.frames.push(f);
    this.watchQuiet();
    this.wake();
  }

  /**
   * While part of a frame is buffered, a timer looks again QUIET_MS after the last byte: if no byte
   * came since, the frame is dropped and what was buffered after its SOF is searched again.
   */
  watchQuiet() {
    if (this.quietTimer !== null || !this.decoder.partial() || this.closed) return;
    const wait = Math.max(0, this.decoder.lastByteAt + QUIET_MS - this.now());
    this.quietTimer = this.timers.setTimeout(() => {
      this.quietTimer = null;
      if (this.decoder.partial() && this.now() - this.decoder.lastByteAt >= QUIET_MS) {
        for (const f of this.decoder.idle()) this.frames.push(f);
        this.wake();
      }
      this.watchQuiet();
    }, wait);
  }

  close() {
    this.closed = true;
    if (this.quietTimer !== null) this.timers.clearTimeout(this.quietTimer);
    this.quietTimer = null;
    this.wake();
  }

  wake() {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w();
    }
  }

  /** The next frame already received, or null: no wait. */
  pollFrame() {
    return this.frames.length ? this.frames.shift() : null;
  }

  /** The next frame, or null after timeoutMs with none (or when the channel is closed). */
  async nextFrame(timeoutMs, timers = this.timers) {
    if (this.frames.length) return this.frames.shift();
    if (this.closed) return null;
    await new Promise((resolve) => {
      const t = timers.setTimeout(() => { this.waiter = null; resolve(); }, timeoutMs);
      this.waiter = () => { timers.clearTimeout(t); resolve(); };
    });
    return this.frames.length ? this.frames.shift() : null;
  }
}
