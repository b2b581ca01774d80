// SPDX-License-Identifier: Apache-2.0
// How many times the page begins a session again (docs/PROTOCOL.md, "Reconnects"): every lost link
// counts, whatever lost it (silence after BEGIN, in the data phase or after DONE; a HELLO or BEGIN
// left unanswered; a device that went back), against one limit, the Java host's rule
// (HostSession). More than maxReconnects lost links end with NoAnswerError naming the last loss.
// A scripted device over an in-memory channel; its limits stop a page that never gives up, so the
// test fails instead of hanging. Counts are asserted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_DONE_ATTEMPTS } from '../src/done-phase.js';
import { FrameType, NakReason } from '../src/frame-codec.js';
import { HELLO_ATTEMPTS } from '../src/handshake.js';
import { sendPatch } from '../src/protocol.js';
import { NoAnswerError } from '../src/session-errors.js';
import { fakeClock, inSimulatedTime } from './fake-clock.js';
import { REPO } from './harness.js';
import { ScriptedDevice, nak, syntheticPatch, wentBackAfterEveryReady } from './scripted-device.js';

const PATCH = syntheticPatch(16000);

/** The page's answer: its result, or the error it ended with. */
async function run(d, options) {
  try {
    return { result: await sendPatch(d.channel, PATCH, { timeoutMs: 100, signal: d.signal, ...options }) };
  } catch (error) {
    return { error };
  }
}

function assertGaveUp(error, d, why, maxReconnects) {
  const got = error ? `${error.name}: ${error.message}` : 'no error: the patch was staged';
  assert.ok(error instanceof NoAnswerError, `${got}; ${d.stopped}`);
  assert.match(error.message, new RegExp(`^${why} \\(gave up after ${maxReconnects} reconnects\\)$`));
}

/** A device that answers HELLO and BEGIN honestly, and nothing else in the sessions `silent(n)` picks (n from 1). */
function silentAfterBegin(selectiveRepeat, silent, limits = {}) {
  return new ScriptedDevice({
    selectiveRepeat,
    limits: { begins: 12, ...limits },
    script: (f, dev) => {
      if (f.type !== FrameType.DATA && f.type !== FrameType.DONE) return undefined;
      return silent(dev.begins) ? null : undefined;
    },
  });
}

for (const selectiveRepeat of [true, false]) {
  const mode = selectiveRepeat ? 'selective repeat' : 'go-back-N';

  test(`a device silent after BEGIN: the page gives up after maxReconnects new sessions (${mode})`, async () => {
    const d = silentAfterBegin(selectiveRepeat, () => true);
    const { error } = await run(d, { goBackN: !selectiveRepeat, maxReconnects: 2 });
    assertGaveUp(error, d, 'the device stopped answering', 2);
    assert.equal(d.begins, 3, 'the first session and two reconnects');
    assert.equal(d.hellos, 3);
    assert.ok(d.dataFrames >= 3, `${d.dataFrames} DATA frames: some in every session`);
    assert.equal(d.dones, 0);
  });

  test(`went-back and timeout reconnects count against the same limit (${mode})`, async () => {
    // Odd sessions: the device goes back below what it acknowledged. Even sessions: silent after BEGIN.
    const d = wentBackAfterEveryReady(selectiveRepeat, (session) => session % 2 === 1, { begins: 12 });
    const { error } = await run(d, { goBackN: !selectiveRepeat, maxReconnects: 3 });
    // Lost links: went back, silence, went back, silence: the fourth is one too many.
    assertGaveUp(error, d, 'the device stopped answering', 3);
    assert.equal(d.begins, 4, 'the first session and three reconnects');
    assert.equal(d.dones, 0);
  });

  test(`maxReconnects lost links are allowed, one more is not (${mode})`, async () => {
    const allowed = silentAfterBegin(selectiveRepeat, (session) => session <= 2);
    const { result, error } = await run(allowed, { goBackN: !selectiveRepeat, maxReconnects: 2 });
    assert.equal(error, undefined, `${error?.message}; ${allowed.stopped}`);
    assert.equal(result.reconnects, 2);
    assert.equal(allowed.begins, 3);
    assert.equal(allowed.dones, 1);
    assert.deepEqual(allowed.received, PATCH, 'the staged patch is the one sent');

    const tooMany = silentAfterBegin(selectiveRepeat, (session) => session <= 2);
    const refused = await run(tooMany, { goBackN: !selectiveRepeat, maxReconnects: 1 });
    assertGaveUp(refused.error, tooMany, 'the device stopped answering', 1);
    assert.equal(tooMany.begins, 2);
    assert.equal(tooMany.dones, 0);
  });
}

