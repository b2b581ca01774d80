// SPDX-License-Identifier: Apache-2.0
// Header parsing of all three format versions, and bad input: nothing here touches a device.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc16ccitt, crc32 } from '../src/checksums.js';
import { parseInfo } from '../src/device-answers.js';
import { describeStatus } from '../src/device-refused.js';
import { encodeFrame, FrameDecoder, FrameType } from '../src/frame-codec.js';
import { parsePatchHeader, PatchError } from '../src/patch-header.js';
import { readPatchFile } from '../src/load.js';
import { buildPatch, corpusFile, tempDir } from './harness.js';

const ascii = (s) => new TextEncoder().encode(s);
const hex = (s) => Uint8Array.from(s.split(/\s+/).filter(Boolean).map((x) => parseInt(x, 16)));

test('checksums match their check values (docs/PROTOCOL.md, docs/FORMAT.md)', () => {
  assert.equal(crc16ccitt(ascii('123456789')), 0x29b1);
  assert.equal(crc32(ascii('123456789')), 0xcbf43926);
});

test('the example frames of docs/PROTOCOL.md, byte for byte', () => {
  assert.deepEqual(encodeFrame(FrameType.NAK, 0x2a, hex('3d 04 00 00 03')),
    hex('a5 07 2a 05 00 e0 f7 3d 04 00 00 03 de f3 be e4'));
  assert.deepEqual(encodeFrame(FrameType.READY, 0x01, hex('42 2c 00 00')),
    hex('a5 04 01 04 00 3a 29 42 2c 00 00 a9 5b 0d 18'));
});

test('the decoder finds frames after garbage and drops a forged length and a bad CRC', () => {
  const good = encodeFrame(FrameType.ACK, 7, hex('10 00 00 00'));
  const bad = encodeFrame(FrameType.ACK, 8, hex('20 00 00 00'));
  bad[9] ^= 1; // payload CRC now wrong
  const forged = hex('a5 06 00 ff ff 00 00'); // length 65535 > 1024 and a wrong header CRC
  const d = new FrameDecoder();
  const frames = d.push(Uint8Array.from([0, 1, 0xa5, ...forged, ...bad, 0x55, ...good]));
  assert.equal(frames.length, 1);
  assert.equal(frames[0].seq, 7);
  assert.deepEqual(frames[0].payload, hex('10 00 00 00'));
});

test('a version-3 patch from fwdelta diff: version, hardware id, sizes', () => {
  const oldFile = corpusFile('programmer/0.8.0.bin');
  const patch = buildPatch(tempDir(), oldFile, corpusFile('programmer/0.9.0.bin'),
    ['--hardware-id', '0xC0FFEE', '--firmware-version', '9']);
  const h = parsePatchHeader(patch);
  assert.equal(h.version, 3);
  assert.equal(h.hardwareId, 0xc0ffee);
  assert.equal(h.firmwareVersion, 9n);
  assert.equal(h.oldSize, 23504);
  assert.equal(h.newSize, 23504);
  assert.equal(h.patchLength, patch.length);
  assert.ok(h.headerSize >= 74 && h.headerSize <= 256);
  assert.equal(h.signed, false);
});

/** A 256-byte version-1/2 header, as docs/FORMAT.md 1.0 lays it out, with a valid header CRC. */
function wideHeader(version, { payload = 4, oldSize = 1000, newSize = 2000, fw = 5n, hw = 0xabcd } = {}) {
  const b = new Uint8Array(256 + payload);
  const v = new DataView(b.buffer);
  b.set(ascii('FWDP'));
  v.setUint16(4, version, true);
  v.setUint16(6, 256, true);
  v.setUint32(8, version === 2 ? 2 : 0, true);
  v.setBigUint64(32, BigInt(payload), true);
  v.setUint32(40, oldSize, true);
  v.setUint32(84, newSize, true);
  v.setBigUint64(160, fw, true);
  v.setUint32(168, hw, true);
  v.setUint32(172, crc32(b, 0, 172), true);
  return b;
}

test('version-1 and version-2 headers: the same fields', () => {
  for (const version of [1, 2]) {
    const h = parsePatchHeader(wideHeader(version));
    assert.equal(h.version, version);
    assert.equal(h.headerSize, 256);
    assert.equal(h.hardwareId, 0xabcd);
    assert.equal(h.firmwareVersion, 5n);
    assert.equal(h.oldSize, 1000);
    assert.equal(h.newSize, 2000);
    assert.equal(h.patchLength, 260);
  }
});

test('a version-1 payload_length past 2^31-1 is named as the header has it', () => {
  for (const value of [1n << 40n, (1n << 64n) - 1n, 1n << 31n]) {
    const h = wideHeader(1, { payload: 0 });
    new DataView(h.buffer).setBigUint64(32, value, true);
    new DataView(h.buffer).setUint32(172, crc32(h, 0, 172), true);
    assert.throws(() => parsePatchHeader(h), (e) => e instanceof PatchError
      && e.message === `payload_length ${value} is outside 0..2^31-1`, `payload_length ${value}`);
  }
});

