// SPDX-License-Identifier: Apache-2.0
// What the phases of one update share (sendPatch builds it once): the patch and the device's
// position in it, the clock and the round trip, the frame writer, the counts returned, and the
// words of a link lost in the data phase.

import { checkedOffset } from './device-answers.js';
import { FRAME_NAMES, FrameType } from './frame-codec.js';
import { putU32 } from './little-endian.js';
import { OtherFrames } from './other-frames.js';
import { MIN_PROBE_MS, RoundTrip } from './round-trip.js';
import { LinkLost, stoppedAnswering } from './session-errors.js';

export class Transfer {
  /**
   * timeoutMs: how long the device may stay silent; options: signal (an AbortSignal-like
   * {aborted}) and onProgress({acked, total, startedAt}), read when used.
   */
  constructor({ channel, patch, writer, stats, guard, baud, timeoutMs, options }) {
    this.channel = channel;
    this.patch = patch;
    this.total = patch.length;
    this.writer = writer;
    this.stats = stats;
    this.guard = guard;
    this.baud = baud;
    this.timeoutMs = timeoutMs;
    // No answer to DATA for three answer timeouts loses the link in the data phase, whatever the round trip.
    this.silenceMs = 3 * timeoutMs;
    this.options = options;
    this.rtt = new RoundTrip();
    this.others = new OtherFrames();
    /** Every byte below it is applied: the device's acknowledged offset. */
    this.acked = 0;
    /** The next patch byte to send. */
    this.next = 0;
    /** The end of the patch bytes written in this session (from READY's offset on): no answer is past it. */
    this.sentEnd = 0;
    this.doneSent = false;
    this.lastWrite = this.now();
    this.lastHeard = this.now();
  }

  /** Every time is read, and every wait timed, on the channel's clock: a test's clock moves them all. */
  now() {
    return this.channel.now();
  }

  checkAbort() {
    if (this.options.signal?.aborted) throw new Error('the update was stopped');
  }

  progress(acked) {
    this.options.onProgress?.({ acked, total: this.total, startedAt: this.stats.startedAt });
  }

  /** The next frame if one comes before `deadline` (on the channel's clock), else null. */
  async nextFrameBefore(deadline) {
    const left = deadline - this.now();
    return left > 0 ? this.channel.nextFrame(left) : this.channel.pollFrame();
  }

  /** The patch bytes start..end in a DATA frame. */
  async sendData(start, end) {
    this.guard.beforeData(this.stats.dataFrames);
    const p = new Uint8Array(4 + end - start);
    putU32(p, 0, start);
    p.set(this.patch.subarray(start, end), 4);
    await this.writer.send(FrameType.DATA, p);
    this.stats.dataFrames++;
    this.sentEnd = Math.max(this.sentEnd, end);
    this.lastWrite = this.now();
  }

  /** An offset the device answered DATA with, checked against the patch bytes sent in this session. */
  answered(field, value) {
    return checkedOffset(field, value, 0, this.sentEnd, 'the patch bytes sent in this session');
  }

  /**
   * How long the host waits after its last frame before it sends one again, with nothing else to
   * send: two round trips, at least MIN_PROBE_MS (UartTransfer.probeMs).
   */
  probeMs() {
    return Math.max(MIN_PROBE_MS, Math.round(2 * this.rtt.upperMs()));
  }

  /** An answer below the acknowledged offset that is no restart: the device no longer holds the transfer. */
  wentBackError(f, off) {
    return new LinkLost(`the device went back: ${FRAME_NAMES[f.type]} offset ${off} is below the acknowledged `
      + `${this.acked} (it lost the transfer)`);
  }

  /** No answer to DATA for silenceMs: the link is lost, named by what the device sent instead. */
  stoppedAnsweringData() {
    return this.others.count === 0 ? stoppedAnswering()
      : new LinkLost(`the device stopped answering DATA frames${this.others.instead()}`);
  }
}