test('a device that never answers DONE: each session\'s DONE timeouts are one lost link, bounded', async () => {
  // In simulated time: a page waits MIN_DONE_PATIENCE_MS at DONE (done-pacing.test.js paces it).
  const clock = fakeClock();
  const d = new ScriptedDevice({
    clock,
    limits: { begins: 12, dones: 4 * MAX_DONE_ATTEMPTS },
    script: (f) => (f.type === FrameType.DONE ? null : undefined),
  });
  const error = await inSimulatedTime(clock, sendPatch(d.channel, PATCH, { timeoutMs: 100, signal: d.signal, goBackN: true,
    maxReconnects: 1 })).then(() => null, (e) => e);
  assertGaveUp(error, d, 'the device stopped answering DONE frames \\(16 sent in this done phase\\)', 1);
  assert.equal(d.begins, 2);
  assert.equal(d.dones, 32, 'the DONE frames of a done phase to a silent device, in each session');
});

test('HELLO unanswered after a first session: each unanswered HELLO is one lost link', async () => {
  const d = new ScriptedDevice({
    limits: { begins: 12 },
    script: (f, dev) => {
      if (f.type === FrameType.HELLO && dev.hellos > 1) return null;
      return f.type === FrameType.DATA ? null : undefined;
    },
  });
  const { error } = await run(d, { goBackN: true, maxReconnects: 2 });
  assertGaveUp(error, d, 'the device stopped answering', 2);
  assert.equal(d.begins, 1);
  // As many HELLOs in each session after the first as the Java host sends (UartChannel.HELLO_ATTEMPTS).
  assert.equal(d.hellos, 1 + 2 * HELLO_ATTEMPTS, 'the first session\'s HELLO, then two reconnects of HELLO_ATTEMPTS each');
});

test('without maxReconnects the page allows as many reconnects as fwdelta send (UartChannel.MAX_RECONNECTS)', async () => {
  const java = readFileSync(join(REPO, 'diff-tool', 'src', 'main', 'java', 'dev', 'fwdelta', 'tool', 'transport',
    'UartChannel.java'), 'utf8');
  const declared = java.match(/public static final int MAX_RECONNECTS = (\d+);/);
  assert.ok(declared, 'UartChannel.java declares MAX_RECONNECTS');
  const limit = Number(declared[1]);
  const d = silentAfterBegin(false, () => true, { begins: limit + 10 });
  const { error } = await run(d, { goBackN: true, timeoutMs: 30 });
  assertGaveUp(error, d, 'the device stopped answering', limit);
  assert.equal(d.begins, limit + 1);
});

test('a device that answers every DONE with a NAK at the patch length: each session\'s DONEs are bounded', async () => {
  // The line breaks DONE every time: a NAK at the patch length draws another DONE at once, as many
  // as the Java host sends in one done phase, then the link is lost.
  const java = readFileSync(join(REPO, 'diff-tool', 'src', 'main', 'java', 'dev', 'fwdelta', 'tool', 'transport',
    'UartChannel.java'), 'utf8');
  const declared = java.match(/static final int MAX_DONE_ATTEMPTS = (\d+);/);
  assert.ok(declared, 'UartChannel.java declares MAX_DONE_ATTEMPTS');
  assert.equal(MAX_DONE_ATTEMPTS, Number(declared[1]));
  for (const selectiveRepeat of [true, false]) {
    const d = new ScriptedDevice({
      selectiveRepeat,
      limits: { begins: 12, dones: 4 * MAX_DONE_ATTEMPTS },
      script: (f) => (f.type === FrameType.DONE ? { type: FrameType.NAK, payload: nak(PATCH.length, NakReason.CORRUPT) }
        : undefined),
    });
    const { error } = await run(d, { goBackN: !selectiveRepeat, maxReconnects: 1 });
    // Named, not "stopped answering": the device answered every DONE (nak-every-frame.test.js).
    assertGaveUp(error, d, `the device answered ${MAX_DONE_ATTEMPTS} of ${MAX_DONE_ATTEMPTS} DONE frames with a NAK `
      + 'at the patch length \\(DONE broken on the line\\) and none with RESULT', 1);
    // The first session's data may end below what a later session acknowledges: that is progress,
    // which starts the count again once (docs/PROTOCOL.md, "Reconnects").
    assert.ok(d.begins >= 2 && d.begins <= 3, `${d.begins} sessions`);
    assert.equal(d.dones, d.begins * MAX_DONE_ATTEMPTS, 'MAX_DONE_ATTEMPTS DONE frames in each session');
  }
});
