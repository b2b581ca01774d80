// SPDX-License-Identifier: Apache-2.0
// The first HELLOs of an update (docs/PROTOCOL.md, "Handshake failures"): a port that never answers
// with INFO has no update agent behind it, and the page says at once what answered (nothing, an
// STM32 ROM bootloader, other data), as the Java host does (Handshake.silentOrForeign), instead of
// reconnecting for half a minute and saying the device "stopped answering". It sends as many HELLOs
// as the Java host, within the same timeout, the second followed by the AN3155 sync byte. A port
// that answers with frames of the protocol but no INFO (a board left mid-session by an earlier run)
// is an fwdelta device: the link is lost and begun again, as the Java host does
// (StaleFramesAtFirstContactTest). In-memory channels; counts are asserted, never times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ByteChannel } from '../src/byte-channel.js';
import { AN3155_SYNC } from '../src/first-contact.js';
import { FrameDecoder, FrameType } from '../src/frame-codec.js';
import { HELLO_ATTEMPTS } from '../src/handshake.js';
import { sendPatch } from '../src/protocol.js';
import { NoAgentError, NoAnswerError } from '../src/session-errors.js';
import { REPO } from './harness.js';
import { ScriptedDevice, payload32, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(3000);
const TIMEOUT_MS = 100;

/** A port that answers each write with `answer(bytes)` (bytes or null), and counts HELLOs and sync bytes. */
function port(answer) {
  const p = { hellos: 0, begins: 0, syncs: 0, answered: 0, decoder: new FrameDecoder() };
  p.channel = new ByteChannel((bytes) => {
    const b = Uint8Array.from(bytes);
    if (b.length === 1 && b[0] === AN3155_SYNC) p.syncs++;
    for (const f of p.decoder.push(b, 0)) {
      if (f.type === FrameType.HELLO) p.hellos++;
      if (f.type === FrameType.BEGIN) p.begins++;
    }
    const a = answer(b);
    if (a) {
      setTimeout(() => {
        p.answered++;
        p.channel.push(a);
      }, 1);
    }
  });
  return p;
}

async function failure(p) {
  const e = await sendPatch(p.channel, PATCH, { timeoutMs: TIMEOUT_MS, maxReconnects: 5 }).then(() => null, (err) => err);
  assert.ok(e instanceof NoAgentError, `ended with ${e}`);
  return e.message;
}

test('the page sends as many HELLOs a session as the Java host (UartChannel.HELLO_ATTEMPTS)', () => {
  const java = readFileSync(join(REPO, 'diff-tool', 'src', 'main', 'java', 'dev', 'fwdelta', 'tool', 'transport',
    'UartChannel.java'), 'utf8');
  const declared = java.match(/public static final int HELLO_ATTEMPTS = (\d+);/);
  assert.ok(declared, 'UartChannel.java declares HELLO_ATTEMPTS');
  assert.equal(HELLO_ATTEMPTS, Number(declared[1]));
});

test('a port that answers nothing: named at once, after the HELLOs of one timeout and the sync byte, no reconnect', async () => {
  const p = port(() => null);
  assert.equal(await failure(p), `nothing answered (${HELLO_ATTEMPTS} HELLO frames in 0.1 s): is the board `
    + 'powered, its update agent running, and the line at 115200 baud?');
  assert.equal(p.hellos, HELLO_ATTEMPTS);
  assert.equal(p.syncs, 1);
  assert.equal(p.begins, 0);
});

test('an STM32 ROM bootloader, which answers only the sync byte, is named as such', async () => {
  const p = port((b) => (b.length === 1 && b[0] === AN3155_SYNC ? Uint8Array.of(0x79) : null));
  assert.equal(await failure(p), 'an STM32 ROM bootloader (AN3155) answers, not an fwdelta update agent: '
    + 'write a whole image with `fwdelta stm32 flash`');
  assert.equal(p.hellos, HELLO_ATTEMPTS);
});

test('a console that answers every write with text: not the fwdelta protocol, its bytes counted', async () => {
  const text = new TextEncoder().encode('Unknown command\r\n> ');
  const p = port(() => text);
  assert.equal(await failure(p), `the port answers, but not the fwdelta protocol (${p.answered * text.length} bytes of `
    + `other data after ${HELLO_ATTEMPTS} HELLO frames in 0.1 s)`);
  assert.equal(p.hellos, HELLO_ATTEMPTS);
});

test('a device whose first HELLO was lost answers the second: the update goes on', async () => {
  const d = new ScriptedDevice({ script: (f, dev) => (f.type === FrameType.HELLO && dev.hellos === 1 ? null : undefined) });
  const r = await sendPatch(d.channel, PATCH, { timeoutMs: TIMEOUT_MS, signal: d.signal });
  assert.deepEqual(d.received, PATCH, 'staged');
  assert.equal(d.hellos, 2);
  assert.equal(r.reconnects, 0, 'the second HELLO is part of the first handshake, no reconnect');
});

test('stale frames and no INFO at first contact: a lost link, begun again, the update goes on', async () => {
  // A board left mid-session by an earlier run: its first answers are stale ACKs of that run.
  const STALE = HELLO_ATTEMPTS + 2;
  const d = new ScriptedDevice({
    script: (f, dev) => (f.type === FrameType.HELLO && dev.hellos <= STALE
      ? { type: FrameType.ACK, payload: payload32(4096) } : undefined),
  });
  const r = await sendPatch(d.channel, PATCH, { timeoutMs: TIMEOUT_MS, signal: d.signal });
  assert.deepEqual(d.received, PATCH, 'staged');
  assert.equal(r.reconnects, 1, 'the first session\'s HELLOs drew only stale frames');
  assert.equal(d.hellos, STALE + 1);
  assert.equal(d.begins, 1);
});

test('a device that never answers INFO, only stale frames: given up on after the reconnects', async () => {
  const d = new ScriptedDevice({
    script: (f) => (f.type === FrameType.HELLO ? { type: FrameType.ACK, payload: payload32(4096) } : undefined),
  });
  const e = await sendPatch(d.channel, PATCH, { timeoutMs: TIMEOUT_MS, maxReconnects: 2, signal: d.signal })
    .then(() => null, (err) => err);
  assert.ok(e instanceof NoAnswerError && !(e instanceof NoAgentError), `ended with ${e}`);
  assert.equal(e.message, `the device answered HELLO with ${HELLO_ATTEMPTS} frames, none an INFO (the last a ACK of 4 `
    + 'bytes) (gave up after 2 reconnects)');
  assert.equal(d.hellos, 3 * HELLO_ATTEMPTS);
  assert.equal(d.begins, 0);
});
