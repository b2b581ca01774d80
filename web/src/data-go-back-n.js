// SPDX-License-Identifier: Apache-2.0
// The data phase with a version-1 device, or with the goBackN option (docs/PROTOCOL.md): a window
// of frames, and from the acknowledged offset again on a NAK or a timeout, as the Java host's
// GoBackN.send.

import { refusedInDataPhase } from './device-refused.js';
import { DATA_CHUNK, FrameType, NakReason } from './frame-codec.js';
import { u32 } from './little-endian.js';

/** DATA frames on the line at most under go-back-N. */
export const WINDOW_FRAMES = 8;

/** Go-back-N for one update (`t`, its Transfer). */
export class GoBackN {
  constructor(t) {
    this.t = t;
    // Answers owed for the DATA frames written (the device answers each, in order), and how many
    // of them answer frames written before the last go-back: a NAK at its offset among those is
    // old news; one after them says a frame sent again was lost too.
    this.owed = 0;
    this.staleAnswers = 0;
    this.gapAt = -1;
    // The DATA frames written and not yet acknowledged, in order ({end, writtenAt, again}), for
    // the round trip.
    this.inFlight = [];
    /** DATA below this offset is sent again: the first session sets it to READY's offset. */
    this.sentUpTo = 0;
  }

  /** No answer is owed any more: a new session, a timeout, or a restart. */
  forget() {
    this.gapAt = -1;
    this.owed = 0;
    this.staleAnswers = 0;
    this.inFlight = [];
  }

  /**
   * Go-back-N, as the Java host (GoBackN.send): every answer already received is read first,
   * then one frame if the window has room (and the answers it drew at once), else a wait for one
   * answer (or a timeout: from the acknowledged offset again). Reading one answer per frame sent
   * would leave the page a window of answers behind the device: it would learn of a broken frame
   * only after sending the frames behind it, each to be sent again.
   */
  async step() {
    const t = this.t;
    this.drain();
    if (t.acked >= t.total) return;
    if (t.next < t.total && t.next - t.acked < WINDOW_FRAMES * DATA_CHUNK) {
      const n = Math.min(DATA_CHUNK, t.total - t.next);
      if (t.next < this.sentUpTo) {
        t.stats.retransmittedFrames++;
        t.stats.retransmittedBytes += n;
      }
      await t.sendData(t.next, t.next + n);
      this.inFlight.push({ end: t.next + n, writtenAt: t.lastWrite, again: t.next < this.sentUpTo });
      this.owed++;
      t.next += n;
      this.sentUpTo = Math.max(this.sentUpTo, t.next);
      this.drain();
      return;
    }
    if (t.next >= t.total) await t.writer.fill(); // the whole patch is on the line: complete a last frame that lost a byte
    // The retransmission timeout from the round trip, measured from the last write, as the Java
    // host's GoBackN.send: frames that answer nothing written (a stale INFO) must not put it
    // off. The wait ends no later than the lost link, whose silence does not follow the round trip.
    const lostAt = t.lastHeard + t.silenceMs;
    const f = await t.nextFrameBefore(Math.min(t.lastWrite + t.rtt.timeoutMs(), lostAt));
    if (!f) {
      if (t.now() >= lostAt) throw t.stoppedAnsweringData();
      t.stats.timeouts++;
      t.next = t.acked;
      this.forget(); // the answers given up on
      return;
    }
    this.handle(f);
  }

  drain() {
    for (let f = this.t.channel.pollFrame(); f; f = this.t.channel.pollFrame()) this.handle(f);
  }

