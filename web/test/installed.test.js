// SPDX-License-Identifier: Apache-2.0
// A device that staged the patch, answered DONE with a RESULT the line lost, installed the patch and
// rebooted into its firmware (docs/PROTOCOL.md, "Reconnects"): when the page comes back, the device
// refuses the patch (ROLLBACK) because it runs that very firmware. The page reports the update
// installed, as the Java host does (ResultLostAfterDoneTest). A refusal from a device on another
// version or board, or before any DONE was sent, stays a refusal. A scripted device over an
// in-memory channel; counts are asserted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceRefusedError } from '../src/device-refused.js';
import { FrameType, NakReason } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { ScriptedDevice, nak, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(6000); // firmware_version 0, hardware_id 0
const ROLLBACK = Uint8Array.of(40, 0, ...new TextEncoder().encode('ROLLBACK (40): ROLLBACK'));

/** INFO as the honest device's, saying it runs `version` on board `hardware`. */
function info(dev, f, version, hardware) {
  const a = dev.honest(f);
  const v = new DataView(a.payload.buffer);
  v.setUint32(7, version, true);
  v.setUint32(15, hardware, true);
  return a;
}

/**
 * Honest until the DONE that finds every byte: its RESULT(0) is lost. From then on it runs
 * `version` on `hardware`: HELLO draws that INFO, BEGIN a ROLLBACK, DONE a NAK at offset 0 and DATA
 * nothing, as the C device's app with no transfer open.
 */
function installingAfterDone(version, hardware) {
  let rebooted = false;
  return new ScriptedDevice({
    limits: { begins: 6 },
    script: (f, dev) => {
      if (!rebooted) {
        if (f.type === FrameType.DONE && dev.expected === dev.total) {
          rebooted = true;
          return null;
        }
        return undefined;
      }
      switch (f.type) {
        case FrameType.HELLO: return info(dev, f, version, hardware);
        case FrameType.BEGIN: return { type: FrameType.RESULT, payload: ROLLBACK };
        case FrameType.DONE: return { type: FrameType.NAK, payload: nak(0, NakReason.GAP) };
        default: return null;
      }
    },
  });
}

async function run(d) {
  try {
    return { result: await sendPatch(d.channel, PATCH, { timeoutMs: 100, signal: d.signal }) };
  } catch (error) {
    return { error };
  }
}

test('a device running the patch\'s firmware after a lost RESULT: the update is installed', async () => {
  const d = installingAfterDone(0, 0);
  const { result, error } = await run(d);
  assert.equal(error, undefined, `${error?.message}; ${d.stopped}`);
  assert.equal(result.installed, true);
  assert.equal(result.message, 'installed: the device runs firmware version 0 (its answer to DONE was lost)');
  assert.equal(d.begins, 2, 'one BEGIN staged the patch, one after the lost RESULT was refused');
  assert.ok(result.reconnects >= 1, `${result.reconnects} reconnects`);
});

for (const [what, version, hardware] of [['another version', 1, 0], ['another board', 0, 1]]) {
  test(`a device running ${what} after a lost RESULT: the refusal stands`, async () => {
    const d = installingAfterDone(version, hardware);
    const { error } = await run(d);
    assert.ok(error instanceof DeviceRefusedError, `${error?.message}; ${d.stopped}`);
    assert.equal(error.status, 40);
  });
}

test('a refusal before any DONE is a refusal whatever the device runs', async () => {
  const d = new ScriptedDevice({
    script: (f, dev) => (f.type === FrameType.BEGIN ? { type: FrameType.RESULT, payload: ROLLBACK }
      : f.type === FrameType.HELLO ? info(dev, f, 0, 0) : null),
  });
  const { error } = await run(d);
  assert.ok(error instanceof DeviceRefusedError, `${error?.message}; ${d.stopped}`);
  assert.equal(error.status, 40);
  assert.equal(d.dones, 0);
  assert.equal(d.dataFrames, 0);
});
