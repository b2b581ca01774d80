// SPDX-License-Identifier: Apache-2.0
// The protocol module against the Java device over a socat pty pair (npm serialport on the host end).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DeviceRefusedError } from '../src/device-refused.js';
import { DATA_CHUNK } from '../src/frame-codec.js';
import { HELLO_ATTEMPTS } from '../src/handshake.js';
import { parsePatchHeader } from '../src/patch-header.js';
import { sendPatch } from '../src/protocol.js';
import { NoAgentError } from '../src/session-errors.js';
import {
  buildPatch, corpusFile, openChannel, ptyPair, stagedImage, startDevice, tempDir,
} from './harness.js';

const OLD = corpusFile('pybv11/1f5d945af-firmware1.bin');
const NEW = corpusFile('pybv11/1f5d945af-dirty-firmware1.bin');

/** One update: device up, patch sent, device and pty closed; returns what happened. */
async function update({ patch, faults, deviceArgs = [], oldFile = OLD, send = sendPatch, options = {} }) {
  const dir = tempDir();
  const pty = await ptyPair(dir);
  const extra = [...deviceArgs];
  if (faults) extra.push('--faults', faults);
  const device = await startDevice(dir, pty.device, oldFile, extra);
  const channel = await openChannel(pty.host);
  try {
    const result = await send(channel, patch, options, pty);
    return { result, device, flashFile: device.flashFile };
  } finally {
    await channel.closePort();
    device.stop();
    await device.exited;
    pty.close();
  }
}

/** The loss events the page counted: timeouts, NAKs, SACKs and reconnects. */
function lossEvents(r) {
  for (const k of ['timeouts', 'naks', 'sacks', 'reconnects']) assert.equal(typeof r[k], 'number', `${k} in the stats`);
  return r.timeouts + r.naks + r.sacks + r.reconnects;
}

/** Nothing sent twice without a loss event; at most the patch once more per loss event. */
function assertSentAgainOnlyForLossEvents(r, patchLength) {
  const events = lossEvents(r);
  const counts = `${r.retransmittedBytes} bytes (${r.retransmittedFrames} frames) sent again; timeouts ${r.timeouts}, `
    + `NAKs ${r.naks}, SACKs ${r.sacks}, reconnects ${r.reconnects}`;
  if (events === 0) {
    assert.equal(r.retransmittedBytes, 0, counts);
    assert.equal(r.retransmittedFrames, 0, counts);
  }
  assert.ok(r.retransmittedBytes <= events * patchLength, counts);
}

test('a clean transfer stages the exact new image', async () => {
  const dir = tempDir();
  const patch = buildPatch(dir, OLD, NEW, ['--block-size', '512']);
  const seen = [];
  const { result, flashFile } = await update({ patch, options: { onProgress: (p) => seen.push(p.acked) } });
  assert.equal(result.startedAt, parsePatchHeader(patch).headerSize, 'a fresh device starts after the header');
  // Counts, not the clock (as UartEndToEndTest's clean line): a clean line needs no restart. A
  // loaded machine can make the page miss an answer in time (a timeout, then a frame sent again)
  // or pause in a frame the device then drops (a NAK): each is a loss event the page counts. With
  // none, nothing may be sent twice; with some, each may cost the patch once more at most.
  assertSentAgainOnlyForLossEvents(result, patch.length);
  assert.equal(result.restarts, 0);
  assert.equal(seen.at(-1), patch.length);
  assert.ok(seen.length > 1, `progress reported ${seen.length} times`);
  const expected = new Uint8Array(readFileSync(NEW));
  assert.deepEqual(stagedImage(flashFile, expected.length), expected);
});

test('dropped, corrupted and duplicated bytes: retransmissions, then the exact image', async () => {
  const dir = tempDir();
  const patch = buildPatch(dir, OLD, NEW, ['--block-size', '512']);
  const { result, flashFile } = await update({ patch, faults: 'drop=0.0005,corrupt=0.0005,dup=0.0005,seed=3' });
  assert.ok(result.retransmittedBytes > 0, 'faults should have cost retransmissions');
  assertSentAgainOnlyForLossEvents(result, patch.length);
  const expected = new Uint8Array(readFileSync(NEW));
  assert.deepEqual(stagedImage(flashFile, expected.length), expected);
});

test('selective repeat: the same seeded faults cost fewer bytes sent again than go-back-N', async () => {
  const dir = tempDir();
  const patch = buildPatch(dir, OLD, NEW, ['--block-size', '512']);
  const faults = 'drop=0.0005,corrupt=0.0005,dup=0.0005,seed=7';
  const expected = new Uint8Array(readFileSync(NEW));
  const sr = await update({ patch, faults });
  assert.deepEqual(stagedImage(sr.flashFile, expected.length), expected);
  const gbn = await update({ patch, faults, options: { goBackN: true } });
  assert.deepEqual(stagedImage(gbn.flashFile, expected.length), expected);
  console.log(`web host, 0.05% of each fault, seed 7: sent again ${sr.result.retransmittedBytes} bytes `
    + `(${sr.result.retransmittedFrames} frames, ${sr.result.sacks} SACKs) with selective repeat, `
    + `${gbn.result.retransmittedBytes} bytes (${gbn.result.retransmittedFrames} frames) with go-back-N`);
  assert.equal(sr.result.selectiveRepeat, true, 'the device confirmed the capability');
  assert.equal(gbn.result.selectiveRepeat, false);
  assert.equal(gbn.result.sacks, 0, 'a device never SACKs a host that did not offer selective repeat');
  assert.ok(sr.result.sacks > 0, 'gaps draw SACKs');
  // Counts, not the clock: a loaded machine can make either page time out and send again. Under
  // selective repeat a timeout sends one frame again (DATA_CHUNK bytes at most), which is not the
  // faults' cost; going back a window for one only adds to go-back-N's.
  const srFaultBytes = sr.result.retransmittedBytes - sr.result.timeouts * DATA_CHUNK;
  assert.ok(srFaultBytes < gbn.result.retransmittedBytes,
    `${sr.result.retransmittedBytes} bytes sent again with selective repeat (${sr.result.timeouts} timeouts), `
    + `${gbn.result.retransmittedBytes} with go-back-N`);
});

