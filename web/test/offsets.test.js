// SPDX-License-Identifier: Apache-2.0
// Offsets in a device's answers that no honest device gives (docs/PROTOCOL.md, "Offsets the host
// checks"): a READY outside header_size..the patch length, an ACK, NAK or SACK (or a SACK's held
// range) past the patch bytes the page has sent in this session, a NAK answering DONE past the
// patch. Each ends the transfer with an error naming the field and the allowed range: no DONE, no
// progress past the bytes sent, nothing staged, no new session. The Java host's
// DeviceOffsetChecksTest, for the page. A scripted device answers over an in-memory channel,
// honestly but for the one field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_CHUNK, FrameType, NakReason } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { ScriptedDevice, nak, payload32, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(16000); // more than a go-back-N window of frames
const HEADER_SIZE = PATCH.length - 16000;
const SENT = 'the patch bytes sent in this session';

/** Sends the patch; it must fail with DeviceProtocolError, before any DONE, in one session. */
async function refused(device, options = {}) {
  const progress = [];
  let result = null;
  let error = null;
  try {
    result = await sendPatch(device.channel, PATCH, {
      timeoutMs: 100, maxReconnects: 2, goBackN: !device.selectiveRepeat, signal: device.signal,
      onProgress: (p) => progress.push(p.acked), ...options,
    });
  } catch (e) {
    error = e;
  }
  assert.equal(result, null, `the transfer succeeded: ${JSON.stringify(result)}`);
  // By name: the class is device-error.js's DeviceProtocolError (an Error), which the page reports as a failed update.
  assert.ok(error instanceof Error && error.name === 'DeviceProtocolError', `${error?.name}: ${error?.message} ${device.stopped}`);
  assert.match(error.message, /^the device answered /);
  assert.ok(progress.every((a) => a <= device.sentEnd), `progress past the ${device.sentEnd} bytes sent: ${progress}`);
  assert.equal(device.begins, 1, 'refused, not begun again');
  return error;
}

test('a READY past the patch is refused before any DATA', async () => {
  const d = new ScriptedDevice({
    script: (f) => (f.type === FrameType.BEGIN ? { type: FrameType.READY, payload: payload32(PATCH.length + 100000) } : undefined),
  });
  const e = await refused(d);
  assert.equal(e.message, `the device answered READY offset ${PATCH.length + 100000}, outside the allowed `
    + `${HEADER_SIZE}..${PATCH.length} (header_size..the patch length)`);
  assert.equal(d.dataFrames, 0);
  assert.equal(d.dones, 0);
});

test('a READY near the top of the u32 is refused (selective repeat)', async () => {
  const d = new ScriptedDevice({
    selectiveRepeat: true,
    script: (f) => (f.type === FrameType.BEGIN ? { type: FrameType.READY, payload: payload32(0xfffffff0) } : undefined),
  });
  const e = await refused(d);
  assert.match(e.message, /READY offset 4294967280, outside the allowed/);
  assert.equal(d.dataFrames, 0);
  assert.equal(d.dones, 0);
});

test('an ACK past the bytes sent is refused under go-back-N at the first answer', async () => {
  const d = new ScriptedDevice({
    script: (f) => (f.type === FrameType.DATA ? { type: FrameType.ACK, payload: payload32(0xfffffff0) } : undefined),
  });
  const e = await refused(d);
  assert.equal(e.message, `the device answered ACK offset 4294967280, outside the allowed 0..${d.sentEnd} (${SENT})`);
  // The page reads the answers already received before each frame: the first answer ends it.
  assert.equal(d.sentEnd, HEADER_SIZE + DATA_CHUNK, 'one frame written');
  assert.equal(d.dataFrames, 1);
  assert.equal(d.dones, 0);
});

