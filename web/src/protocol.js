// SPDX-License-Identifier: Apache-2.0
// The host side of the fwdelta UART protocol (docs/PROTOCOL.md section 1) for a web page or node:
// sendPatch runs an update's sessions, each HELLO, BEGIN, DATA and DONE, and begins one again when
// the link is lost, as the Java host's HostSession. No browser or node globals: the page and the
// tests give it a byte channel (byte-channel.js) fed from WebSerial or from the npm serialport package.

import { brokenFrame, checkedOffset, parseInfo } from './device-answers.js';
import { DeviceRefusedError, refusedInDataPhase, throwResult } from './device-refused.js';
import { printable } from './device-text.js';
import { AN3155_SYNC, silentOrForeign } from './first-contact.js';
import { DATA_CHUNK, FRAME_NAMES, FrameType, NakReason } from './frame-codec.js';
import { FrameWriter, writeLimitMs } from './frame-writer.js';
import { putU32, u32 } from './little-endian.js';
import { parsePatchHeader } from './patch-header.js';
import { MAX_FRAMES_WITHOUT_PROGRESS, ProgressGuard } from './progress.js';
import { FrameSizer, MIN_PAYLOAD, MIN_PROBE_MS, RoundTrip, Scoreboard, parseSack } from './selective.js';
import { FoundInstalled, LinkLost, NoAnswerError, stoppedAnswering } from './session-errors.js';

export const WINDOW_FRAMES = 8;
/**
 * Patch bytes on the line at most under selective repeat, however long the measured round trip
 * (one late answer must not put a large burst on the line): eight full frames, the Java host's
 * UartChannel.MAX_WINDOW_BYTES.
 */
export const MAX_WINDOW_BYTES = WINDOW_FRAMES * DATA_CHUNK;
export const PROTOCOL_VERSION = 1;
/**
 * Lost links (new sessions) an update survives by default: as many as `fwdelta send`
 * (UartChannel.MAX_RECONNECTS), docs/PROTOCOL.md "Reconnects".
 */
export const MAX_RECONNECTS = 20;
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

/** DONE frames one done phase sends before the link counts as lost (UartChannel.MAX_DONE_ATTEMPTS). */
export const MAX_DONE_ATTEMPTS = 20;
/** The longest wait after a DONE before it is sent again (UartChannel.MAX_BEGIN_WAIT_MS, which paces DONE too). */
export const MAX_DONE_WAIT_MS = 5000;
/**
 * The least silence at DONE that loses the link (UartChannel.MIN_DONE_PATIENCE_MS): the device
 * verifies the whole staged image before it answers, which takes far longer than an answer to DATA.
 */
export const MIN_DONE_PATIENCE_MS = 30_000;
/**
 * HELLO or BEGIN frames one session sends again at once, at most, because the device answered
 * that the line broke them (NAK 2 or 4): UartChannel.MAX_NAK_RESENDS.
 */
export const MAX_NAK_RESENDS = 200;

