// SPDX-License-Identifier: Apache-2.0
// A READY too short for its u32 offset is no answer (the Java host's Handshake.begin): BEGIN is
// sent again, never an offset read past the payload's end. Frames counted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameType } from '../src/frame-codec.js';
import { MAX_BEGIN_ATTEMPTS } from '../src/handshake.js';
import { sendPatch } from '../src/protocol.js';
import { NoAnswerError } from '../src/session-errors.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

const PAYLOAD = 16000;
const PATCH = syntheticPatch(PAYLOAD);
const HEADER_SIZE = PATCH.length - PAYLOAD;

test('a 2-byte READY is no answer: BEGIN goes again and the next READY says where to start', async () => {
  const d = new ScriptedDevice({
    script: (f, dev) => {
      if (f.type !== FrameType.BEGIN || dev.begins > 1) return undefined;
      dev.honest(f);
      return { type: FrameType.READY, payload: Uint8Array.of(HEADER_SIZE + 20, 0) }; // not HEADER_SIZE + 20
    },
  });
  const r = await sendPatch(d.channel, PATCH, { goBackN: true, timeoutMs: 200, signal: d.signal });
  assert.deepEqual(d.received, PATCH, 'staged');
  assert.equal(d.begins, 2, 'BEGIN sent again after the short READY');
  assert.equal(r.startedAt, HEADER_SIZE, 'the offset of the full READY');
  assert.equal(r.reconnects, 0);
});

test('a device answering every BEGIN with an empty READY is a lost link, not offset 0', async () => {
  const d = new ScriptedDevice({
    limits: { begins: 1e9 },
    script: (f) => (f.type === FrameType.BEGIN ? { type: FrameType.READY, payload: new Uint8Array(0) } : undefined),
  });
  const e = await sendPatch(d.channel, PATCH, { timeoutMs: 200, maxReconnects: 0, signal: d.signal })
    .then(() => null, (err) => err);
  assert.ok(e instanceof NoAnswerError, `ended with ${e}`);
  // Named as the Java host names it (Handshake.unanswered): the device answered every BEGIN.
  assert.equal(e.message, `the device answered BEGIN with ${MAX_BEGIN_ATTEMPTS} frames, none a READY with its offset `
    + '(the last a READY of 0 bytes) (gave up after 0 reconnects)');
  assert.equal(d.hellos, 1);
  assert.equal(d.begins, MAX_BEGIN_ATTEMPTS, 'BEGIN sent again for each empty READY, up to the limit');
  assert.equal(d.dataFrames, 0);
});
