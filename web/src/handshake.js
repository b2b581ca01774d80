// SPDX-License-Identifier: Apache-2.0
// The start of a session (docs/PROTOCOL.md): HELLO and its INFO, then BEGIN and its READY, the
// offset the device wants the patch from; as the Java host's Handshake (hello and begin).

import { brokenFrame, checkedOffset, parseInfo } from './device-answers.js';
import { DeviceRefusedError, throwResult } from './device-refused.js';
import { AN3155_SYNC, silentOrForeign } from './first-contact.js';
import { FRAME_NAMES, FrameType } from './frame-codec.js';
import { putU32, u32 } from './little-endian.js';
import { MIN_PAYLOAD } from './selective.js';
import { FoundInstalled, LinkLost, stoppedAnswering } from './session-errors.js';

const PROTOCOL_VERSION = 1;
/** Capability bit of HELLO and INFO: the sender does selective repeat (docs/PROTOCOL.md). */
export const CAP_SELECTIVE_REPEAT = 0x01;
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
/**
 * HELLO or BEGIN frames one session sends again at once, at most, because the device answered
 * that the line broke them (NAK 2 or 4): UartChannel.MAX_NAK_RESENDS.
 */
export const MAX_NAK_RESENDS = 200;

/** HELLO and BEGIN for one update (`t`, its Transfer) and its patch `header`. */
export class Handshake {
  /** options: goBackN (HELLO offers no selective repeat), onInfo(info). */
  constructor(t, header, options) {
    this.t = t;
    this.header = header;
    this.options = options;
    this.hello = options.goBackN ? Uint8Array.of(PROTOCOL_VERSION) : Uint8Array.of(PROTOCOL_VERSION, CAP_SELECTIVE_REPEAT);
    // Frames read in this session's HELLO or BEGIN wait, and the last of them: a device that
    // answered, but never with INFO or READY, is named by what it sent (Handshake.unanswered).
    this.answers = 0;
    this.lastAnswer = null;
  }

  /** HELLO, then BEGIN: the offset the device wants the patch from. No INFO or READY: the link is lost. */
  async begin() {
    const { t, header } = this;
    const info = await this.helloAndInfo();
    t.stats.info = parseInfo(info.payload);
    // The device decides from this HELLO, the host from its INFO: both bits set.
    t.stats.selectiveRepeat = !this.options.goBackN && t.stats.info.selectiveRepeat && t.stats.info.holdBytes >= MIN_PAYLOAD;
    this.options.onInfo?.(t.stats.info);
    const b = new Uint8Array(4 + header.headerSize);
    putU32(b, 0, t.total);
    b.set(t.patch.subarray(0, header.headerSize), 4);
    let ready;
    try {
      ready = await this.beginAndReady(b);
    } catch (e) {
      // After a DONE whose RESULT was lost, a device that staged the patch may have installed it
      // and rebooted: it refuses the patch (ROLLBACK) as it runs that firmware. The update is
      // done, not refused (the Java host's HostSession alike).
      if (e instanceof DeviceRefusedError && t.doneSent && t.stats.info.installedVersion === header.firmwareVersion
        && t.stats.info.hardwareId === header.hardwareId) throw new FoundInstalled();
      throw e;
    }
    if (!ready) throw this.unanswered('BEGIN', 'a READY with its offset');
    return checkedOffset('READY offset', u32(ready.payload, 0), header.headerSize, t.total,
      'header_size..the patch length');
  }

