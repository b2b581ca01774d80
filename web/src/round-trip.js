// SPDX-License-Identifier: Apache-2.0
// The round trip and the waits made from it, as the Java host's RoundTrip (docs/PROTOCOL.md,
// "Sending on a noisy line"): every phase reads it, through transfer.js.

/** The least wait, with nothing to send, before the first frame not held is sent again. */
export const MIN_PROBE_MS = 40;

/**
 * The round trip before any sample (RoundTrip.INITIAL_MS of the Java host): long enough for a
 * device that verifies or erases slowly.
 */
export const INITIAL_ROUND_TRIP_MS = 500;

/**
 * The least retransmission timeout (RoundTrip.MIN_TIMEOUT_MS of the Java host): above the device's
 * quiet limit, and above a busy machine's pauses.
 */
export const MIN_RETRANSMIT_MS = 500;

/** Added to the round trip few answers exceed in the retransmission timeout (RoundTrip.timeoutMs). */
export const RETRANSMIT_MARGIN_MS = 60;

/**
 * Smoothed round trip and its deviation (RFC 6298), in milliseconds, as the Java host's RoundTrip:
 * sampled from HELLO to INFO, then from the write of each DATA frame sent once to the answer that
 * covers it (Karn's rule).
 */
export class RoundTrip {
  constructor() {
    this.srtt = -1;
    this.rttvar = 0;
  }

  sample(ms) {
    if (ms < 0) return;
    if (this.srtt < 0) {
      this.srtt = ms;
      this.rttvar = ms / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - ms);
      this.srtt = 0.875 * this.srtt + 0.125 * ms;
    }
  }

  /** A round trip that answers are rarely later than. */
  upperMs() {
    return this.srtt < 0 ? INITIAL_ROUND_TRIP_MS : this.srtt + 4 * this.rttvar;
  }

  /** How long to wait for an answer after the last write before sending again (RoundTrip.timeoutMs). */
  timeoutMs() {
    if (this.srtt < 0) return INITIAL_ROUND_TRIP_MS;
    return Math.max(MIN_RETRANSMIT_MS, Math.round(this.upperMs() + RETRANSMIT_MARGIN_MS));
  }
}