/** Capability bit of HELLO and INFO: the sender does selective repeat (docs/PROTOCOL.md). */
export const CAP_SELECTIVE_REPEAT = 0x01;

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
 * unanswered for as long as the Java host's UartChannel.done allows (donePhase), and when the
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
  // No answer to DATA for three answer timeouts loses the link in the data phase, whatever the round trip.
  const silenceMs = 3 * timeoutMs;
  const maxReconnects = options.maxReconnects ?? MAX_RECONNECTS;
  const guard = new ProgressGuard(maxReconnects, options.maxFramesWithoutProgress ?? MAX_FRAMES_WITHOUT_PROGRESS,
    (message) => new NoAnswerError(message));
  const total = patch.length;
  const stats = {
    startedAt: -1, patchBytes: total, retransmittedBytes: 0, retransmittedFrames: 0, dataFrames: 0, naks: 0, sacks: 0,
    timeouts: 0, selectiveRepeat: false, reconnects: 0, restarts: 0, info: null, installed: false, fillerBytes: 0,
  };
  const hello = options.goBackN ? Uint8Array.of(PROTOCOL_VERSION) : Uint8Array.of(PROTOCOL_VERSION, CAP_SELECTIVE_REPEAT);
  // Every time is read, and every wait timed, on the channel's clock: a test's clock moves them all.
  const now = () => channel.now();
  const rtt = new RoundTrip();
  const sizer = new FrameSizer(DATA_CHUNK);
  const board = new Scoreboard(sizer, rtt, now);
  const writer = new FrameWriter(channel, (length) => options.writeLimitMs ?? writeLimitMs(length, baud), stats);
  const send = (type, payload) => writer.send(type, payload);
  const fill = () => writer.fill();
  const checkAbort = () => {
    if (options.signal?.aborted) throw new Error('the update was stopped');
  };
  const progress = (acked) => options.onProgress?.({ acked, total, startedAt: stats.startedAt });
  /** The end of the patch bytes written in this session (from READY's offset on): no answer is past it. */
  let sentEnd = 0;
  const answered = (field, value) => checkedOffset(field, value, 0, sentEnd, 'the patch bytes sent in this session');

  // Frames read in the data phase since the last answer to DATA, and their type (null when of
  // several): a lost link then says what the device sent instead, as UartChannel's does.
  let othersSinceAnswer = 0;
  let otherType = null;
  const noteOther = (f) => {
    otherType = othersSinceAnswer++ === 0 || otherType === f.type ? f.type : null;
  };
  const noteAnswer = () => {
    othersSinceAnswer = 0;
  };
  /** ", sending 12 INFO frames instead": what came since the last awaited answer, or '' if nothing did. */
  const sentInstead = () => (othersSinceAnswer === 0 ? ''
    : `, sending ${othersSinceAnswer} ${otherType !== null ? `${FRAME_NAMES[otherType] ?? `type 0x${otherType.toString(16)}`} frames`
      : 'frames of other types'} instead`);
  const stoppedAnsweringData = () => (othersSinceAnswer === 0 ? stoppedAnswering()
    : new LinkLost(`the device stopped answering DATA frames${sentInstead()}`));
  /**
   * The done phase given up on after `sent` DONE frames (UartChannel.done's words): answered by
   * NAKs at the patch length only (`broken` of them), or by nothing that answers DONE.
   */
  const doneGivenUp = (sent, broken) => new LinkLost(broken === 0
    ? `the device stopped answering DONE frames (${sent} sent in this done phase)${sentInstead()}`
    : `the device answered ${broken} of ${sent} DONE frames with a NAK at the patch length (DONE broken on the line) `
      + 'and none with RESULT');

  // Frames read in this session's HELLO or BEGIN wait, and the last of them: a device that
  // answered, but never with INFO or READY, is named by what it sent (UartChannel.unanswered).
  let handshakeAnswers = 0;
  let lastHandshakeAnswer = null;
  const unanswered = (sent, awaited) => (handshakeAnswers === 0 ? stoppedAnswering()
    : new LinkLost(`the device answered ${sent} with ${handshakeAnswers} frames, none ${awaited} (the last a `
      + `${FRAME_NAMES[lastHandshakeAnswer.type]} of ${lastHandshakeAnswer.payload.length} bytes)`));

  /**
   * HELLO and its INFO, as the Java host's UartChannel.hello: HELLO_ATTEMPTS HELLOs share the
   * timeout, each waiting its share for INFO, and the second is followed by the AN3155 sync byte
   * while no INFO has come in this update. A NAK saying the line broke HELLO draws another at once,
   * MAX_NAK_RESENDS times at most, the attempt not counted. No INFO: the link is lost, begun again
   * whatever came instead (stale frames of this protocol, as a board left mid-session by an
   * earlier page sends, are an fwdelta device's, which a later HELLO gets INFO from); but when no
   * INFO has come in this update and no frame at all answered, nothing that speaks the protocol is
   * on this port, and the update ends at once (NoAgentError), as the Java host's does
   * (docs/PROTOCOL.md, "Handshake failures").
   */
  async function helloAndInfo() {
    handshakeAnswers = 0;
    const each = timeoutMs / HELLO_ATTEMPTS;
    let nakResends = 0;
    for (let attempt = 0; attempt < HELLO_ATTEMPTS; attempt++) {
      checkAbort();
      const helloAt = now();
      await send(FrameType.HELLO, hello);
      if (attempt === 1 && stats.info === null) {
        // An STM32 ROM bootloader answers only once it has this byte; an fwdelta device skips it
        // as garbage before a SOF.
        await writer.writeBytes(Uint8Array.of(AN3155_SYNC));
      }
      // A RESULT before this HELLO's INFO answers an earlier session's BEGIN (docs/PROTOCOL.md):
      // a device answers HELLO with INFO only. It is skipped, not taken as this session's.
      const f = await expect(FrameType.INFO, false, now() + each);
      if (brokenFrame(f) && nakResends++ < MAX_NAK_RESENDS) {
        attempt--; // the device said the HELLO broke: again at once
      } else if (f?.type === FrameType.INFO) {
        rtt.sample(now() - helloAt);
        return f;
      }
    }
    throw (stats.info === null && firstContactError()) || unanswered('HELLO', 'an INFO');
  }

  /**
   * Why the first HELLOs of an update drew no frame at all, in the user's words (UartChannel's
   * silentOrForeign): nothing answered, an AN3155 bootloader did, or other data came. Null when
   * frames of this protocol came (stale answers of an earlier page, a device busy with them): that
   * is an fwdelta device, and the link is lost as any other, to be begun again.
   */
  function firstContactError() {
    for (let f = channel.pollFrame(); f; f = channel.pollFrame()) {
      // frames that came after the last wait: the port speaks the protocol, late
      handshakeAnswers++;
      lastHandshakeAnswer = f;
    }
    if (handshakeAnswers > 0) return null;
    return silentOrForeign(channel, `${HELLO_ATTEMPTS} HELLO frames in ${(timeoutMs / 1000).toFixed(1)} s`, baud);
  }

  /** HELLO, then BEGIN: the offset the device wants the patch from. No INFO or READY: the link is lost. */
  async function begin() {
    const info = await helloAndInfo();
    stats.info = parseInfo(info.payload);
    // The device decides from this HELLO, the host from its INFO: both bits set.
    stats.selectiveRepeat = !options.goBackN && stats.info.selectiveRepeat && stats.info.holdBytes >= MIN_PAYLOAD;
    options.onInfo?.(stats.info);
    const b = new Uint8Array(4 + header.headerSize);
    putU32(b, 0, total);
    b.set(patch.subarray(0, header.headerSize), 4);
    let ready;
    try {
      ready = await beginAndReady(b);
    } catch (e) {
      // After a DONE whose RESULT was lost, a device that staged the patch may have installed it
      // and rebooted: it refuses the patch (ROLLBACK) as it runs that firmware. The update is
      // done, not refused (the Java host's HostSession alike).
      if (e instanceof DeviceRefusedError && doneSent && stats.info.installedVersion === header.firmwareVersion
        && stats.info.hardwareId === header.hardwareId) throw new FoundInstalled();
      throw e;
    }
    if (!ready) throw unanswered('BEGIN', 'a READY with its offset');
    const offset = checkedOffset('READY offset', u32(ready.payload, 0), header.headerSize, total,
      'header_size..the patch length');
    sentEnd = offset;
    return offset;
  }

  /**
   * The next frame of `type`, or a NAK saying the line broke the frame waited on (NAK 2 or 4),
   * within timeoutMs, skipping other frames; RESULT with an error throws when refusals are ours.
   * Every frame read counts as a handshake answer. One deadline for the whole wait: a frame
   * skipped does not start it again, else a device babbling other frames would keep the page
   * waiting for ever.
   */
  async function expect(type, refusalsAreOurs = true, deadline = now() + timeoutMs) {
    for (let f = await nextFrameBefore(deadline); f; f = await nextFrameBefore(deadline)) {
      handshakeAnswers++;
      lastHandshakeAnswer = f;
      if (f.type === type || brokenFrame(f)) return f;
      if (f.type === FrameType.RESULT && refusalsAreOurs) throwResult(f);
    }
    return null;
  }

  /**
   * Sends BEGIN (payload `b`) and returns the READY answering it, or null. A NAK saying the line
   * broke BEGIN draws another at once, MAX_NAK_RESENDS times at most; after those, each NAK ends an
   * attempt, as a READY too short for its u32 offset does: BEGIN goes again, as the Java host's
   * UartChannel.begin does, at most MAX_BEGIN_ATTEMPTS times and all within one timeoutMs.
   */
  async function beginAndReady(b) {
    const deadline = now() + timeoutMs;
    handshakeAnswers = 0;
    let nakResends = 0;
    for (let attempt = 0; attempt < MAX_BEGIN_ATTEMPTS; attempt++) {
      await send(FrameType.BEGIN, b);
      await fill();
      const f = await expect(FrameType.READY, true, deadline);
      if (!f) return null;
      if (brokenFrame(f) && nakResends++ < MAX_NAK_RESENDS) {
        attempt--; // the device said BEGIN broke: again at once
      } else if (f.type === FrameType.READY && f.payload.length >= READY_PAYLOAD_BYTES) {
        return f;
      }
    }
    return null;
  }

  /** The next frame if one comes before `deadline` (on the channel's clock), else null. */
  async function nextFrameBefore(deadline) {
    const left = deadline - now();
    return left > 0 ? channel.nextFrame(left) : channel.pollFrame();
  }

  let acked = 0;
  let next = 0;
  let gapAt = -1;
  let doneSent = false;
  // Go-back-N: answers owed for the DATA frames written (the device answers each, in order), and
  // how many of them answer frames written before the last go-back: a NAK at its offset among
  // those is old news; one after them says a frame sent again was lost too.
  let owed = 0;
  let staleAnswers = 0;
  let lastWrite = now();
  let lastHeard = now();
  let sentUpTo = 0; // go-back-N: DATA below this offset is sent again
  // Go-back-N: the DATA frames written and not yet acknowledged, in order ({end, writtenAt, again}),
  // for the round trip.
  let inFlight = [];

  async function sendData(start, end) {
    guard.beforeData(stats.dataFrames);
    const p = new Uint8Array(4 + end - start);
    putU32(p, 0, start);
    p.set(patch.subarray(start, end), 4);
    await send(FrameType.DATA, p);
    stats.dataFrames++;
    sentEnd = Math.max(sentEnd, end);
    lastWrite = now();
  }

  /** A session begins (HELLO, BEGIN): READY says where to go on. */
  async function beginSession() {
    acked = await begin();
    guard.acknowledged(acked, stats.dataFrames);
    next = acked;
    gapAt = -1;
    owed = 0;
    staleAnswers = 0;
    inFlight = [];
    board.clear();
    lastHeard = now();
    noteAnswer();
    if (stats.startedAt < 0) {
      stats.startedAt = acked;
      sentUpTo = acked;
      progress(acked);
    }
  }

  /** An answer below the acknowledged offset that is no restart: the device no longer holds the transfer. */
  function wentBackError(f, off) {
    return new LinkLost(`the device went back: ${FRAME_NAMES[f.type]} offset ${off} is below the acknowledged `
      + `${acked} (it lost the transfer)`);
  }

  /** Selective repeat: a lost frame again, else a new frame if the window allows, else an answer. */
  async function selectiveStep() {
    const frame = sizer.payload();
    const lost = board.firstLost(frame);
    if (lost) {
      stats.retransmittedBytes += lost.end - lost.start;
      stats.retransmittedFrames++;
      await sendData(lost.start, lost.end);
      board.wroteAgain(lost);
      drainSelective();
      return;
    }
    const n = Math.min(frame, total - next);
    // The window counts the bytes still on the line; the ring bounds how far past the
    // acknowledged offset the host goes, but never below the window (a clean line stays busy).
    const onLine = Math.floor((rtt.upperMs() / 1000) * (baud / 10));
    const window = Math.min(MAX_WINDOW_BYTES, Math.max(2 * frame, onLine + frame));
    const reach = Math.max(stats.info.holdBytes, window);
    if (next < total && board.unaccountedBytes() < window && (next === acked || next + n - acked <= reach)) {
      await sendData(next, next + n);
      board.wrote(next, next + n);
      next += n;
      drainSelective();
      return;
    }
    if (next >= total) await fill(); // the whole patch is on the line: complete a last frame that lost a byte
    const f = await channel.nextFrame(Math.max(1, probeMs() - (now() - lastWrite)));
    if (f) {
      handleSelective(f);
      return;
    }
    if (now() - lastHeard >= silenceMs) throw stoppedAnsweringData();
    stats.timeouts++;
    board.timedOut(); // the first frame not held is sent again
  }

  /**
   * How long the host waits after its last frame before it sends one again, with nothing else to
   * send: two round trips, at least MIN_PROBE_MS (UartChannel.probeMs).
   */
  function probeMs() {
    return Math.max(MIN_PROBE_MS, Math.round(2 * rtt.upperMs()));
  }

  function drainSelective() {
    for (let f = channel.pollFrame(); f; f = channel.pollFrame()) handleSelective(f);
  }

  /** ACK, SACK or NAK under selective repeat: the scoreboard learns what arrived and what is lost. */
  function handleSelective(f) {
    if (f.type === FrameType.RESULT) throw refusedInDataPhase(f);
    // Only an answer to DATA puts the lost link off: a device babbling stale INFO or READY frames
    // would otherwise keep the page probing up to its bound of data frames (Java: UartChannel).
    if (f.payload.length < 4 || ![FrameType.ACK, FrameType.NAK, FrameType.SACK].includes(f.type)) {
      noteOther(f);
      return;
    }
    lastHeard = now();
    noteAnswer();
    const off = answered(`${FRAME_NAMES[f.type]} offset`, u32(f.payload, 0));
    let held = null;
    if (f.type === FrameType.SACK) {
      ({ held } = parseSack(f.payload, sentEnd));
      stats.sacks++;
    }
    const notKept = f.type === FrameType.SACK && f.payload.length >= 12 && held === null;
    if (f.type === FrameType.NAK) stats.naks++;
    const reason = f.type === FrameType.NAK && f.payload.length >= 5 ? f.payload[4] : -1;
    if (reason === NakReason.RESTARTED && off < acked) {
      stats.restarts++; // the device dropped what it had: its offset is lower than what was acknowledged
      guard.restarted(off);
      acked = off;
      next = off;
      board.clear();
      progress(acked);
      return;
    }
    // Before the line error is counted: a reset device's NAK 2 says nothing of the line.
    if (off < acked) throw wentBackError(f, off);
    if (reason === NakReason.CORRUPT || reason === NakReason.CUT) board.brokeNextAfterArrived(reason === NakReason.CORRUPT);
    if (notKept) board.notKept();
    board.answer(off, held);
    if (off > acked) {
      acked = off;
      progress(acked);
    }
    if (next < acked) next = acked;
  }

  /**
   * Go-back-N, as the Java host (UartChannel.send): every answer already received is read first,
   * then one frame if the window has room (and the answers it drew at once), else a wait for one
   * answer (or a timeout: from the acknowledged offset again). Reading one answer per frame sent
   * would leave the page a window of answers behind the device: it would learn of a broken frame
   * only after sending the frames behind it, each to be sent again.
   */
  async function goBackNStep() {
    drainGoBackN();
    if (acked >= total) return;
    if (next < total && next - acked < WINDOW_FRAMES * DATA_CHUNK) {
      const n = Math.min(DATA_CHUNK, total - next);
      if (next < sentUpTo) {
        stats.retransmittedFrames++;
        stats.retransmittedBytes += n;
      }
      await sendData(next, next + n);
      inFlight.push({ end: next + n, writtenAt: lastWrite, again: next < sentUpTo });
      owed++;
      next += n;
      sentUpTo = Math.max(sentUpTo, next);
      drainGoBackN();
      return;
    }
    if (next >= total) await fill(); // the whole patch is on the line: complete a last frame that lost a byte
    // The retransmission timeout from the round trip, measured from the last write, as the Java
    // host's UartChannel.send: frames that answer nothing written (a stale INFO) must not put it
    // off. The wait ends no later than the lost link, whose silence does not follow the round trip.
    const lostAt = lastHeard + silenceMs;
    const f = await nextFrameBefore(Math.min(lastWrite + rtt.timeoutMs(), lostAt));
    if (!f) {
      if (now() >= lostAt) throw stoppedAnsweringData();
      stats.timeouts++;
      next = acked;
      gapAt = -1;
      owed = 0; // the answers given up on
      staleAnswers = 0;
      inFlight = [];
      return;
    }
    handleGoBackN(f);
  }

  function drainGoBackN() {
    for (let f = channel.pollFrame(); f; f = channel.pollFrame()) handleGoBackN(f);
  }

  /**
   * ACK or NAK under go-back-N: the acknowledged offset moves on, or the page goes back, once per
   * gap: a NAK at the offset it went back to is ignored while it answers a frame written before
   * the go-back, and sends it back again once it answers one written after (counted, not timed).
   */
  function handleGoBackN(f) {
    if (f.type === FrameType.RESULT) throw refusedInDataPhase(f);
    if (f.type !== FrameType.ACK && f.type !== FrameType.NAK) {
      noteOther(f);
      return;
    }
    lastHeard = now();
    noteAnswer();
    const stale = staleAnswers > 0;
    if (stale) staleAnswers--;
    if (owed > 0) owed--;
    if (f.type === FrameType.ACK && f.payload.length >= 4) {
      const off = answered('ACK offset', u32(f.payload, 0));
      if (off < acked) throw wentBackError(f, off);
      if (off > acked) {
        covered(off);
        acked = off;
        if (next < acked) next = acked;
        progress(acked);
      }
      if (acked >= next) {
        owed = 0; // every frame written is applied: no answer is owed (one was lost on the line)
        staleAnswers = 0;
      }
    } else if (f.type === FrameType.NAK && f.payload.length >= 4) {
      // A NAK without its reason byte is still a NAK at its offset (the Java host's reading).
      stats.naks++;
      const off = answered('NAK offset', u32(f.payload, 0));
      const reason = f.payload.length >= 5 ? f.payload[4] : -1;
      if (reason === NakReason.RESTARTED && off < acked) {
        // The device dropped what it had: its offset is lower than what was acknowledged. One at
        // or above it takes nothing back and is taken as any NAK, no restart (the Java host's rule).
        stats.restarts++;
        guard.restarted(off);
        goBackTo(off);
      } else if (off < acked) {
        throw wentBackError(f, off);
      } else if (off !== gapAt || !stale) {
        if (off > acked) covered(off);
        boundOwed(off, reason === NakReason.GAP || reason === -1);
        goBackTo(off);
      }
    }
  }

  /**
   * Before a go-back on a NAK at `off`: no more answers are owed than frames were written after the
   * one that NAK answers (the device answers in order). Counted from every frame written, the owed
   * count keeps a frame that drew no answer (its header broke, or its answer was lost) and would
   * take the NAK to a frame written after the go-back for an old one. The frames since the last
   * go-back are DATA_CHUNK apart from a frame boundary, so those from `off` on are counted by
   * offset; the NAK answers the one at `off` at the earliest (NAK 2 or 4: it broke), or the one
   * after it (`pastTheGap`: NAK 1, or no reason), as UartChannel.boundOwed.
   */
  function boundOwed(off, pastTheGap) {
    const fromOff = Math.ceil((next - off) / DATA_CHUNK);
    owed = Math.min(owed, Math.max(0, fromOff - 1 - (pastTheGap ? 1 : 0)));
  }

  /**
   * Go-back-N: the frames in flight up to `off` arrived. The one ending there is the frame the
   * answer is for: its round trip is sampled if it was sent once (Karn's rule: an answer to a frame
   * sent again may be the first one's), as UartChannel.acknowledged does.
   */
  function covered(off) {
    let last = null;
    while (inFlight.length > 0 && inFlight[0].end <= off) last = inFlight.shift();
    if (last !== null && last.end === off && !last.again) rtt.sample(now() - last.writtenAt);
  }

  /** Go-back-N: from `off` again; the answers still owed are for frames written before this. */
  function goBackTo(off) {
    inFlight = inFlight.filter((s) => s.end <= off);
    gapAt = off;
    acked = off;
    next = off;
    staleAnswers = owed;
    progress(acked);
  }

  /** One session's data and done phases: the stats once the device staged the patch. */
  async function transfer() {
    do {
      // Data phase: keep the window full until every byte is acknowledged.
      while (acked < total) {
        checkAbort();
        guard.acknowledged(acked, stats.dataFrames);
        if (stats.selectiveRepeat) await selectiveStep();
        else await goBackNStep();
      }
    } while (!(await donePhase()));
    return stats;
  }

  /**
   * Done phase, paced as the Java host's UartChannel.done: true once the device staged the patch
   * (RESULT 0), false when a NAK below the patch length sends the page back to the data phase (a
   * restart). A DONE whose header the line broke draws no answer at all, so DONE is sent again after
   * two round trips, then 1.5 times longer each time up to MAX_DONE_WAIT_MS; a device still
   * verifying the staged image answers the later DONEs alike afterwards, so an early one costs its
   * bytes, not the update. The link is lost when a wait ends MIN_DONE_PATIENCE_MS (or three timeouts,
   * if longer) after the last answer to DONE, or after MAX_DONE_ATTEMPTS DONE frames. Only an answer
   * to DONE (RESULT, or a NAK of it) is one: other frames (a stale ACK, INFO) are counted for the
   * words and put nothing off, else a device babbling them would keep the page sending DONE.
   */
  async function donePhase() {
    const d = new Uint8Array(4);
    putU32(d, 0, total);
    const patience = Math.max(MIN_DONE_PATIENCE_MS, 3 * timeoutMs);
    let wait = probeMs();
    let heard = now();
    let broken = 0; // DONE frames answered with a NAK at the patch length: the give-up names them
    noteAnswer(); // frames that answer no DONE are counted from here
    for (let sent = 1; ; sent++) {
      checkAbort();
      doneSent = true;
      await send(FrameType.DONE, d);
      await fill();
      const f = await answerToDone(now() + wait);
      if (f?.type === FrameType.RESULT) {
        stats.message = printable(throwResult(f));
        progress(total);
        return true;
      }
      if (f) {
        heard = now();
        noteAnswer();
        const off = f.payload.length >= 4
          ? checkedOffset('NAK offset (answering DONE)', u32(f.payload, 0), 0, total, 'the patch length') : total;
        if (off < total) {
          restartAt(off);
          return false;
        }
        broken++; // the line broke DONE itself (a NAK without its offset too, as UartChannel.done counts it): again at once
      }
      if (sent === MAX_DONE_ATTEMPTS || now() - heard >= patience) throw doneGivenUp(sent, broken);
      wait = Math.min(MAX_DONE_WAIT_MS, Math.floor((wait * 3) / 2));
    }
  }

  /** RESULT or NAK, the answers to DONE, if one comes before `deadline`; other frames are noted, and skipped. */
  async function answerToDone(deadline) {
    for (let f = await nextFrameBefore(deadline); f; f = await nextFrameBefore(deadline)) {
      if (f.type === FrameType.RESULT || f.type === FrameType.NAK) return f;
      noteOther(f);
    }
    return null;
  }

  /** A NAK answering DONE below the patch length: not all applied, or restarted, a restart either way (the Java host counts it so). */
  function restartAt(off) {
    stats.restarts++;
    guard.restarted(off);
    acked = off;
    next = off;
    gapAt = -1;
    owed = 0; // DONE came after every DATA frame was answered
    staleAnswers = 0;
    inFlight = [];
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
        progress(total);
        return stats;
      }
      if (!(e instanceof LinkLost)) throw e;
      stats.reconnects++;
      guard.lostLink(e.message);
    }
  }
}
