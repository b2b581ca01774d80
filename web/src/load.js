// SPDX-License-Identifier: Apache-2.0
// Reading a patch the person picked (a File) or linked (a fetch Response) without holding more than
// its header declares: the header first (MAX_HEADER_BYTES), its length checked against the file's
// size, the response's Content-Length and MAX_PATCH_BYTES, and only then the rest. No DOM here.
import {
  checkPatchSize, declaredLength, MAX_HEADER_BYTES, MIN_COMPACT_HEADER_SIZE, PatchError, readPatchHeader,
} from './patch-header.js';

/**
 * The largest patch the page loads: it holds the patch in memory while it sends it. At 115,200
 * baud (about 11.5 kB/s) 64 MiB takes over an hour and a half, and no board layout has a staging
 * slot that large (docs/DEVICE.md: a layout describes 64 MiB of flash in all).
 */
export const MAX_PATCH_BYTES = 64 << 20;

function checkLimit(h) {
  if (h.patchLength > MAX_PATCH_BYTES) {
    throw new PatchError(`patch_length ${h.patchLength} is outside ${MIN_COMPACT_HEADER_SIZE}..${MAX_PATCH_BYTES}`
      + ' (the largest patch this page loads)');
  }
}

/** A File or Blob: its header, then (size, limit checked) the whole patch. */
export async function readPatchFile(file) {
  const h = readPatchHeader(new Uint8Array(await file.slice(0, MAX_HEADER_BYTES).arrayBuffer()));
  checkLimit(h);
  checkPatchSize(h, file.size);
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * A fetch Response's body, counted as it arrives: the header first, then no more bytes than it
 * declares. Content-Length, when it is the body's length (no Content-Encoding), must agree.
 */
export async function readPatchResponse(response) {
  const length = response.headers.get('content-length');
  const contentLength = length !== null && !response.headers.get('content-encoding') ? Number(length) : null;
  if (!response.body) throw new PatchError('not a fwdelta patch: the download is empty');
  const reader = response.body.getReader();
  try {
    let head = new Uint8Array(0);
    let ended = false;
    while (head.length < MAX_HEADER_BYTES) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      const grown = new Uint8Array(head.length + value.length);
      grown.set(head);
      grown.set(value, head.length);
      head = grown;
    }
    const h = readPatchHeader(head);
    checkLimit(h);
    if (contentLength !== null && contentLength !== h.patchLength) {
      throw new PatchError(`Content-Length ${length} but its header declares ${declaredLength(h)}`);
    }
    const longer = () => new PatchError(`the download is longer than the ${h.patchLength} bytes its header declares`
      + ` (header_size ${h.headerSize} + payload_length ${h.payloadLength})`);
    if (head.length > h.patchLength) throw longer();
    const patch = new Uint8Array(h.patchLength);
    patch.set(head);
    let n = head.length;
    while (!ended) {
      const { value, done } = await reader.read();
      if (done) break;
      if (n + value.length > patch.length) throw longer();
      patch.set(value, n);
      n += value.length;
    }
    checkPatchSize(h, n);
    return patch;
  } finally {
    reader.cancel().catch(() => {}); // the rest of a refused download is not read
  }
}
