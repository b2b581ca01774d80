// SPDX-License-Identifier: Apache-2.0
// Answers at the edge of what the protocol allows, read as the Java host (UartChannel) reads them:
// a SACK whose held range starts at its own offset, a 4-byte SACK (no held range), a 1-byte
// RESULT (refusal, status 0xFFFF), a RESULT in the data phase (refusal, whatever its status) and
// a NAK without its reason byte (a NAK at its offset). None ends in a RangeError. Frames counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInfo } from '../src/device-answers.js';
import { DeviceRefusedError } from '../src/device-refused.js';
import { DATA_CHUNK, FrameType } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { ScriptedDevice, payload32, syntheticPatch } from './scripted-device.js';

const FRAMES = 16;
const PATCH = syntheticPatch(FRAMES * DATA_CHUNK);

const run = (d, options = {}) => sendPatch(d.channel, PATCH, { timeoutMs: 200, maxReconnects: 0, signal: d.signal, ...options })
  .then((r) => ({ r, e: null }), (e) => ({ r: null, e }));

/** A device that answers its n-th DATA frame with answer(frame, device) after applying it honestly. */
function answeringDataFrame(n, answer, selectiveRepeat = false) {
  return new ScriptedDevice({
    selectiveRepeat,
    script: (f, dev) => {
      if (f.type !== FrameType.DATA || dev.dataFrames !== n) return undefined;
      const at = dev.expected;
      dev.honest(f);
      return answer(f, dev, at);
    },
  });
}

test('a SACK whose held range starts at its own offset is accepted', async () => {
  const d = answeringDataFrame(2, (f, dev, at) => ({ type: FrameType.SACK, payload: payload32(at, at, dev.expected) }), true);
  const { r, e } = await run(d);
  assert.equal(e, null, `${e}`);
  assert.deepEqual(d.received, PATCH, 'staged');
  assert.equal(r.selectiveRepeat, true);
  assert.equal(r.sacks, 1);
  assert.equal(r.reconnects, 0);
});

test('a 4-byte SACK holds nothing and moves the acknowledged offset', async () => {
  const d = answeringDataFrame(2, (f, dev) => ({ type: FrameType.SACK, payload: payload32(dev.expected) }), true);
  const { r, e } = await run(d);
  assert.equal(e, null, `${e}`);
  assert.deepEqual(d.received, PATCH, 'staged');
  assert.equal(r.sacks, 1);
  assert.equal(r.reconnects, 0);
});

test('a 1-byte RESULT answering DONE is a refusal with status 0xFFFF', async () => {
  const d = new ScriptedDevice({
    script: (f) => (f.type === FrameType.DONE ? { type: FrameType.RESULT, payload: Uint8Array.of(7) } : undefined),
  });
  const { e } = await run(d, { goBackN: true });
  assert.ok(e instanceof DeviceRefusedError, `${e}`);
  assert.equal(e.status, 0xffff);
  assert.equal(e.code, 'OTHER');
  assert.equal(d.dones, 1);
});

for (const goBackN of [true, false]) {
  test(`RESULT(0) in the data phase refuses the update (${goBackN ? 'go-back-N' : 'selective repeat'})`, async () => {
    const d = answeringDataFrame(3, () => ({ type: FrameType.RESULT, payload: Uint8Array.of(0, 0) }), !goBackN);
    const { e } = await run(d, { goBackN });
    assert.ok(e instanceof DeviceRefusedError, `${e}`);
    assert.equal(e.status, 0);
    assert.match(e.message, /RESULT 0 \(staged\) before the whole patch was sent/);
    assert.equal(d.dones, 0, 'no DONE after a refusal');
  });
}

test('go-back-N: a NAK without its reason byte sends the frames from its offset again at once', async () => {
  // The 3rd DATA frame is not applied: the device answers it with a 4-byte NAK at the offset it expects.
  const d = new ScriptedDevice({
    script: (f, dev) => (f.type === FrameType.DATA && dev.dataFrames === 3
      ? { type: FrameType.NAK, payload: payload32(dev.expected) } : undefined),
  });
  const { r, e } = await run(d, { goBackN: true });
  assert.equal(e, null, `${e}`);
  assert.deepEqual(d.received, PATCH, 'staged');
  const counts = `${d.dataFrames} DATA frames, ${r.retransmittedFrames} sent again, ${r.naks} NAKs, ${r.timeouts} timeouts`;
  assert.equal(r.naks, 1, counts);
  assert.equal(r.retransmittedFrames, 1, counts);
  assert.equal(d.dataFrames, FRAMES + 1, counts);
  assert.equal(r.timeouts, 0, counts);
});

test('an INFO too short for its fields is a DeviceProtocolError naming its length', () => {
  assert.throws(() => parseInfo(new Uint8Array(3)),
    (e) => e.name === 'DeviceProtocolError' && /INFO payload of 3 bytes, at least 25 expected/.test(e.message));
});
