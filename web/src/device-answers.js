// SPDX-License-Identifier: Apache-2.0
// The device's answers read and checked (docs/PROTOCOL.md): INFO's fields, an offset against what
// it may be, a NAK saying the line broke a frame. What no honest device answers is a
// DeviceProtocolError in the Java host's words.

import { DeviceProtocolError } from './device-error.js';
import { printable } from './device-text.js';
import { FrameType, NakReason } from './frame-codec.js';
import { u16, u32, u64 } from './little-endian.js';

const AGENT_STATES = ['idle', 'receiving', 'staged', 'failed'];

/**
 * INFO payload (docs/PROTOCOL.md): checked against its declared lengths. A device that can hold
 * frames after a gap appends its capabilities and ring size (selectiveRepeat, holdBytes).
 */
export function parseInfo(p) {
  if (p.length < 25) throw new DeviceProtocolError(`the device answered an INFO payload of ${p.length} bytes, at least 25 expected`);
  const n = p[24];
  if (p.length < 25 + n) {
    throw new DeviceProtocolError(`the device answered INFO layout name length ${n}, past the ${p.length}-byte payload`);
  }
  return {
    version: p[0],
    maxPayload: u16(p, 1),
    ramBudget: u32(p, 3),
    installedVersion: u64(p, 7),
    hardwareId: u32(p, 15),
    state: AGENT_STATES[p[19]] ?? `state ${p[19]}`,
    resumeOffset: u32(p, 20),
    layout: printable(new TextDecoder().decode(p.subarray(25, 25 + n))),
    selectiveRepeat: p.length >= 28 + n && (p[25 + n] & 1) === 1,
    holdBytes: p.length >= 28 + n && (p[25 + n] & 1) === 1 ? u16(p, 26 + n) : 0,
  };
}

/** The device's `field` value, checked against min..max (what `limit` names): the Java host's words. */
export function checkedOffset(field, value, min, max, limit) {
  if (value < min || value > max) {
    throw new DeviceProtocolError(`the device answered ${field} ${value}, outside the allowed ${min}..${max} (${limit})`);
  }
  return value;
}

/** A NAK 2 or 4: the device got the frame broken or cut (DeviceAnswers.brokenFrame). */
export function brokenFrame(f) {
  return f !== null && f.type === FrameType.NAK && f.payload.length >= 5
    && (f.payload[4] === NakReason.CORRUPT || f.payload[4] === NakReason.CUT);
}
