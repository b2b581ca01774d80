// SPDX-License-Identifier: Apache-2.0
// The page's round-trip estimate (docs/PROTOCOL.md, "Timeouts from the round trip"), as the Java
// host's RoundTrip: the same value before any sample, the first sample HELLO to INFO, then each
// DATA frame sent once (Karn's rule) from its write to the answer that covers it, under go-back-N
// as under selective repeat (there the scoreboard samples it). A scripted device in simulated time (fake-clock.js) answers HELLO at
// once and each DATA frame after a set delay; the estimate is read from the wait before the second
// DONE, two round trips (UartChannel.done's first wait).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_CHUNK, FrameType, sendPatch } from '../src/protocol.js';
import { INITIAL_ROUND_TRIP_MS, MIN_PROBE_MS, RoundTrip } from '../src/selective.js';
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

/**
 * Sends PATCH to a device that answers each DATA frame DATA_ROUND_TRIP_MS after it came, leaves
 * the first DONE unanswered and answers the second: the time between the two DONE frames.
 */
async function doneGap() {
  const clock = fakeClock();
  const doneAt = [];
  const device = new ScriptedDevice({
    clock,
    limits: { begins: 1, dones: 2 },
    script: (f, dev) => {
      if (f.type === FrameType.DATA) {
        clock.setTimeout(() => dev.answer(dev.honest(f)), DATA_ROUND_TRIP_MS);
        return null;
      }
      if (f.type !== FrameType.DONE) return undefined;
      doneAt.push(clock.now());
      return doneAt.length === 1 ? null : undefined;
    },
  });
  const result = await inSimulatedTime(clock, sendPatch(device.channel, PATCH, {
    goBackN: true, timeoutMs: 10 * DATA_ROUND_TRIP_MS, maxReconnects: 0, signal: device.signal,
  }));
  assert.deepEqual(device.received, PATCH, 'the staged patch is the one sent');
  assert.equal(result.timeouts, 0);
  assert.equal(result.retransmittedFrames, 0, 'every frame sent once: each answer is a sample');
  assert.equal(doneAt.length, 2, device.stopped);
  return doneAt[1] - doneAt[0];
}

test('go-back-N: the page\'s round trip follows the DATA answers\' round trips', async () => {
  // HELLO's sample alone (0) would make the wait MIN_PROBE_MS. After forty samples of
  // DATA_ROUND_TRIP_MS, the smoothed round trip is within 1% of it and its variation small:
  // two round trips and a little.
  const gap = await doneGap();
  assert.ok(gap > MIN_PROBE_MS, `the DONE sent again after ${gap} ms`);
  assert.ok(gap >= 2 * 0.99 * DATA_ROUND_TRIP_MS && gap <= 2 * 1.1 * DATA_ROUND_TRIP_MS,
    `the DONE sent again after ${gap} ms, two round trips of ${DATA_ROUND_TRIP_MS} ms expected`);
});
