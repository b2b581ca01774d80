// SPDX-License-Identifier: Apache-2.0
// The frames a device sent while the page waited for an answer to DATA or DONE: a lost link then
// says what came instead, in the words of the Java host's UartChannel.

import { FRAME_NAMES } from './frame-codec.js';

/** Frames read since the last awaited answer, and their type (null when of several). */
export class OtherFrames {
  constructor() {
    this.count = 0;
    this.type = null;
  }

  /** A frame that answers nothing awaited. */
  note(f) {
    this.type = this.count++ === 0 || this.type === f.type ? f.type : null;
  }

  /** An awaited answer came: frames are counted from here. */
  answered() {
    this.count = 0;
  }

  /** ", sending 12 INFO frames instead": what came since the last awaited answer, or '' if nothing did. */
  instead() {
    if (this.count === 0) return '';
    const what = this.type !== null ? `${FRAME_NAMES[this.type] ?? `type 0x${this.type.toString(16)}`} frames`
      : 'frames of other types';
    return `, sending ${this.count} ${what} instead`;
  }
}
