// SPDX-License-Identifier: Apache-2.0
// The done phase (docs/PROTOCOL.md): DONE until the device answers RESULT, paced as the Java
// host's DonePhase.done.

import { checkedOffset } from './device-answers.js';
import { throwResult } from './device-refused.js';
import { printable } from './device-text.js';
import { FrameType } from './frame-codec.js';
import { putU32, u32 } from './little-endian.js';
import { LinkLost } from './session-errors.js';

/** DONE frames one done phase sends before the link counts as lost (UartChannel.MAX_DONE_ATTEMPTS). */
export const MAX_DONE_ATTEMPTS = 20;
/** The longest wait after a DONE before it is sent again (UartChannel.MAX_BEGIN_WAIT_MS, which paces DONE too). */
export const MAX_DONE_WAIT_MS = 5000;
/**
 * The least silence at DONE that loses the link (UartChannel.MIN_DONE_PATIENCE_MS): the device
 * verifies the whole staged image before it answers, which takes far longer than an answer to DATA.
 */
export const MIN_DONE_PATIENCE_MS = 30_000;

/** The done phase of one update (`t`, its Transfer); `restarted()` forgets what the data phase awaited. */
export class DonePhase {
  constructor(t, restarted) {
    this.t = t;
    this.restarted = restarted;
  }

  /**
   * True once the device staged the patch (RESULT 0), false when a NAK below the patch length sends
   * the page back to the data phase (a restart). A DONE whose header the line broke draws no
   * answer at all, so DONE is sent again after two round trips, then 1.5 times longer each time up
   * to MAX_DONE_WAIT_MS; a device still verifying the staged image answers the later DONEs alike
   * afterwards, so an early one costs its bytes, not the update. The link is lost when a wait ends
   * MIN_DONE_PATIENCE_MS (or three timeouts, if longer) after the last answer to DONE, or after
   * MAX_DONE_ATTEMPTS DONE frames. Only an answer to DONE (RESULT, or a NAK of it) is one: other
   * frames (a stale ACK, INFO) are counted for the words and put nothing off, else a device
   * babbling them would keep the page sending DONE.
   */
  async run() {
    const t = this.t;
    const d = new Uint8Array(4);
    putU32(d, 0, t.total);
    const patience = Math.max(MIN_DONE_PATIENCE_MS, 3 * t.timeoutMs);
    let wait = t.probeMs();
    let heard = t.now();
    let broken = 0; // DONE frames answered with a NAK at the patch length: the give-up names them
    t.others.answered(); // frames that answer no DONE are counted from here
    for (let sent = 1; ; sent++) {
      t.checkAbort();
      t.doneSent = true;
      await t.writer.send(FrameType.DONE, d);
      await t.writer.fill();
      const f = await this.answerToDone(t.now() + wait);
      if (f?.type === FrameType.RESULT) {
        t.stats.message = printable(throwResult(f));
        t.progress(t.total);
        return true;
      }
      if (f) {
        heard = t.now();
        t.others.answered();
        const off = f.payload.length >= 4
          ? checkedOffset('NAK offset (answering DONE)', u32(f.payload, 0), 0, t.total, 'the patch length') : t.total;
        if (off < t.total) {
          this.restartAt(off);
          return false;
        }
        broken++; // the line broke DONE itself (a NAK without its offset too, as DonePhase.done counts it): again at once
      }
      if (sent === MAX_DONE_ATTEMPTS || t.now() - heard >= patience) throw this.givenUp(sent, broken);
      wait = Math.min(MAX_DONE_WAIT_MS, Math.floor((wait * 3) / 2));
    }
  }

  /** RESULT or NAK, the answers to DONE, if one comes before `deadline`; other frames are noted, and skipped. */
  async answerToDone(deadline) {
    const t = this.t;
    for (let f = await t.nextFrameBefore(deadline); f; f = await t.nextFrameBefore(deadline)) {
      if (f.type === FrameType.RESULT || f.type === FrameType.NAK) return f;
      t.others.note(f);
    }
    return null;
  }

  /** A NAK answering DONE below the patch length: not all applied, or restarted, a restart either way (the Java host counts it so). */
  restartAt(off) {
    const t = this.t;
    t.stats.restarts++;
    t.guard.restarted(off);
    t.acked = off;
    t.next = off;
    this.restarted();
  }

  /**
   * The done phase given up on after `sent` DONE frames (DonePhase.done's words): answered by
   * NAKs at the patch length only (`broken` of them), or by nothing that answers DONE.
   */
  givenUp(sent, broken) {
    return new LinkLost(broken === 0
      ? `the device stopped answering DONE frames (${sent} sent in this done phase)${this.t.others.instead()}`
      : `the device answered ${broken} of ${sent} DONE frames with a NAK at the patch length (DONE broken on the line) `
        + 'and none with RESULT');
  }
}
