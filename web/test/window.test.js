// SPDX-License-Identifier: Apache-2.0
// Selective repeat's window follows the measured round trip but never passes MAX_WINDOW_BYTES
// (docs/PROTOCOL.md, "Window": 8,160 bytes at most, the Java host's UartChannel.MAX_WINDOW_BYTES):
// a late INFO makes the first round trip long, and a device that then answers no DATA must not
// get more than the cap past the acknowledged offset. Bytes are counted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MAX_WINDOW_BYTES } from '../src/data-selective.js';
import { FrameType } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { NoAnswerError } from '../src/session-errors.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

const PAYLOAD = 64000;
const PATCH = syntheticPatch(PAYLOAD);
const HEADER_SIZE = PATCH.length - PAYLOAD;
/** How late INFO comes: at the baud below, a round trip this long carries far more than the cap. */
const INFO_DELAY_MS = 100;
const BAUD = 921600;

test('the window cap is the 8,160 bytes of docs/PROTOCOL.md', () => {
  assert.equal(MAX_WINDOW_BYTES, 8160);
  const doc = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');
  assert.match(doc, /8,160 bytes at most/);
});

test('selective repeat: a late INFO and no answer to DATA put at most MAX_WINDOW_BYTES on the line', async () => {
  const d = new ScriptedDevice({
    selectiveRepeat: true,
    script: (f, dev) => {
      if (f.type === FrameType.HELLO) {
        const info = dev.honest(f);
        setTimeout(() => dev.answer(info), INFO_DELAY_MS);
        return null;
      }
      return f.type === FrameType.DATA ? null : undefined;
    },
  });
  const e = await sendPatch(d.channel, PATCH, { baud: BAUD, timeoutMs: 400, maxReconnects: 0, signal: d.signal })
    .then(() => null, (err) => err);
  assert.ok(e instanceof NoAnswerError, `ended with ${e}`);
  assert.equal(d.begins, 1, 'one session');
  const pastAcked = d.sentEnd - HEADER_SIZE; // nothing was acknowledged past the header
  assert.ok(pastAcked > 0, 'DATA was sent');
  assert.ok(pastAcked <= MAX_WINDOW_BYTES, `${pastAcked} patch bytes past the acknowledged offset in ${d.dataFrames} frames`);
});
