// SPDX-License-Identifier: Apache-2.0
// A device that never gives the answer the page waits for but keeps sending frames of another type
// (a RESULT before INFO, a stale INFO in the data phase, an ACK after DONE): each wait has one
// deadline, so the frames skipped do not put it off and the update ends with NoAnswerError after
// its reconnects. The device babbles a bounded number of frames (so that a page that waits for
// ever still ends the test); the page must end while the device still babbles. The done phase's
// tests run in simulated time (fake-clock.js): a page waits MIN_DONE_PATIENCE_MS at DONE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_DONE_PATIENCE_MS } from '../src/done-phase.js';
import { FrameType } from '../src/frame-codec.js';
import { HELLO_ATTEMPTS } from '../src/handshake.js';
import { sendPatch } from '../src/protocol.js';
import { NoAnswerError } from '../src/session-errors.js';
import { fakeClock, inSimulatedTime } from './fake-clock.js';
import { ScriptedDevice, payload32, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(16000);
/** Frames a device babbles at most, one each BABBLE_MS: far more than the page may wait for. */
const BABBLE_FRAMES = 300;
const BABBLE_MS = 50;
const NO_LIMITS = { data: 1e9, begins: 1e9, dones: 1e9 };
/** DONE frames a done phase sends to a device that never answers them, in simulated time (done-pacing.test.js). */
const SILENT_DONES = 16;

/** Sends `frame` `frames` times, one each BABBLE_MS on the device's clock, unless stopped; counts what it sent. */
function babbler(device, frame, frames = BABBLE_FRAMES) {
  const timers = device.channel.timers;
  const b = { sent: 0, frames, timer: null };
  const babble = () => {
    b.timer = null;
    if (b.sent >= b.frames) return;
    b.sent++;
    device.answer(frame);
    b.start();
  };
  b.start = () => {
    if (b.timer === null) b.timer = timers.setTimeout(babble, BABBLE_MS);
  };
  b.stop = () => {
    if (b.timer !== null) timers.clearTimeout(b.timer);
    b.timer = null;
  };
  return b;
}

/** The update, run in simulated time when a clock is given. */
function send(device, options, clock = null) {
  const sending = sendPatch(device.channel, PATCH, { timeoutMs: 100, maxReconnects: 1, signal: device.signal, ...options });
  return clock ? inSimulatedTime(clock, sending) : sending;
}

/** The error the update ends with, and how many frames the device babbled by then. */
async function runAgainst(device, b, options, clock = null) {
  try {
    await send(device, options, clock);
    return { error: null, babbled: b.sent, frames: b.frames };
  } catch (e) {
    return { error: e, babbled: b.sent, frames: b.frames };
  } finally {
    b.stop();
  }
}

/**
 * `words`: how the give-up names what the device did. In the data phase it names the frames sent
 * instead of answers when the babbler's timer ran within the last wait, which a busy machine may not
 * let it do: the data-phase cases allow both, the test of a stale INFO for every DATA frame pins it.
 */
function assertEndedWhileBabbling({ error, babbled, frames }, words = /stopped answering \(gave up after 1 reconnect/) {
  assert.ok(error instanceof NoAnswerError, `ended with ${error}`);
  assert.match(error.message, words);
  assert.ok(babbled < frames, `the page waited until the device stopped babbling (${babbled} frames)`);
}

const DATA_PHASE = /stopped answering( DATA frames, sending \d+ INFO frames instead)? \(gave up after 1 reconnect/;

test('before INFO: a RESULT(0xFFFF) every 50 ms and no INFO ends the update', { timeout: 60_000 }, async () => {
  let b = null;
  const d = new ScriptedDevice({
    limits: NO_LIMITS,
    script: (f) => {
      if (f.type !== FrameType.HELLO) return undefined;
      b.start();
      return null;
    },
  });
  b = babbler(d, { type: FrameType.RESULT, payload: Uint8Array.of(0xff, 0xff) });
  // Each HELLO waits a quarter of the timeout (HELLO_ATTEMPTS share it): long enough for a frame of
  // the babble to come in the first session, which makes it an fwdelta device's lost link.
  const r = await runAgainst(d, b, { timeoutMs: 400 });
  // The RESULT frames skipped are named when one came within the last wait (Handshake.unanswered
  // counts them alike), which a busy machine may not let the babbler's timer do.
  assertEndedWhileBabbling(r, new RegExp('^the device (stopped answering|answered HELLO with \\d+ frames, none an INFO '
    + '\\(the last a RESULT of 2 bytes\\)) \\(gave up after 1 reconnects\\)$'));
  assert.equal(d.hellos, 2 * HELLO_ATTEMPTS, 'HELLO_ATTEMPTS a session: the first and one reconnect');
  assert.equal(d.begins, 0);
});

test('go-back-N data phase: a stale INFO every 50 ms and no answer to DATA ends the update', { timeout: 60_000 }, async () => {
  let b = null;
  const d = new ScriptedDevice({
    limits: NO_LIMITS,
    script: (f) => {
      if (f.type === FrameType.BEGIN) b.start();
      return f.type === FrameType.DATA ? null : undefined;
    },
  });
  b = babbler(d, d.honest({ type: FrameType.HELLO }));
  const r = await runAgainst(d, b, { goBackN: true });
  assertEndedWhileBabbling(r, DATA_PHASE);
  assert.equal(d.begins, 2, 'the lost link began a second session');
});

test('selective-repeat data phase: a stale INFO every 50 ms and no answer to DATA ends the update', { timeout: 60_000 }, async () => {
  // Only an answer to DATA (ACK, NAK, SACK with its offset) puts the lost link off, as in the Java
  // host (BabblingDeviceTest): the page probed on while the device babbled, up to its frame bound.
  let b = null;
  const d = new ScriptedDevice({
    selectiveRepeat: true,
    limits: NO_LIMITS,
    script: (f) => {
      if (f.type === FrameType.BEGIN) b.start();
      return f.type === FrameType.DATA ? null : undefined;
    },
  });
  b = babbler(d, d.honest({ type: FrameType.HELLO }));
  const r = await runAgainst(d, b, {});
  assertEndedWhileBabbling(r, DATA_PHASE);
  assert.equal(d.begins, 2, 'the lost link began a second session');
});

test('a stale INFO for every DATA frame: the give-up names the INFO frames sent instead', { timeout: 60_000 }, async () => {
  for (const selectiveRepeat of [true, false]) {
    const d = new ScriptedDevice({
      selectiveRepeat,
      limits: NO_LIMITS,
      script: (f, dev) => (f.type === FrameType.DATA ? dev.honest({ type: FrameType.HELLO }) : undefined),
    });
    const error = await sendPatch(d.channel, PATCH, { timeoutMs: 100, maxReconnects: 1, signal: d.signal,
      goBackN: !selectiveRepeat }).then(() => null, (e) => e);
    assert.ok(error instanceof NoAnswerError, `ended with ${error}`);
    assert.match(error.message, /^the device stopped answering DATA frames, sending \d+ INFO frames instead \(gave up after 1 reconnect/,
      `selective repeat ${selectiveRepeat}`);
    assert.equal(d.begins, 2, 'the lost link began a second session');
  }
});

test('done phase: an ACK at the patch length every 50 ms and no RESULT ends the update', { timeout: 60_000 }, async () => {
  let b = null;
  const clock = fakeClock();
  const d = new ScriptedDevice({
    clock,
    limits: NO_LIMITS,
    script: (f) => {
      if (f.type !== FrameType.DONE) return undefined;
      b.start();
      return null;
    },
  });
  // Babbling for longer than two done phases' patience: the page must give up before it ends.
  b = babbler(d, { type: FrameType.ACK, payload: payload32(PATCH.length) }, 3 * MIN_DONE_PATIENCE_MS / BABBLE_MS);
  const r = await runAgainst(d, b, { goBackN: true }, clock);
  // Named as a device silent at DONE is, with the ACKs that came instead.
  assertEndedWhileBabbling(r, new RegExp(`^the device stopped answering DONE frames \\(${SILENT_DONES} sent in this done `
    + 'phase\\), sending \\d+ ACK frames instead \\(gave up after 1 reconnects\\)$'));
  assert.equal(d.dones, 2 * SILENT_DONES, 'the unanswered DONE frames of a done phase in each of the two sessions');
});

test('done phase: a stale ACK for every DONE is given up on as silence, the phase and the DONE frames named', { timeout: 60_000 }, async () => {
  // Only an answer to DONE (RESULT, or a NAK of it) is progress (the Java host's BabblingDeviceTest).
  const clock = fakeClock();
  const d = new ScriptedDevice({
    clock,
    limits: NO_LIMITS,
    script: (f) => (f.type === FrameType.DONE ? { type: FrameType.ACK, payload: payload32(PATCH.length) } : undefined),
  });
  const error = await send(d, { goBackN: true }, clock).then(() => null, (e) => e);
  assert.ok(error instanceof NoAnswerError, `ended with ${error}`);
  assert.equal(error.message, `the device stopped answering DONE frames (${SILENT_DONES} sent in this done phase), `
    + `sending ${SILENT_DONES} ACK frames instead (gave up after 1 reconnects)`);
  assert.equal(d.dones, 2 * SILENT_DONES, 'the unanswered DONE frames of a done phase in each of the two sessions');
});

test('done phase: a device silent at DONE is named with the DONE frames sent', { timeout: 60_000 }, async () => {
  const clock = fakeClock();
  const d = new ScriptedDevice({ clock, limits: NO_LIMITS, script: (f) => (f.type === FrameType.DONE ? null : undefined) });
  const error = await send(d, { maxReconnects: 0 }, clock).then(() => null, (e) => e);
  assert.ok(error instanceof NoAnswerError, `ended with ${error}`);
  assert.equal(error.message, `the device stopped answering DONE frames (${SILENT_DONES} sent in this done phase) `
    + '(gave up after 0 reconnects)');
  assert.equal(d.dones, SILENT_DONES);
});
