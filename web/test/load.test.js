// SPDX-License-Identifier: Apache-2.0
// The page loading a patch from a file or a URL (web/src/page.js) with a stand-in DOM: a file or a
// link whose size disagrees with its header, or is larger than the page's limit, is refused after
// reading the header alone; the bytes read are counted by the stand-in File and the stand-in body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../src/checksums.js';

/** docs/FORMAT.md 1: header_size is 256 in versions 1 and 2 and at most 256 in version 3. */
const MAX_HEADER_BYTES = 256;

// ---------------------------------------------------------------- a DOM just large enough for page.js

class Element {
  constructor() {
    this.textContent = '';
    this.className = '';
    this.hidden = false;
    this.disabled = false;
    this.value = '';
    this.files = [];
    this.handlers = {};
  }

  addEventListener(type, f) { this.handlers[type] = f; }

  /** Runs the page's handler and waits for what it started. */
  async fire(type) { await this.handlers[type](); }
}
const elements = new Map();
globalThis.document = {
  getElementById(id) {
    if (!elements.has(id)) elements.set(id, new Element());
    return elements.get(id);
  },
};
Object.defineProperty(globalThis, 'navigator', { configurable: true, value: { serial: {} } });
globalThis.location = { search: '' };
let fetched = null; // what the stand-in fetch answers
globalThis.fetch = async (url) => fetched(url);
await import('../src/page.js');
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- a File and a body that count the bytes read

/** A File look-alike of `size` bytes: `bytes`, then zeros. Reading more than 16 MiB at once fails the test. */
class CountingFile {
  constructor(bytes, size, name = 'update.fwd', count = { read: 0 }, from = 0) {
    Object.assign(this, { bytes, size, name, count, from });
  }

  slice(start = 0, end = this.size) {
    const s = Math.min(Math.max(start, 0), this.size);
    const e = Math.min(Math.max(end, s), this.size);
    return new CountingFile(this.bytes, e - s, this.name, this.count, this.from + s);
  }

  async arrayBuffer() {
    this.count.read += this.size;
    if (this.size > 16 << 20) throw new Error(`test: ${this.size} bytes read at once`);
    const out = new Uint8Array(this.size);
    out.set(this.bytes.subarray(this.from, this.from + this.size));
    return out.buffer;
  }
}

/**
 * A Response whose body is `bytes` then, if `endless`, zeros without end (the stream fails after
 * 32 MiB, so that a page reading it whole fails the test instead of the machine), in 64 KiB chunks it counts.
 */
function countingResponse(bytes, { headers = {}, endless = false } = {}) {
  const count = { read: 0 };
  let at = 0;
  const body = new ReadableStream({
    pull(c) {
      if (!endless && at >= bytes.length) { c.close(); return; }
      if (count.read >= 32 << 20) { c.error(new Error('test: 32 MiB read of an endless body')); return; }
      const chunk = new Uint8Array(65536);
      const part = bytes.subarray(at, at + chunk.length);
      chunk.set(part);
      const n = endless ? chunk.length : part.length;
      at += n;
      count.read += n;
      c.enqueue(chunk.subarray(0, n));
    },
  }, { highWaterMark: 0 });
  return { response: new Response(body, { headers }), count };
}

/** A 256-byte version-1 header (docs/FORMAT.md 1.0) with a valid CRC, then its payload. */
function patch(payloadLength, payloadBytes = Math.min(payloadLength, 64)) {
  const b = new Uint8Array(256 + payloadBytes);
  const v = new DataView(b.buffer);
  b.set([0x46, 0x57, 0x44, 0x50]);
  v.setUint16(4, 1, true);
  v.setUint16(6, 256, true);
  v.setBigUint64(32, BigInt(payloadLength), true);
  v.setUint32(40, 1000, true);
  v.setUint32(84, 2000, true);
  v.setUint32(172, crc32(b, 0, 172), true);
  return b;
}

async function pick(file) {
  $('file').files = [file];
  await $('file').fire('change');
}

async function loadUrl(url) {
  $('url').value = url;
  await $('load-url').fire('click');
}

const refused = () => $('message').className === 'error' && $('update').disabled && $('header').hidden;

// ---------------------------------------------------------------- files

test('a file of the size its header declares is loaded', async () => {
  const p = patch(64);
  await pick(new CountingFile(p, p.length));
  assert.equal($('message').className, '', $('message').textContent);
  assert.match($('message').textContent, /update.fwd loaded/);
  assert.equal($('h-patch').textContent, '320 bytes (header 256)');
  assert.equal($('update').disabled, false);
});

