// SPDX-License-Identifier: Apache-2.0
// Selective repeat with late answers: a device whose answers take 300 ms (a busy board or line)
// makes the page's window larger than its hold ring, so after a lost frame every frame past the
// ring is answered SACK 0, 0 (not kept). Those frames arrived whole: they are sent again, but they
// are no errors of the line, and the frame size must not shrink for them (docs/PROTOCOL.md,
// selective repeat, "Host"). In simulated time (fake-clock.js); frame sizes read off the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_CHUNK, FrameType } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { fakeClock, inSimulatedTime } from './fake-clock.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

const ANSWER_DELAY_MS = 300;
/** DATA frames for the patch at the most: 131 with one line error counted, 397 when every frame not kept was one. */
const LIMIT = 200;

/** A scripted device whose every answer reaches the page ANSWER_DELAY_MS after the frame it answers. */
class LateDevice extends ScriptedDevice {
  constructor(options) {
    super(options);
    this.clock = options.clock;
  }

  answer(a) {
    if (a) this.clock.setTimeout(() => super.answer(a), ANSWER_DELAY_MS);
  }
}

test('frames not kept past a full ring do not shrink the frames (selective repeat, late answers)', async () => {
  const patch = syntheticPatch(40 * DATA_CHUNK);
  const clock = fakeClock();
  const payloads = []; // patch bytes of each DATA frame, in the order written
  let dataFrames = 0;
  const device = new LateDevice({
    selectiveRepeat: true,
    clock,
    limits: { data: 1000, begins: 2, dones: 4 },
    line: (bytes) => {
      if (bytes[1] === FrameType.DATA) payloads.push((bytes[3] | (bytes[4] << 8)) - 4);
      return bytes;
    },
    // The third DATA frame is lost on the line (its header broke: no answer, nothing kept).
    script: (f) => (f.type === FrameType.DATA && ++dataFrames === 3 ? null : undefined),
  });
  const result = await inSimulatedTime(clock, sendPatch(device.channel, patch, {
    timeoutMs: 5000, maxReconnects: 0, signal: device.signal,
  }));
  assert.deepEqual(device.received, patch, 'the staged patch is the one sent');
  const line = payloads.join(' ');
  assert.ok(result.sacks >= 2, `frames past the gap were answered SACK: ${result.sacks}; ${line}`);
  // One frame lost on the line: the frames stay about as large as one error makes them. Counted
  // as errors, the frames not kept shrank them to 60 bytes (16-byte pieces of the frames cut).
  assert.ok(payloads.length <= LIMIT, `at most ${LIMIT} DATA frames, got ${payloads.length}: ${line}`);
});
