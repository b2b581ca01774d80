// SPDX-License-Identifier: Apache-2.0
// Selective repeat for the browser host (docs/PROTOCOL.md, "Selective repeat" and "Sending on a
// noisy line"): what the Java host's Scoreboard and FrameSizer do, for data-selective.js.

import { DeviceProtocolError } from './device-error.js';

/** Patch bytes per DATA frame at the least: below it the framing costs more than a lost frame. */
export const MIN_PAYLOAD = 16;
/** The first frame's payload; each frame delivered doubles the limit, up to the maximum. */
export const FIRST_PAYLOAD = 256;
/** Line bytes after which the error counts are halved, so that old errors fade. */
export const HALF_LIFE_BYTES = 16 * 1024;
/** Line bytes a DATA frame adds to its patch bytes: 11 of framing and the u32 offset. */
export const DATA_FRAMING = 15;

/**
 * SACK payload: u32 next expected offset, then u32 start and u32 end of the range that holds the
 * frame just received. A SACK without the range (shorter than 12 bytes) or with 0, 0 holds none,
 * as the Java host reads it. Checked against `sentEnd`, the end of the patch bytes sent in this
 * session, with the Java host's words; a held range starts at the offset or after it.
 */
export function parseSack(p, sentEnd) {
  if (p.length < 4) throw new DeviceProtocolError(`the device answered a SACK payload of ${p.length} bytes, at least 4 expected`);
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const expected = view.getUint32(0, true);
  if (expected > sentEnd) throw outsideSent('SACK offset', expected, sentEnd);
  if (p.length < 12) return { expected, held: null };
  const start = view.getUint32(4, true);
  const end = view.getUint32(8, true);
  if (start === 0 && end === 0) return { expected, held: null };
  if (end > sentEnd) throw outsideSent('SACK held range end', end, sentEnd);
  // And past the SACK's offset: the starts allowed are then never an empty range ("100..79").
  if (end <= expected) {
    throw new DeviceProtocolError(`the device answered SACK held range end ${end}` + (expected < sentEnd
      ? `, outside the allowed ${expected + 1}..${sentEnd} (after the SACK offset, within the patch bytes sent in this session)`
      : `, but no patch byte after the SACK offset ${expected} was sent in this session`));
  }
  if (start < expected || start >= end) {
    throw new DeviceProtocolError(`the device answered SACK held range start ${start}, outside the allowed `
      + `${expected}..${end - 1} (after the SACK offset, before the range end)`);
  }
  return { expected, held: [start, end] };
}

function outsideSent(field, value, sentEnd) {
  return new DeviceProtocolError(`the device answered ${field} ${value}, outside the allowed 0..${sentEnd} `
    + '(the patch bytes sent in this session)');
}

/**
 * Picks the DATA payload size from the errors seen, as ZMODEM shrinks its blocks on a noisy line:
 * the size n that maximises n / (n + 15) * (1 - e)^(n + 15) for the estimated error rate e per
 * byte. Frames start at FIRST_PAYLOAD and double with each one delivered.
 */
export class FrameSizer {
  constructor(max) {
    this.max = max;
    this.limit = Math.min(max, FIRST_PAYLOAD);
    this.lineBytes = 0;
    this.errors = 0;
  }

  delivered(payload) {
    this.limit = Math.min(this.max, 2 * this.limit);
    this.count(payload);
  }

  lost(payload) {
    this.errors++;
    this.count(payload);
  }

  count(payload) {
    this.lineBytes += payload + DATA_FRAMING;
    if (this.lineBytes > HALF_LIFE_BYTES) {
      this.lineBytes /= 2;
      this.errors /= 2;
    }
  }

  payload() {
    if (this.errors === 0) return this.limit;
    const e = this.errors / Math.max(this.lineBytes, 1);
    const h = DATA_FRAMING;
    const best = (Math.sqrt(h * h + (4 * h) / e) - h) / 2;
    return Math.floor(Math.max(MIN_PAYLOAD, Math.min(this.limit, best)));
  }
}

/**
 * The DATA frames written and not yet acknowledged, in the order written: which ones the device
 * holds, and which are lost. A serial line keeps order and the device answers frames in the order
 * they arrive, so a frame is lost as soon as one written after it has arrived while it has not.
 */
export class Scoreboard {
  constructor(sizer, rtt, now = () => Date.now()) {
    this.sizer = sizer;
    this.rtt = rtt;
    this.now = now;
    this.frames = [];
    this.order = 0;
    this.arrivedOrder = -1;
  }

  clear() {
    this.frames = [];
    this.arrivedOrder = -1;
  }

  wrote(start, end) {
    // oldestLive: the write order of the oldest copy that may still arrive (the last copy's, unless
    // the frame went again on a timeout: its earlier copy may be on its way, its answer only late);
    // timedOut: sent again (or to be) on a timeout, and no answer said its last copy was lost.
    const order = this.order++;
    this.frames.push({
      start, end, order, oldestLive: order, timedOut: false, writtenAt: this.now(), again: false, lost: false,
      held: false,
    });
  }

  /** A lost frame (or piece of one) was written again. */
  wroteAgain(frame) {
    frame.lost = false;
    frame.again = true;
    frame.order = this.order++;
    if (!frame.timedOut) frame.oldestLive = frame.order; // the earlier copies are known lost
    frame.writtenAt = this.now();
  }

