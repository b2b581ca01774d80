// SPDX-License-Identifier: Apache-2.0
// A scripted device for the page's protocol module over an in-memory channel (no pty, no JVM): it
// answers each frame the page writes at once, honestly unless a test's script says otherwise, and
// counts what it got. Used by offsets.test.js and lost-transfer.test.js.
import { ByteChannel } from '../src/byte-channel.js';
import { crc32 } from '../src/checksums.js';
import { FrameDecoder, FrameType, NakReason, encodeFrame } from '../src/frame-codec.js';
import { CAP_SELECTIVE_REPEAT } from '../src/handshake.js';

const TYPE_NAMES = Object.fromEntries(Object.entries(FrameType).map(([name, type]) => [type, name]));

/** The hold ring INFO reports with selectiveRepeat, and the held ranges of the devices (HeldData.MAX_RANGES). */
const HOLD_BYTES = 1024;
const MAX_HELD_RANGES = 8;
const u32 = (b, o) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

export function payload32(...values) {
  const p = new Uint8Array(4 * values.length);
  const v = new DataView(p.buffer);
  values.forEach((x, i) => v.setUint32(4 * i, x, true));
  return p;
}

export function nak(offset, reason) {
  const p = new Uint8Array(5);
  p.set(payload32(offset));
  p[4] = reason;
  return p;
}

/**
 * A version-3 patch (docs/FORMAT.md 1.2, flag SHA_ONLY) whose header declares `payloadLength`
 * bytes, with a valid header CRC: the page parses it; the scripted device never applies it. The
 * payload bytes are below 0x80, so no SOF is found in them.
 */
export function syntheticPatch(payloadLength) {
  const h = [0x46, 0x57, 0x44, 0x50, 3, 0, 0, 0]; // FWDP, version 3, header_size set below
  h.push(16, 0, 0); // flags SHA_ONLY, codec_id, codec_props
  h.push(0, 0, 0, 0, 0, 0); // map_count, map_bytes, codec_window, decoder_ram, max_block_raw, block_count
  for (let v = payloadLength; ; v = Math.floor(v / 128)) { // payload_length
    if (v < 128) { h.push(v); break; }
    h.push((v & 0x7f) | 0x80);
  }
  h.push(0, ...new Array(16).fill(1)); // old_size, old_sha256 prefix
  h.push(0, ...new Array(32).fill(2)); // new_size, new_sha256
  h.push(0, 0); // firmware_version, hardware_id
  const headerSize = h.length + 4;
  h[6] = headerSize;
  const patch = new Uint8Array(headerSize + payloadLength);
  patch.set(h);
  const crc = crc32(patch, 0, h.length);
  patch.set(payload32(crc), h.length);
  for (let i = headerSize; i < patch.length; i++) patch[i] = (i * 7) & 0x7f;
  return patch;
}

/**
 * The device end of an in-memory line. script(frame, device) returns the answer ({type, payload}),
 * null for none, or undefined for what an honest device answers (device.honest(frame)).
 * options: selectiveRepeat (INFO offers it, 1024 bytes of hold ring; frames past a gap are not
 * kept), holds (frames past a gap are kept in that ring, as the Java and C devices keep them),
 * script, brokenEvery (every n-th DATA frame the page writes is broken on the line: its CRC-32
 * fails), limits {data, begins, dones} (past them the device stops the page through
 * device.signal, so that a host that never gives up ends the test instead of hanging it), clock (the
 * line's, fake-clock.js's in a test of simulated time; the page follows its channel's clock), line
 * (bytes, device): the bytes of one write of the page that reach the device (all of them unless given).
 * transcript: what crossed the line in order, each write of the page by its frame type or, for a
 * lone byte, its hex ("00"), and each answer as "<" and its type ("<NAK 2" with a NAK's reason).
 */
