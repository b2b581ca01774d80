// SPDX-License-Identifier: Apache-2.0
// Ends a transfer that no longer gets further (docs/PROTOCOL.md, "Reconnects"): the Java host's
// ProgressGuard, with the same rule and words.

/** Data frames a transfer may send without the acknowledged offset growing: HostSession.MAX_FRAMES_WITHOUT_PROGRESS. */
export const MAX_FRAMES_WITHOUT_PROGRESS = 4096;

/**
 * Lost links and restarts count against one limit, and the count starts again whenever the
 * acknowledged offset passes the highest it has reached; data frames sent since the acknowledged
 * offset last grew count against another. A long transfer on a noisy line keeps moving its offset
 * on, so neither limit ends it; a device that keeps answering while nothing moves on (restarting
 * at the same byte, or breaking every frame) is given up on. `fail(message)` makes the error thrown.
 */
export class ProgressGuard {
  constructor(maxSetbacks, maxFramesWithoutProgress, fail) {
    this.maxSetbacks = maxSetbacks;
    this.maxFrames = maxFramesWithoutProgress;
    this.fail = fail;
    this.highest = -1;
    this.acked = -1;
    this.framesAtGrowth = 0;
    this.reconnects = 0;
    this.restarts = 0;
  }

  /** The device's acknowledged offset is now `offset`, with `framesSent` data frames sent so far. */
  acknowledged(offset, framesSent) {
    if (offset > this.acked) this.framesAtGrowth = framesSent;
    this.acked = offset;
    if (offset > this.highest) {
      this.highest = offset;
      this.reconnects = 0;
      this.restarts = 0;
    }
  }

  /** Before another data frame: throws once as many as allowed went without the offset growing. */
  beforeData(framesSent) {
    if (framesSent - this.framesAtGrowth >= this.maxFrames) {
      throw this.fail(`the device made no progress in ${this.maxFrames} data frames: `
        + `nothing acknowledged past offset ${this.acked}`);
    }
  }

  /** The link was lost (`why`): throws if that is one setback too many. */
  lostLink(why) {
    this.reconnects++;
    this.check(why, true);
  }

  /** The device restarted the update at `offset`: throws if that is one setback too many. */
  restarted(offset) {
    this.restarts++;
    this.check(`the device restarted the update at offset ${offset}`, false);
  }

  check(why, lostLink) {
    if (this.reconnects + this.restarts <= this.maxSetbacks) return;
    // What was allowed before this one, which ends the transfer.
    const r = lostLink ? this.reconnects - 1 : this.reconnects;
    const s = lostLink ? this.restarts : this.restarts - 1;
    let allowed;
    if (r > 0 && s > 0) allowed = `${r} reconnects and ${s} restarts`;
    else if (r > 0 || (s === 0 && lostLink)) allowed = `${r} reconnects`;
    else allowed = `${s} restarts`;
    throw this.fail(`${why} (gave up after ${allowed})`);
  }
}
