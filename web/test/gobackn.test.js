// SPDX-License-Identifier: Apache-2.0
// The page's go-back-N sender reads every answer already received before it decides what to send
// next, as the Java host does (DataPhase.drainAnswers): a device that answers each frame at once
// sends it back right after a broken frame, so only the broken frames are sent again. A scripted
// device over an in-memory channel; counts of frames and bytes are asserted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_CHUNK, FrameType, NakReason } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { ScriptedDevice, nak, syntheticPatch } from './scripted-device.js';

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

test('go-back-N: a frame sent again and broken again is sent a third time at once, no timeout', async () => {
  // The 5th DATA frame and the 6th (the 5th sent again) break on the line: each draws NAK 2 at
  // once. The second NAK answers a frame written after the go-back, so it is no stale answer.
  const d = new ScriptedDevice({
    script: (f, dev) => (f.type === FrameType.DATA && (dev.dataFrames === 5 || dev.dataFrames === 6)
      ? { type: FrameType.NAK, payload: nak(dev.expected, NakReason.CORRUPT) } : undefined),
  });
  const r = await sendPatch(d.channel, PATCH, { goBackN: true, timeoutMs: 100, signal: d.signal });
  assert.deepEqual(d.received, PATCH, 'the staged patch is the one sent');
  const counts = `${d.dataFrames} DATA frames; the page sent again ${r.retransmittedFrames} frames; `
    + `${r.timeouts} timeouts, ${r.naks} NAKs`;
  assert.equal(r.timeouts, 0, counts);
  assert.equal(r.retransmittedFrames, 2, counts);
  assert.equal(d.dataFrames, FRAMES + 2, counts);
});

test('go-back-N: a frame that drew no answer does not hide the NAK of its resend broken again', async () => {
  // The 5th DATA frame draws no answer (its header broke on the line: the device dropped it, or
  // its NAK was lost on the way back); the 6th draws NAK 1 and the page goes back; the 7th (the
  // 5th sent again) breaks, NAK 2. That NAK answers a frame written after the go-back: the 8th
  // frame must be the 5th once more, not the 6th (docs/PROTOCOL.md: the answers owed at a
  // go-back are at most the frames written after the one the NAK answers).
  const offsets = [];
  const d = new ScriptedDevice({
    script: (f, dev) => {
      if (f.type !== FrameType.DATA) return undefined;
      offsets.push(f.payload[0] | (f.payload[1] << 8) | (f.payload[2] << 16) | (f.payload[3] << 24));
      if (dev.dataFrames === 5) return null;
      if (dev.dataFrames === 7) return { type: FrameType.NAK, payload: nak(dev.expected, NakReason.CORRUPT) };
      return undefined;
    },
  });
  const r = await sendPatch(d.channel, PATCH, { goBackN: true, timeoutMs: 100, signal: d.signal });
  assert.deepEqual(d.received, PATCH, 'the staged patch is the one sent');
  const counts = `DATA frames at ${offsets.slice(0, 10).join(', ')}, ...; the page sent again ${r.retransmittedFrames} `
    + `frames; ${r.timeouts} timeouts, ${r.naks} NAKs`;
  assert.equal(offsets[6], offsets[4], `the 7th frame is the 5th again: ${counts}`);
  assert.equal(offsets[7], offsets[4], `the 8th frame is the 5th a third time: ${counts}`);
  assert.equal(r.timeouts, 0, counts);
  assert.equal(r.retransmittedFrames, 3, counts);
  assert.equal(d.dataFrames, FRAMES + 3, counts);
});