  /**
   * HELLO and its INFO, as the Java host's Handshake.hello: HELLO_ATTEMPTS HELLOs share the
   * timeout, each waiting its share for INFO, and the second is followed by the AN3155 sync byte
   * while no INFO has come in this update. A NAK saying the line broke HELLO draws another at once,
   * MAX_NAK_RESENDS times at most, the attempt not counted. No INFO: the link is lost, begun again
   * whatever came instead (stale frames of this protocol, as a board left mid-session by an
   * earlier page sends, are an fwdelta device's, which a later HELLO gets INFO from); but when no
   * INFO has come in this update and no frame at all answered, nothing that speaks the protocol is
   * on this port, and the update ends at once (NoAgentError), as the Java host's does
   * (docs/PROTOCOL.md, "Handshake failures").
   */
  async helloAndInfo() {
    const t = this.t;
    this.answers = 0;
    const each = t.timeoutMs / HELLO_ATTEMPTS;
    let nakResends = 0;
    for (let attempt = 0; attempt < HELLO_ATTEMPTS; attempt++) {
      t.checkAbort();
      const helloAt = t.now();
      await t.writer.send(FrameType.HELLO, this.hello);
      if (attempt === 1 && t.stats.info === null) {
        // An STM32 ROM bootloader answers only once it has this byte; an fwdelta device skips it
        // as garbage before a SOF.
        await t.writer.writeBytes(Uint8Array.of(AN3155_SYNC));
      }
      // A RESULT before this HELLO's INFO answers an earlier session's BEGIN (docs/PROTOCOL.md):
      // a device answers HELLO with INFO only. It is skipped, not taken as this session's.
      const f = await this.expect(FrameType.INFO, false, t.now() + each);
      if (brokenFrame(f) && nakResends++ < MAX_NAK_RESENDS) {
        attempt--; // the device said the HELLO broke: again at once
      } else if (f?.type === FrameType.INFO) {
        t.rtt.sample(t.now() - helloAt);
        return f;
      }
    }
    throw (t.stats.info === null && this.firstContactError()) || this.unanswered('HELLO', 'an INFO');
  }

  /**
   * Why the first HELLOs of an update drew no frame at all (silentOrForeign). Null when frames of
   * this protocol came (stale answers of an earlier page, a device busy with them): that is an
   * fwdelta device, and the link is lost as any other, to be begun again.
   */
  firstContactError() {
    const t = this.t;
    for (let f = t.channel.pollFrame(); f; f = t.channel.pollFrame()) {
      // frames that came after the last wait: the port speaks the protocol, late
      this.answers++;
      this.lastAnswer = f;
    }
    if (this.answers > 0) return null;
    return silentOrForeign(t.channel, `${HELLO_ATTEMPTS} HELLO frames in ${(t.timeoutMs / 1000).toFixed(1)} s`, t.baud);
  }

  /**
   * Sends BEGIN (payload `b`) and returns the READY answering it, or null. A NAK saying the line
   * broke BEGIN draws another at once, MAX_NAK_RESENDS times at most; after those, each NAK ends an
   * attempt, as a READY too short for its u32 offset does: BEGIN goes again, as the Java host's
   * Handshake.begin does, at most MAX_BEGIN_ATTEMPTS times and all within one timeoutMs.
   */
  async beginAndReady(b) {
    const t = this.t;
    const deadline = t.now() + t.timeoutMs;
    this.answers = 0;
    let nakResends = 0;
    for (let attempt = 0; attempt < MAX_BEGIN_ATTEMPTS; attempt++) {
      await t.writer.send(FrameType.BEGIN, b);
      await t.writer.fill();
      const f = await this.expect(FrameType.READY, true, deadline);
      if (!f) return null;
      if (brokenFrame(f) && nakResends++ < MAX_NAK_RESENDS) {
        attempt--; // the device said BEGIN broke: again at once
      } else if (f.type === FrameType.READY && f.payload.length >= READY_PAYLOAD_BYTES) {
        return f;
      }
    }
    return null;
  }

  /**
   * The next frame of `type`, or a NAK saying the line broke the frame waited on (NAK 2 or 4),
   * before `deadline`, skipping other frames; RESULT with an error throws when refusals are ours.
   * Every frame read counts as a handshake answer. One deadline for the whole wait: a frame
   * skipped does not start it again, else a device babbling other frames would keep the page
   * waiting for ever.
   */
  async expect(type, refusalsAreOurs, deadline) {
    const t = this.t;
    for (let f = await t.nextFrameBefore(deadline); f; f = await t.nextFrameBefore(deadline)) {
      this.answers++;
      this.lastAnswer = f;
      if (f.type === type || brokenFrame(f)) return f;
      if (f.type === FrameType.RESULT && refusalsAreOurs) throwResult(f);
    }
    return null;
  }

  /** No INFO or READY came: the link is lost, named by what the device answered `sent` with instead. */
  unanswered(sent, awaited) {
    return this.answers === 0 ? stoppedAnswering()
      : new LinkLost(`the device answered ${sent} with ${this.answers} frames, none ${awaited} (the last a `
        + `${FRAME_NAMES[this.lastAnswer.type]} of ${this.lastAnswer.payload.length} bytes)`);
  }
}
