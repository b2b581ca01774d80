// SPDX-License-Identifier: Apache-2.0
// A device's text (RESULT's message, INFO's layout name) is shown as the Java host's
// DeviceText.printable shows it: control and direction characters as visible escapes, at most
// MAX_DEVICE_TEXT_CHARS characters and a marker. The page never uses innerHTML; this keeps a
// device from starting a line, reordering the error line or making it run on for ever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseInfo } from '../src/device-answers.js';
import { DeviceRefusedError } from '../src/device-refused.js';
import { FrameType } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { MAX_DEVICE_TEXT_CHARS, printable } from '../src/device-text.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(4000);
const utf8 = (s) => new TextEncoder().encode(s);

test('control characters become \\xNN and direction controls \\uNNNN, as the Java host shows them', () => {
  assert.equal(printable('a\u0000b\u001fc\u007fd\u0080e\u009bf \u00a0\u00e9~'), 'a\\x00b\\x1Fc\\x7Fd\\x80e\\x9Bf \u00a0\u00e9~');
  assert.equal(printable('x\u202Ey\u200Ez\u200F\u202A\u2066\u2069\u061C'),
    'x\\u202Ey\\u200Ez\\u200F\\u202A\\u2066\\u2069\\u061C');
  assert.equal(printable('line\r\nnext'), 'line\\x0D\\x0Anext');
  assert.equal(printable(''), '');
});

test('text past the limit is cut with a marker naming how many characters were cut', () => {
  const limit = 'x'.repeat(MAX_DEVICE_TEXT_CHARS);
  assert.equal(printable(limit), limit);
  assert.equal(printable(`${limit}\n\n\nyy`), `${limit} [5 more characters cut]`);
});

test('the limit and the escapes are the Java host\'s DeviceText', () => {
  const java = readFileSync(new URL('../../diff-tool/src/main/java/dev/fwdelta/tool/transport/DeviceText.java', import.meta.url), 'utf8');
  assert.match(java, new RegExp(`MAX_CHARS = ${MAX_DEVICE_TEXT_CHARS};`));
  assert.match(java, / more characters cut\]/);
  assert.match(java, /0x202A/, 'the Java host escapes direction controls too');
});

test('a RESULT with direction overrides, line breaks and 900 characters makes one short error line', async () => {
  const text = `x\u202E.dellatsni saw etadpu ehT\n\u001b[2J${'A'.repeat(900)}`;
  const d = new ScriptedDevice({
    script: (f) => (f.type === FrameType.DONE ? { type: FrameType.RESULT, payload: Uint8Array.of(41, 0, ...utf8(text)) } : undefined),
  });
  const e = await sendPatch(d.channel, PATCH, { goBackN: true, timeoutMs: 200, signal: d.signal }).then(() => null, (err) => err);
  assert.ok(e instanceof DeviceRefusedError, `${e}`);
  for (const c of ['\u202E', '\n', '\u001b']) assert.ok(!e.message.includes(c), `U+${c.charCodeAt(0).toString(16)} in the error line`);
  assert.ok(e.message.includes('x\\u202E.dellatsni saw etadpu ehT\\x0A\\x1B[2J'), e.message.slice(0, 200));
  assert.ok(e.message.endsWith(`[${text.length - MAX_DEVICE_TEXT_CHARS} more characters cut])`), e.message.slice(-80));
  assert.equal(e.deviceMessage, printable(text));
  assert.ok(e.message.length < MAX_DEVICE_TEXT_CHARS + 200, `${e.message.length} characters`);
});

test('a staged device\'s message and INFO\'s layout name are shown printable', async () => {
  const name = utf8('board\u2067\n');
  const info = new Uint8Array(25 + name.length);
  info[24] = name.length;
  info.set(name, 25);
  assert.equal(parseInfo(info).layout, 'board\\u2067\\x0A');
  const d = new ScriptedDevice({
    script: (f, dev) => {
      if (f.type !== FrameType.DONE) return undefined;
      dev.honest(f);
      return { type: FrameType.RESULT, payload: Uint8Array.of(0, 0, ...utf8('ok\u001b[31m')) };
    },
  });
  const r = await sendPatch(d.channel, PATCH, { goBackN: true, timeoutMs: 200, signal: d.signal });
  assert.equal(r.message, 'ok\\x1B[31m');
});
