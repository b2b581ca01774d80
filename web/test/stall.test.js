// SPDX-License-Identifier: Apache-2.0
// A device that stops taking data (it stopped reading its port, the buffers before it full): the
// port's write never completes. The page ends the update with WriteStalledError naming the write,
// as `fwdelta send` does (SerialStallTest), instead of waiting for ever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_WRITE_STALL_MS, WriteStalledError, writeLimitMs } from '../src/frame-writer.js';
import { sendPatch } from '../src/protocol.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(16000);

test('a write the port never takes ends the update, naming the write and the wait', { timeout: 30_000 }, async () => {
  const d = new ScriptedDevice();
  const write = d.channel.write;
  let writes = 0;
  // HELLO, BEGIN and the filler after it are taken, then two DATA frames; the third DATA frame's
  // write never completes.
  d.channel.write = (bytes) => (++writes <= 5 ? write(bytes) : new Promise(() => {}));
  await assert.rejects(sendPatch(d.channel, PATCH, { writeLimitMs: 300, signal: d.signal }), (e) => {
    assert.ok(e instanceof WriteStalledError, `ended with ${e}`);
    assert.match(e.message, /^the device stopped taking data: a write of \d+ bytes was not taken in 0\.3 s$/);
    return true;
  });
  assert.equal(writes, 6, 'nothing written after the write that was not taken');
  assert.equal(d.dataFrames, 2);
});

test('the wait allowed is the buffered bytes and the frame at the line rate, 5 s at least, as SerialLink allows', () => {
  assert.equal(writeLimitMs(1035, 115200), 5778);
  assert.equal(writeLimitMs(100, 4_000_000), MIN_WRITE_STALL_MS);
  assert.equal(writeLimitMs(1035, 9600), 69344);
});
