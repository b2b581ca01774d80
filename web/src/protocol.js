// SPDX-License-Identifier: Apache-2.0
// The host side of the fwdelta UART protocol (docs/PROTOCOL.md section 1) for a web page or node:
// sendPatch runs an update's sessions, each HELLO, BEGIN, DATA and DONE, and begins one again when
// the link is lost, as the Java host's HostSession. No browser or node globals: the page and the
// tests give it a byte channel (byte-channel.js) fed from WebSerial or from the npm serialport package.

import { GoBackN, WINDOW_FRAMES } from './data-go-back-n.js';
import { SelectiveRepeat } from './data-selective.js';
import { DonePhase } from './done-phase.js';
import { DATA_CHUNK } from './frame-codec.js';
import { FrameWriter, writeLimitMs } from './frame-writer.js';
import { Handshake } from './handshake.js';
import { parsePatchHeader } from './patch-header.js';
import { MAX_FRAMES_WITHOUT_PROGRESS, ProgressGuard } from './progress.js';
import { FoundInstalled, LinkLost, NoAnswerError } from './session-errors.js';
import { Transfer } from './transfer.js';

/**
 * Lost links (new sessions) an update survives by default: as many as `fwdelta send`
 * (UartChannel.MAX_RECONNECTS), docs/PROTOCOL.md "Reconnects".
 */
export const MAX_RECONNECTS = 20;

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
 * unanswered for as long as the Java host's DonePhase.done allows (donePhase), and when the
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
  const maxReconnects = options.maxReconnects ?? MAX_RECONNECTS;
  const guard = new ProgressGuard(maxReconnects, options.maxFramesWithoutProgress ?? MAX_FRAMES_WITHOUT_PROGRESS,
    (message) => new NoAnswerError(message));
  const total = patch.length;
  const stats = {
    startedAt: -1, patchBytes: total, retransmittedBytes: 0, retransmittedFrames: 0, dataFrames: 0, naks: 0, sacks: 0,
    timeouts: 0, selectiveRepeat: false, reconnects: 0, restarts: 0, info: null, installed: false, fillerBytes: 0,
  };
  const writer = new FrameWriter(channel, (length) => options.writeLimitMs ?? writeLimitMs(length, baud), stats);
  const t = new Transfer({ channel, patch, writer, stats, guard, baud, timeoutMs, options });
  const handshake = new Handshake(t, header, options);
  const selective = new SelectiveRepeat(t);
  const goBackN = new GoBackN(t);
  // A restart at DONE: DONE came after every DATA frame was answered, so no answer is owed.
  const done = new DonePhase(t, () => goBackN.forget());

  /** A session begins (HELLO, BEGIN): READY says where to go on. */
  async function beginSession() {
    t.acked = await handshake.begin();
    t.sentEnd = t.acked;
    guard.acknowledged(t.acked, stats.dataFrames);
    t.next = t.acked;
    goBackN.forget();
    selective.clear();
    t.lastHeard = t.now();
    t.others.answered();
    if (stats.startedAt < 0) {
      stats.startedAt = t.acked;
      goBackN.sentUpTo = t.acked;
      t.progress(t.acked);
    }
  }

  /** One session's data and done phases: the stats once the device staged the patch. */
  async function transfer() {
    do {
      // Data phase: keep the window full until every byte is acknowledged.
      while (t.acked < total) {
        t.checkAbort();
        guard.acknowledged(t.acked, stats.dataFrames);
        if (stats.selectiveRepeat) await selective.step();
        else await goBackN.step();
      }
    } while (!(await done.run()));
    return stats;
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
        t.progress(total);
        return stats;
      }
      if (!(e instanceof LinkLost)) throw e;
      stats.reconnects++;
      guard.lostLink(e.message);
    }
  }
}