test('an ACK of the whole patch after the first frame is refused (selective repeat): nothing staged', async () => {
  const d = new ScriptedDevice({
    selectiveRepeat: true,
    script: (f) => (f.type === FrameType.DATA ? { type: FrameType.ACK, payload: payload32(PATCH.length) } : undefined),
  });
  const e = await refused(d);
  assert.equal(e.message, `the device answered ACK offset ${PATCH.length}, outside the allowed 0..${d.sentEnd} (${SENT})`);
  assert.ok(d.sentEnd < PATCH.length);
  assert.equal(d.dataFrames, 1, 'refused at the first answer');
  assert.equal(d.dones, 0, 'no DONE: the patch was not sent');
});

for (const selectiveRepeat of [false, true]) {
  test(`a NAK past the bytes sent is refused (${selectiveRepeat ? 'selective repeat' : 'go-back-N'})`, async () => {
    const d = new ScriptedDevice({
      selectiveRepeat,
      script: (f, dev) => (f.type === FrameType.DATA ? { type: FrameType.NAK, payload: nak(dev.sentEnd + 1, NakReason.GAP) } : undefined),
    });
    const e = await refused(d);
    assert.match(e.message, /^the device answered NAK offset (\d+), outside the allowed 0\.\.(\d+) \(the patch bytes sent in this session\)$/);
    const [, off, max] = e.message.match(/NAK offset (\d+), outside the allowed 0\.\.(\d+)/).map(Number);
    assert.equal(off, max + 1);
    assert.equal(max, d.sentEnd);
    assert.equal(d.dones, 0);
  });
}

test('a SACK offset past the bytes sent is refused', async () => {
  const d = new ScriptedDevice({
    selectiveRepeat: true,
    script: (f, dev) => (f.type === FrameType.DATA ? { type: FrameType.SACK, payload: payload32(dev.sentEnd + 1, 0, 0) } : undefined),
  });
  const e = await refused(d);
  assert.equal(e.message, `the device answered SACK offset ${d.sentEnd + 1}, outside the allowed 0..${d.sentEnd} (${SENT})`);
  assert.equal(d.dataFrames, 1);
  assert.equal(d.dones, 0);
});

test('a SACK holding bytes not sent is refused', async () => {
  const d = new ScriptedDevice({
    selectiveRepeat: true,
    script: (f, dev) => (f.type === FrameType.DATA
      ? { type: FrameType.SACK, payload: payload32(dev.expected, dev.expected + 1, dev.sentEnd + 500) } : undefined),
  });
  const e = await refused(d);
  assert.equal(e.message, `the device answered SACK held range end ${d.sentEnd + 500}, outside the allowed 0..${d.sentEnd} (${SENT})`);
  assert.equal(d.dataFrames, 1);
  assert.equal(d.dones, 0);
});

test('a NAK answering DONE past the patch is refused: one DONE, not staged', async () => {
  const d = new ScriptedDevice({
    script: (f) => (f.type === FrameType.DONE ? { type: FrameType.NAK, payload: nak(PATCH.length + 5, NakReason.GAP) } : undefined),
  });
  const e = await refused(d);
  assert.equal(e.message, `the device answered NAK offset (answering DONE) ${PATCH.length + 5}, outside the allowed `
    + `0..${PATCH.length} (the patch length)`);
  assert.equal(d.dones, 1);
});

for (const selectiveRepeat of [false, true]) {
  test(`the honest scripted device is staged (${selectiveRepeat ? 'selective repeat' : 'go-back-N'})`, async () => {
    // The script itself is sound: answered honestly, the same page stages the patch in one session.
    const d = new ScriptedDevice({ selectiveRepeat });
    const r = await sendPatch(d.channel, PATCH, { timeoutMs: 100, goBackN: !selectiveRepeat, signal: d.signal });
    assert.equal(r.selectiveRepeat, selectiveRepeat);
    assert.equal(r.reconnects, 0);
    assert.equal(d.begins, 1);
    assert.equal(d.dones, 1);
    assert.deepEqual(d.received, PATCH);
  });
}
