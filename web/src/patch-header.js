// SPDX-License-Identifier: Apache-2.0
// The patch header (docs/FORMAT.md section 1): the fields a person checks before updating, every
// one checked against its documented range before anything is sent.

import { crc32 } from './checksums.js';
import { u16, u32, u64 } from './little-endian.js';

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

