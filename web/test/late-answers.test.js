// SPDX-License-Identifier: Apache-2.0
// Selective repeat against a device that keeps frames past a gap in its 1 KiB ring, as the Java and
// C devices do, while its answers come late (a busy board): the page's window grows past the ring,
// so after a lost frame the frames on the line past the ring are not kept and go again. What that
// costs is counted here in bytes sent again, in simulated time (fake-clock.js); docs/bench/
// uart-goodput.md ("Late answers and the hold ring") has the figures this prints and why the
// window is not bounded by the ring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_CHUNK, FrameType } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { fakeClock, inSimulatedTime } from './fake-clock.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

const PAYLOAD = 40 * DATA_CHUNK;

/** A holding device whose every answer reaches the page `delayMs` after the frame it answers. */
class LateDevice extends ScriptedDevice {
  constructor(options) {
    super({ ...options, selectiveRepeat: true, holds: true });
    this.clock = options.clock;
    this.delayMs = options.delayMs;
  }

  answer(a) {
    if (a) this.clock.setTimeout(() => super.answer(a), this.delayMs);
  }
}

/**
 * One update with every `lostEvery`-th DATA frame (and the third) lost on the line; what it cost:
 * DATA frames, patch bytes in them, bytes sent again, SACKs, and simulated milliseconds (the
 * scripted line carries bytes at once: the waits for answers, not the line's time).
 */
async function update(delayMs, lostEvery) {
  const patch = syntheticPatch(PAYLOAD);
  const clock = fakeClock();
  let frames = 0;
  let sent = 0;
  const device = new LateDevice({
    clock,
    delayMs,
    limits: { data: 5000, begins: 2, dones: 4 },
    line: (bytes) => {
      if (bytes[1] === FrameType.DATA) sent += (bytes[3] | (bytes[4] << 8)) - 4;
      return bytes;
    },
    script: (f) => {
      if (f.type !== FrameType.DATA) return undefined;
      frames++;
      return frames === 3 || (lostEvery > 0 && frames % lostEvery === 0) ? null : undefined;
    },
  });
  const start = clock.now();
  const result = await inSimulatedTime(clock, sendPatch(device.channel, patch, {
    timeoutMs: 5000, maxReconnects: 0, signal: device.signal,
  }));
  assert.deepEqual(device.received, patch, `the staged patch is the one sent (${delayMs} ms, 1 in ${lostEvery})`);
  return { frames, sent, again: result.retransmittedBytes, sacks: result.sacks, ms: clock.now() - start };
}

test('late answers: the frames past the ring after a gap go again, but the transfer stays bounded', async () => {
  for (const [delayMs, lostEvery] of [[100, 50], [100, 20], [300, 50], [300, 20]]) {
    const r = await update(delayMs, lostEvery);
    console.log(`answers ${delayMs} ms late, 1 frame in ${lostEvery} lost: ${JSON.stringify(r)}`);
    // Each loss can cost the window on the line past the ring (8,160 - 1,024 bytes) once more;
    // a loss that set off another (the frames sent again past the ring not kept either) would
    // cost far more than the patch.
    assert.ok(r.again <= 2 * PAYLOAD, `bytes sent again at most twice the patch: ${JSON.stringify(r)}`);
  }
});
