// SPDX-License-Identifier: Apache-2.0
// The page's go-back-N sender reads every answer already received before it decides what to send
// next, as the Java host does (UartChannel.drainAnswers): a device that answers each frame at once
// sends it back right after a broken frame, so only the broken frames are sent again. A scripted
// device over an in-memory channel; counts of frames and bytes are asserted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_CHUNK, sendPatch } from '../src/protocol.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

const FRAMES = 40;
const PATCH = syntheticPatch(FRAMES * DATA_CHUNK); // every frame full, so each costs DATA_CHUNK bytes

test('go-back-N with every 7th DATA frame broken: only the broken frames are sent again', async () => {
  const d = new ScriptedDevice({ brokenEvery: 7 });
  const r = await sendPatch(d.channel, PATCH, { goBackN: true, timeoutMs: 100, signal: d.signal });
  assert.deepEqual(d.received, PATCH, 'the staged patch is the one sent');
  assert.ok(d.brokenFrames >= FRAMES / 7, `${d.brokenFrames} frames broken on the line`);
  const counts = `${d.dataFrames} DATA frames, ${d.brokenFrames} broken; the page sent again ${r.retransmittedFrames} `
    + `frames, ${r.retransmittedBytes} bytes; ${r.timeouts} timeouts, ${r.naks} NAKs`;
  // Each broken frame draws NAK 2 at once, which the page reads before its next frame: it sends
  // that frame again and nothing after it. An answer read a frame late costs a frame more each.
  assert.equal(r.retransmittedFrames, d.brokenFrames, counts);
  assert.equal(r.retransmittedBytes, d.brokenFrames * DATA_CHUNK, counts);
  assert.equal(d.dataFrames, FRAMES + d.brokenFrames, counts);
  assert.equal(r.naks, d.brokenFrames, counts);
  assert.equal(r.timeouts, 0, counts);
  assert.equal(r.reconnects, 0, counts);
});
