// SPDX-License-Identifier: Apache-2.0
// The fwdelta UART protocol (docs/PROTOCOL.md section 1) and patch header (docs/FORMAT.md section 1)
// for a host that is a web page or node. No browser or node globals: the page and the tests give it
// a byte channel (ByteChannel) fed from WebSerial or from the npm serialport package.

import { DeviceProtocolError } from './device-error.js';
import { printable } from './device-text.js';
import { MAX_FRAMES_WITHOUT_PROGRESS, ProgressGuard } from './progress.js';
import { FrameSizer, MIN_PAYLOAD, MIN_PROBE_MS, RoundTrip, Scoreboard, parseSack } from './selective.js';

export { MAX_FRAMES_WITHOUT_PROGRESS };

export const SOF = 0xa5;
export const MAX_PAYLOAD = 1024;
export const DATA_CHUNK = MAX_PAYLOAD - 4;
export const WINDOW_FRAMES = 8;
/**
 * Patch bytes on the line at most under selective repeat, however long the measured round trip
 * (one late answer must not put a large burst on the line): eight full frames, the Java host's
 * UartChannel.MAX_WINDOW_BYTES.
 */
export const MAX_WINDOW_BYTES = WINDOW_FRAMES * DATA_CHUNK;
export const PROTOCOL_VERSION = 1;
/**
 * Lost links (new sessions) an update survives by default: as many as `fwdelta send`
 * (UartChannel.MAX_RECONNECTS), docs/PROTOCOL.md "Reconnects".
 */
export const MAX_RECONNECTS = 20;
/** BEGIN frames one session sends, at most, while READY comes too short (UartChannel.MAX_BEGIN_ATTEMPTS). */
export const MAX_BEGIN_ATTEMPTS = 100;
/** READY's payload: the u32 offset to send from. */
const READY_PAYLOAD_BYTES = 4;
/**
 * HELLO frames one session sends (NAK resends aside) before the link counts as lost, or, when no
 * INFO came in this update and no frame at all, before it ends with NoAgentError: they share the
 * timeout, and the second is followed by the AN3155 sync byte (UartChannel.HELLO_ATTEMPTS).
 */
export const HELLO_ATTEMPTS = 4;

/** DONE frames one done phase sends before the link counts as lost (UartChannel.MAX_DONE_ATTEMPTS). */
export const MAX_DONE_ATTEMPTS = 20;
/** The longest wait after a DONE before it is sent again (UartChannel.MAX_BEGIN_WAIT_MS, which paces DONE too). */
export const MAX_DONE_WAIT_MS = 5000;
/**
 * The least silence at DONE that loses the link (UartChannel.MIN_DONE_PATIENCE_MS): the device
 * verifies the whole staged image before it answers, which takes far longer than an answer to DATA.
 */
export const MIN_DONE_PATIENCE_MS = 30_000;
/**
 * HELLO or BEGIN frames one session sends again at once, at most, because the device answered
 * that the line broke them (NAK 2 or 4): UartChannel.MAX_NAK_RESENDS.
 */
export const MAX_NAK_RESENDS = 200;

export const FrameType = Object.freeze({
  HELLO: 0x01, INFO: 0x02, BEGIN: 0x03, READY: 0x04, DATA: 0x05,
  ACK: 0x06, NAK: 0x07, DONE: 0x08, RESULT: 0x09, ABORT: 0x0a, SACK: 0x0b,
});

/** Capability bit of HELLO and INFO: the sender does selective repeat (docs/PROTOCOL.md). */
export const CAP_SELECTIVE_REPEAT = 0x01;

/**
 * The byte the host sends after its last frame before a wait (UartChannel.FILLER): it completes a
 * frame that lost a byte on the line, and a device skips it between frames as any byte before a SOF.
 */
export const FILLER = 0x00;

export const NakReason = Object.freeze({ GAP: 1, CORRUPT: 2, RESTARTED: 3, CUT: 4 }); // CUT: a frame cut by 50 ms of quiet; handled as any gap

