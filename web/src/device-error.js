// SPDX-License-Identifier: Apache-2.0
// The error for an answer no honest device gives, in a module of its own so that device-answers.js
// and selective.js both throw it.

/**
 * Thrown for an answer no honest device gives (docs/PROTOCOL.md, "Offsets the host checks"): an
 * offset past the patch, or past the patch bytes sent in this session, or a payload too short
 * for what it must carry. The transfer ends at once; nothing is reported as staged.
 */
export class DeviceProtocolError extends Error {
  constructor(message) {
    super(message);
    this.name = 'DeviceProtocolError';
  }
}
