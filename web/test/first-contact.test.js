// SPDX-License-Identifier: Apache-2.0
// The first HELLOs of an update (docs/PROTOCOL.md, "Handshake failures"): a port that never answers
// with INFO has no update agent behind it, and the page says at once what answered (nothing, an
// STM32 ROM bootloader, other data), as the Java host does (UartChannel.silentOrForeign), instead of
// reconnecting for half a minute and saying the device "stopped answering". The second HELLO is
// followed by the AN3155 sync byte. In-memory channels; counts are asserted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AN3155_SYNC, ByteChannel, FIRST_CONTACT_HELLOS, FrameDecoder, FrameType, NoAgentError, sendPatch,
} from '../src/protocol.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(3000);
const TIMEOUT_MS = 100;

/** A port that answers each write with `answer(bytes)` (bytes or null), and counts HELLOs and sync bytes. */
function port(answer) {
  const p = { hellos: 0, begins: 0, syncs: 0, decoder: new FrameDecoder() };
  p.channel = new ByteChannel((bytes) => {
    const b = Uint8Array.from(bytes);
    if (b.length === 1 && b[0] === AN3155_SYNC) p.syncs++;
    for (const f of p.decoder.push(b, 0)) {
      if (f.type === FrameType.HELLO) p.hellos++;
      if (f.type === FrameType.BEGIN) p.begins++;
    }
    const a = answer(b);
    if (a) setTimeout(() => p.channel.push(a), 1);
  });
  return p;
}

async function failure(p) {
  const e = await sendPatch(p.channel, PATCH, { timeoutMs: TIMEOUT_MS, maxReconnects: 5 }).then(() => null, (err) => err);
  assert.ok(e instanceof NoAgentError, `ended with ${e}`);
  return e.message;
}

test('a port that answers nothing: named at once, after two HELLOs and the sync byte, no reconnect', async () => {
  const p = port(() => null);
  assert.equal(await failure(p), `nothing answered (${FIRST_CONTACT_HELLOS} HELLO frames in 0.2 s): is the board `
    + 'powered, its update agent running, and the line at 115200 baud?');
  assert.equal(p.hellos, FIRST_CONTACT_HELLOS);
  assert.equal(p.syncs, 1);
  assert.equal(p.begins, 0);
});

test('an STM32 ROM bootloader, which answers only the sync byte, is named as such', async () => {
  const p = port((b) => (b.length === 1 && b[0] === AN3155_SYNC ? Uint8Array.of(0x79) : null));
  assert.equal(await failure(p), 'an STM32 ROM bootloader (AN3155) answers, not an fwdelta update agent: '
    + 'write a whole image with `fwdelta stm32 flash`');
  assert.equal(p.hellos, FIRST_CONTACT_HELLOS);
});

test('a console that answers every write with text: not the fwdelta protocol, its bytes counted', async () => {
  const text = new TextEncoder().encode('Unknown command\r\n> ');
  const p = port(() => text);
  assert.equal(await failure(p), `the port answers, but not the fwdelta protocol (${2 * text.length} bytes of other `
    + `data after ${FIRST_CONTACT_HELLOS} HELLO frames in 0.2 s)`);
  assert.equal(p.hellos, FIRST_CONTACT_HELLOS);
});

test('a device whose first HELLO was lost answers the second: the update goes on', async () => {
  const d = new ScriptedDevice({ script: (f, dev) => (f.type === FrameType.HELLO && dev.hellos === 1 ? null : undefined) });
  const r = await sendPatch(d.channel, PATCH, { timeoutMs: TIMEOUT_MS, signal: d.signal });
  assert.deepEqual(d.received, PATCH, 'staged');
  assert.equal(d.hellos, 2);
  assert.equal(r.reconnects, 0, 'the second HELLO is part of the first handshake, no reconnect');
});
