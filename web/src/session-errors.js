// SPDX-License-Identifier: Apache-2.0
// How a session ends other than staged or refused: the errors the page shows when the device does
// not answer, and the signals sendPatch catches to begin a session again or to finish.

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

/**
 * The link or the device's transfer is lost: no answer for as long as the page waits (to HELLO,
 * BEGIN, DATA or DONE), or an answer below the acknowledged offset that is no NAK 3 (the device was
 * reset and answers a broken frame with its checkpoint, or the NAK 3 of a restart was lost). The
 * session begins again, a reconnect, whatever the cause: the Java host's LinkLostException. Never
 * seen outside sendPatch.
 */
export class LinkLost extends Error {}

/** The device runs the patch's firmware when the page comes back after a lost answer to DONE. */
export class FoundInstalled extends Error {}

/** No answer for as long as the page waits: the link is lost. */
export function stoppedAnswering() {
  return new LinkLost('the device stopped answering');
}
