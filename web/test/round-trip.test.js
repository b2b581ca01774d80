// SPDX-License-Identifier: Apache-2.0
// The page's round-trip estimate (docs/PROTOCOL.md, "Timeouts from the round trip"), as the Java
// host's RoundTrip: the same value before any sample, the first sample HELLO to INFO, then each
// DATA frame sent once (Karn's rule) from its write to the answer that covers it, under go-back-N
// as under selective repeat (there the scoreboard samples it). A scripted device in simulated time (fake-clock.js) answers HELLO at
// once and each DATA frame after a set delay; the estimate is read from the wait before the second
// DONE, two round trips (DonePhase.done's first wait).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_CHUNK, FrameType } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { INITIAL_ROUND_TRIP_MS, MIN_PROBE_MS, RoundTrip } from '../src/round-trip.js';
import { fakeClock, inSimulatedTime } from './fake-clock.js';
import { REPO } from './harness.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

test('before any sample the page\'s round trip is RoundTrip.INITIAL_MS (RoundTrip.java)', () => {
  const java = readFileSync(join(REPO, 'diff-tool', 'src', 'main', 'java', 'dev', 'fwdelta', 'tool', 'transport',
    'RoundTrip.java'), 'utf8');
  const m = java.match(/static final double INITIAL_MS = ([\d_.]+);/);
  assert.ok(m, 'RoundTrip.java declares INITIAL_MS');
  assert.equal(INITIAL_ROUND_TRIP_MS, Number(m[1].replaceAll('_', '')));
  assert.equal(new RoundTrip().upperMs(), INITIAL_ROUND_TRIP_MS);
});

test('a negative sample is ignored, as RoundTrip.sample ignores it', () => {
  const rtt = new RoundTrip();
  rtt.sample(-1);
  assert.equal(rtt.upperMs(), INITIAL_ROUND_TRIP_MS);
  rtt.sample(10);
  assert.equal(rtt.upperMs(), 30, 'the first sample and four times half of it');
});

/** The DATA answers' delay: far from HELLO's round trip of 0, so the estimate shows which it follows. */
const DATA_ROUND_TRIP_MS = 300;
const PATCH = syntheticPatch(40 * DATA_CHUNK);

const TIMEOUT_MS = 10 * DATA_ROUND_TRIP_MS;

/**
 * Sends PATCH to a device that answers each DATA frame `delay(f)` milliseconds after it came
 * (DATA_ROUND_TRIP_MS unless given), leaves the first DONE unanswered and answers the second: the
 * page's result and the time between the two DONE frames.
 */
async function doneGap(delay = () => DATA_ROUND_TRIP_MS) {
  const clock = fakeClock();
  const doneAt = [];
  const device = new ScriptedDevice({
    clock,
    limits: { begins: 1, dones: 2 },
    script: (f, dev) => {
      if (f.type === FrameType.DATA) {
        clock.setTimeout(() => dev.answer(dev.honest(f)), delay(f));
        return null;
      }
      if (f.type !== FrameType.DONE) return undefined;
      doneAt.push(clock.now());
      return doneAt.length === 1 ? null : undefined;
    },
  });
  const result = await inSimulatedTime(clock, sendPatch(device.channel, PATCH, {
    goBackN: true, timeoutMs: TIMEOUT_MS, maxReconnects: 0, signal: device.signal,
  }));
  assert.deepEqual(device.received, PATCH, 'the staged patch is the one sent');
  assert.equal(doneAt.length, 2, device.stopped);
  return { result, gap: doneAt[1] - doneAt[0] };
}

/** Two round trips of DATA_ROUND_TRIP_MS and a little: forty samples of it bring the estimate within 1%, its variation small. */
function assertTwoRoundTrips(gap) {
  assert.ok(gap >= 2 * 0.99 * DATA_ROUND_TRIP_MS && gap <= 2 * 1.1 * DATA_ROUND_TRIP_MS,
    `the DONE sent again after ${gap} ms, two round trips of ${DATA_ROUND_TRIP_MS} ms expected`);
}

test('go-back-N: the page\'s round trip follows the DATA answers\' round trips', async () => {
  // HELLO's sample alone (0) would make the wait MIN_PROBE_MS.
  const { result, gap } = await doneGap();
  assert.equal(result.timeouts, 0);
  assert.equal(result.retransmittedFrames, 0, 'every frame sent once: each answer is a sample');
  assert.ok(gap > MIN_PROBE_MS, `the DONE sent again after ${gap} ms`);
  assertTwoRoundTrips(gap);
});

test('go-back-N: a frame sent again gives no sample (Karn\'s rule)', async () => {
  // The last frame's answer comes just after the page's timeout, so just after the page sent it
  // again: taken as the answer to the frame sent again, its round trip would be LATE_BY_MS, and
  // the estimate's variation would grow far past a round trip.
  const LATE_BY_MS = 10;
  let last = true;
  const { result, gap } = await doneGap((f) => {
    const end = (f.payload[0] | (f.payload[1] << 8) | (f.payload[2] << 16) | (f.payload[3] << 24)) + f.payload.length - 4;
    if (end !== PATCH.length || !last) return DATA_ROUND_TRIP_MS;
    last = false;
    return TIMEOUT_MS + LATE_BY_MS;
  });
  assert.equal(result.timeouts, 1);
  assert.equal(result.retransmittedFrames, 1);
  assertTwoRoundTrips(gap);
});