test('a patch cut off inside its 8-byte prefix is named so, not "not a patch"', async () => {
  const cut = Uint8Array.of(0x46, 0x57, 0x44, 0x50, 0x03, 0x00);
  assert.throws(() => parsePatchHeader(cut), (e) => e instanceof PatchError
    && e.message === 'patch is 6 bytes, shorter than its 8-byte prefix');
  await assert.rejects(readPatchFile(new Blob([cut.subarray(0, 4)])), (e) => e instanceof PatchError
    && e.message === 'patch is 4 bytes, shorter than its 8-byte prefix');
  assert.throws(() => parsePatchHeader(ascii('FWD')), /not a fwdelta patch/);
});

test('a file that is not a patch is refused, naming why', () => {
  assert.throws(() => parsePatchHeader(ascii('<html>hello</html>')), (e) => e instanceof PatchError && /not a fwdelta patch/.test(e.message));
  assert.throws(() => parsePatchHeader(new Uint8Array(0)), /not a fwdelta patch/);
  const v9 = wideHeader(1);
  v9[4] = 9;
  assert.throws(() => parsePatchHeader(v9), /format_version 9 is outside 1..3/);
  const damaged = wideHeader(2);
  damaged[168] ^= 1; // hardware id changed without the CRC: corruption
  assert.throws(() => parsePatchHeader(damaged), /header_crc32 does not match/);
  const short = wideHeader(1).subarray(0, 200);
  assert.throws(() => parsePatchHeader(short), /shorter than its header_size 256/);
  const cut = wideHeader(1, { payload: 100 }).subarray(0, 300);
  assert.throws(() => parsePatchHeader(cut), /header declares 356/);
  const huge = wideHeader(1);
  new DataView(huge.buffer).setUint32(84, 0x80000000, true);
  new DataView(huge.buffer).setUint32(172, crc32(huge, 0, 172), true);
  assert.throws(() => parsePatchHeader(huge), /new_size 2147483648 is outside/);
});

test('a truncated version-3 header is refused at the field that runs past it', () => {
  const patch = buildPatch(tempDir(), corpusFile('programmer/0.8.0.bin'), corpusFile('programmer/0.9.0.bin'));
  const b = patch.slice();
  new DataView(b.buffer).setUint16(6, 98, true); // claims a smaller header than its fields need
  assert.throws(() => parsePatchHeader(b), PatchError);
});

test('device error codes in words, and INFO with a lying name length', () => {
  assert.equal(describeStatus(41), 'WRONG_HARDWARE (41): this patch is for another board');
  assert.equal(describeStatus(40), 'ROLLBACK (40): the board already runs the same or a newer firmware version');
  assert.match(describeStatus(0xffff), /other failure/);
  assert.match(describeStatus(999), /unknown error code 999/);
  const info = new Uint8Array(25 + 3);
  info[0] = 1; info[24] = 3; info.set(ascii('abc'), 25);
  assert.equal(parseInfo(info).layout, 'abc');
  assert.equal(parseInfo(info).selectiveRepeat, false, 'a version-1 INFO ends at the layout name');
  info[24] = 200;
  assert.throws(() => parseInfo(info), /layout name length 200/);
});

test('INFO of a device that holds frames after a gap (docs/PROTOCOL.md, selective repeat)', () => {
  const hex = '01 00 04 00 40 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 '
    + '0c 73 74 6d 33 32 66 34 30 35 2d 31 6d 01 00 04';
  const info = parseInfo(Uint8Array.from(hex.split(' ').map((h) => parseInt(h, 16))));
  assert.equal(info.layout, 'stm32f405-1m');
  assert.equal(info.selectiveRepeat, true);
  assert.equal(info.holdBytes, 1024);
  assert.equal(info.ramBudget, 16384);
});

test('a version-3 patch with flag LOAD_ADDRESS: the u32 after hardware_id (golden vectors)', async () => {
  const { readFileSync } = await import('node:fs');
  const dir = new URL('../../patch-runtime/src/test/resources/vectors/', import.meta.url);
  for (const name of ['compact-load-address.fwd', 'compact-load-address-signed.fwd']) {
    const h = parsePatchHeader(new Uint8Array(readFileSync(new URL(name, dir))));
    assert.equal(h.loadAddress, 0x08010000, name);
    assert.equal(h.hardwareId, 0x1234, name);
  }
  const plain = parsePatchHeader(new Uint8Array(readFileSync(new URL('compact-lzma.fwd', dir))));
  assert.equal(plain.loadAddress, null);
});

test('a version-3 patch with flag SHA_ONLY: no image CRC-32s, half the old SHA-256 (golden vectors)', async () => {
  const { readFileSync } = await import('node:fs');
  const dir = new URL('../../patch-runtime/src/test/resources/vectors/', import.meta.url);
  const lean = parsePatchHeader(new Uint8Array(readFileSync(new URL('compact-sha-only-signed.fwd', dir))));
  const full = parsePatchHeader(new Uint8Array(readFileSync(new URL('compact-load-address-signed.fwd', dir))));
  // the same images, address and key: only the fields the flag leaves out differ
  for (const h of [lean, full]) {
    assert.equal(h.loadAddress, 0x08010000);
    assert.equal(h.hardwareId, 0x1234);
    assert.equal(h.signed, true);
  }
  assert.equal(lean.flags & 16, 16);
  assert.equal(lean.oldSize, full.oldSize);
  assert.equal(lean.newSize, full.newSize);
  assert.equal(lean.firmwareVersion, full.firmwareVersion);
  assert.equal(lean.payloadLength, full.payloadLength);
});
