// SPDX-License-Identifier: Apache-2.0
// A device that answers every DONE with a NAK at the patch length (the line broke DONE) and never
// with RESULT, or every BEGIN or HELLO with NAK 2 and never with READY or INFO (docs/PROTOCOL.md,
// "Timeouts"): the page sends the frame again at once, as often as the Java host does, and its
// give-up says what the device did, in the Java host's words (NakForEveryFrameTest), not that it
// stopped answering: it answered every frame. A scripted device over an in-memory channel; frame
// counts and exact messages are asserted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_DONE_ATTEMPTS } from '../src/done-phase.js';
import { FrameType, NakReason } from '../src/frame-codec.js';
import { HELLO_ATTEMPTS, MAX_BEGIN_ATTEMPTS, MAX_NAK_RESENDS } from '../src/handshake.js';
import { sendPatch } from '../src/protocol.js';
import { NoAnswerError } from '../src/session-errors.js';
import { REPO } from './harness.js';
import { ScriptedDevice, nak, payload32, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(4000);
const NO_LIMITS = { data: 1e9, begins: 1e9, dones: 1e9 };
// Long enough that a busy machine never reaches a deadline: the device answers every frame at once.
const TIMEOUT_MS = 5000;

/** A device that answers every frame of `type` with NAK 2 at `offset(device)`, every other honestly. */
function naking(type, offset) {
  return new ScriptedDevice({
    limits: NO_LIMITS,
    script: (f, dev) => (f.type === type ? { type: FrameType.NAK, payload: nak(offset(dev), NakReason.CORRUPT) } : undefined),
  });
}

/** The error a send to `d`, allowed `maxReconnects`, ends with. */
async function failure(d, maxReconnects, options = {}) {
  const e = await sendPatch(d.channel, PATCH, { timeoutMs: TIMEOUT_MS, maxReconnects, signal: d.signal, ...options })
    .then(() => null, (err) => err);
  assert.ok(e instanceof NoAnswerError, `ended with ${e}; ${d.stopped}`);
  return e.message;
}

test('the page\'s limits are the Java host\'s (UartChannel)', () => {
  const java = readFileSync(join(REPO, 'diff-tool', 'src', 'main', 'java', 'dev', 'fwdelta', 'tool', 'transport',
    'UartChannel.java'), 'utf8');
  const declared = (name) => {
    const m = java.match(new RegExp(`static final int ${name} = (\\d+);`));
    assert.ok(m, `UartChannel.java declares ${name}`);
    return Number(m[1]);
  };
  assert.equal(MAX_NAK_RESENDS, declared('MAX_NAK_RESENDS'));
  assert.equal(MAX_BEGIN_ATTEMPTS, declared('MAX_BEGIN_ATTEMPTS'));
  assert.equal(MAX_DONE_ATTEMPTS, declared('MAX_DONE_ATTEMPTS'));
});

test('a NAK at the patch length for every DONE is named when given up on', async () => {
  // READY at the patch length: the device holds every byte, so the page goes to DONE at once and
  // no session gets further than the first (none starts the count of lost links again).
  const d = new ScriptedDevice({
    limits: NO_LIMITS,
    script: (f, dev) => {
      if (f.type === FrameType.DONE) return { type: FrameType.NAK, payload: nak(PATCH.length, NakReason.CORRUPT) };
      if (f.type !== FrameType.BEGIN) return undefined;
      dev.honest(f);
      return { type: FrameType.READY, payload: payload32(PATCH.length) };
    },
  });
  assert.equal(await failure(d, 1), `the device answered ${MAX_DONE_ATTEMPTS} of ${MAX_DONE_ATTEMPTS} DONE frames `
    + 'with a NAK at the patch length (DONE broken on the line) and none with RESULT (gave up after 1 reconnects)');
  assert.equal(d.begins, 2, 'the first session and one reconnect');
  assert.equal(d.dones, 2 * MAX_DONE_ATTEMPTS);
  assert.equal(d.dataFrames, 0);
});

test('a NAK for every BEGIN is named when given up on', async () => {
  // Each NAK draws BEGIN again at once: MAX_NAK_RESENDS of them, then each NAK ends an attempt.
  const d = naking(FrameType.BEGIN, () => 0);
  const sent = MAX_NAK_RESENDS + MAX_BEGIN_ATTEMPTS;
  assert.equal(await failure(d, 0), `the device answered BEGIN with ${sent} frames, none a READY with its offset `
    + '(the last a NAK of 5 bytes) (gave up after 0 reconnects)');
  assert.equal(d.hellos, 1);
  assert.equal(d.begins, sent);
  assert.equal(d.dataFrames, 0);

  const again = naking(FrameType.BEGIN, () => 0);
  assert.equal(await failure(again, 1), `the device answered BEGIN with ${sent} frames, none a READY with its offset `
    + '(the last a NAK of 5 bytes) (gave up after 1 reconnects)');
  assert.equal(again.hellos, 2);
  assert.equal(again.begins, 2 * sent, 'the count is of this session\'s frames');
});

test('a NAK for every HELLO is named when given up on', async () => {
  // The NAK resends, then the HELLO_ATTEMPTS of a session (each NAK past the resends ends one), as
  // the Java host counts them (NakForEveryFrameTest).
  const d = naking(FrameType.HELLO, () => 0);
  const sent = MAX_NAK_RESENDS + HELLO_ATTEMPTS;
  assert.equal(await failure(d, 0), `the device answered HELLO with ${sent} frames, none an INFO `
    + '(the last a NAK of 5 bytes) (gave up after 0 reconnects)');
  assert.equal(d.hellos, sent);
  assert.equal(d.begins, 0);
});

test('a HELLO, a BEGIN and a DONE the line broke a few times each are sent again at once: no lost link', async () => {
  const NAKED = 5; // of each
  const d = new ScriptedDevice({
    limits: NO_LIMITS,
    script: (f, dev) => {
      const n = { [FrameType.HELLO]: dev.hellos, [FrameType.BEGIN]: dev.begins, [FrameType.DONE]: dev.dones }[f.type];
      if (n === undefined || n > NAKED) return undefined;
      return { type: FrameType.NAK, payload: nak(f.type === FrameType.DONE ? PATCH.length : 0, NakReason.CORRUPT) };
    },
  });
  const r = await sendPatch(d.channel, PATCH, { timeoutMs: TIMEOUT_MS, maxReconnects: 0, signal: d.signal });
  assert.deepEqual(d.received, PATCH, 'staged');
  assert.equal(r.reconnects, 0);
  assert.equal(r.restarts, 0);
  assert.equal(d.hellos, NAKED + 1);
  assert.equal(d.begins, NAKED + 1);
  assert.equal(d.dones, NAKED + 1);
});