export class ScriptedDevice {
  constructor({ selectiveRepeat = false, holds = false, script = () => undefined, brokenEvery = 0, limits = {}, clock = {},
    line = (bytes) => bytes } = {}) {
    this.selectiveRepeat = selectiveRepeat;
    this.holds = holds;
    this.held = []; // [start, end) ranges held past a gap, ascending (only with holds)
    this.script = script;
    this.brokenEvery = brokenEvery;
    this.line = line;
    this.transcript = [];
    this.limits = { data: 2000, begins: 6, dones: 4, ...limits };
    this.signal = { aborted: false };
    this.stopped = '';
    this.decoder = new FrameDecoder();
    this.seq = 0;
    this.channel = new ByteChannel((bytes) => this.fromHost(bytes), clock);
    this.hellos = 0;
    this.begins = 0;
    this.dataFrames = 0; // DATA frames written by the page, broken ones included
    this.brokenFrames = 0;
    this.dones = 0;
    this.sentEnd = 0; // the end of the patch bytes the page has written since the last BEGIN
    this.open = false; // a transfer is open (BEGIN answered, not lost to a reset)
    this.total = 0;
    this.expected = 0;
    this.checkpoint = 0; // where the device would go on after a reset
    this.received = null; // the patch bytes received in order
  }

  fromHost(bytes) {
    this.transcript.push(bytes.length === 1 ? bytes[0].toString(16).padStart(2, '0') : TYPE_NAMES[bytes[1]]);
    const line = Uint8Array.from(this.line(bytes, this));
    if (line[1] === FrameType.DATA) {
      this.dataFrames++;
      this.sentEnd = Math.max(this.sentEnd, u32(line, 7) + (line[3] | (line[4] << 8)) - 4);
      if (this.brokenEvery > 0 && this.dataFrames % this.brokenEvery === 0) {
        line[line.length - 1] ^= 0xff; // the CRC-32 fails
      }
    }
    const dropped = this.decoder.dropped;
    for (const f of this.decoder.push(line)) this.got(f);
    if (this.decoder.dropped > dropped) {
      this.brokenFrames++;
      // A broken frame draws NAK 2 and the offset the device expects; with no transfer open (it
      // was reset), its checkpoint.
      this.answer({ type: FrameType.NAK, payload: nak(this.open ? this.expected : this.checkpoint, NakReason.CORRUPT) });
    }
    if (this.dataFrames > this.limits.data || this.begins > this.limits.begins || this.dones > this.limits.dones) {
      this.stopped ||= `stopped the page: ${this.dataFrames} DATA, ${this.begins} BEGIN, ${this.dones} DONE frames`;
      this.signal.aborted = true;
    }
  }

  got(f) {
    if (f.type === FrameType.HELLO) this.hellos++;
    if (f.type === FrameType.BEGIN) {
      this.begins++;
      this.sentEnd = 0;
    }
    if (f.type === FrameType.DONE) this.dones++;
    const a = this.script(f, this);
    this.answer(a === undefined ? this.honest(f) : a);
  }

  answer(a) {
    if (!a) return;
    const reason = a.type === FrameType.NAK && a.payload.length >= 5 ? ` ${a.payload[4]}` : '';
    this.transcript.push(`<${TYPE_NAMES[a.type]}${reason}`);
    this.channel.push(encodeFrame(a.type, this.seq++, a.payload));
  }

