// SPDX-License-Identifier: Apache-2.0
// The page in a real browser: headless Chromium (Debian's chromium) driven by playwright-core.
// navigator.serial is replaced by a small shim that relays the page's bytes through a WebSocket
// served by this test to the host end of a socat pty pair; `fwdelta device serve` is on the other
// end. The page's own code is what the bundle in dist/ holds, unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { WebSocketServer } from 'ws';
import { chromium } from 'playwright-core';
import { buildPatch, corpusFile, ptyPair, stagedImage, startDevice, tempDir } from './harness.js';

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';

/** Serves dist/ and relays one WebSocket to the serial port at `ttyPath`. */
async function serve(ttyPath) {
  const types = { '.html': 'text/html', '.js': 'text/javascript' };
  const http = createServer((req, res) => {
    const name = req.url === '/' ? 'index.html' : req.url.slice(1).split('?')[0];
    const file = join(WEB, 'dist', name);
    if (name.includes('..') || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  const wss = new WebSocketServer({ server: http, path: '/serial' });
  wss.on('connection', (ws) => {
    const port = new SerialPort({ path: ttyPath, baudRate: 115200 });
    port.on('data', (d) => ws.send(d));
    ws.on('message', (m) => port.write(m));
    ws.on('close', () => port.isOpen && port.close());
  });
  await new Promise((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${http.address().port}/`, close: () => { wss.close(); http.close(); } };
}

/** Debian's chromium, headless, with a fresh profile (--user-data-dir) in `dir`, nothing fetched from the net. */
function launch(dir) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run installs it)`);
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Runs in the page before its code: a SerialPort look-alike backed by the test's WebSocket. */
function serialShim() {
  const port = {
    async open() {
      const ws = new WebSocket(`ws://${location.host}/serial`);
      ws.binaryType = 'arraybuffer';
      await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
      this.ws = ws;
      this.readable = new ReadableStream({
        start(c) {
          ws.onmessage = (e) => c.enqueue(new Uint8Array(e.data));
          ws.onclose = () => { try { c.close(); } catch { /* cancelled */ } };
        },
      });
      this.writable = new WritableStream({ write: (chunk) => ws.send(chunk) });
    },
    async close() { this.ws?.close(); },
  };
  Object.defineProperty(Navigator.prototype, 'serial', {
    configurable: true,
    get: () => ({ requestPort: async () => port, getPorts: async () => [port] }),
  });
}

test('the page updates a board: progress, final message, exact staged image, screenshot', async () => {
  if (!existsSync(join(WEB, 'dist', 'page.js'))) throw new Error('web/dist is missing: npm run build first');
  const dir = tempDir();
  const oldFile = corpusFile('pybv11/1f5d945af-firmware1.bin');
  const newFile = corpusFile('pybv11/1f5d945af-dirty-firmware1.bin');
  const patchFile = join(dir, 'update.fwd');
  writeFileSync(patchFile, buildPatch(dir, oldFile, newFile, ['--block-size', '512']));
  const pty = await ptyPair(dir);
  const device = await startDevice(dir, pty.device, oldFile);
  const server = await serve(pty.host);
  const context = await launch(dir);
  try {
    const page = context.pages()[0] ?? await context.newPage();
    await page.addInitScript(serialShim);
    await page.goto(server.url);
    await page.setInputFiles('#file', patchFile);
    // The page reads the file asynchronously: wait until the header is shown, then check it.
    await page.waitForFunction(() => document.querySelector('#h-version')?.textContent !== '', null, { timeout: 30_000 });
    assert.equal(await page.textContent('#h-version'), 'fwdelta patch, format version 3');
    await page.click('#update');
    await page.waitForSelector('#message.ok', { timeout: 120_000 });
    assert.match(await page.textContent('#message'), /Update staged and verified/);
    assert.equal(await page.$eval('#progress', (p) => p.value), 1);
    assert.match(await page.textContent('#rate'), /kB\/s/);
    assert.match(await page.textContent('#device'), /stm32f405-1m/);
    const shots = join(WEB, 'target');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'update-page.png'), fullPage: true });
  } finally {
    await context.close();
    server.close();
    device.stop();
    await device.exited;
    pty.close();
  }
  const expected = new Uint8Array(readFileSync(newFile));
  assert.deepEqual(stagedImage(device.flashFile, expected.length), expected);
});

test('the page refuses a file that is not a patch before anything is sent', async () => {
  const dir = tempDir();
  const server = await serve('/dev/null');
  const context = await launch(dir);
  try {
    const page = context.pages()[0] ?? await context.newPage();
    await page.addInitScript(serialShim);
    await page.goto(server.url);
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'this is not firmware');
    await page.setInputFiles('#file', junk);
    await page.waitForSelector('#message.error'); // the page reads the file asynchronously
    assert.match(await page.textContent('#message'), /notes.txt cannot be used: not a fwdelta patch.*Nothing was sent/);
    assert.equal(await page.$eval('#update', (b) => b.disabled), true);
  } finally {
    await context.close();
    server.close();
  }
});
