// SPDX-License-Identifier: Apache-2.0
// The page's filler byte before a wait (docs/PROTOCOL.md, "A filler byte before a wait"), as the
// Java host's UartTransfer.fill: one 00 after BEGIN, after DONE, and after the last DATA frame when
// the whole patch is on the line, so that a frame that lost a byte on the line is completed by it
// and answered at once (NAK 2) rather than after a timeout or a probe. A scripted device in
// simulated time (fake-clock.js) whose line drops one byte of a chosen write; the line is read
// back from the device's transcript, and the page's timeouts are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_CHUNK, FrameType } from '../src/frame-codec.js';
import { FILLER } from '../src/frame-writer.js';
import { sendPatch } from '../src/protocol.js';
import { fakeClock, inSimulatedTime } from './fake-clock.js';
import { REPO } from './harness.js';
import { ScriptedDevice, syntheticPatch } from './scripted-device.js';

const PATCH = syntheticPatch(4 * DATA_CHUNK - 200); // its last DATA frame is not a full one

test('the page\'s filler byte is UartChannel.FILLER', () => {
  const java = readFileSync(join(REPO, 'diff-tool', 'src', 'main', 'java', 'dev', 'fwdelta', 'tool', 'transport',
    'UartChannel.java'), 'utf8');
  const m = java.match(/static final byte FILLER = (0x[0-9a-fA-F]+);/);
  assert.ok(m, 'UartChannel.java declares FILLER');
  assert.equal(FILLER, Number(m[1]));
});

/** A write with its tenth byte dropped: the frame arrives one byte short. */
const short = (bytes) => Uint8Array.from([...bytes.subarray(0, 9), ...bytes.subarray(10)]);

/** A line that drops one byte of the first write of which `pick(bytes)` is true. */
function dropOneByteOfFirst(pick) {
  let dropped = false;
  return (bytes) => {
    if (dropped || bytes.length === 1 || !pick(bytes)) return bytes;
    dropped = true;
    return short(bytes);
  };
}

const ofType = (type) => (bytes) => bytes[1] === type;

/** A DATA frame that ends the patch: its u32 offset and its patch bytes reach the patch length. */
function endsPatch(bytes) {
  const offset = (bytes[7] | (bytes[8] << 8) | (bytes[9] << 16) | (bytes[10] << 24)) >>> 0;
  return bytes[1] === FrameType.DATA && offset + (bytes[3] | (bytes[4] << 8)) - 4 === PATCH.length;
}

async function send(line, selectiveRepeat) {
  const clock = fakeClock();
  const device = new ScriptedDevice({ selectiveRepeat, clock, line, limits: { data: 100, begins: 2, dones: 4 } });
  const result = await inSimulatedTime(clock, sendPatch(device.channel, PATCH, {
    goBackN: !selectiveRepeat, timeoutMs: 2000, maxReconnects: 0, signal: device.signal,
  }));
  assert.deepEqual(device.received, PATCH, 'the staged patch is the one sent');
  return { device, result, line: device.transcript.join(' ') };
}

/** The transcript with each run of DATA frames and their ACKs (or SACKs) as "DATA…". */
const squeezed = (line) => line.replace(/DATA <(ACK|SACK)( DATA <(ACK|SACK))*/g, 'DATA…');

for (const selectiveRepeat of [false, true]) {
  const mode = selectiveRepeat ? 'selective repeat' : 'go-back-N';

  test(`on a clean line the page sends a filler after BEGIN and after DONE only (${mode})`, async () => {
    // The device answers each DATA frame at once, so the page never waits with the patch on the line.
    const { result, line } = await send((bytes) => bytes, selectiveRepeat);
    assert.equal(squeezed(line), 'HELLO <INFO BEGIN <READY 00 DATA… DONE <RESULT 00', line);
    assert.equal(result.fillerBytes, 2, line);
  });

  test(`the last DATA frame one byte short is completed by the filler and sent again at once (${mode})`, async () => {
    const { result, line } = await send(dropOneByteOfFirst(endsPatch), selectiveRepeat);
    // The filler follows the short frame, as the page waits with the whole patch on the line: it
    // draws NAK 2, and the frame goes again without a timeout or a probe.
    assert.equal(squeezed(line), 'HELLO <INFO BEGIN <READY 00 DATA… DATA 00 <NAK 2 DATA… DONE <RESULT 00', line);
    assert.equal(result.timeouts, 0, line);
    assert.equal(result.fillerBytes, 3, line);
  });

  test(`a DONE one byte short is completed by the filler and sent again at once (${mode})`, async () => {
    const { device, result, line } = await send(dropOneByteOfFirst(ofType(FrameType.DONE)), selectiveRepeat);
    assert.equal(squeezed(line), 'HELLO <INFO BEGIN <READY 00 DATA… DONE 00 <NAK 2 DONE <RESULT 00', line);
    assert.equal(device.dones, 1, 'the short DONE was never read as one');
    assert.equal(result.fillerBytes, 3, line);
  });

  test(`a BEGIN one byte short is completed by the filler and sent again at once (${mode})`, async () => {
    const { device, line } = await send(dropOneByteOfFirst(ofType(FrameType.BEGIN)), selectiveRepeat);
    assert.equal(squeezed(line), 'HELLO <INFO BEGIN 00 <NAK 2 BEGIN <READY 00 DATA… DONE <RESULT 00', line);
    assert.equal(device.begins, 1, 'the short BEGIN was never read as one');
  });
}