// ---------------------------------------------------------------- checksums

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no xorout. */
export function crc16ccitt(bytes, from = 0, to = bytes.length) {
  let crc = 0xffff;
  for (let i = from; i < to; i++) {
    crc ^= bytes[i] << 8;
    for (let b = 0; b < 8; b++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

const CRC32_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zlib). */
export function crc32(bytes, from = 0, to = bytes.length) {
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = CRC32_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------- little-endian helpers

const u16 = (b, o) => b[o] | (b[o + 1] << 8);
const u32 = (b, o) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const u64 = (b, o) => BigInt(u32(b, o)) | (BigInt(u32(b, o + 4)) << 32n);
function putU32(b, o, v) {
  b[o] = v & 0xff; b[o + 1] = (v >>> 8) & 0xff; b[o + 2] = (v >>> 16) & 0xff; b[o + 3] = (v >>> 24) & 0xff;
}

// ---------------------------------------------------------------- frames

/** One frame's bytes: SOF, type, seq, length, header CRC, payload, CRC-32. */
export function encodeFrame(type, seq, payload = new Uint8Array(0)) {
  if (payload.length > MAX_PAYLOAD) {
    throw new RangeError(`frame payload length ${payload.length} is outside 0..${MAX_PAYLOAD}`);
  }
  const f = new Uint8Array(7 + payload.length + 4);
  f[0] = SOF; f[1] = type; f[2] = seq & 0xff; f[3] = payload.length & 0xff; f[4] = payload.length >> 8;
  const h = crc16ccitt(f, 0, 5);
  f[5] = h & 0xff; f[6] = h >> 8;
  f.set(payload, 7);
  putU32(f, 7 + payload.length, crc32(f, 0, 7 + payload.length));
  return f;
}

/** docs/PROTOCOL.md 1: a frame the line has been quiet in for this long is dropped. */
export const QUIET_MS = 50;

const KNOWN_TYPES = new Set(Object.values(FrameType));

/**
 * Finds frames in a byte stream: hunts for SOF, checks the header CRC, the type and the length limit
 * before buffering any payload, drops a frame whose CRC-32 is wrong or that the line went quiet in
 * (idle), and then searches the bytes after its SOF again, delivering the frames found there: the
 * Java host's FrameDecoder (patch-runtime) on the same bytes. Memory: one frame buffer.
 */
export class FrameDecoder {
  constructor() {
    this.buf = new Uint8Array(7 + MAX_PAYLOAD + 4);
    this.n = 0;
    this.dropped = 0; // frames dropped: a bad CRC-32, or cut by quiet
    this.lastByteAt = -Infinity;
  }

  /**
   * Feeds bytes; returns the complete good frames they finish, as {type, seq, payload}. With `now`
   * (milliseconds), a frame the line was quiet in for QUIET_MS before these bytes is dropped first.
   */
  push(bytes, now) {
    const out = [];
    if (now !== undefined) {
      if (now - this.lastByteAt >= QUIET_MS) this.idleInto(out);
      this.lastByteAt = now;
    }
    for (const b of bytes) this.pushByte(b, out);
    return out;
  }

  /** True while part of a frame is buffered: quiet would drop it. */
  partial() {
    return this.n > 0;
  }

  /**
   * The line went quiet in a frame (a sender writes a frame in one go): it is dropped, and the
   * frames found in the bytes after its SOF are returned.
   */
  idle() {
    const out = [];
    this.idleInto(out);
    return out;
  }

  idleInto(out) {
    if (this.n > 0) {
      this.dropped++;
      this.resync(out);
    }
  }

  pushByte(b, out) {
    if (this.n === 0 && b !== SOF) return;
    this.buf[this.n++] = b;
    if (this.n === 7) {
      const len = u16(this.buf, 3);
      if (crc16ccitt(this.buf, 0, 5) !== u16(this.buf, 5) || len > MAX_PAYLOAD || !KNOWN_TYPES.has(this.buf[1])) {
        this.resync(out);
      }
      return;
    }
    if (this.n > 7 && this.n === 7 + u16(this.buf, 3) + 4) {
      const len = this.n - 11;
      if (crc32(this.buf, 0, 7 + len) === u32(this.buf, 7 + len)) {
        out.push({ type: this.buf[1], seq: this.buf[2], payload: this.buf.slice(7, 7 + len) });
        this.n = 0;
      } else {
        this.dropped++;
        this.resync(out);
      }
    }
  }

  /** Drops the frame's SOF and searches the bytes after it again: frames found there are delivered. */
  resync(out) {
    const rest = this.buf.slice(1, this.n);
    this.n = 0;
    for (const b of rest) this.pushByte(b, out);
  }
}

// ---------------------------------------------------------------- patch header

export class PatchError extends Error {}

const MAX_SIGNED_31 = 0x7fffffff;

/** docs/FORMAT.md 1: magic, format_version and header_size, the bytes every version starts with. */
const PREFIX_BYTES = 8;

/** docs/FORMAT.md 1.2: the smallest version-3 header (flag SHA_ONLY, every varint one byte). */
export const MIN_COMPACT_HEADER_SIZE = 74;

/** docs/FORMAT.md 1: header_size is 256 in versions 1 and 2 and 74..256 in version 3. */
export const MAX_HEADER_BYTES = 256;

/**
 * Reads the fields a person checks before updating: format version, sizes, firmware version,
 * hardware id. Every length is checked against its documented range; the header CRC must match.
 * Throws PatchError naming the field and its range.
 */
export function parsePatchHeader(bytes) {
  const h = readPatchHeader(bytes);
  checkPatchSize(h, bytes.length);
  return h;
}

/**
 * parsePatchHeader for the first bytes of a patch (at least its header_size, or the whole patch
 * when it is shorter; MAX_HEADER_BYTES always do): every check but the total length, which is
 * patchLength in the result (checkPatchSize compares it with a file's size).
 */
export function readPatchHeader(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new PatchError('not a patch: no bytes');
  if (bytes.length < 4 || bytes[0] !== 0x46 || bytes[1] !== 0x57 || bytes[2] !== 0x44 || bytes[3] !== 0x50) {
    throw new PatchError('not a fwdelta patch: it does not start with "FWDP"');
  }
  // A patch cut off inside its prefix is a fwdelta patch all the same: say so, not "not a patch".
  if (bytes.length < PREFIX_BYTES) {
    throw new PatchError(`patch is ${bytes.length} bytes, shorter than its ${PREFIX_BYTES}-byte prefix`);
  }
  const version = u16(bytes, 4);
  const headerSize = u16(bytes, 6);
  if (version < 1 || version > 3) throw new PatchError(`format_version ${version} is outside 1..3`);
  if (version < 3 && headerSize !== 256) throw new PatchError(`header_size ${headerSize} must be 256 in version ${version}`);
  if (version === 3 && (headerSize < MIN_COMPACT_HEADER_SIZE || headerSize > MAX_HEADER_BYTES)) {
    throw new PatchError(`header_size ${headerSize} is outside ${MIN_COMPACT_HEADER_SIZE}..${MAX_HEADER_BYTES}`);
  }
  if (bytes.length < headerSize) {
    throw new PatchError(`patch is ${bytes.length} bytes, shorter than its header_size ${headerSize}`);
  }
  const h = version < 3 ? parseWide(bytes, version) : parseCompact(bytes, headerSize);
  if (h.payloadLength > MAX_SIGNED_31) throw new PatchError(`payload_length ${h.payloadLength} is outside 0..2^31-1`);
  if (h.oldSize > MAX_SIGNED_31) throw new PatchError(`old_size ${h.oldSize} is outside 0..2^31-1`);
  if (h.newSize > MAX_SIGNED_31) throw new PatchError(`new_size ${h.newSize} is outside 0..2^31-1`);
  return { version, headerSize, patchLength: headerSize + h.payloadLength, ...h };
}

/** "(header_size 256 + payload_length 64)": where a header's patch length comes from. */
export function declaredLength(h) {
  return `${h.patchLength} (header_size ${h.headerSize} + payload_length ${h.payloadLength})`;
}

/** Throws PatchError unless a patch of `size` bytes is as long as its header `h` declares. */
export function checkPatchSize(h, size) {
  if (size !== h.patchLength) throw new PatchError(`patch is ${size} bytes but its header declares ${declaredLength(h)}`);
}

function parseWide(b, version) {
  const crc = u32(b, 172);
  if (crc32(b, 0, 172) !== crc) throw new PatchError('header_crc32 does not match: the header is damaged');
  const payload = u64(b, 32);
  // Checked on the u64 itself: as a Number, a value past 2^53 would be named wrong.
  if (payload > BigInt(MAX_SIGNED_31)) throw new PatchError(`payload_length ${payload} is outside 0..2^31-1`);
  return {
    flags: u32(b, 8),
    signed: (u32(b, 8) & 1) !== 0,
    codec: b[12],
    payloadLength: Number(payload),
    oldSize: u32(b, 40),
    newSize: u32(b, 84),
    firmwareVersion: u64(b, 160),
    hardwareId: u32(b, 168),
    version,
  };
}

function parseCompact(b, headerSize) {
  let at = 8;
  const need = (n, field) => {
    if (at + n > headerSize) throw new PatchError(`${field} runs past header_size ${headerSize}`);
  };
  const byte = (field) => { need(1, field); return b[at++]; };
  const skip = (n, field) => { need(n, field); at += n; };
  const uvarint = (field, maxBytes = 5, max = BigInt(MAX_SIGNED_31)) => {
    let v = 0n;
    for (let i = 0; i < maxBytes; i++) {
      const x = byte(field);
      if (i > 0 && x === 0) throw new PatchError(`${field} is not a shortest-form varint`);
      v |= BigInt(x & 0x7f) << BigInt(7 * i);
      if ((x & 0x80) === 0) {
        if (v > max) throw new PatchError(`${field} ${v} is outside 0..${max}`);
        return v;
      }
    }
    throw new PatchError(`${field} is longer than ${maxBytes} varint bytes`);
  };
  const flags = byte('flags');
  const codec = byte('codec_id');
  byte('codec_props');
  uvarint('map_count');
  uvarint('map_bytes');
  uvarint('codec_window');
  uvarint('decoder_ram');
  uvarint('max_block_raw');
  uvarint('block_count');
  const payloadLength = Number(uvarint('payload_length'));
  // flag SHA_ONLY (bit 4): no image CRC-32s, and only the first 16 bytes of the old image's SHA-256
  const shaOnly = (flags & 16) !== 0;
  const oldSize = Number(uvarint('old_size'));
  skip(shaOnly ? 16 : 4 + 32, 'old_crc32/old_sha256');
  const newSize = Number(uvarint('new_size'));
  skip(shaOnly ? 32 : 4 + 32, 'new_crc32/new_sha256');
  const firmwareVersion = uvarint('firmware_version', 9, (1n << 63n) - 1n);
  const hardwareId = Number(uvarint('hardware_id', 5, 0xffffffffn));
  let loadAddress = null;
  if (flags & 8) {
    need(4, 'load_address');
    loadAddress = u32(b, at);
    at += 4;
  }
  if (flags & 1) skip(32, 'payload_sha256');
  const crcAt = at;
  need(4, 'header_crc32');
  if (crc32(b, 0, crcAt) !== u32(b, crcAt)) throw new PatchError('header_crc32 does not match: the header is damaged');
  return {
    flags, signed: (flags & 1) !== 0, codec, payloadLength, oldSize, newSize, firmwareVersion, hardwareId,
    loadAddress,
  };
}

// ---------------------------------------------------------------- device answers in words

/** Patch error codes of docs/FORMAT.md section 5: name and what it means for the person updating. */
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
 * Thrown when the device does not answer (wrong port, board not in update mode, cable pulled), or
 * answers without the transfer getting further (docs/PROTOCOL.md, "Reconnects").
 */
export class NoAnswerError extends Error {}

/**
 * No fwdelta update agent answered the first HELLOs of an update: nothing answered, an STM32 ROM
 * bootloader did, or something else did (the wrong port, a console). Nothing is sent again.
 */
export class NoAgentError extends NoAnswerError {}

/** The AN3155 sync byte: an STM32 ROM bootloader answers it (0x79 or 0x1F), an fwdelta device skips it. */
export const AN3155_SYNC = 0x7f;
const AN3155_ANSWERS = [0x79, 0x1f];
/** Bytes a ByteChannel keeps of what it received first: enough to tell what answered. */
export const FIRST_BYTES = 64;

export { DeviceProtocolError };

/**
 * Thrown when the port does not take a frame within what its buffers and the frame need at the
 * line's rate (writeLimitMs): the device stopped reading, as a hung USB CDC-ACM device does, and
 * the write would otherwise wait for ever. The Java host's SerialLink ends `fwdelta send` alike.
 */
export class WriteStalledError extends Error {}

/** The bytes a port and the USB-serial bridge behind it may buffer before a write waits. */
export const MAX_BUFFERED_BYTES = 64 * 1024;
/** The least wait for a write to be taken, whatever the line's rate. */
export const MIN_WRITE_STALL_MS = 5000;

/** How long a write of `length` bytes may wait to be taken at `baud`: the Java host's SerialLink.writeLimitMs. */
export function writeLimitMs(length, baud) {
  return Math.max(MIN_WRITE_STALL_MS, Math.floor(((MAX_BUFFERED_BYTES + length) * 10 * 1000) / baud));
}

/**
 * RESULT's status and message, read as the Java host's refused(f) reads them: a payload too short
 * for its u16 status is 0xFFFF (other failure), with no message.
 */
function readResult(f) {
  if (f.payload.length < 2) return { status: 0xffff, message: '' };
  return { status: u16(f.payload, 0), message: new TextDecoder().decode(f.payload.subarray(2)) };
}

/** The device's `field` value, checked against min..max (what `limit` names): the Java host's words. */
function checkedOffset(field, value, min, max, limit) {
  if (value < min || value > max) {
    throw new DeviceProtocolError(`the device answered ${field} ${value}, outside the allowed ${min}..${max} (${limit})`);
  }
  return value;
}

/**
 * The link or the device's transfer is lost: no answer for as long as the page waits (to HELLO,
 * BEGIN, DATA or DONE), or an answer below the acknowledged offset that is no NAK 3 (the device was
 * reset and answers a broken frame with its checkpoint, or the NAK 3 of a restart was lost). The
 * session begins again, a reconnect, whatever the cause: the Java host's LinkLostException. Never
 * seen outside sendPatch.
 */
class LinkLost extends Error {}

/** The device runs the patch's firmware when the page comes back after a lost answer to DONE. */
class FoundInstalled extends Error {}

const FRAME_NAMES = Object.fromEntries(Object.entries(FrameType).map(([name, type]) => [type, name]));

/** A NAK 2 or 4: the device got the frame broken or cut (UartChannel.brokenFrame). */
function brokenFrame(f) {
  return f !== null && f.type === FrameType.NAK && f.payload.length >= 5
    && (f.payload[4] === NakReason.CORRUPT || f.payload[4] === NakReason.CUT);
}

export const AGENT_STATES = ['idle', 'receiving', 'staged', 'failed'];

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

// ---------------------------------------------------------------- byte channel

/**
 * Bytes from a serial port, pushed by whatever reads it (WebSerial reader loop, serialport 'data'
 * events), read as frames with a timeout. write() is the port's writer.
 */
export class ByteChannel {
  /** clock: {now, setTimeout, clearTimeout} for the 50 ms quiet rule and the waits (tests move their own). */
  constructor(write, clock = {}) {
    this.write = write;
    this.decoder = new FrameDecoder();
    this.frames = [];
    this.waiter = null;
    this.closed = false;
    this.now = clock.now ?? (() => globalThis.performance.now());
    this.timers = clock.setTimeout ? clock : globalThis;
    this.quietTimer = null;
    this.firstBytes = []; // what came first, up to FIRST_BYTES: what answered, when no frame did
    this.bytesRead = 0;
  }

  push(bytes) {
    this.bytesRead += bytes.length;
    for (let i = 0; i < bytes.length && this.firstBytes.length < FIRST_BYTES; i++) this.firstBytes.push(bytes[i]);
    for (const f of this.decoder.push(bytes, this.now())) this.frames.push(f);
    this.watchQuiet();
    this.wake();
  }

  /**
   * While part of a frame is buffered, a timer looks again QUIET_MS after the last byte: if no byte
   * came since, the frame is dropped and what was buffered after its SOF is searched again.
   */
  watchQuiet() {
    if (this.quietTimer !== null || !this.decoder.partial() || this.closed) return;
    const wait = Math.max(0, this.decoder.lastByteAt + QUIET_MS - this.now());
    this.quietTimer = this.timers.setTimeout(() => {
      this.quietTimer = null;
      if (this.decoder.partial() && this.now() - this.decoder.lastByteAt >= QUIET_MS) {
        for (const f of this.decoder.idle()) this.frames.push(f);
        this.wake();
      }
      this.watchQuiet();
    }, wait);
  }

  close() {
    this.closed = true;
    if (this.quietTimer !== null) this.timers.clearTimeout(this.quietTimer);
    this.quietTimer = null;
    this.wake();
  }

  wake() {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w();
    }
  }

  /** The next frame already received, or null: no wait. */
  pollFrame() {
    return this.frames.length ? this.frames.shift() : null;
  }

  /** The next frame, or null after timeoutMs with none (or when the channel is closed). */
  async nextFrame(timeoutMs, timers = this.timers) {
    if (this.frames.length) return this.frames.shift();
    if (this.closed) return null;
    await new Promise((resolve) => {
      const t = timers.setTimeout(() => { this.waiter = null; resolve(); }, timeoutMs);
      this.waiter = () => { timers.clearTimeout(t); resolve(); };
    });
    return this.frames.length ? this.frames.shift() : null;
  }
}

// ---------------------------------------------------------------- host session

/**
 * Sends a patch to a device's update agent: HELLO/INFO, BEGIN/READY (the device's resume offset),
 * DATA, DONE/RESULT. HELLO offers selective repeat; with a device whose INFO confirms it, lost
 * frames alone are sent again (Scoreboard, frame size from the error rate); with any other device,
 * or with options.goBackN, DATA goes with a window of 8 frames and go-back-N, as a version-1 host
 * (every answer already received read before the next frame is chosen). A NAK with reason 3
 * (restarted) below the acknowledged offset moves it down; one at or above it is taken as any NAK.
 * The device's offsets are checked (docs/PROTOCOL.md, "Offsets the host checks"): READY within
 * header_size..the patch length, an ACK, NAK or SACK (and a SACK's held range) within 0..the patch
 * bytes sent in this session, a NAK answering DONE within 0..the patch length, else
 * DeviceProtocolError. Any other answer below the acknowledged offset means the device lost the
 * transfer.
 *
 * Reconnects (docs/PROTOCOL.md, "Reconnects"; the Java host's HostSession): the link is lost when
 * HELLO or BEGIN draws no answer, after three answer timeouts with no answer to DATA, when DONE goes
 * unanswered for as long as the Java host's UartChannel.done allows (donePhase), and when the
 * device lost the transfer; the session then begins again (HELLO, BEGIN), a reconnect. A NAK
 * saying the line broke HELLO or BEGIN draws it again at once (MAX_NAK_RESENDS a session), and a
 * READY too short for its offset draws BEGIN again (MAX_BEGIN_ATTEMPTS within the timeout); a
 * device that answered them, or every DONE, but never with INFO, READY or RESULT, is named so, in
 * the Java host's words (UartChannel), not as one that stopped answering. A NAK 3
 * below the acknowledged offset, or a NAK below the patch length answering DONE, is a restart.
 * Lost links and restarts count against one limit, maxReconnects, the count starting again
 * whenever the acknowledged offset passes its highest (ProgressGuard): the one past it ends the
 * update with NoAnswerError, its words and "(gave up after N reconnects)" (or "N restarts", or
 * both). So does a device that answers without the acknowledged offset growing for
 * maxFramesWithoutProgress DATA frames.
 *
 * options: baud (for the timeout), onInfo(info), onProgress({acked, total, startedAt}), signal
 * (an AbortSignal-like {aborted}), maxReconnects (MAX_RECONNECTS unless given),
 * maxFramesWithoutProgress (MAX_FRAMES_WITHOUT_PROGRESS unless given), goBackN, writeLimitMs (how
 * long a frame's write may wait to be taken before WriteStalledError ends the update; writeLimitMs()
 * of the frame's length and baud unless given). Times are read, and waits timed, on the channel's
 * clock (ByteChannel's clock option).
 * Returns {startedAt, patchBytes, retransmittedBytes, retransmittedFrames, dataFrames, naks, sacks,
 * timeouts, selectiveRepeat, reconnects, restarts, info, message, installed, fillerBytes}: installed when the
 * device's answer to DONE was lost and, the page back, it ran the patch's firmware (its refusal
 * then says so, the update done); naks and sacks are the NAK and
 * SACK frames that answered DATA, timeouts the waits for an answer to DATA that ended with none
 * (each sends a frame or a window again). With none of them and no reconnect, nothing was sent
 * twice (fwdelta send's `naks`, `sacks`, `timeouts`). fillerBytes: the FILLER bytes sent before waits.
 */
export async function sendPatch(channel, patch, options = {}) {
  const header = parsePatchHeader(patch); // nothing is sent for a file that is not a patch
  const baud = options.baud ?? 115200;
  const windowBytes = WINDOW_FRAMES * (DATA_CHUNK + 15);
  const timeoutMs = options.timeoutMs ?? 500 + Math.ceil((windowBytes * 10 * 1000) / baud);
  // No answer to DATA for three answer timeouts loses the link in the data phase, whatever the round trip.
  const silenceMs = 3 * timeoutMs;
  const maxReconnects = options.maxReconnects ?? MAX_RECONNECTS;
  const guard = new ProgressGuard(maxReconnects, options.maxFramesWithoutProgress ?? MAX_FRAMES_WITHOUT_PROGRESS,
    (message) => new NoAnswerError(message));
  const total = patch.length;
  let seq = 0;
  const stats = {
    startedAt: -1, patchBytes: total, retransmittedBytes: 0, retransmittedFrames: 0, dataFrames: 0, naks: 0, sacks: 0,
    timeouts: 0, selectiveRepeat: false, reconnects: 0, restarts: 0, info: null, installed: false, fillerBytes: 0,
  };
  const hello = options.goBackN ? Uint8Array.of(PROTOCOL_VERSION) : Uint8Array.of(PROTOCOL_VERSION, CAP_SELECTIVE_REPEAT);
  // Every time is read, and every wait timed, on the channel's clock: a test's clock moves them all.
  const now = () => channel.now();
  const rtt = new RoundTrip();
  const sizer = new FrameSizer(DATA_CHUNK);
  const board = new Scoreboard(sizer, rtt, now);
  const writeBytes = async (bytes) => {
    const limitMs = options.writeLimitMs ?? writeLimitMs(bytes.length, baud);
    let timer;
    const stalled = new Promise((resolve, reject) => {
      timer = channel.timers.setTimeout(() => reject(new WriteStalledError(`the device stopped taking data: a write of `
        + `${bytes.length} bytes was not taken in ${(limitMs / 1000).toFixed(1)} s`)), limitMs);
    });
    try {
      await Promise.race([channel.write(bytes), stalled]);
    } finally {
      channel.timers.clearTimeout(timer);
    }
  };
  // Whether a FILLER followed the last frame written: one is enough to complete it.
  let filled = false;
  const send = (type, payload) => {
    filled = false;
    return writeBytes(encodeFrame(type, seq++, payload));
  };
  /**
   * One FILLER after the last frame before a wait (docs/PROTOCOL.md, "A filler byte before a
   * wait"; UartChannel.fill): a frame that lost a byte on the line is completed by it and draws
   * NAK 2 at once, not the device's 50 ms of quiet or the page's timeout.
   */
  const fill = async () => {
    if (filled) return;
    filled = true;
    stats.fillerBytes++;
    await writeBytes(Uint8Array.of(FILLER));
  };
  const checkAbort = () => {
    if (options.signal?.aborted) throw new Error('the update was stopped');
  };
  const progress = (acked) => options.onProgress?.({ acked, total, startedAt: stats.startedAt });
  /** The end of the patch bytes written in this session (from READY's offset on): no answer is past it. */
  let sentEnd = 0;
  const answered = (field, value) => checkedOffset(field, value, 0, sentEnd, 'the patch bytes sent in this session');

  const stoppedAnswering = () => new LinkLost('the device stopped answering');
  // Frames read in the data phase since the last answer to DATA, and their type (null when of
  // several): a lost link then says what the device sent instead, as UartChannel's does.
  let othersSinceAnswer = 0;
  let otherType = null;
  const noteOther = (f) => {
    otherType = othersSinceAnswer++ === 0 || otherType === f.type ? f.type : null;
  };
  const noteAnswer = () => {
    othersSinceAnswer = 0;
  };
  /** ", sending 12 INFO frames instead": what came since the last awaited answer, or '' if nothing did. */
  const sentInstead = () => (othersSinceAnswer === 0 ? ''
    : `, sending ${othersSinceAnswer} ${otherType !== null ? `${FRAME_NAMES[otherType] ?? `type 0x${otherType.toString(16)}`} frames`
      : 'frames of other types'} instead`);
  const stoppedAnsweringData = () => (othersSinceAnswer === 0 ? stoppedAnswering()
    : new LinkLost(`the device stopped answering DATA frames${sentInstead()}`));
  /**
   * The done phase given up on after `sent` DONE frames (UartChannel.done's words): answered by
   * NAKs at the patch length only (`broken` of them), or by nothing that answers DONE.
   */
  const doneGivenUp = (sent, broken) => new LinkLost(broken === 0
    ? `the device stopped answering DONE frames (${sent} sent in this done phase)${sentInstead()}`
    : `the device answered ${broken} of ${sent} DONE frames with a NAK at the patch length (DONE broken on the line) `
      + 'and none with RESULT');

  // Frames read in this session's HELLO or BEGIN wait, and the last of them: a device that
  // answered, but never with INFO or READY, is named by what it sent (UartChannel.unanswered).
  let handshakeAnswers = 0;
  let lastHandshakeAnswer = null;
  const unanswered = (sent, awaited) => (handshakeAnswers === 0 ? stoppedAnswering()
    : new LinkLost(`the device answered ${sent} with ${handshakeAnswers} frames, none ${awaited} (the last a `
      + `${FRAME_NAMES[lastHandshakeAnswer.type]} of ${lastHandshakeAnswer.payload.length} bytes)`));

  /**
   * HELLO and its INFO, as the Java host's UartChannel.hello: HELLO_ATTEMPTS HELLOs share the
   * timeout, each waiting its share for INFO, and the second is followed by the AN3155 sync byte
   * while no INFO has come in this update. A NAK saying the line broke HELLO draws another at once,
   * MAX_NAK_RESENDS times at most, the attempt not counted. No INFO: the link is lost, begun again
   * whatever came instead (stale frames of this protocol, as a board left mid-session by an
   * earlier page sends, are an fwdelta device's, which a later HELLO gets INFO from); but when no
   * INFO has come in this update and no frame at all answered, nothing that speaks the protocol is
   * on this port, and the update ends at once (NoAgentError), as the Java host's does
   * (docs/PROTOCOL.md, "Handshake failures").
   */
  async function helloAndInfo() {
    handshakeAnswers = 0;
    const each = timeoutMs / HELLO_ATTEMPTS;
    let nakResends = 0;
    for (let attempt = 0; attempt < HELLO_ATTEMPTS; attempt++) {
      checkAbort();
      const helloAt = now();
      await send(FrameType.HELLO, hello);
      if (attempt === 1 && stats.info === null) {
        // An STM32 ROM bootloader answers only once it has this byte; an fwdelta device skips it
        // as garbage before a SOF.
        await writeBytes(Uint8Array.of(AN3155_SYNC));
      }
      // A RESULT before this HELLO's INFO answers an earlier session's BEGIN (docs/PROTOCOL.md):
      // a device answers HELLO with INFO only. It is skipped, not taken as this session's.
      const f = await expect(FrameType.INFO, false, now() + each);
      if (brokenFrame(f) && nakResends++ < MAX_NAK_RESENDS) {
        attempt--; // the device said the HELLO broke: again at once
      } else if (f?.type === FrameType.INFO) {
        rtt.sample(now() - helloAt);
        return f;
      }
    }
    throw (stats.info === null && firstContactError()) || unanswered('HELLO', 'an INFO');
  }

  /**
   * Why the first HELLOs of an update drew no frame at all, in the user's words (UartChannel's
   * silentOrForeign): nothing answered, an AN3155 bootloader did, or other data came. Null when
   * frames of this protocol came (stale answers of an earlier page, a device busy with them): that
   * is an fwdelta device, and the link is lost as any other, to be begun again.
   */
  function firstContactError() {
    for (let f = channel.pollFrame(); f; f = channel.pollFrame()) {
      // frames that came after the last wait: the port speaks the protocol, late
      handshakeAnswers++;
      lastHandshakeAnswer = f;
    }
    if (handshakeAnswers > 0) return null;
    const heard = channel.firstBytes ?? [];
    const tried = `${HELLO_ATTEMPTS} HELLO frames in ${(timeoutMs / 1000).toFixed(1)} s`;
    if (heard.length === 0) {
      return new NoAgentError(`nothing answered (${tried}): is the board powered, its update agent running, `
        + `and the line at ${baud} baud?`);
    }
    if (heard.every((b) => AN3155_ANSWERS.includes(b))) {
      return new NoAgentError('an STM32 ROM bootloader (AN3155) answers, not an fwdelta update agent: '
        + 'write a whole image with `fwdelta stm32 flash`');
    }
    return new NoAgentError(`the port answers, but not the fwdelta protocol (${channel.bytesRead} bytes of other `
      + `data after ${tried})`);
  }

  /** HELLO, then BEGIN: the offset the device wants the patch from. No INFO or READY: the link is lost. */
  async function begin() {
    const info = await helloAndInfo();
    stats.info = parseInfo(info.payload);
    // The device decides from this HELLO, the host from its INFO: both bits set.
    stats.selectiveRepeat = !options.goBackN && stats.info.selectiveRepeat && stats.info.holdBytes >= MIN_PAYLOAD;
    options.onInfo?.(stats.info);
    const b = new Uint8Array(4 + header.headerSize);
    putU32(b, 0, total);
    b.set(patch.subarray(0, header.headerSize), 4);
    let ready;
    try {
      ready = await beginAndReady(b);
    } catch (e) {
      // After a DONE whose RESULT was lost, a device that staged the patch may have installed it
      // and rebooted: it refuses the patch (ROLLBACK) as it runs that firmware. The update is
      // done, not refused (the Java host's HostSession alike).
      if (e instanceof DeviceRefusedError && doneSent && stats.info.installedVersion === header.firmwareVersion
        && stats.info.hardwareId === header.hardwareId) throw new FoundInstalled();
      throw e;
    }
    if (!ready) throw unanswered('BEGIN', 'a READY with its offset');
    const offset = checkedOffset('READY offset', u32(ready.payload, 0), header.headerSize, total,
      'header_size..the patch length');
    sentEnd = offset;
    return offset;
  }

  /**
   * The next frame of `type`, or a NAK saying the line broke the frame waited on (NAK 2 or 4),
   * within timeoutMs, skipping other frames; RESULT with an error throws when refusals are ours.
   * Every frame read counts as a handshake answer. One deadline for the whole wait: a frame
   * skipped does not start it again, else a device babbling other frames would keep the page
   * waiting for ever.
   */
  async function expect(type, refusalsAreOurs = true, deadline = now() + timeoutMs) {
    for (let f = await nextFrameBefore(deadline); f; f = await nextFrameBefore(deadline)) {
      handshakeAnswers++;
      lastHandshakeAnswer = f;
      if (f.type === type || brokenFrame(f)) return f;
      if (f.type === FrameType.RESULT && refusalsAreOurs) throwResult(f);
    }
    return null;
  }

  /**
   * Sends BEGIN (payload `b`) and returns the READY answering it, or null. A NAK saying the line
   * broke BEGIN draws another at once, MAX_NAK_RESENDS times at most; after those, each NAK ends an
   * attempt, as a READY too short for its u32 offset does: BEGIN goes again, as the Java host's
   * UartChannel.begin does, at most MAX_BEGIN_ATTEMPTS times and all within one timeoutMs.
   */
  async function beginAndReady(b) {
    const deadline = now() + timeoutMs;
    handshakeAnswers = 0;
    let nakResends = 0;
    for (let attempt = 0; attempt < MAX_BEGIN_ATTEMPTS; attempt++) {
      await send(FrameType.BEGIN, b);
      await fill();
      const f = await expect(FrameType.READY, true, deadline);
      if (!f) return null;
      if (brokenFrame(f) && nakResends++ < MAX_NAK_RESENDS) {
        attempt--; // the device said BEGIN broke: again at once
      } else if (f.type === FrameType.READY && f.payload.length >= READY_PAYLOAD_BYTES) {
        return f;
      }
    }
    return null;
  }

  /** The next frame if one comes before `deadline` (on the channel's clock), else null. */
  async function nextFrameBefore(deadline) {
    const left = deadline - now();
    return left > 0 ? channel.nextFrame(left) : channel.pollFrame();
  }

  /** RESULT's device message when its status is 0 (staged); any other status throws the refusal. */
  function throwResult(f) {
    const r = readResult(f);
    if (r.status !== 0) throw new DeviceRefusedError(r.status, r.message);
    return r.message;
  }

  /**
   * A RESULT in the data phase refuses the update whatever its status, as the Java host's
   * handleGoBackN and handleSelective: even 0 (staged) cannot be true before every byte was sent.
   */
  function refusedInDataPhase(f) {
    const r = readResult(f);
    return new DeviceRefusedError(r.status, r.message);
  }

  let acked = 0;
  let next = 0;
  let gapAt = -1;
  let doneSent = false;
  // Go-back-N: answers owed for the DATA frames written (the device answers each, in order), and
  // how many of them answer frames written before the last go-back: a NAK at its offset among
  // those is old news; one after them says a frame sent again was lost too.
  let owed = 0;
  let staleAnswers = 0;
  let lastWrite = now();
  let lastHeard = now();
  let sentUpTo = 0; // go-back-N: DATA below this offset is sent again
  // Go-back-N: the DATA frames written and not yet acknowledged, in order ({end, writtenAt, again}),
  // for the round trip.
  let inFlight = [];

  async function sendData(start, end) {
    guard.beforeData(stats.dataFrames);
    const p = new Uint8Array(4 + end - start);
    putU32(p, 0, start);
    p.set(patch.subarray(start, end), 4);
    await send(FrameType.DATA, p);
    stats.dataFrames++;
    sentEnd = Math.max(sentEnd, end);
    lastWrite = now();
  }

  /** A session begins (HELLO, BEGIN): READY says where to go on. */
  async function beginSession() {
    acked = await begin();
    guard.acknowledged(acked, stats.dataFrames);
    next = acked;
    gapAt = -1;
    owed = 0;
    staleAnswers = 0;
    inFlight = [];
    board.clear();
    lastHeard = now();
    noteAnswer();
    if (stats.startedAt < 0) {
      stats.startedAt = acked;
      sentUpTo = acked;
      progress(acked);
    }
  }

  /** An answer below the acknowledged offset that is no restart: the device no longer holds the transfer. */
  function wentBackError(f, off) {
    return new LinkLost(`the device went back: ${FRAME_NAMES[f.type]} offset ${off} is below the acknowledged `
      + `${acked} (it lost the transfer)`);
  }

  /** Selective repeat: a lost frame again, else a new frame if the window allows, else an answer. */
  async function selectiveStep() {
    const frame = sizer.payload();
    const lost = board.firstLost(frame);
    if (lost) {
      stats.retransmittedBytes += lost.end - lost.start;
      stats.retransmittedFrames++;
      await sendData(lost.start, lost.end);
      board.wroteAgain(lost);
      drainSelective();
      return;
    }
    const n = Math.min(frame, total - next);
    // The window counts the bytes still on the line; the ring bounds how far past the
    // acknowledged offset the host goes, but never below the window (a clean line stays busy).
    const onLine = Math.floor((rtt.upperMs() / 1000) * (baud / 10));
    const window = Math.min(MAX_WINDOW_BYTES, Math.max(2 * frame, onLine + frame));
    const reach = Math.max(stats.info.holdBytes, window);
    if (next < total && board.unaccountedBytes() < window && (next === acked || next + n - acked <= reach)) {
      await sendData(next, next + n);
      board.wrote(next, next + n);
      next += n;
      drainSelective();
      return;
    }
    if (next >= total) await fill(); // the whole patch is on the line: complete a last frame that lost a byte
    const f = await channel.nextFrame(Math.max(1, probeMs() - (now() - lastWrite)));
    if (f) {
      handleSelective(f);
      return;
    }
    if (now() - lastHeard >= silenceMs) throw stoppedAnsweringData();
    stats.timeouts++;
    board.timedOut(); // the first frame not held is sent again
  }

  /**
   * How long the host waits after its last frame before it sends one again, with nothing else to
   * send: two round trips, at least MIN_PROBE_MS (UartChannel.probeMs).
   */
  function probeMs() {
    return Math.max(MIN_PROBE_MS, Math.round(2 * rtt.upperMs()));
  }

  function drainSelective() {
    for (let f = channel.pollFrame(); f; f = channel.pollFrame()) handleSelective(f);
  }

  /** ACK, SACK or NAK under selective repeat: the scoreboard learns what arrived and what is lost. */
  function handleSelective(f) {
    if (f.type === FrameType.RESULT) throw refusedInDataPhase(f);
    // Only an answer to DATA puts the lost link off: a device babbling stale INFO or READY frames
    // would otherwise keep the page probing up to its bound of data frames (Java: UartChannel).
    if (f.payload.length < 4 || ![FrameType.ACK, FrameType.NAK, FrameType.SACK].includes(f.type)) {
      noteOther(f);
      return;
    }
    lastHeard = now();
    noteAnswer();
    const off = answered(`${FRAME_NAMES[f.type]} offset`, u32(f.payload, 0));
    let held = null;
    if (f.type === FrameType.SACK) {
      ({ held } = parseSack(f.payload, sentEnd));
      stats.sacks++;
    }
    const notKept = f.type === FrameType.SACK && f.payload.length >= 12 && held === null;
    if (f.type === FrameType.NAK) stats.naks++;
    const reason = f.type === FrameType.NAK && f.payload.length >= 5 ? f.payload[4] : -1;
    if (reason === NakReason.RESTARTED && off < acked) {
      stats.restarts++; // the device dropped what it had: its offset is lower than what was acknowledged
      guard.restarted(off);
      acked = off;
      next = off;
      board.clear();
      progress(acked);
      return;
    }
    // Before the line error is counted: a reset device's NAK 2 says nothing of the line.
    if (off < acked) throw wentBackError(f, off);
    if (reason === NakReason.CORRUPT || reason === NakReason.CUT) board.brokeNextAfterArrived(reason === NakReason.CORRUPT);
    if (notKept) board.notKept();
    board.answer(off, held);
    if (off > acked) {
      acked = off;
      progress(acked);
    }
    if (next < acked) next = acked;
  }

  /**
   * Go-back-N, as the Java host (UartChannel.send): every answer already received is read first,
   * then one frame if the window has room (and the answers it drew at once), else a wait for one
   * answer (or a timeout: from the acknowledged offset again). Reading one answer per frame sent
   * would leave the page a window of answers behind the device: it would learn of a broken frame
   * only after sending the frames behind it, each to be sent again.
   */
  async function goBackNStep() {
    drainGoBackN();
    if (acked >= total) return;
    if (next < total && next - acked < WINDOW_FRAMES * DATA_CHUNK) {
      const n = Math.min(DATA_CHUNK, total - next);
      if (next < sentUpTo) {
        stats.retransmittedFrames++;
        stats.retransmittedBytes += n;
      }
      await sendData(next, next + n);
      inFlight.push({ end: next + n, writtenAt: lastWrite, again: next < sentUpTo });
      owed++;
      next += n;
      sentUpTo = Math.max(sentUpTo, next);
      drainGoBackN();
      return;
    }
    if (next >= total) await fill(); // the whole patch is on the line: complete a last frame that lost a byte
    // The retransmission timeout from the round trip, measured from the last write, as the Java
    // host's UartChannel.send: frames that answer nothing written (a stale INFO) must not put it
    // off. The wait ends no later than the lost link, whose silence does not follow the round trip.
    const lostAt = lastHeard + silenceMs;
    const f = await nextFrameBefore(Math.min(lastWrite + rtt.timeoutMs(), lostAt));
    if (!f) {
      if (now() >= lostAt) throw stoppedAnsweringData();
      stats.timeouts++;
      next = acked;
      gapAt = -1;
      owed = 0; // the answers given up on
      staleAnswers = 0;
      inFlight = [];
      return;
    }
    handleGoBackN(f);
  }

  function drainGoBackN() {
    for (let f = channel.pollFrame(); f; f = channel.pollFrame()) handleGoBackN(f);
  }

  /**
   * ACK or NAK under go-back-N: the acknowledged offset moves on, or the page goes back, once per
   * gap: a NAK at the offset it went back to is ignored while it answers a frame written before
   * the go-back, and sends it back again once it answers one written after (counted, not timed).
   */
  function handleGoBackN(f) {
    if (f.type === FrameType.RESULT) throw refusedInDataPhase(f);
    if (f.type !== FrameType.ACK && f.type !== FrameType.NAK) {
      noteOther(f);
      return;
    }
    lastHeard = now();
    noteAnswer();
    const stale = staleAnswers > 0;
    if (stale) staleAnswers--;
    if (owed > 0) owed--;
    if (f.type === FrameType.ACK && f.payload.length >= 4) {
      const off = answered('ACK offset', u32(f.payload, 0));
      if (off < acked) throw wentBackError(f, off);
      if (off > acked) {
        covered(off);
        acked = off;
        if (next < acked) next = acked;
        progress(acked);
      }
      if (acked >= next) {
        owed = 0; // every frame written is applied: no answer is owed (one was lost on the line)
        staleAnswers = 0;
      }
    } else if (f.type === FrameType.NAK && f.payload.length >= 4) {
      // A NAK without its reason byte is still a NAK at its offset (the Java host's reading).
      stats.naks++;
      const off = answered('NAK offset', u32(f.payload, 0));
      const reason = f.payload.length >= 5 ? f.payload[4] : -1;
      if (reason === NakReason.RESTARTED && off < acked) {
        // The device dropped what it had: its offset is lower than what was acknowledged. One at
        // or above it takes nothing back and is taken as any NAK, no restart (the Java host's rule).
        stats.restarts++;
        guard.restarted(off);
        goBackTo(off);
      } else if (off < acked) {
        throw wentBackError(f, off);
      } else if (off !== gapAt || !stale) {
        if (off > acked) covered(off);
        boundOwed(off, reason === NakReason.GAP || reason === -1);
        goBackTo(off);
      }
    }
  }

  /**
   * Before a go-back on a NAK at `off`: no more answers are owed than frames were written after the
   * one that NAK answers (the device answers in order). Counted from every frame written, the owed
   * count keeps a frame that drew no answer (its header broke, or its answer was lost) and would
   * take the NAK to a frame written after the go-back for an old one. The frames since the last
   * go-back are DATA_CHUNK apart from a frame boundary, so those from `off` on are counted by
   * offset; the NAK answers the one at `off` at the earliest (NAK 2 or 4: it broke), or the one
   * after it (`pastTheGap`: NAK 1, or no reason), as UartChannel.boundOwed.
   */
  function boundOwed(off, pastTheGap) {
    const fromOff = Math.ceil((next - off) / DATA_CHUNK);
    owed = Math.min(owed, Math.max(0, fromOff - 1 - (pastTheGap ? 1 : 0)));
  }

  /**
   * Go-back-N: the frames in flight up to `off` arrived. The one ending there is the frame the
   * answer is for: its round trip is sampled if it was sent once (Karn's rule: an answer to a frame
   * sent again may be the first one's), as UartChannel.acknowledged does.
   */
  function covered(off) {
    let last = null;
    while (inFlight.length > 0 && inFlight[0].end <= off) last = inFlight.shift();
    if (last !== null && last.end === off && !last.again) rtt.sample(now() - last.writtenAt);
  }

  /** Go-back-N: from `off` again; the answers still owed are for frames written before this. */
  function goBackTo(off) {
    inFlight = inFlight.filter((s) => s.end <= off);
    gapAt = off;
    acked = off;
    next = off;
    staleAnswers = owed;
    progress(acked);
  }

  /** One session's data and done phases: the stats once the device staged the patch. */
  async function transfer() {
    do {
      // Data phase: keep the window full until every byte is acknowledged.
      while (acked < total) {
        checkAbort();
        guard.acknowledged(acked, stats.dataFrames);
        if (stats.selectiveRepeat) await selectiveStep();
        else await goBackNStep();
      }
    } while (!(await donePhase()));
    return stats;
  }

  /**
   * Done phase, paced as the Java host's UartChannel.done: true once the device staged the patch
   * (RESULT 0), false when a NAK below the patch length sends the page back to the data phase (a
   * restart). A DONE whose header the line broke draws no answer at all, so DONE is sent again after
   * two round trips, then 1.5 times longer each time up to MAX_DONE_WAIT_MS; a device still
   * verifying the staged image answers the later DONEs alike afterwards, so an early one costs its
   * bytes, not the update. The link is lost when a wait ends MIN_DONE_PATIENCE_MS (or three timeouts,
   * if longer) after the last answer to DONE, or after MAX_DONE_ATTEMPTS DONE frames. Only an answer
   * to DONE (RESULT, or a NAK of it) is one: other frames (a stale ACK, INFO) are counted for the
   * words and put nothing off, else a device babbling them would keep the page sending DONE.
   */
  async function donePhase() {
    const d = new Uint8Array(4);
    putU32(d, 0, total);
    const patience = Math.max(MIN_DONE_PATIENCE_MS, 3 * timeoutMs);
    let wait = probeMs();
    let heard = now();
    let broken = 0; // DONE frames answered with a NAK at the patch length: the give-up names them
    noteAnswer(); // frames that answer no DONE are counted from here
    for (let sent = 1; ; sent++) {
      checkAbort();
      doneSent = true;
      await send(FrameType.DONE, d);
      await fill();
      const f = await answerToDone(now() + wait);
      if (f?.type === FrameType.RESULT) {
        stats.message = printable(throwResult(f));
        progress(total);
        return true;
      }
      if (f) {
        heard = now();
        noteAnswer();
        const off = f.payload.length >= 4
          ? checkedOffset('NAK offset (answering DONE)', u32(f.payload, 0), 0, total, 'the patch length') : total;
        if (off < total) {
          restartAt(off);
          return false;
        }
        broken++; // the line broke DONE itself (a NAK without its offset too, as UartChannel.done counts it): again at once
      }
      if (sent === MAX_DONE_ATTEMPTS || now() - heard >= patience) throw doneGivenUp(sent, broken);
      wait = Math.min(MAX_DONE_WAIT_MS, Math.floor((wait * 3) / 2));
    }
  }

  /** RESULT or NAK, the answers to DONE, if one comes before `deadline`; other frames are noted, and skipped. */
  async function answerToDone(deadline) {
    for (let f = await nextFrameBefore(deadline); f; f = await nextFrameBefore(deadline)) {
      if (f.type === FrameType.RESULT || f.type === FrameType.NAK) return f;
      noteOther(f);
    }
    return null;
  }

  /** A NAK answering DONE below the patch length: not all applied, or restarted, a restart either way (the Java host counts it so). */
  function restartAt(off) {
    stats.restarts++;
    guard.restarted(off);
    acked = off;
    next = off;
    gapAt = -1;
    owed = 0; // DONE came after every DATA frame was answered
    staleAnswers = 0;
    inFlight = [];
  }

  // Every lost link counts, whatever lost it, against the guard's limit.
  for (;;) {
    try {
      await beginSession();
      return await transfer();
    } catch (e) {
      if (e instanceof FoundInstalled) {
        stats.installed = true;
        stats.message = `installed: the device runs firmware version ${header.firmwareVersion} (its answer to DONE was lost)`;
        progress(total);
        return stats;
      }
      if (!(e instanceof LinkLost)) throw e;
      stats.reconnects++;
      guard.lostLink(e.message);
    }
  }
}

/** "1.2 KB/s, 0:42 left" style figures for a progress line. */
export function rateAndTimeLeft(bytesSinceStart, msSinceStart, remaining) {
  if (msSinceStart <= 0 || bytesSinceStart <= 0) return { rate: 0, secondsLeft: Infinity };
  const rate = (bytesSinceStart * 1000) / msSinceStart;
  return { rate, secondsLeft: remaining / rate };
}
