// SPDX-License-Identifier: Apache-2.0
// The browser host's selective-repeat bookkeeping, without a device: SACK parsing (untrusted
// offsets refused by name), which frames the scoreboard calls lost, and the frame size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIRST_PAYLOAD, FrameSizer, MIN_PAYLOAD, Scoreboard, parseSack } from '../src/selective.js';
import { RoundTrip } from '../src/round-trip.js';

function sack(expected, start, end) {
  const p = new Uint8Array(12);
  const v = new DataView(p.buffer);
  v.setUint32(0, expected, true);
  v.setUint32(4, start, true);
  v.setUint32(8, end, true);
  return p;
}

function board() {
  return new Scoreboard(new FrameSizer(1020), new RoundTrip(), () => 0);
}

test('a SACK gives the next expected offset and the held range', () => {
  assert.deepEqual(parseSack(sack(1085, 1185, 1385), 5000), { expected: 1085, held: [1185, 1385] });
  assert.deepEqual(parseSack(sack(1085, 0, 0), 5000), { expected: 1085, held: null }, 'a frame not kept');
});

test('borderline SACKs are read as the Java host reads them', () => {
  assert.deepEqual(parseSack(sack(1085, 1085, 1385), 5000), { expected: 1085, held: [1085, 1385] },
    'a held range may start at the SACK offset (docs/PROTOCOL.md)');
  assert.deepEqual(parseSack(sack(1085, 0, 0).subarray(0, 4), 5000), { expected: 1085, held: null },
    'a 4-byte SACK holds nothing');
  assert.deepEqual(parseSack(sack(1085, 1185, 1385).subarray(0, 8), 5000), { expected: 1085, held: null },
    'a SACK without the range end holds nothing');
});

test('malformed SACKs are refused as DeviceProtocolError, naming the field and the allowed range', () => {
  const refused = (p, words) => assert.throws(() => parseSack(p, 5000),
    (e) => e.name === 'DeviceProtocolError' && e.message === `the device answered ${words}`);
  refused(new Uint8Array(3), 'a SACK payload of 3 bytes, at least 4 expected');
  refused(sack(6000, 0, 0), 'SACK offset 6000, outside the allowed 0..5000 (the patch bytes sent in this session)');
  refused(sack(100, 50, 80), 'SACK held range end 80, outside the allowed 101..5000 (after the SACK offset, within the '
    + 'patch bytes sent in this session)');
  refused(sack(5000, 10, 20), 'SACK held range end 20, but no patch byte after the SACK offset 5000 was sent in this session');
  refused(sack(100, 50, 180), 'SACK held range start 50, outside the allowed 100..179 (after the SACK offset, before the range end)');
  refused(sack(100, 300, 200), 'SACK held range start 300, outside the allowed 100..199 (after the SACK offset, before the range end)');
  refused(sack(100, 200, 5001), 'SACK held range end 5001, outside the allowed 0..5000 (the patch bytes sent in this session)');
});

test('a frame is lost once a frame written after it has arrived, and only it is sent again', () => {
  const b = board();
  b.wrote(0, 100);
  b.wrote(100, 200);
  b.wrote(200, 300);
  b.answer(0, [100, 200]); // the second frame is held: the first never arrived
  assert.deepEqual(b.firstLost(1020), b.frames[0]);
  assert.equal(b.firstLost(1020).start, 0);
  assert.equal(b.unaccountedBytes(), 100, 'the third frame is still on the line');
  b.wroteAgain(b.firstLost(1020));
  assert.equal(b.firstLost(1020), null);
  b.answer(300, null);
  assert.equal(b.frames.length, 0, 'everything acknowledged');
});

test('NAK 2 marks the first frame written after the last one that arrived', () => {
  const b = board();
  b.wrote(0, 100);
  b.wrote(100, 200);
  b.answer(100, null);
  b.brokeNextAfterArrived(true);
  assert.equal(b.firstLost(1020).start, 100);
});

test('a frame not kept (SACK 0..0, the hold ring full) is sent again without counting a line error', () => {
  const sizer = new FrameSizer(1020);
  const b = new Scoreboard(sizer, new RoundTrip(), () => 0);
  for (let i = 0; i < 4; i++) b.wrote(100 * i, 100 * i + 100);
  b.answer(0, [100, 200]); // frame 0 lost on the line, frame 1 held
  b.notKept(); // frame 2 arrived whole, no room to keep it
  b.answer(0, [300, 400]); // frame 3 held
  const first = b.firstLost(1020);
  assert.equal(first.start, 0);
  b.wroteAgain(first);
  assert.equal(b.firstLost(1020).start, 200, 'then frame 2, not kept');
  assert.equal(sizer.errors, 1, 'only frame 0 was the line\'s');
});

test('NAK 4 (a cut frame) marks it lost without counting a line error, as the Java host does', () => {
  const sizer = new FrameSizer(1020);
  const b = new Scoreboard(sizer, new RoundTrip(), () => 0);
  b.wrote(0, 100);
  b.wrote(100, 200);
  b.answer(100, null);
  b.brokeNextAfterArrived(false);
  assert.equal(b.firstLost(1020).start, 100);
  assert.equal(sizer.errors, 0);
  b.wroteAgain(b.firstLost(1020));
  b.brokeNextAfterArrived(true);
  assert.equal(sizer.errors, 1, 'NAK 2: the line broke it');
});

