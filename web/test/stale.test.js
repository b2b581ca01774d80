// SPDX-License-Identifier: Apache-2.0
// A refusal an earlier session left on the line (a slow device answered that host's BEGIN twice,
// the host left at the first answer): it comes before this session's INFO, and is not this
// session's refusal (docs/PROTOCOL.md, handshake). A scripted device on an in-memory channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ByteChannel } from '../src/byte-channel.js';
import { DeviceRefusedError } from '../src/device-refused.js';
import { FrameDecoder, FrameType, encodeFrame } from '../src/frame-codec.js';
import { sendPatch } from '../src/protocol.js';
import { REPO } from './harness.js';

const PATCH = new Uint8Array(readFileSync(join(REPO, 'patch-runtime', 'src', 'test', 'resources', 'vectors', 'compact-lzma.fwd')));

function result(status, message) {
  const text = new TextEncoder().encode(message);
  const p = new Uint8Array(2 + text.length);
  p[0] = status & 0xff;
  p[1] = status >> 8;
  p.set(text, 2);
  return p;
}

/** INFO of a version-1 device: 25 bytes and a 4-byte layout name, no capabilities. */
function info() {
  const p = new Uint8Array(29);
  p[0] = 1;
  p[1] = 0x00; p[2] = 0x04; // max payload 1024
  p[24] = 4;
  p.set(new TextEncoder().encode('test'), 25);
  return p;
}

test('a RESULT left before this session\'s INFO is skipped; the refusal of this BEGIN is the one reported', async () => {
  const decoder = new FrameDecoder();
  const channel = new ByteChannel((bytes) => {
    for (const f of decoder.push(bytes)) {
      if (f.type === FrameType.HELLO) channel.push(encodeFrame(FrameType.INFO, f.seq, info()));
      if (f.type === FrameType.BEGIN) channel.push(encodeFrame(FrameType.RESULT, f.seq, result(41, 'WRONG_HARDWARE')));
    }
  });
  channel.push(encodeFrame(FrameType.RESULT, 2, result(37, 'SIGNATURE_INVALID')));
  await assert.rejects(sendPatch(channel, PATCH, { timeoutMs: 200, maxReconnects: 0 }),
    (e) => e instanceof DeviceRefusedError && e.status === 41);
});
