// SPDX-License-Identifier: Apache-2.0
// The update page: loads a patch, shows its header, and sends it with WebSerial through the
// protocol module. Everything that talks to the browser is here; the protocol stays pure.
import { ByteChannel } from './byte-channel.js';
import { DeviceRefusedError } from './device-refused.js';
import { readPatchFile, readPatchResponse } from './load.js';
import { PatchError, parsePatchHeader } from './patch-header.js';
import { sendPatch } from './protocol.js';
import { NoAgentError, NoAnswerError } from './session-errors.js';

const $ = (id) => document.getElementById(id);
const BAUD = 115200;
let patch = null;
/** The loaded patch's header_size: READY's offset on an update that starts from the beginning. */
let patchHeaderSize = 0;
/** A transfer is running: loading another patch or pressing Update again waits for its end. */
let busy = false;

/** Why Update cannot be pressed in this browser, or null. WebSerial exists only in a secure context. */
function noSerial() {
  if (globalThis.isSecureContext === false) {
    return 'This page needs HTTPS (or localhost) for WebSerial: open it over https://.';
  }
  return 'serial' in navigator ? null : 'This browser has no WebSerial: use a Chromium-based browser (Chrome, Edge, Opera).';
}

/** The file input, Load and Update, disabled while a transfer runs (and Update while no patch is loaded). */
function setControls() {
  $('file').disabled = busy;
  $('load-url').disabled = busy;
  $('update').disabled = busy || !patch || noSerial() !== null;
}

function say(text, kind = '') {
  $('message').textContent = text;
  $('message').className = kind;
}

function bytes(n) {
  return `${n.toLocaleString('en')} bytes`;
}

function showPatch(data, name) {
  patch = null;
  $('update').disabled = true;
  $('header').hidden = true;
  try {
    const h = parsePatchHeader(data);
    $('h-version').textContent = `fwdelta patch, format version ${h.version}${h.signed ? ', signed' : ''}`;
    $('h-hardware').textContent = `0x${h.hardwareId.toString(16).padStart(8, '0')}`;
    $('h-firmware').textContent = h.firmwareVersion.toString();
    $('h-old').textContent = bytes(h.oldSize);
    $('h-new').textContent = bytes(h.newSize);
    $('h-patch').textContent = `${bytes(h.patchLength)} (header ${h.headerSize})`;
    $('header').hidden = false;
    patch = data;
    patchHeaderSize = h.headerSize;
    setControls();
    const why = noSerial();
    say(why === null ? `${name} loaded: connect the board and press Update.` : why, why === null ? '' : 'error');
  } catch (e) {
    say(e instanceof PatchError ? `${name} cannot be used: ${e.message}. Nothing was sent.` : String(e), 'error');
  }
}

/**
 * Loads a patch with `read` (header first: nothing past what it declares, see load.js) and shows it;
 * a refusal names the field and its range.
 */
async function load(read, name) {
  if (busy) return;
  patch = null;
  $('update').disabled = true;
  $('header').hidden = true;
  say(`Loading ${name}…`);
  try {
    showPatch(await read(), name);
  } catch (e) {
    say(e instanceof PatchError ? `${name} cannot be used: ${e.message}. Nothing was sent.`
      : `Could not load the update: ${e.message}`, 'error');
  }
}

$('file').addEventListener('change', async () => {
  const f = $('file').files[0];
  if (f) await load(() => readPatchFile(f), f.name);
});

async function loadUrl(url) {
  await load(async () => {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return readPatchResponse(r);
  }, url);
}
$('load-url').addEventListener('click', () => loadUrl($('url').value));
// ?patch=URL: a vendor links straight to an update (e.g. on its update server).
const linked = new URLSearchParams(location.search).get('patch');
if (linked) loadUrl(linked);

/** "1.2 KB/s, 0:42 left" style figures for a progress line. */
function rateAndTimeLeft(bytesSinceStart, msSinceStart, remaining) {
  if (msSinceStart <= 0 || bytesSinceStart <= 0) return { rate: 0, secondsLeft: Infinity };
  const rate = (bytesSinceStart * 1000) / msSinceStart;
  return { rate, secondsLeft: remaining / rate };
}

function time(seconds) {
  if (!Number.isFinite(seconds)) return '…';
  const s = Math.ceil(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

$('update').addEventListener('click', async () => {
  if (!patch || busy) return;
  busy = true;
  setControls();
  const headerSize = patchHeaderSize;
  let port;
  let reader;
  let writer;
  let pump;
  try {
    port = await navigator.serial.requestPort();
    await port.open({ baudRate: BAUD });
    writer = port.writable.getWriter();
    const channel = new ByteChannel((b) => writer.write(b));
    reader = port.readable.getReader();
    pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        channel.push(value);
      }
    })().catch(() => channel.close());
    say('Connecting…');
    let t0 = 0;
    const result = await sendPatch(channel, patch, {
      baud: BAUD,
      onInfo: (i) => {
        $('device').textContent = `Board: ${i.layout}, hardware id 0x${i.hardwareId.toString(16).padStart(8, '0')}, `
          + `firmware ${i.installedVersion}, agent ${i.state}`;
      },
      onProgress: ({ acked, total, startedAt }) => {
        if (!t0) t0 = performance.now();
        $('progress').value = acked / total;
        const { rate, secondsLeft } = rateAndTimeLeft(acked - startedAt, performance.now() - t0, total - acked);
        $('rate').textContent = `${bytes(acked)} of ${bytes(total)} · ${(rate / 1000).toFixed(1)} kB/s · ${time(secondsLeft)} left`;
        // READY's offset is header_size on an update from the beginning: only past it is a resume.
        say(startedAt > headerSize && acked === startedAt ? `Resuming at byte ${startedAt}…` : 'Sending…');
      },
    });
    if (result.installed) {
      say(`Update installed: the board now runs firmware ${result.info.installedVersion} `
        + `(${bytes(result.patchBytes)} sent; its answer to the last frame was lost).`, 'ok');
    } else {
      say(`Update staged and verified (${bytes(result.patchBytes)} sent, started at ${result.startedAt}). `
        + 'The board installs it at its next reset.', 'ok');
    }
  } catch (e) {
    if (e instanceof DeviceRefusedError) say(`${e.message}. Nothing was installed.`, 'error');
    else if (e instanceof NoAgentError) say(`${e.message}${/[.?]$/.test(e.message) ? '' : '.'} Nothing was installed.`, 'error');
    else if (e instanceof NoAnswerError) say(`${e.message}: check the cable and that the board is in update mode. Nothing was installed.`, 'error');
    else if (e?.name === 'NotFoundError') say('No port was chosen.', 'error');
    else say(`The update failed: ${e.message ?? e}. The board keeps its current firmware.`, 'error');
  } finally {
    // The streams are unlocked before the port is closed, after a failure too: a locked stream
    // made close() fail unseen, and the port stayed open (and the read loop running) until the
    // page was reloaded, so the next Update found it "already open".
    try { await reader?.cancel(); } catch { /* the stream already failed */ }
    try { await pump; } catch { /* its end is all that is waited for */ }
    try { reader?.releaseLock(); } catch { /* not locked */ }
    try { writer?.releaseLock(); } catch { /* not locked */ }
    try { await port?.close(); } catch { /* already closed, or never opened */ }
    busy = false;
    setControls();
  }
});