  /**
   * ACK or NAK under go-back-N: the acknowledged offset moves on, or the page goes back, once per
   * gap: a NAK at the offset it went back to is ignored while it answers a frame written before
   * the go-back, and sends it back again once it answers one written after (counted, not timed).
   */
  handle(f) {
    const t = this.t;
    if (f.type === FrameType.RESULT) throw refusedInDataPhase(f);
    if (f.type !== FrameType.ACK && f.type !== FrameType.NAK) {
      t.others.note(f);
      return;
    }
    // Only an answer with its offset puts the lost link off (PROTOCOL.md; Java: GoBackN.answersData):
    // a device answering every frame with an empty ACK held the page to its bound of data frames.
    // It still answers a frame written, so it counts for the answers owed, as in Java.
    if (f.payload.length >= 4) {
      t.lastHeard = t.now();
      t.others.answered();
    } else {
      t.others.note(f);
    }
    const stale = this.staleAnswers > 0;
    if (stale) this.staleAnswers--;
    if (this.owed > 0) this.owed--;
    if (f.type === FrameType.ACK && f.payload.length >= 4) {
      const off = t.answered('ACK offset', u32(f.payload, 0));
      if (off < t.acked) throw t.wentBackError(f, off);
      if (off > t.acked) {
        this.covered(off);
        t.acked = off;
        if (t.next < t.acked) t.next = t.acked;
        t.progress(t.acked);
      }
      if (t.acked >= t.next) {
        this.owed = 0; // every frame written is applied: no answer is owed (one was lost on the line)
        this.staleAnswers = 0;
      }
    } else if (f.type === FrameType.NAK && f.payload.length >= 4) {
      // A NAK without its reason byte is still a NAK at its offset (the Java host's reading).
      t.stats.naks++;
      const off = t.answered('NAK offset', u32(f.payload, 0));
      const reason = f.payload.length >= 5 ? f.payload[4] : -1;
      if (reason === NakReason.RESTARTED && off < t.acked) {
        // The device dropped what it had: its offset is lower than what was acknowledged. One at
        // or above it takes nothing back and is taken as any NAK, no restart (the Java host's rule).
        t.stats.restarts++;
        t.guard.restarted(off);
        this.goBackTo(off);
      } else if (off < t.acked) {
        throw t.wentBackError(f, off);
      } else if (off !== this.gapAt || !stale) {
        if (off > t.acked) this.covered(off);
        this.boundOwed(off, reason === NakReason.GAP || reason === -1);
        this.goBackTo(off);
      }
    }
  }

  /**
   * Before a go-back on a NAK at `off`: no more answers are owed than frames were written after the
   * one that NAK answers (the device answers in order). Counted from every frame written, the owed
   * count keeps a frame that drew no answer (its header broke, or its answer was lost) and would
   * take the NAK to a frame written after the go-back for an old one. The frames since the last
   * go-back are DATA_CHUNK apart from a frame boundary, so those from `off` on are counted by
   * offset; the NAK answers the one at `off` at the earliest (NAK 2 or 4: it broke), or the one
   * after it (`pastTheGap`: NAK 1, or no reason), as GoBackN.boundOwed.
   */
  boundOwed(off, pastTheGap) {
    const fromOff = Math.ceil((this.t.next - off) / DATA_CHUNK);
    this.owed = Math.min(this.owed, Math.max(0, fromOff - 1 - (pastTheGap ? 1 : 0)));
  }

  /**
   * The frames in flight up to `off` arrived. The one ending there is the frame the answer is for:
   * its round trip is sampled if it was sent once (Karn's rule: an answer to a frame sent again
   * may be the first one's), as GoBackN.acknowledged does.
   */
  covered(off) {
    let last = null;
    while (this.inFlight.length > 0 && this.inFlight[0].end <= off) last = this.inFlight.shift();
    if (last !== null && last.end === off && !last.again) this.t.rtt.sample(this.t.now() - last.writtenAt);
  }

  /** From `off` again; the answers still owed are for frames written before this. */
  goBackTo(off) {
    const t = this.t;
    this.inFlight = this.inFlight.filter((s) => s.end <= off);
    this.gapAt = off;
    t.acked = off;
    t.next = off;
    this.staleAnswers = this.owed;
    t.progress(t.acked);
  }
}
