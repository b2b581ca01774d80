// SPDX-License-Identifier: Apache-2.0
// Text a device sent (a RESULT's message, INFO's layout name), made safe to show: the Java host's
// DeviceText.printable, with the same limit and words, so both hosts show a device's text alike.

/** The most characters of a device's text that are shown: enough for any honest message. */
export const MAX_DEVICE_TEXT_CHARS = 400;

/** Control characters: C0, DEL and C1. */
const CONTROL = (c) => c < 0x20 || (c >= 0x7f && c <= 0x9f);

/**
 * Direction controls (marks, U+061C ARABIC LETTER MARK among them, embeddings, overrides, isolates): they reorder what follows them, so
 * a device could make its words read as the page's own or hide part of them.
 */
const BIDI = (c) => c === 0x061c || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e)
  || (c >= 0x2066 && c <= 0x2069);

const hex = (c, digits) => c.toString(16).toUpperCase().padStart(digits, '0');

/**
 * `text` with its control characters as \xNN, its direction controls as \uNNNN, and only the first
 * MAX_DEVICE_TEXT_CHARS characters kept, a marker saying how many more were cut.
 */
export function printable(text) {
  const keep = Math.min(text.length, MAX_DEVICE_TEXT_CHARS);
  let out = '';
  for (let i = 0; i < keep; i++) {
    const c = text.charCodeAt(i);
    if (CONTROL(c)) out += `\\x${hex(c, 2)}`;
    else if (BIDI(c)) out += `\\u${hex(c, 4)}`;
    else out += text[i];
  }
  if (text.length > keep) out += ` [${text.length - keep} more characters cut]`;
  return out;
}
