// SPDX-License-Identifier: Apache-2.0
// Writes frames to the port, numbered, each within a time limit (a port that stops taking bytes
// ends the update instead of hanging it), and the filler byte that completes a broken frame.

import { encodeFrame } from './frame-codec.js';

/**
 * The byte the host sends after its last frame before a wait (UartChannel.FILLER): it completes a
 * frame that lost a byte on the line, and a device skips it between frames as any byte before a SOF.
 */
export const FILLER = 0x00;

/**
 * Thrown when the port does not take a frame within what its buffers and the frame need at the
 * line's rate (writeLimitMs): the device stopped reading, as a hung USB CDC-ACM device does, and
 * the write would otherwise wait for ever. The Java host's SerialLink ends `fwdelta send` alike.
 */
export class WriteStalledError extends Error {}

/** The bytes a port and the USB-serial bridge behind it may buffer before a write waits. */
const MAX_BUFFERED_BYTES = 64 * 1024;
/** The least wait for a write to be taken, whatever the line's rate. */
export const MIN_WRITE_STALL_MS = 5000;

/** How long a write of `length` bytes may wait to be taken at `baud`: the Java host's SerialLink.writeLimitMs. */
export function writeLimitMs(length, baud) {
  return Math.max(MIN_WRITE_STALL_MS, Math.floor(((MAX_BUFFERED_BYTES + length) * 10 * 1000) / baud));
}

/** One update's writes to the port: frames with their sequence numbers (on across sessions), and fillers. */
export class FrameWriter {
  /**
   * limitMs(length): how long a write of `length` bytes may wait to be taken; stats.fillerBytes
   * counts the fillers written.
   */
  constructor(channel, limitMs, stats) {
    this.channel = channel;
    this.limitMs = limitMs;
    this.stats = stats;
    this.seq = 0;
    // Whether a FILLER followed the last frame written: one is enough to complete it.
    this.filled = false;
  }

  async writeBytes(bytes) {
    const limitMs = this.limitMs(bytes.length);
    const timers = this.channel.timers;
    let timer;
    const stalled = new Promise((resolve, reject) => {
      timer = timers.setTimeout(() => reject(new WriteStalledError(`the device stopped taking data: a write of `
        + `${bytes.length} bytes was not taken in ${(limitMs / 1000).toFixed(1)} s`)), limitMs);
    });
    try {
      await Promise.race([this.channel.write(bytes), stalled]);
    } finally {
      timers.clearTimeout(timer);
    }
  }

  send(type, payload) {
    this.filled = false;
    return this.writeBytes(encodeFrame(type, this.seq++, payload));
  }

  /**
   * One FILLER after the last frame before a wait (docs/PROTOCOL.md, "A filler byte before a
   * wait"; UartTransfer.fill): a frame that lost a byte on the line is completed by it and draws
   * NAK 2 at once, not the device's 50 ms of quiet or the page's timeout.
   */
  async fill() {
    if (this.filled) return;
    this.filled = true;
    this.stats.fillerBytes++;
    await this.writeBytes(Uint8Array.of(FILLER));
  }
}
