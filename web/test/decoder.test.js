// SPDX-License-Identifier: Apache-2.0
// The frame decoder (docs/PROTOCOL.md section 1): frames found in the bytes of a dropped frame are
// delivered, and a frame the line went quiet in for 50 ms is dropped; the same byte streams give the
// same frames as the Java host's FrameDecoder (the reference, run from diff-tool/target/fwdelta.jar).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ByteChannel } from '../src/byte-channel.js';
import { crc16ccitt } from '../src/checksums.js';
import { encodeFrame, FrameDecoder, FrameType, QUIET_MS } from '../src/frame-codec.js';
import { fakeClock } from './fake-clock.js';
import { JAR, REPO, requireJar } from './harness.js';

const hex = (b) => Buffer.from(b).toString('hex');
const seqs = (frames) => frames.map((f) => f.seq);
const ack = (seq, offset) => encodeFrame(FrameType.ACK, seq, Uint8Array.of(offset, offset >> 8, 0, 0));
const concat = (...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** mulberry32: the same streams on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a RESULT with 20 of its 40 bytes lost, then three ACKs: all three ACKs arrive (the review\'s case)', () => {
  const result = encodeFrame(FrameType.RESULT, 1, new Uint8Array(29).fill(0x41));
  assert.equal(result.length, 40);
  const line = concat(result.subarray(0, 20), ack(2, 16), ack(3, 32), ack(4, 48));
  const d = new FrameDecoder();
  assert.deepEqual(seqs(d.push(line)), [2, 3, 4]);
  assert.equal(d.dropped, 1, 'the cut RESULT');
  const oneByOne = new FrameDecoder();
  assert.deepEqual(seqs([...line].flatMap((b) => oneByOne.push([b]))), [2, 3, 4]);
});

// ---------------------------------------------------------------- FrameDecoderTest (patch-runtime), ported

test('frames survive garbage, a truncated frame and one-byte feeding; idle drops the cut frame', () => {
  const r = random(1);
  const noise = Uint8Array.from({ length: 500 }, () => Math.floor(r() * 256));
  const bad = encodeFrame(FrameType.DATA, 4, new TextEncoder().encode('corrupt'));
  bad[9] ^= 1;
  const line = concat(noise, encodeFrame(FrameType.DATA, 1, new TextEncoder().encode('first')),
    encodeFrame(FrameType.DATA, 2, new Uint8Array(300)).subarray(0, 100), // truncated, then the next one starts
    encodeFrame(FrameType.ACK, 3, Uint8Array.of(1, 2, 3, 4)), bad, encodeFrame(FrameType.DONE, 5));
  const d = new FrameDecoder();
  const frames = [...line].flatMap((b) => d.push([b]));
  frames.push(...d.idle()); // the line goes quiet: the truncated frame's length was a lie
  assert.deepEqual(seqs(frames).slice(-3), [1, 3, 5]);
  assert.deepEqual(frames.at(-3).payload, new TextEncoder().encode('first'));
  assert.equal(d.dropped, 2, 'the truncated and the corrupt frame');
  assert.deepEqual(d.idle(), []);
  assert.equal(d.dropped, 2, 'idle with nothing buffered changes nothing');
});

test('an oversized length is refused before buffering', () => {
  const h = Uint8Array.of(0xa5, FrameType.DATA, 0, 0xff, 0xff, 0, 0); // length 65535
  const crc = crc16ccitt(h, 0, 5);
  h[5] = crc & 0xff;
  h[6] = crc >> 8;
  const d = new FrameDecoder();
  assert.deepEqual(d.push(h), []);
  const frames = d.push(encodeFrame(FrameType.HELLO, 9, Uint8Array.of(1)));
  assert.deepEqual(frames.map((f) => f.type), [FrameType.HELLO]);
});

test('random line noise never throws and real frames still arrive', () => {
  const r = random(7);
  const d = new FrameDecoder();
  let got = 0;
  for (let i = 0; i < 2000; i++) {
    const junk = Uint8Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256));
    if (r() < 0.25 && junk.length > 0) junk[0] = 0xa5;
    got += d.push(junk).length;
    got += d.push(encodeFrame(FrameType.DATA, i & 0xff, new Uint8Array(Math.floor(r() * 100)))).length;
  }
  assert.ok(got > 2000 * 0.9, `${got} of 2000`); // junk swallows the start of a following frame at most once per run
});

// ---------------------------------------------------------------- the same streams through the Java decoder

const IDLE = 0xffffffff;
const END = 0xfffffffe;

