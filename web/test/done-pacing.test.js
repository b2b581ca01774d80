// SPDX-License-Identifier: Apache-2.0
// How the page paces DONE and when it gives up on it (docs/PROTOCOL.md, "The done phase"): by the
// Java host's rule (DonePhase.done), its constants checked against UartChannel.java. DONE is sent
// again after two round trips (at least MIN_PROBE_MS), then 1.5 times longer each time up to
// MAX_DONE_WAIT_MS; the link is lost once a wait ends MIN_DONE_PATIENCE_MS (or three timeouts, if
// longer) after the last answer to DONE, or after MAX_DONE_ATTEMPTS DONE frames. A scripted device
// answers at once in simulated time (fake-clock.js), so the round trip is 0 and the first wait
// MIN_PROBE_MS; the DONE frames are counted and their spacing read on that clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_DONE_ATTEMPTS, MAX_DONE_WAIT_MS, MIN_DONE_PATIENCE_MS } from '../src/done-phase.js';
import { FrameType, NakReason } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { NoAnswerError } from '../src/session-errors.js';
import { MIN_PROBE_MS } from '../src/round-trip.js';
import { fakeClock, inSimulatedTime } from './fake-clock.js';
import { REPO } from './harness.js';
import { ScriptedDevice, nak, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(6000);
const RESULT_OK = { type: FrameType.RESULT, payload: Uint8Array.of(0, 0, 0x6f, 0x6b) };

/**
 * The spacing of the DONE frames a silent device gets with the least patience, worked out by hand
 * from DonePhase.done: MIN_PROBE_MS, then 1.5 times longer (in whole milliseconds, rounded down as
 * its long arithmetic does) up to MAX_DONE_WAIT_MS; the give-up comes when the first wait to end
 * MIN_DONE_PATIENCE_MS or more after the first DONE ends.
 */
const SILENT_GAPS = [40, 60, 90, 135, 202, 303, 454, 681, 1021, 1531, 2296, 3444, 5000, 5000, 5000];
const SILENT_GIVE_UP_MS = 30_257;

test('the page paces DONE with the Java host\'s constants (UartChannel.java)', () => {
  const java = readFileSync(join(REPO, 'diff-tool', 'src', 'main', 'java', 'dev', 'fwdelta', 'tool', 'transport',
    'UartChannel.java'), 'utf8');
  const declared = (name) => {
    const m = java.match(new RegExp(`static final (?:int|long) ${name} = ([\\d_]+);`));
    assert.ok(m, `UartChannel.java declares ${name}`);
    return Number(m[1].replaceAll('_', ''));
  };
  assert.equal(MIN_DONE_PATIENCE_MS, declared('MIN_DONE_PATIENCE_MS'));
  assert.equal(MAX_DONE_WAIT_MS, declared('MAX_BEGIN_WAIT_MS'), 'DonePhase.done grows its wait up to MAX_BEGIN_WAIT_MS');
  assert.equal(MAX_DONE_ATTEMPTS, declared('MAX_DONE_ATTEMPTS'));
  assert.equal(MIN_PROBE_MS, declared('MIN_PROBE_MS'), 'the least first wait');
});

/**
 * A device in simulated time, honest but at DONE, where `atDone(device, clock)` answers; it notes
 * when each DONE came. run(options) sends the patch to it: {result} or {error}, and the clock's time
 * when the page ended.
 */
function deviceAtDone(atDone, { selectiveRepeat = false } = {}) {
  const clock = fakeClock();
  const doneAt = [];
  const device = new ScriptedDevice({
    selectiveRepeat,
    clock,
    limits: { begins: 4, dones: 4 * MAX_DONE_ATTEMPTS },
    script: (f, dev) => {
      if (f.type !== FrameType.DONE) return undefined;
      doneAt.push(clock.now());
      return atDone(dev, clock);
    },
  });
  const run = (options) => inSimulatedTime(clock, sendPatch(device.channel, PATCH, {
    maxReconnects: 0, signal: device.signal, goBackN: !selectiveRepeat, ...options,
  })).then((result) => ({ result, endedAt: clock.now() }), (error) => ({ error, endedAt: clock.now() }));
  const gaps = () => doneAt.slice(1).map((t, i) => t - doneAt[i]);
  return { device, doneAt, gaps, run };
}

function assertGaveUp(error, device, words) {
  assert.ok(error instanceof NoAnswerError, `ended with ${error}; ${device.stopped}`);
  assert.equal(error.message, `${words} (gave up after 0 reconnects)`);
}

for (const selectiveRepeat of [true, false]) {
  const mode = selectiveRepeat ? 'selective repeat' : 'go-back-N';

  test(`a device silent at DONE is given up on after the Java host's DONE frames and patience (${mode})`, async () => {
    const { device, doneAt, gaps, run } = deviceAtDone(() => null, { selectiveRepeat });
    const { error, endedAt } = await run({ timeoutMs: 100 });
    assertGaveUp(error, device, `the device stopped answering DONE frames (${SILENT_GAPS.length + 1} sent in this done phase)`);
    assert.deepEqual(gaps(), SILENT_GAPS);
    assert.equal(endedAt - doneAt[0], SILENT_GIVE_UP_MS);
  });
}

test('a device that verifies for 29 s before it answers DONE is waited for, in one session', async () => {
  // It answers the DONE that began the verification when it ends, and any later DONE at once.
  let verifiedAt = -1;
  const { device, doneAt, run } = deviceAtDone((dev, clock) => {
    if (verifiedAt < 0) {
      verifiedAt = clock.now() + 29_000;
      clock.setTimeout(() => dev.answer(RESULT_OK), 29_000);
    }
    return clock.now() >= verifiedAt ? RESULT_OK : null;
  });
  const { result, error, endedAt } = await run({ timeoutMs: 100 });
  assert.equal(error, undefined, `${error?.message}; ${device.stopped}`);
  assert.equal(result.message, 'ok');
  assert.equal(result.reconnects, 0);
  assert.equal(device.begins, 1);
  assert.equal(doneAt.length, 16, 'the DONE frames sent before the verification ended, spaced as for a silent device');
  assert.equal(endedAt, verifiedAt, 'the RESULT ended the wait as it came');
});

test('three timeouts longer than the least patience are the patience', async () => {
  const { device, doneAt, gaps, run } = deviceAtDone(() => null);
  const { error, endedAt } = await run({ timeoutMs: 12_000 });
  assertGaveUp(error, device, 'the device stopped answering DONE frames (18 sent in this done phase)');
  assert.deepEqual(gaps(), [...SILENT_GAPS, 5000, 5000]);
  assert.equal(endedAt - doneAt[0], 40_257, 'the first wait to end three timeouts after the first DONE or later');
});

test('whatever the patience, a done phase sends MAX_DONE_ATTEMPTS DONE frames at most', async () => {
  // Three timeouts: a patience far past the last DONE's wait.
  const { device, doneAt, run } = deviceAtDone(() => null);
  const { error, endedAt } = await run({ timeoutMs: 60_000 });
  assertGaveUp(error, device, `the device stopped answering DONE frames (${MAX_DONE_ATTEMPTS} sent in this done phase)`);
  assert.equal(doneAt.length, MAX_DONE_ATTEMPTS);
  assert.equal(endedAt - doneAt[0], 50_257, 'the 13th DONE at 10 257 ms, then eight waits of 5 s');
});

test('a NAK of DONE puts the give-up off, and another DONE goes at once, the wait still growing', async () => {
  // A NAK of DONE is an answer: the patience counts from it, as in DonePhase.done.
  const { device, doneAt, gaps, run } = deviceAtDone((dev) => (dev.dones === 12
    ? { type: FrameType.NAK, payload: nak(PATCH.length, NakReason.CORRUPT) } : null));
  const { error, endedAt } = await run({ timeoutMs: 100 });
  assertGaveUp(error, device, 'the device answered 1 of 18 DONE frames with a NAK at the patch length '
    + '(DONE broken on the line) and none with RESULT');
  assert.deepEqual(gaps(), [...SILENT_GAPS.slice(0, 11), 0, 5000, 5000, 5000, 5000, 5000]);
  assert.equal(endedAt - doneAt[0], 36_813, 'the first wait to end MIN_DONE_PATIENCE_MS after the NAK (at 6 813 ms) or later');
});