test('a go-back-N device (version 1): the page falls back and stages the exact image', async () => {
  const dir = tempDir();
  const patch = buildPatch(dir, OLD, NEW, ['--block-size', '512']);
  const { result, flashFile } = await update({
    patch, faults: 'drop=0.0005,seed=4', deviceArgs: ['--go-back-n'],
  });
  assert.equal(result.info.selectiveRepeat, false, 'a version-1 INFO');
  assert.equal(result.selectiveRepeat, false);
  assert.equal(result.sacks, 0);
  const expected = new Uint8Array(readFileSync(NEW));
  assert.deepEqual(stagedImage(flashFile, expected.length), expected);
});

test('a device reset mid-transfer: the session begins again and finishes', async () => {
  const dir = tempDir();
  const patch = buildPatch(dir, OLD, NEW, ['--block-size', '512']);
  const { result, device, flashFile } = await update({ patch, faults: 'disconnect=1000,seed=5' });
  assert.ok(result.reconnects >= 1, `reconnects ${result.reconnects}`);
  assert.match(device.output(), /serving on/);
  const expected = new Uint8Array(readFileSync(NEW));
  assert.deepEqual(stagedImage(flashFile, expected.length), expected);
});

test('the host disconnects mid-transfer: the next session starts at the acknowledged byte', async () => {
  const dir = tempDir();
  const patch = buildPatch(dir, corpusFile('pybv11/v1.10-firmware1.bin'), NEW);
  assert.ok(patch.length > 16000, `long enough to cut mid-transfer: ${patch.length}`);
  let ackedAtCut = -1;
  const { result, flashFile } = await update({
    patch,
    oldFile: corpusFile('pybv11/v1.10-firmware1.bin'),
    deviceArgs: ['--throttle'],
    send: async (channel, p, _o, pty) => {
      const stop = { aborted: false };
      await assert.rejects(sendPatch(channel, p, {
        signal: stop,
        onProgress: ({ acked }) => {
          if (acked > p.length / 2 && !stop.aborted) {
            ackedAtCut = acked;
            stop.aborted = true;
          }
        },
      }), /stopped/);
      await channel.closePort(); // the cable is pulled; the device stays powered
      const again = await openChannel(pty.host);
      try {
        return await sendPatch(again, p);
      } finally {
        await again.closePort();
      }
    },
  });
  assert.ok(ackedAtCut > 0);
  // ACKs for frames already in flight at the cut may have moved the device further on.
  assert.ok(result.startedAt >= ackedAtCut && result.startedAt < patch.length,
    `started at ${result.startedAt}, acknowledged at the cut ${ackedAtCut}, patch ${patch.length}`);
  const expected = new Uint8Array(readFileSync(NEW));
  assert.deepEqual(stagedImage(flashFile, expected.length), expected);
});

test('a patch for another board is refused with WRONG_HARDWARE and nothing is staged', async () => {
  const dir = tempDir();
  const patch = buildPatch(dir, OLD, NEW, ['--hardware-id', '0x1234']);
  const { result, flashFile } = await update({
    patch,
    deviceArgs: ['--hardware-id', '0x5678'],
    send: async (channel, p) => assert.rejects(sendPatch(channel, p), (e) => {
      assert.ok(e instanceof DeviceRefusedError);
      assert.equal(e.code, 'WRONG_HARDWARE');
      assert.match(e.message, /this patch is for another board/);
      return true;
    }),
  });
  void result;
  const staged = stagedImage(flashFile, 4096);
  assert.ok(staged.every((b) => b === 0xff), 'staging slot still erased');
});

test('no device on the port: a clear message at once, no reconnect', async () => {
  const dir = tempDir();
  const patch = buildPatch(dir, OLD, NEW);
  const pty = await ptyPair(dir); // no device on the other end
  const channel = await openChannel(pty.host);
  try {
    await assert.rejects(sendPatch(channel, patch, { timeoutMs: 100, maxReconnects: 2 }), (e) => {
      assert.ok(e instanceof NoAgentError, `${e}`);
      assert.equal(e.message, `nothing answered (${HELLO_ATTEMPTS} HELLO frames in 0.1 s): is the board powered, its update agent `
        + 'running, and the line at 115200 baud?');
      return true;
    });
  } finally {
    await channel.closePort();
    pty.close();
  }
});
