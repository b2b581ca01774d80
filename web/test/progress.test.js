// SPDX-License-Identifier: Apache-2.0
// A transfer that no longer gets further ends (docs/PROTOCOL.md, "Reconnects"; the Java host's
// HostSessionLimitsTest): restarts count with lost links against maxReconnects, forgiven whenever
// the acknowledged offset passes its highest; a device that answers every DATA frame without the
// offset growing ends the update after maxFramesWithoutProgress frames. A scripted device over an
// in-memory channel; counts of frames, restarts and sessions are asserted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameType, NakReason } from '../src/frame-codec.js';
import { MAX_FRAMES_WITHOUT_PROGRESS } from '../src/progress.js';
import { MAX_RECONNECTS, sendPatch } from '../src/protocol.js';
import { NoAnswerError } from '../src/session-errors.js';
import { REPO } from './harness.js';
import { ScriptedDevice, nak, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(40000);
const HEADER_SIZE = PATCH.length - 40000;
const u32 = (b, o) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

async function run(d, options) {
  try {
    return { result: await sendPatch(d.channel, PATCH, { timeoutMs: 100, signal: d.signal, ...options }) };
  } catch (error) {
    return { error };
  }
}

/**
 * A device that restarts the update (NAK 3 to checkpoint(n)) at the DATA frame at its expected
 * offset that would take it past limit(n), n counting its restarts from 0; honest otherwise.
 * limit(n) null: past the first limit, the offset it had reached then (the same byte each time,
 * whatever the page's frame sizes).
 */
function restarting(selectiveRepeat, limit, checkpoint) {
  let ceiling = -1;
  const d = new ScriptedDevice({
    selectiveRepeat,
    limits: { data: 5000, begins: 4 },
    script: (f, dev) => {
      if (f.type !== FrameType.DATA) return undefined;
      const off = u32(f.payload, 0);
      const end = off + f.payload.length - 4;
      const past = limit(dev.restarts) ?? (ceiling >= 0 ? ceiling : limit.first);
      if (off !== dev.expected || end <= past) return undefined;
      if (ceiling < 0) ceiling = dev.expected;
      dev.expected = checkpoint(dev.restarts++);
      return { type: FrameType.NAK, payload: nak(dev.expected, NakReason.RESTARTED) };
    },
  });
  d.restarts = 0;
  return d;
}

for (const selectiveRepeat of [true, false]) {
  const mode = selectiveRepeat ? 'selective repeat' : 'go-back-N';

  test(`a device that restarts at the same byte forever: the page gives up after maxReconnects restarts (${mode})`, async () => {
    const sameByte = Object.assign(() => null, { first: HEADER_SIZE + 4096 });
    const checkpoint = HEADER_SIZE + 1020;
    const d = restarting(selectiveRepeat, sameByte, () => checkpoint);
    const { result, error } = await run(d, { goBackN: !selectiveRepeat });
    assert.ok(error instanceof NoAnswerError, `${error?.message ?? `staged after ${result.restarts} restarts`}; ${d.stopped}`);
    assert.equal(error.message, `the device restarted the update at offset ${checkpoint} (gave up after ${MAX_RECONNECTS} restarts)`);
    // The page counts the restarts it read; the device may have answered more frames by then.
    assert.ok(d.restarts > MAX_RECONNECTS, `${d.restarts} restarts`);
    assert.equal(d.begins, 1, 'a restart is no reconnect');
    assert.equal(d.dones, 0);
  });

  test(`a device that restarts further on each time is staged, whatever the count (${mode})`, async () => {
    // More than a frame further each time, so the acknowledged offset passes its highest before
    // the next restart.
    const count = MAX_RECONNECTS + 5;
    const step = Math.floor((PATCH.length - HEADER_SIZE - 2048) / count);
    assert.ok(step > 1020, `the patch is long enough for ${count} restarts a frame apart: ${step}`);
    const d = restarting(selectiveRepeat, (n) => (n < count ? HEADER_SIZE + 2048 + (n + 1) * step : Infinity),
      (n) => HEADER_SIZE + 1024 + n * step);
    const { result, error } = await run(d, { goBackN: !selectiveRepeat });
    assert.equal(error, undefined, `${error?.message}; ${d.stopped}`);
    assert.equal(d.restarts, count);
    assert.equal(result.restarts, count);
    assert.equal(result.reconnects, 0);
    assert.equal(d.dones, 1);
    assert.deepEqual(d.received, PATCH, 'the staged patch is the one sent');
  });

  test(`a device that NAKs every DATA frame: the page gives up after maxFramesWithoutProgress frames (${mode})`, async () => {
    // The line breaks every frame and the device says so (NAK 2): it answers, so under selective
    // repeat the link is never lost; the acknowledged offset never grows.
    const d = new ScriptedDevice({
      selectiveRepeat,
      limits: { data: 5000, begins: 4 },
      script: (f, dev) => (f.type === FrameType.DATA
        ? { type: FrameType.NAK, payload: nak(dev.expected, NakReason.CORRUPT) } : undefined),
    });
    const { error } = await run(d, { goBackN: !selectiveRepeat, maxFramesWithoutProgress: 20 });
    assert.ok(error instanceof NoAnswerError, `${error?.message}; ${d.stopped}`);
    assert.equal(error.message, `the device made no progress in 20 data frames: nothing acknowledged past offset ${HEADER_SIZE}`);
    assert.equal(d.dataFrames, 20);
    assert.equal(d.begins, 1);
  });
}

test('a device that NAKs every DATA frame, selective repeat: the default bound, as fwdelta send\'s', async () => {
  const java = readFileSync(join(REPO, 'diff-tool', 'src', 'main', 'java', 'dev', 'fwdelta', 'tool', 'transport',
    'HostSession.java'), 'utf8');
  const declared = java.match(/public static final long MAX_FRAMES_WITHOUT_PROGRESS = (\d+);/);
  assert.ok(declared, 'HostSession.java declares MAX_FRAMES_WITHOUT_PROGRESS');
  assert.equal(MAX_FRAMES_WITHOUT_PROGRESS, Number(declared[1]));
  const d = new ScriptedDevice({
    selectiveRepeat: true,
    limits: { data: 5000, begins: 4 },
    script: (f, dev) => (f.type === FrameType.DATA
      ? { type: FrameType.NAK, payload: nak(dev.expected, NakReason.CORRUPT) } : undefined),
  });
  const { error } = await run(d, {});
  assert.ok(error instanceof NoAnswerError, `${error?.message}; ${d.stopped}`);
  assert.match(error.message, new RegExp(`^the device made no progress in ${MAX_FRAMES_WITHOUT_PROGRESS} data frames`));
  assert.equal(d.dataFrames, MAX_FRAMES_WITHOUT_PROGRESS);
});

test('restarts and lost links count against the same limit', async () => {
  // Each session: a restart at the same byte, then silence.
  const checkpoint = HEADER_SIZE + 1020;
  let restartedIn = 0;
  let ceiling = -1;
  const d = new ScriptedDevice({
    limits: { data: 5000, begins: 6 },
    script: (f, dev) => {
      if (f.type !== FrameType.DATA) return undefined;
      if (restartedIn === dev.begins) return null;
      const off = u32(f.payload, 0);
      if (off !== dev.expected || off + f.payload.length - 4 <= (ceiling >= 0 ? ceiling : HEADER_SIZE + 4096)) return undefined;
      if (ceiling < 0) ceiling = dev.expected;
      restartedIn = dev.begins;
      dev.expected = checkpoint;
      return { type: FrameType.NAK, payload: nak(checkpoint, NakReason.RESTARTED) };
    },
  });
  const { error } = await run(d, { goBackN: true, maxReconnects: 3 });
  // Restart, lost link, restart, lost link: the fourth setback is one too many.
  assert.ok(error instanceof NoAnswerError, `${error?.message}; ${d.stopped}`);
  assert.equal(error.message, 'the device stopped answering (gave up after 1 reconnects and 2 restarts)');
  assert.equal(d.begins, 2);
});

test('the frame bound starts again whenever the acknowledged offset grows (selective repeat)', async () => {
  // HostSessionLimitsTest's device: the line breaks the first `broken` frames after each growth
  // of the acknowledged offset, for `growths` growths. The page sends more DATA frames than the
  // bound allows without growth, but never that many between two growths.
  const broken = 9;
  const growths = 420;
  assert.ok(growths * (broken + 1) > MAX_FRAMES_WITHOUT_PROGRESS);
  let grown = 0;
  let brokenSinceGrowth = 0;
  const d = new ScriptedDevice({
    selectiveRepeat: true,
    limits: { data: 10000 },
    script: (f, dev) => {
      if (f.type !== FrameType.DATA || grown >= growths) return undefined;
      if (brokenSinceGrowth < broken) {
        brokenSinceGrowth++;
        return { type: FrameType.NAK, payload: nak(dev.expected, NakReason.CORRUPT) };
      }
      const before = dev.expected;
      const answer = dev.honest(f);
      if (dev.expected > before) {
        grown++;
        brokenSinceGrowth = 0;
      }
      return answer;
    },
  });
  const { result, error } = await run(d, {});
  assert.equal(error, undefined, `${error?.message}; ${d.stopped}`);
  assert.equal(grown, growths);
  assert.ok(d.dataFrames > MAX_FRAMES_WITHOUT_PROGRESS, `${d.dataFrames} DATA frames`);
  assert.equal(result.reconnects, 0);
  assert.equal(d.begins, 1);
  assert.equal(d.dones, 1);
  assert.deepEqual(d.received, PATCH, 'the staged patch is the one sent');
});

// A NAK 3 at or above the acknowledged offset takes back nothing the page counted as acknowledged
// (docs/PROTOCOL.md, "Restart"): it is taken as any NAK, no restart counted, as by the Java host
// (HostSessionLimitsTest feeds the same answers and expects the same counts).
for (const selectiveRepeat of [false, true]) {
  const mode = selectiveRepeat ? 'selective repeat' : 'go-back-N';

  test(`a NAK 3 at the acknowledged offset for every frame is no restart: the frame bound ends it (${mode})`, async () => {
    const d = new ScriptedDevice({
      selectiveRepeat,
      limits: { data: 100, begins: 4 },
      script: (f, dev) => (f.type === FrameType.DATA
        ? { type: FrameType.NAK, payload: nak(dev.expected, NakReason.RESTARTED) } : undefined),
    });
    const { error } = await run(d, { goBackN: !selectiveRepeat, maxReconnects: 3, maxFramesWithoutProgress: 8 });
    assert.ok(error instanceof NoAnswerError, `${error?.message}; ${d.stopped}`);
    assert.equal(error.message, `the device made no progress in 8 data frames: nothing acknowledged past offset ${HEADER_SIZE}`);
    assert.equal(d.dataFrames, 8);
    assert.equal(d.begins, 1);
  });

  test(`a NAK 3 above the acknowledged offset is no restart (${mode})`, async () => {
    // The first frame is applied but its ACK lost; the second is applied and answered with NAK 3
    // at the offset after it.
    const d = new ScriptedDevice({
      selectiveRepeat,
      script: (f, dev) => {
        if (f.type !== FrameType.DATA || dev.dataFrames > 2) return undefined;
        dev.honest(f);
        return dev.dataFrames === 1 ? null : { type: FrameType.NAK, payload: nak(dev.expected, NakReason.RESTARTED) };
      },
    });
    const { result, error } = await run(d, { goBackN: !selectiveRepeat });
    assert.equal(error, undefined, `${error?.message}; ${d.stopped}`);
    assert.equal(result.restarts, 0);
    assert.equal(result.reconnects, 0);
    assert.equal(d.dones, 1);
    assert.deepEqual(d.received, PATCH, 'the staged patch is the one sent');
  });
}
