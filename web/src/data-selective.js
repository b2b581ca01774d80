// SPDX-License-Identifier: Apache-2.0
// The data phase with a device that does selective repeat (docs/PROTOCOL.md, "Selective repeat"):
// lost frames alone are sent again, the frame size follows the error rate, and the window the
// round trip; as the Java host's SelectiveRepeat.send.

import { WINDOW_FRAMES } from './data-go-back-n.js';
import { refusedInDataPhase } from './device-refused.js';
import { DATA_CHUNK, FRAME_NAMES, FrameType, NakReason } from './frame-codec.js';
import { u32 } from './little-endian.js';
import { FrameSizer, Scoreboard, parseSack } from './selective.js';

/**
 * Patch bytes on the line at most under selective repeat, however long the measured round trip
 * (one late answer must not put a large burst on the line): eight full frames, the Java host's
 * UartChannel.MAX_WINDOW_BYTES.
 */
export const MAX_WINDOW_BYTES = WINDOW_FRAMES * DATA_CHUNK;

/** Selective repeat for one update (`t`, its Transfer). */
export class SelectiveRepeat {
  constructor(t) {
    this.t = t;
    this.sizer = new FrameSizer(DATA_CHUNK);
    this.board = new Scoreboard(this.sizer, t.rtt, () => t.now());
  }

  /** A new session: the frames written in the last one are forgotten. */
  clear() {
    this.board.clear();
  }

  /** A lost frame again, else a new frame if the window allows, else an answer. */
  async step() {
    const { t, board } = this;
    const frame = this.sizer.payload();
    const lost = board.firstLost(frame);
    if (lost) {
      t.stats.retransmittedBytes += lost.end - lost.start;
      t.stats.retransmittedFrames++;
      await t.sendData(lost.start, lost.end);
      board.wroteAgain(lost);
      this.drain();
      return;
    }
    const n = Math.min(frame, t.total - t.next);
    // The window counts the bytes still on the line; the ring bounds how far past the
    // acknowledged offset the host goes, but never below the window (a clean line stays busy).
    const onLine = Math.floor((t.rtt.upperMs() / 1000) * (t.baud / 10));
    const window = Math.min(MAX_WINDOW_BYTES, Math.max(2 * frame, onLine + frame));
    const reach = Math.max(t.stats.info.holdBytes, window);
    if (t.next < t.total && board.unaccountedBytes() < window && (t.next === t.acked || t.next + n - t.acked <= reach)) {
      await t.sendData(t.next, t.next + n);
      board.wrote(t.next, t.next + n);
      t.next += n;
      this.drain();
      return;
    }
    if (t.next >= t.total) await t.writer.fill(); // the whole patch is on the line: complete a last frame that lost a byte
    const f = await t.channel.nextFrame(Math.max(1, t.probeMs() - (t.now() - t.lastWrite)));
    if (f) {
      this.handle(f);
      return;
    }
    if (t.now() - t.lastHeard >= t.silenceMs) throw t.stoppedAnsweringData();
    t.stats.timeouts++;
    board.timedOut(); // the first frame not held is sent again
  }

  drain() {
    for (let f = this.t.channel.pollFrame(); f; f = this.t.channel.pollFrame()) this.handle(f);
  }

  /** ACK, SACK or NAK: the scoreboard learns what arrived and what is lost. */
  handle(f) {
    const { t, board } = this;
    if (f.type === FrameType.RESULT) throw refusedInDataPhase(f);
    // Only an answer to DATA puts the lost link off: a device babbling stale INFO or READY frames
    // would otherwise keep the page probing up to its bound of data frames (Java: UartChannel).
    if (f.payload.length < 4 || ![FrameType.ACK, FrameType.NAK, FrameType.SACK].includes(f.type)) {
      t.others.note(f);
      return;
    }
    t.lastHeard = t.now();
    t.others.answered();
    const off = t.answered(`${FRAME_NAMES[f.type]} offset`, u32(f.payload, 0));
    let held = null;
    if (f.type === FrameType.SACK) {
      ({ held } = parseSack(f.payload, t.sentEnd));
      t.stats.sacks++;
    }
    const notKept = f.type === FrameType.SACK && f.payload.length >= 12 && held === null;
    if (f.type === FrameType.NAK) t.stats.naks++;
    const reason = f.type === FrameType.NAK && f.payload.length >= 5 ? f.payload[4] : -1;
    if (reason === NakReason.RESTARTED && off < t.acked) {
      t.stats.restarts++; // the device dropped what it had: its offset is lower than what was acknowledged
      t.guard.restarted(off);
      t.acked = off;
      t.next = off;
      board.clear();
      t.progress(t.acked);
      return;
    }
    // Before the line error is counted: a reset device's NAK 2 says nothing of the line.
    if (off < t.acked) throw t.wentBackError(f, off);
    if (reason === NakReason.CORRUPT || reason === NakReason.CUT) board.brokeNextAfterArrived(reason === NakReason.CORRUPT);
    if (notKept) board.notKept();
    board.answer(off, held);
    if (off > t.acked) {
      t.acked = off;
      t.progress(t.acked);
    }
    if (t.next < t.acked) t.next = t.acked;
  }
}
