// SPDX-License-Identifier: Apache-2.0
// What is on the port when the first HELLOs of an update draw no frame at all (docs/PROTOCOL.md,
// "Handshake failures"): nothing, an STM32 ROM bootloader, or something that is no fwdelta device.

import { NoAgentError } from './session-errors.js';

/** The AN3155 sync byte: an STM32 ROM bootloader answers it (0x79 or 0x1F), an fwdelta device skips it. */
export const AN3155_SYNC = 0x7f;
const AN3155_ANSWERS = [0x79, 0x1f];

/**
 * Why the port answered no HELLO with a frame, in the user's words (UartChannel's silentOrForeign),
 * from the first bytes the channel received: `tried` says what was sent, `baud` the line's rate.
 */
export function silentOrForeign(channel, tried, baud) {
  const heard = channel.firstBytes ?? [];
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