  /** What an honest device answers (no hold ring: a frame past the expected offset is not kept). */
  honest(f) {
    switch (f.type) {
      case FrameType.HELLO: {
        const name = new TextEncoder().encode('scripted');
        const p = new Uint8Array(25 + name.length + (this.selectiveRepeat ? 3 : 0));
        p[0] = 1;
        p[1] = 0x00; p[2] = 0x04; // max payload 1024
        p[24] = name.length;
        p.set(name, 25);
        if (this.selectiveRepeat) {
          p[25 + name.length] = CAP_SELECTIVE_REPEAT;
          p[26 + name.length] = HOLD_BYTES & 0xff; p[27 + name.length] = HOLD_BYTES >> 8; // the hold ring
        }
        return { type: FrameType.INFO, payload: p };
      }
      case FrameType.BEGIN: {
        const total = u32(f.payload, 0);
        if (this.received === null || this.total !== total) {
          this.total = total;
          this.received = new Uint8Array(total);
          this.received.set(f.payload.subarray(4), 0);
          this.checkpoint = f.payload.length - 4; // header_size: a fresh device starts after the header
        }
        this.expected = this.checkpoint;
        this.held = [];
        this.open = true;
        return { type: FrameType.READY, payload: payload32(this.expected) };
      }
      case FrameType.DATA: {
        if (!this.open) return null; // no transfer open: DATA is ignored
        const off = u32(f.payload, 0);
        const end = off + f.payload.length - 4;
        if (off > this.expected && this.holds && this.hold(off, end, f.payload.subarray(4))) {
          const [start, stop] = this.held.find(([a, b]) => a <= off && end <= b);
          return { type: FrameType.SACK, payload: payload32(this.expected, start, stop) };
        }
        if (off > this.expected) {
          return this.selectiveRepeat
            ? { type: FrameType.SACK, payload: payload32(this.expected, 0, 0) }
            : { type: FrameType.NAK, payload: nak(this.expected, NakReason.GAP) };
        }
        this.received.set(f.payload.subarray(4), off);
        this.expected = Math.max(this.expected, end);
        while (this.held.length > 0 && this.held[0][0] <= this.expected) {
          this.expected = Math.max(this.expected, this.held.shift()[1]); // the held bytes that follow on
        }
        return { type: FrameType.ACK, payload: payload32(this.expected) };
      }
      case FrameType.DONE: {
        if (!this.open || this.expected < this.total) {
          return { type: FrameType.NAK, payload: nak(this.open ? this.expected : this.checkpoint, NakReason.GAP) };
        }
        return { type: FrameType.RESULT, payload: Uint8Array.of(0, 0, 0x6f, 0x6b) }; // 0, "ok"
      }
      default:
        return null;
    }
  }

  /**
   * Keeps [off, end) past a gap as the devices do (HeldData): only within HOLD_BYTES of the
   * expected offset and in at most MAX_HELD_RANGES ranges; false if it does not fit.
   */
  hold(off, end, bytes) {
    if (end - this.expected > HOLD_BYTES) return false;
    const ranges = [...this.held, [off, end]].sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([...r]);
    }
    if (merged.length > MAX_HELD_RANGES) return false;
    this.held = merged;
    this.received.set(bytes, off);
    return true;
  }

  /** The device was reset: it keeps its checkpoint, and no transfer is open until the next BEGIN. */
  reset(checkpoint) {
    this.open = false;
    this.held = [];
    this.checkpoint = checkpoint;
  }
}

/**
 * A device that acknowledges the first DATA frame and, in the sessions `goesBack(n)` picks (n from
 * 1), answers every later one with NAK 2 at header_size, below what it acknowledged: it lost the
 * transfer. In the other sessions it is silent after BEGIN. Each BEGIN after the first is answered
 * with READY at the offset it acknowledged (it keeps its place), so the acknowledged offset never
 * passes its highest and no lost link is forgiven (docs/PROTOCOL.md, "Reconnects").
 */
export function wentBackAfterEveryReady(selectiveRepeat, goesBack, limits = {}) {
  let firstAck = -1;
  return new ScriptedDevice({
    selectiveRepeat,
    limits: { data: 1000, begins: 8, ...limits },
    script: (f, dev) => {
      if (f.type === FrameType.BEGIN && firstAck >= 0) {
        dev.honest(f);
        return { type: FrameType.READY, payload: payload32(firstAck) };
      }
      if (f.type !== FrameType.DATA) return undefined;
      if (firstAck < 0) {
        const a = dev.honest(f);
        firstAck = dev.expected;
        return a;
      }
      if (!goesBack(dev.begins)) return null;
      return { type: FrameType.NAK, payload: nak(dev.checkpoint, NakReason.CORRUPT) };
    },
  });
}
