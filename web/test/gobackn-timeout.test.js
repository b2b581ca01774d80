// SPDX-License-Identifier: Apache-2.0
// The page's go-back-N retransmission timeout (docs/PROTOCOL.md, "Timeouts"), as the Java host's
// GoBackN.send: with nothing back for the frames in flight, the page sends again from the
// acknowledged offset after RoundTrip.timeoutMs of its round-trip estimate (the smoothed round trip,
// four times its variation and a margin, at least a floor), counting a timeout; a device silent for
// three answer timeouts is still a lost link. In simulated time (fake-clock.js), the device answers
// HELLO and every DATA frame a set round trip after it came, so the estimate settles on that round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_CHUNK, FrameType } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { MIN_RETRANSMIT_MS, RETRANSMIT_MARGIN_MS, RoundTrip } from '../src/round-trip.js';
import { fakeClock, inSimulatedTime } from './fake-clock.js';
import { REPO } from './harness.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

const TRANSPORT = join(REPO, 'diff-tool', 'src', 'main', 'java', 'dev', 'fwdelta', 'tool', 'transport');
const javaSource = (name) => readFileSync(join(TRANSPORT, name), 'utf8');

test('the retransmission timeout\'s floor and margin are RoundTrip.java\'s, and GoBackN waits it', () => {
  const roundTrip = javaSource('RoundTrip.java');
  const floor = roundTrip.match(/static final long MIN_TIMEOUT_MS = (\d+);/);
  assert.ok(floor, 'RoundTrip.java declares MIN_TIMEOUT_MS');
  assert.equal(MIN_RETRANSMIT_MS, Number(floor[1]));
  const formula = roundTrip.match(/Math\.max\(MIN_TIMEOUT_MS, Math\.round\(smoothed \+ 4 \* variation \+ (\d+)\)\)/);
  assert.ok(formula, 'RoundTrip.timeoutMs is the floor or the smoothed round trip, four variations and a margin');
  assert.equal(RETRANSMIT_MARGIN_MS, Number(formula[1]));
  assert.match(javaSource('GoBackN.java'), /if \(answered\(t\.rtt\.timeoutMs\(\)\)\) \{\s*return t\.acked;/,
    'GoBackN.send waits RoundTrip.timeoutMs for an answer');
});

test('RoundTrip.timeoutMs: the starting round trip before any sample, then the rule with its floor', () => {
  const rtt = new RoundTrip();
  assert.equal(rtt.timeoutMs(), 500, 'RoundTrip.INITIAL_MS');
  rtt.sample(1000);
  assert.equal(rtt.timeoutMs(), 1000 + 4 * 500 + RETRANSMIT_MARGIN_MS, 'the first sample and four times half of it');
  const quick = new RoundTrip();
  quick.sample(10);
  assert.equal(quick.timeoutMs(), MIN_RETRANSMIT_MS, 'below the floor');
});

const PATCH = syntheticPatch(40 * DATA_CHUNK);
/** The silence timeout: far above every retransmission timeout here, so the two cannot be mistaken. */
const TIMEOUT_MS = 8000;

const frameStart = (f) => (f.payload[0] | (f.payload[1] << 8) | (f.payload[2] << 16) | (f.payload[3] << 24)) >>> 0;
const frameEnd = (f) => frameStart(f) + f.payload.length - 4;

/** Java's RoundTrip.timeoutMs for a line whose every round trip is `ms`: its variation has died away. */
const javaTimeoutFor = (ms) => Math.max(MIN_RETRANSMIT_MS, ms + RETRANSMIT_MARGIN_MS);

/**
 * A go-back-N device answering HELLO and DATA `roundTripMs` after each came; `dataAnswer(f, dev, a)`
 * gives a DATA frame's answer (`a`, the honest one, unless it says otherwise; null: the answer is lost).
 */
function slowDevice(clock, roundTripMs, dataAnswer) {
  return new ScriptedDevice({
    clock,
    limits: { begins: 1, dones: 1 },
    script: (f, dev) => {
      if (f.type !== FrameType.HELLO && f.type !== FrameType.DATA) return undefined;
      let a = dev.honest(f);
      if (f.type === FrameType.DATA) a = dataAnswer(f, dev, a);
      clock.setTimeout(() => dev.answer(a), roundTripMs);
      return null;
    },
  });
}

for (const roundTripMs of [1000, 100]) {
  test(`go-back-N on a line of ${roundTripMs} ms round trips: the last frame's answer lost, it is sent again after `
    + `Java's timeout for that round trip (${javaTimeoutFor(roundTripMs)} ms), not the page's answer timeout`, async () => {
    const clock = fakeClock();
    const lastFrameAt = []; // the writes of the last frame
    const device = slowDevice(clock, roundTripMs, (f, dev, a) => {
      if (frameEnd(f) < PATCH.length) return a;
      lastFrameAt.push(clock.now());
      return lastFrameAt.length === 1 ? null : a;
    });
    const result = await inSimulatedTime(clock, sendPatch(device.channel, PATCH, {
      goBackN: true, timeoutMs: TIMEOUT_MS, maxReconnects: 0, signal: device.signal,
    }));
    assert.deepEqual(device.received, PATCH, device.stopped);
    assert.equal(lastFrameAt.length, 2, 'the last frame sent twice');
    assert.equal(lastFrameAt[1] - lastFrameAt[0], javaTimeoutFor(roundTripMs),
      'the resend waited the retransmission timeout from the last write');
    assert.equal(result.timeouts, 1);
    assert.equal(result.retransmittedFrames, 1, 'only the frame whose answer was lost');
    assert.equal(result.reconnects, 0);
  });
}

test('go-back-N: a device silent in the data phase is sent the window again every retransmission timeout, and '
  + 'given up on after three answer timeouts of silence, as before', async () => {
  const ROUND_TRIP_MS = 1000;
  // Forty answers first: the estimate's variation dies away.
  const patch = syntheticPatch(80 * DATA_CHUNK);
  const SILENT_PAST = patch.length - 40 * DATA_CHUNK; // no answer to a frame ending past this
  const clock = fakeClock();
  let lastAnswerAt = -1;
  const silentFrameAt = []; // the writes of the first frame the device is silent to
  const device = slowDevice(clock, ROUND_TRIP_MS, (f, dev, a) => {
    if (frameEnd(f) <= SILENT_PAST) {
      lastAnswerAt = clock.now() + ROUND_TRIP_MS;
      return a;
    }
    if (frameStart(f) === SILENT_PAST) silentFrameAt.push(clock.now());
    return null;
  });
  const error = await inSimulatedTime(clock, sendPatch(device.channel, patch, {
    goBackN: true, timeoutMs: TIMEOUT_MS, maxReconnects: 0, signal: device.signal,
  })).then(() => assert.fail('the transfer went through'), (e) => e);
  assert.match(error.message, /stopped answering/);
  assert.equal(clock.now() - lastAnswerAt, 3 * TIMEOUT_MS, 'the lost link after three answer timeouts of silence');
  // The last answer drew the last frame that fits the window, at once: each timeout comes a
  // retransmission timeout after the last write, and sends the window again from that frame.
  const rto = javaTimeoutFor(ROUND_TRIP_MS);
  const resends = silentFrameAt.slice(1);
  assert.equal(resends.length, Math.ceil((3 * TIMEOUT_MS) / rto) - 1, `resent at ${resends.map((t) => t - lastAnswerAt)}`);
  resends.forEach((t, i) => assert.equal(t - lastAnswerAt, (i + 1) * rto, `resend ${i + 1}`));
});

test('go-back-N: ACKs without their offset do not put the lost link off (PROTOCOL.md, Java GoBackN.answersData): '
  + 'a device answering every DATA frame with an empty ACK is given up on after three answer timeouts, not held '
  + 'to the bound of data frames', async () => {
  const ROUND_TRIP_MS = 100;
  const patch = syntheticPatch(80 * DATA_CHUNK);
  const EMPTY_PAST = 20 * DATA_CHUNK; // honest answers up to here, then empty ACKs
  const clock = fakeClock();
  let lastOffsetAt = -1;
  let emptyAcks = 0;
  const device = slowDevice(clock, ROUND_TRIP_MS, (f, dev, a) => {
    if (frameEnd(f) <= EMPTY_PAST) {
      lastOffsetAt = clock.now() + ROUND_TRIP_MS;
      return a;
    }
    emptyAcks++;
    return { type: FrameType.ACK, payload: new Uint8Array(0) };
  });
  const error = await inSimulatedTime(clock, sendPatch(device.channel, patch, {
    goBackN: true, timeoutMs: TIMEOUT_MS, maxReconnects: 0, signal: device.signal,
  })).then(() => assert.fail('the transfer went through'), (e) => e);
  assert.match(error.message, /stopped answering/);
  assert.ok(emptyAcks > 0, 'the device sent empty ACKs');
  assert.equal(clock.now() - lastOffsetAt, 3 * TIMEOUT_MS, 'given up three answer timeouts after the last offset');
});