  /** Patch bytes written whose fate is not known yet: what is on the line. */
  unaccountedBytes() {
    let n = 0;
    for (const s of this.frames) if (!s.held && !s.lost) n += s.end - s.start;
    return n;
  }

  /** The device's answer: every byte before `acked` arrived, and it holds `held` ([start, end] or null). */
  answer(acked, held) {
    let newest = null;
    let arrived = -1; // the latest write order sure to have arrived
    const kept = [];
    for (const s of this.frames) {
      const done = s.end <= acked;
      const holds = !done && held !== null && held[0] <= s.start && s.end <= held[1];
      if ((done || holds) && !s.held) {
        this.sizer.delivered(s.end - s.start);
        if (newest === null || s.order > newest.order) newest = s;
        // Of a frame sent again on a timeout, any copy may be the one that arrived.
        arrived = Math.max(arrived, s.oldestLive);
      }
      if (!done) {
        if (holds) s.held = true;
        kept.push(s);
      }
    }
    this.frames = kept;
    if (newest === null) return;
    if (!newest.again) this.rtt.sample(this.now() - newest.writtenAt); // Karn: frames sent once only
    this.arrivedOrder = Math.max(this.arrivedOrder, arrived);
    for (const s of this.frames) {
      if (!s.held && !s.lost && s.order < this.arrivedOrder) {
        this.markLost(s);
      } else if (!s.held && s.timedOut && s.oldestLive < this.arrivedOrder) {
        s.oldestLive = s.order; // its copies before one written after it arrived are lost
        s.timedOut = false;
      }
    }
  }

  markLost(s) {
    s.lost = true;
    s.timedOut = false;
    s.oldestLive = s.order;
    this.sizer.lost(s.end - s.start);
  }

  /**
   * NAK 2 or 4: the first frame written after the last that arrived broke, or was cut short.
   * Counted as an error of the line only if `lineError` (NAK 2; a cut frame may be the sender's
   * own pause), as the Java host's Scoreboard counts it.
   */
  brokeNextAfterArrived(lineError) {
    const first = this.nextAfterArrived();
    if (first === null) return;
    if (lineError) this.sizer.lost(first.end - first.start);
    this.answeredCopyLost(first);
  }

  /**
   * SACK 0..0: the frame just received was not kept (the hold ring was full). It is sent again,
   * but it arrived whole: no error of the line, or a ring smaller than the window would shrink
   * the frames, and smaller frames fill the ring's slots sooner. Its bytes crossed the line
   * unbroken and count so: left out, the frames the line broke past a full ring outweighed those
   * it carried whole, and the frames shrank as the window outgrew the ring.
   */
  notKept() {
    const first = this.nextAfterArrived();
    if (first === null) return;
    this.sizer.delivered(first.end - first.start);
    this.answeredCopyLost(first);
  }

  /**
   * The copy of `s` that the device's answer is about did not arrive whole, or was not kept: the
   * first copy of a frame sent again on a timeout while it was still on its way (its second copy
   * may yet arrive: the frame is not lost), else the last one.
   */
  answeredCopyLost(s) {
    if (!s.timedOut) s.lost = true;
    s.timedOut = false;
    s.oldestLive = s.order;
  }

  /**
   * The frame the device's next answer is about: the one with the first copy written after the
   * last known to have arrived, a copy that has drawn no answer yet.
   */
  nextAfterArrived() {
    let first = null;
    for (const s of this.frames) {
      const copy = this.nextCopy(s);
      if (copy >= 0 && (first === null || copy < this.nextCopy(first))) first = s;
    }
    return first;
  }

  /**
   * The write order of the first copy of `s` written after the last known to have arrived and not
   * answered yet: its first copy if it went again on a timeout, else its last; -1 if none.
   */
  nextCopy(s) {
    if (s.held) return -1;
    if (s.timedOut && s.oldestLive > this.arrivedOrder) return s.oldestLive;
    return !s.lost && s.order > this.arrivedOrder ? s.order : -1;
  }

  /**
   * Nothing came back in time: the first frame not held is sent again (not counted as a line
   * error: the answer may only be late). Its earlier copy may still arrive, so an answer that
   * covers the frame says nothing of the frames written between the copies.
   */
  timedOut() {
    const s = this.frames.find((f) => !f.held);
    if (!s) return;
    s.timedOut ||= !s.lost;
    s.lost = true;
  }

  /**
   * The lost frame with the lowest offset, cut to at most maxSize bytes (the rest stays lost); or
   * null. Not cut where the rest would be below MIN_PAYLOAD: such a piece costs more in framing and
   * an answer than its bytes risk in the longer frame.
   */
  firstLost(maxSize) {
    let at = -1;
    for (let i = 0; i < this.frames.length; i++) {
      const s = this.frames[i];
      if (s.lost && !s.held && (at < 0 || s.start < this.frames[at].start)) at = i;
    }
    if (at < 0) return null;
    const s = this.frames[at];
    if (s.end - s.start - maxSize < MIN_PAYLOAD) return s;
    const tail = { ...s, start: s.start + maxSize };
    s.end = s.start + maxSize;
    this.frames.splice(at + 1, 0, tail);
    return s;
  }
}
