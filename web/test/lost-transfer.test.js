// SPDX-License-Identifier: Apache-2.0
// A device that lost the transfer (docs/PROTOCOL.md, "Offsets the host checks"): reset mid-transfer,
// it has no transfer open, ignores DATA and answers only the frames the line broke, with NAK 2 and
// its checkpoint, below what it had acknowledged. Those answers must not keep the page probing (on a
// noisy line they would forever: each one counts as the device answering); an answer below the
// acknowledged offset that is no NAK 3 begins the session again at once, a reconnect, bounded.
// The Java host's UartEndToEndTest.aDeviceResetOnANoisyLineCostsAboutWhatTheNoiseDoes, for the
// page, with a scripted device over an in-memory channel. Counts are asserted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WINDOW_FRAMES } from '../src/data-go-back-n.js';
import { FrameType, NakReason } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { NoAnswerError } from '../src/session-errors.js';
import { ScriptedDevice, nak, syntheticPatch, wentBackAfterEveryReady } from './scripted-device.js';

const PATCH = syntheticPatch(16000);
const HEADER_SIZE = PATCH.length - 16000;
const BROKEN_EVERY = 7; // every 7th DATA frame the page writes breaks on the line

/**
 * An honest device on a noisy line that is reset once, when it has acknowledged half the patch:
 * it goes on from its checkpoint (where it was at a quarter) after the next BEGIN.
 */
function resettingDevice(selectiveRepeat) {
  let quarter = -1;
  const seen = { atReset: -1, dataBeforeBeginAgain: -1, beginsAtReset: -1, ackedAtReset: -1 };
  const d = new ScriptedDevice({
    selectiveRepeat,
    brokenEvery: BROKEN_EVERY,
    limits: { data: 3000 },
    script: (f, dev) => {
      if (f.type === FrameType.BEGIN && seen.atReset >= 0 && seen.dataBeforeBeginAgain < 0) {
        seen.dataBeforeBeginAgain = dev.dataFrames - seen.atReset;
      }
      const a = dev.honest(f);
      if (f.type === FrameType.DATA && dev.open) {
        if (quarter < 0 && dev.expected >= PATCH.length / 4) quarter = dev.expected;
        if (seen.atReset < 0 && dev.expected >= PATCH.length / 2) {
          seen.atReset = dev.dataFrames;
          seen.ackedAtReset = dev.expected;
          seen.beginsAtReset = dev.begins;
          dev.reset(quarter); // this DATA is answered; the next ones find no transfer open
        }
      }
      return a;
    },
  });
  return { d, seen };
}

for (const selectiveRepeat of [true, false]) {
  const mode = selectiveRepeat ? 'selective repeat' : 'go-back-N';
  test(`a device reset on a noisy line: its first NAK below the acknowledged offset begins the session again (${mode})`, async () => {
    const { d, seen } = resettingDevice(selectiveRepeat);
    let result = null;
    try {
      result = await sendPatch(d.channel, PATCH, {
        timeoutMs: 200, goBackN: !selectiveRepeat, signal: d.signal, maxReconnects: 3,
      });
    } catch (e) {
      assert.fail(`${e.message}; ${d.stopped}; reset after DATA frame ${seen.atReset}, `
        + `${d.brokenFrames} broken frames answered`);
    }
    assert.ok(seen.atReset > 0, 'the device was reset');
    assert.ok(seen.ackedAtReset > HEADER_SIZE, `acknowledged at the reset: ${seen.ackedAtReset}`);
    assert.equal(seen.beginsAtReset, 1, 'reset in the first session');
    assert.ok(d.brokenFrames > 0, 'the line broke frames');
    assert.equal(result.reconnects, 1, 'one new session, for the reset');
    assert.equal(d.begins, 2);
    // After the reset only broken frames are answered (one in BROKEN_EVERY). The page begins again
    // at the first such answer it reads: under selective repeat it reads the answers after each
    // frame; under go-back-N after the frames in flight (a window, refilled as the ACKs of the
    // frames before the reset are read), or after one timeout and a window sent again. Probing on
    // at the acknowledged offset (the defect) costs a window per timeout, three timeouts, or, under
    // selective repeat, never ends: each NAK 2 keeps the link from counting as lost.
    const bound = selectiveRepeat ? BROKEN_EVERY : WINDOW_FRAMES + BROKEN_EVERY;
    assert.ok(seen.dataBeforeBeginAgain >= 1 && seen.dataBeforeBeginAgain <= bound,
      `${seen.dataBeforeBeginAgain} DATA frames between the reset and the new BEGIN, at most ${bound} expected`);
    assert.equal(d.dones, 1);
    assert.deepEqual(d.received, PATCH, 'the staged patch is the one sent');
  });

  test(`a device that goes back after every READY: the page gives up after maxReconnects new sessions (${mode})`, async () => {
    // The first DATA acknowledged; then, after each READY at that offset (the device keeps its
    // place), every DATA answered with NAK 2 at the header: below what it acknowledged, each time.
    // The acknowledged offset never passes its highest, so the lost links are never forgiven.
    const d = wentBackAfterEveryReady(selectiveRepeat, () => true);
    let error = null;
    await sendPatch(d.channel, PATCH, { timeoutMs: 200, goBackN: !selectiveRepeat, signal: d.signal, maxReconnects: 2 })
      .catch((e) => { error = e; });
    assert.ok(error instanceof NoAnswerError, `${error?.name}: ${error?.message}; ${d.stopped}`);
    assert.match(error.message, new RegExp(`^the device went back: NAK offset ${HEADER_SIZE} is below the acknowledged \\d+ `
      + '\\(it lost the transfer\\) \\(gave up after 2 reconnects\\)$'));
    assert.equal(d.begins, 3, 'the first session and two reconnects');
    assert.equal(d.dones, 0);
  });
}
