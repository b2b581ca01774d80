// SPDX-License-Identifier: Apache-2.0
// Little-endian integers, the byte order of the frames and the patch header.

export const u16 = (b, o) => b[o] | (b[o + 1] << 8);
export const u32 = (b, o) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
export const u64 = (b, o) => BigInt(u32(b, o)) | (BigInt(u32(b, o + 4)) << 32n);
export function putU32(b, o, v) {
  b[o] = v & 0xff; b[o + 1] = (v >>> 8) & 0xff; b[o + 2] = (v >>> 16) & 0xff; b[o + 3] = (v >>> 24) & 0xff;
}