test('a 3 GiB file whose header declares 320 bytes is refused after reading its header only', async () => {
  const file = new CountingFile(patch(64), 3 * 2 ** 30);
  await pick(file);
  assert.ok(refused(), $('message').textContent);
  assert.match($('message').textContent,
    /update.fwd cannot be used: patch is 3221225472 bytes but its header declares 320 \(header_size 256 \+ payload_length 64\)\. Nothing was sent\./);
  assert.ok(file.count.read <= MAX_HEADER_BYTES, `${file.count.read} bytes read`);
});

test('a file whose header declares more than the page loads is refused after its header', async () => {
  const huge = 2 ** 31 - 1; // the format allows it; the page does not hold it
  const file = new CountingFile(patch(huge), 256 + huge);
  await pick(file);
  assert.ok(refused(), $('message').textContent);
  assert.match($('message').textContent, /cannot be used: patch_length 2147483903 is outside 74\.\.67108864 \(the largest patch this page loads\)/);
  assert.ok(file.count.read <= MAX_HEADER_BYTES, `${file.count.read} bytes read`);
});

test('a file that is not a patch is refused after its first bytes', async () => {
  const file = new CountingFile(new TextEncoder().encode('<html>not a patch</html>'), 2 ** 32);
  await pick(file);
  assert.ok(refused());
  assert.match($('message').textContent, /cannot be used: not a fwdelta patch/);
  assert.ok(file.count.read <= MAX_HEADER_BYTES, `${file.count.read} bytes read`);
});

// ---------------------------------------------------------------- links

test('a link with the right length is loaded, with or without Content-Length', async () => {
  const p = patch(64);
  // With a Content-Encoding, Content-Length counts the encoded bytes: the body is counted instead.
  const encoded = { 'content-length': '100', 'content-encoding': 'gzip' };
  for (const headers of [{ 'content-length': String(p.length) }, {}, encoded]) {
    const r = countingResponse(p, { headers });
    fetched = async () => r.response;
    await loadUrl('https://example.com/update.fwd');
    assert.equal($('message').className, '', $('message').textContent);
    assert.equal($('h-patch').textContent, '320 bytes (header 256)');
  }
});

test('a link whose Content-Length disagrees with its header is refused before its body is read', async () => {
  const r = countingResponse(patch(64), { headers: { 'content-length': '5000000000' }, endless: true });
  fetched = async () => r.response;
  await loadUrl('https://example.com/big.fwd');
  assert.ok(refused(), $('message').textContent);
  assert.match($('message').textContent,
    /big.fwd cannot be used: Content-Length 5000000000 but its header declares 320 \(header_size 256 \+ payload_length 64\)/);
  assert.ok(r.count.read <= 65536, `${r.count.read} bytes read`);
});

test('a link without Content-Length that runs on past its header\'s length is cut off and refused', async () => {
  const r = countingResponse(patch(64), { endless: true });
  fetched = async () => r.response;
  await loadUrl('https://example.com/endless.fwd');
  assert.ok(refused(), $('message').textContent);
  assert.match($('message').textContent, /endless.fwd cannot be used: the download is longer than the 320 bytes its header declares/);
  assert.ok(r.count.read <= 2 * 65536, `${r.count.read} bytes read`);
});

test('a link shorter than its header declares is refused', async () => {
  const r = countingResponse(patch(1000, 100));
  fetched = async () => r.response;
  await loadUrl('https://example.com/cut.fwd');
  assert.ok(refused(), $('message').textContent);
  assert.match($('message').textContent, /cut.fwd cannot be used: patch is 356 bytes but its header declares 1256/);
});

test('a link whose header declares more than the page loads is refused after its header', async () => {
  const r = countingResponse(patch(2 ** 31 - 1), { endless: true });
  fetched = async () => r.response;
  await loadUrl('https://example.com/huge.fwd');
  assert.ok(refused(), $('message').textContent);
  assert.match($('message').textContent, /patch_length 2147483903 is outside 74\.\.67108864/);
  assert.ok(r.count.read <= 65536, `${r.count.read} bytes read`);
});

test('a link that fails says so', async () => {
  fetched = async () => new Response('gone', { status: 404 });
  await loadUrl('https://example.com/missing.fwd');
  assert.ok(refused());
  assert.match($('message').textContent, /Could not load the update: https:\/\/example.com\/missing.fwd: HTTP 404/);
});