/** A sizer told of these fates, to compare a scoreboard's sizer with: 'L' lost, 'D' delivered, 100 bytes each. */
function sizerAfter(fates) {
  const s = new FrameSizer(1020);
  for (const f of fates) {
    if (f === 'L') s.lost(100);
    else s.delivered(100);
  }
  return s;
}

function writeFrames(b, n) {
  for (let i = 0; i < n; i++) b.wrote(100 * i, 100 * i + 100);
}

test('a late answer to a frame sent again on a timeout loses no frame written before the copy (ScoreboardTest)', () => {
  const sizer = new FrameSizer(1020);
  const b = new Scoreboard(sizer, new RoundTrip(), () => 0);
  writeFrames(b, 4);
  b.timedOut(); // no answer in time: frame 0 goes again
  b.wroteAgain(b.firstLost(1020));
  b.answer(100, null); // the late answer to frame 0's first copy
  assert.equal(b.firstLost(1020), null, 'frames 1..3 may be on their way: not lost');
  b.answer(400, null); // their late answers
  assert.equal(b.unaccountedBytes(), 0);
  assert.equal(sizer.errors, 0, 'no error of the line');
  assert.equal(sizer.payload(), sizerAfter('DDDD').payload());
});

test('a NAK for the first copy of a frame sent again on a timeout is about that copy (ScoreboardTest)', () => {
  const sizer = new FrameSizer(1020);
  const b = new Scoreboard(sizer, new RoundTrip(), () => 0);
  writeFrames(b, 4);
  b.timedOut(); // frame 0 goes again...
  b.wroteAgain(b.firstLost(1020));
  b.brokeNextAfterArrived(true); // ...and its first copy broke
  assert.equal(b.firstLost(1020), null, "frame 0's second copy and frames 1..3 are on their way");
  b.answer(0, [100, 200]); // frame 1 held
  b.answer(0, [100, 400]); // frames 2 and 3 held
  assert.equal(b.firstLost(1020), null, "frame 0's second copy, written after frame 3, is on its way");
  b.answer(400, null); // frame 0's second copy
  assert.equal(b.unaccountedBytes(), 0);
  assert.equal(sizer.payload(), sizerAfter('LDDDD').payload(), 'one frame broke on the line');
});

test('a frame sent again on a timeout is still found lost by a frame written after the copy (ScoreboardTest)', () => {
  const b = board();
  writeFrames(b, 3);
  b.timedOut();
  b.wroteAgain(b.firstLost(1020)); // frame 0 again, after frame 2
  b.answer(0, [100, 300]); // frames 1 and 2 held: frame 0's first copy was lost
  assert.equal(b.firstLost(1020), null, 'its copy, written after frame 2, may still arrive');
  b.wrote(300, 400);
  b.answer(0, [100, 400]); // frame 3, written after the copy, arrived
  assert.equal(b.firstLost(1020).start, 0, 'now the copy is known lost too');
});

test('the bytes of a frame not kept count as carried whole (ScoreboardTest)', () => {
  const sizer = new FrameSizer(1020);
  const b = new Scoreboard(sizer, new RoundTrip(), () => 0);
  writeFrames(b, 10);
  b.brokeNextAfterArrived(true); // frame 0 broke on the line
  for (let i = 1; i <= 3; i++) b.answer(0, [100, 100 * i + 100]); // frames 1..3 held
  for (let i = 4; i < 10; i++) b.notKept(); // the ring full: frames 4..9 arrived whole, not kept
  assert.equal(sizer.payload(), sizerAfter('LDDDDDDDDD').payload(), 'one frame in ten broke on the line');
});

test('a lost frame is sent again cut to the current frame size', () => {
  const b = board();
  b.wrote(0, 300);
  b.wrote(300, 400);
  b.answer(0, [300, 400]);
  const head = b.firstLost(128);
  assert.deepEqual([head.start, head.end], [0, 128]);
  b.wroteAgain(head);
  const tail = b.firstLost(128);
  assert.deepEqual([tail.start, tail.end], [128, 256]);
});

test('a lost frame is not cut into a piece below the least payload (ScoreboardTest)', () => {
  const b = board();
  b.wrote(0, 310);
  b.wrote(310, 626);
  b.wrote(626, 700);
  b.answer(0, [626, 700]); // frames 0 and 1 lost
  const whole = b.firstLost(300);
  assert.equal(whole.end, 310, 'a rest of 10 bytes stays with its frame');
  b.wroteAgain(whole);
  assert.equal(b.firstLost(300).end, 610, 'a rest of 16 bytes is a frame of its own');
});

test('a timeout sends the first frame not held again, without counting a line error', () => {
  const sizer = new FrameSizer(1020);
  const b = new Scoreboard(sizer, new RoundTrip(), () => 0);
  b.wrote(0, 100);
  b.timedOut();
  assert.equal(b.firstLost(1020).start, 0);
  assert.equal(sizer.errors, 0);
});

test('the frame size starts small, doubles while frames arrive, and shrinks with errors', () => {
  const s = new FrameSizer(1020);
  assert.equal(s.payload(), FIRST_PAYLOAD);
  s.delivered(256);
  s.delivered(512);
  assert.equal(s.payload(), 1020);
  for (let i = 0; i < 6; i++) s.lost(100);
  const noisy = s.payload();
  assert.ok(noisy < 1020 && noisy >= MIN_PAYLOAD, `after errors: ${noisy}`);
});
