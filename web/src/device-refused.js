// SPDX-License-Identifier: Apache-2.0
// A device's RESULT (docs/PROTOCOL.md): staged, or a refusal named in words a person acts on, with
// the patch error codes of docs/FORMAT.md section 5.

import { printable } from './device-text.js';
import { u16 } from './little-endian.js';

export const PATCH_ERRORS = Object.freeze({
  1: ['BAD_MAGIC', 'the file is not a fwdelta patch'],
  2: ['UNSUPPORTED_VERSION', 'the device does not know this patch format version'],
  3: ['BAD_HEADER_SIZE', 'the patch header has a wrong size'],
  4: ['BAD_FLAGS', 'the patch uses options the device does not support (rebuild the patch)'],
  5: ['BAD_CODEC', 'the patch uses a compression the device does not support'],
  6: ['BAD_CODEC_PROPS', 'the patch has invalid compression settings'],
  7: ['BAD_RESERVED', 'the patch header has reserved bytes set'],
  8: ['BAD_CODEC_WINDOW', 'the patch has an invalid compression window'],
  9: ['BAD_DECODER_RAM', 'the patch declares a wrong RAM figure'],
  10: ['BAD_MAX_BLOCK_RAW', 'the patch declares an invalid block size'],
  11: ['BAD_BLOCK_COUNT', 'the patch declares an invalid block count'],
  12: ['BAD_PAYLOAD_LENGTH', 'the patch declares an invalid length'],
  13: ['BAD_OLD_SIZE', 'the patch declares an invalid old image size'],
  14: ['BAD_NEW_SIZE', 'the patch declares an invalid new image size'],
  15: ['BAD_HEADER_CRC', 'the patch header is damaged'],
  16: ['BAD_BLOCK_INDEX', 'the patch is damaged (block order)'],
  17: ['BAD_ENCODED_LENGTH', 'the patch is damaged (block length)'],
  18: ['BAD_RAW_LENGTH', 'the patch is damaged (block length)'],
  19: ['BAD_NEW_OFFSET', 'the patch is damaged (output offset)'],
  20: ['BAD_OLD_OFFSET', 'the patch is damaged (input offset)'],
  21: ['BAD_OUT_LENGTH', 'the patch is damaged (output length)'],
  22: ['BLOCK_CRC', 'a patch block failed its checksum'],
  23: ['CODEC_CORRUPT', 'the patch data is damaged (decompression failed)'],
  24: ['UNKNOWN_RECORD_KIND', 'the patch is damaged (unknown record)'],
  25: ['BAD_VARINT', 'the patch is damaged (bad number encoding)'],
  26: ['BAD_DIFF_LENGTH', 'the patch is damaged (diff length)'],
  27: ['OUTPUT_OVERFLOW', 'the patch would write past the new image'],
  28: ['BAD_SEEK', 'the patch is damaged (seek)'],
  29: ['RECORD_SPLIT', 'the patch is damaged (split record)'],
  30: ['TRUNCATED', 'the patch is incomplete'],
  31: ['TRAILING_BYTES', 'the patch has extra bytes at its end'],
  32: ['PAYLOAD_HASH', 'the patch content does not match its signed hash'],
  33: ['NEW_IMAGE_MISMATCH', 'the rebuilt firmware does not match the expected image'],
  34: ['WRONG_BASE_IMAGE', 'this patch is for a different firmware than the one on the board'],
  35: ['RAM_BUDGET_EXCEEDED', 'the board has too little RAM for this patch'],
  36: ['IO_ERROR', 'the board could not read or write its flash'],
  37: ['SIGNATURE_INVALID', 'the patch signature is not valid'],
  38: ['UNKNOWN_KEY', 'the patch is signed with a key the board does not trust'],
  39: ['UNSIGNED_PATCH', 'the board only accepts signed patches'],
  40: ['ROLLBACK', 'the board already runs the same or a newer firmware version'],
  41: ['WRONG_HARDWARE', 'this patch is for another board'],
  42: ['BAD_MAP', 'the patch is damaged (relocation map)'],
  43: ['DOES_NOT_FIT', 'the board cannot hold this update: the new firmware is larger than its staging slot,'
    + ' or the update needs more records than its status logs hold'],
  44: ['WRONG_LOAD_ADDRESS', 'this patch is for firmware linked at another address than the board runs from'],
});

/** A device's RESULT status in words: "WRONG_HARDWARE (41): this patch is for another board". */
export function describeStatus(status) {
  if (status === 0) return 'staged and verified';
  if (status === 0xffff) return 'the device refused the transfer (other failure)';
  const e = PATCH_ERRORS[status];
  return e ? `${e[0]} (${status}): ${e[1]}` : `unknown error code ${status}`;
}

/** Thrown when the device answers RESULT with an error: nothing more is sent. */
export class DeviceRefusedError extends Error {
  /** deviceMessage: the device's own text, shown only as printable() makes it. */
  constructor(status, rawMessage) {
    const deviceMessage = printable(rawMessage);
    // Status 0 refuses only in the data phase: the device answered "staged" before it had every byte.
    const what = status === 0 ? 'it answered RESULT 0 (staged) before the whole patch was sent' : describeStatus(status);
    super(`the device refused the update: ${what}${deviceMessage ? ` (device says: ${deviceMessage})` : ''}`);
    this.status = status;
    this.code = PATCH_ERRORS[status]?.[0] ?? (status === 0xffff ? 'OTHER' : `CODE_${status}`);
    this.deviceMessage = deviceMessage;
  }
}

/**
 * RESULT's status and message, read as the Java host's refused(f) reads them: a payload too short
 * for its u16 status is 0xFFFF (other failure), with no message.
 */
function readResult(f) {
  if (f.payload.length < 2) return { status: 0xffff, message: '' };
  return { status: u16(f.payload, 0), message: new TextDecoder().decode(f.payload.subarray(2)) };
}

/** RESULT's device message when its status is 0 (staged); any other status throws the refusal. */
export function throwResult(f) {
  const r = readResult(f);
  if (r.status !== 0) throw new DeviceRefusedError(r.status, r.message);
  return r.message;
}

/**
 * A RESULT in the data phase refuses the update whatever its status, as the Java host's
 * handleGoBackN and handleSelective: even 0 (staged) cannot be true before every byte was sent.
 */
export function refusedInDataPhase(f) {
  const r = readResult(f);
  return new DeviceRefusedError(r.status, r.message);
}