/** One stream of frames, some broken (cut, bytes lost, a byte flipped, forged headers), garbage and quiet. */
function stream(r) {
  const pick = (n) => Math.floor(r() * n);
  const events = [];
  const bytes = [];
  const flush = () => {
    let at = 0; // fed in chunks of random sizes
    while (at < bytes.length) {
      const n = 1 + pick(r() < 0.5 ? 8 : 200);
      events.push(Uint8Array.from(bytes.slice(at, at + n)));
      at += n;
    }
    bytes.length = 0;
  };
  for (let i = 0, n = 1 + pick(25); i < n; i++) {
    const payload = Uint8Array.from({ length: r() < 0.1 ? pick(1025) : pick(48) }, () => pick(256));
    const f = encodeFrame(1 + pick(11), pick(256), payload);
    switch (pick(9)) {
      case 0: bytes.push(...f.subarray(0, pick(f.length))); break; // cut
      case 1: { // bytes lost in the middle
        const at = 1 + pick(f.length - 1);
        bytes.push(...f.subarray(0, at), ...f.subarray(Math.min(f.length, at + 1 + pick(30))));
        break;
      }
      case 2: f[pick(f.length)] ^= 1 << pick(8); bytes.push(...f); break;
      case 3: bytes.push(...Array.from({ length: pick(30) }, () => (r() < 0.2 ? 0xa5 : pick(256)))); break;
      case 4: { // a header whose CRC is right but whose length or type is not
        const h = Uint8Array.of(0xa5, r() < 0.5 ? 0x0c + pick(0xf4) : 1 + pick(11), pick(256), pick(256), pick(256), 0, 0);
        if (h[1] <= 0x0b) h[4] |= 0x04; // length above 1024
        const c = crc16ccitt(h, 0, 5);
        h[5] = c & 0xff;
        h[6] = c >> 8;
        bytes.push(...h);
        break;
      }
      case 5: flush(); events.push(IDLE); break;
      default: bytes.push(...f);
    }
  }
  flush();
  if (r() < 0.5) events.push(IDLE);
  return events;
}

function decodeInJs(events) {
  const d = new FrameDecoder();
  const lines = [];
  for (const e of events) {
    const frames = e === IDLE ? d.idle() : d.push(e);
    for (const f of frames) lines.push(`frame ${f.type} ${f.seq} ${hex(f.payload)}`);
  }
  lines.push(`end ${d.dropped}`);
  return lines;
}

function decodeInJava(streams) {
  requireJar();
  const records = [];
  const u32 = (n) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  for (const events of streams) {
    for (const e of events) {
      if (e === IDLE) records.push(u32(IDLE));
      else records.push(u32(e.length), e);
    }
    records.push(u32(END));
  }
  const java = process.env.FWDELTA_JAVA || 'java';
  const r = spawnSync(java, ['-cp', JAR, join(REPO, 'web', 'test', 'FrameDecoderOracle.java')],
    { input: Buffer.concat(records), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`the Java decoder failed: ${r.stderr}`);
  const out = [[]];
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    out.at(-1).push(line);
    if (line.startsWith('end ')) out.push([]);
  }
  out.pop();
  return out;
}

test('the JavaScript and the Java decoder find the same frames in the same 400 byte streams', () => {
  const r = random(20);
  const streams = Array.from({ length: 400 }, () => stream(r));
  streams.push([concat(encodeFrame(FrameType.RESULT, 1, new Uint8Array(29)).subarray(0, 20), ack(2, 16), ack(3, 32), ack(4, 48))]);
  const java = decodeInJava(streams);
  assert.equal(java.length, streams.length);
  let frames = 0;
  streams.forEach((events, i) => {
    assert.deepEqual(decodeInJs(events), java[i], `stream ${i}`);
    frames += java[i].length - 1;
  });
  assert.ok(frames > 1000, `${frames} frames compared`);
});

// ---------------------------------------------------------------- 50 ms of quiet (ByteChannel, a stand-in clock)

test('QUIET_MS is the 50 ms of docs/PROTOCOL.md', () => {
  assert.equal(QUIET_MS, 50);
});

test('a frame cut by 50 ms of quiet is dropped and the frame inside its length is delivered', () => {
  const clock = fakeClock();
  const channel = new ByteChannel(() => {}, clock);
  const result = encodeFrame(FrameType.RESULT, 1, new Uint8Array(29));
  channel.push(concat(result.subarray(0, 20), ack(2, 16))); // the ACK is inside the RESULT's length
  assert.equal(channel.pollFrame(), null);
  clock.advance(QUIET_MS - 1);
  assert.equal(channel.pollFrame(), null, '49 ms: the frame may still come');
  clock.advance(1);
  assert.equal(channel.pollFrame()?.seq, 2);
  assert.equal(channel.decoder.dropped, 1);
  assert.equal(clock.timers.size, 0, 'nothing buffered: no timer');
});

test('a frame whose bytes come 10 ms apart is not cut', () => {
  const clock = fakeClock();
  const channel = new ByteChannel(() => {}, clock);
  const f = encodeFrame(FrameType.ACK, 3, Uint8Array.of(1, 2, 3, 4));
  for (const b of f) {
    channel.push([b]);
    clock.advance(10);
  }
  assert.equal(channel.pollFrame()?.seq, 3);
  assert.equal(channel.decoder.dropped, 0);
});

test('quiet is seen when the next bytes come, even before the timer runs', () => {
  const clock = fakeClock();
  const channel = new ByteChannel(() => {}, clock);
  const nak = encodeFrame(FrameType.NAK, 5, Uint8Array.of(0, 0, 0, 0, 1));
  channel.push(nak.subarray(0, 9));
  clock.advance(QUIET_MS + 10, { fire: false }); // a busy event loop: the timer has not run
  channel.push(concat(nak.subarray(9), ack(6, 16)));
  assert.deepEqual([channel.pollFrame()?.seq, channel.pollFrame()], [6, null]);
  assert.equal(channel.decoder.dropped, 1);
});

test('nextFrame waits through the quiet rule: the frame freed by it ends the wait', async () => {
  const clock = fakeClock();
  const channel = new ByteChannel(() => {}, clock);
  channel.push(concat(encodeFrame(FrameType.RESULT, 1, new Uint8Array(29)).subarray(0, 20), ack(2, 16)));
  const next = channel.nextFrame(1000);
  clock.advance(QUIET_MS);
  assert.equal((await next)?.seq, 2);
  channel.close();
});
