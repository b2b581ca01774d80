// SPDX-License-Identifier: Apache-2.0
// Test harness: the Java device (`fwdelta device serve`) on one end of a socat pty pair, the
// protocol module on the other end through the npm serialport package.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { ByteChannel } from '../src/byte-channel.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..', '..');
export const JAR = join(REPO, 'diff-tool', 'target', 'fwdelta.jar');
export const CORPUS = resolve(REPO, '..', 'shared', 'corpus');
export const LAYOUT = 'stm32f405-1m';
/** The JVM that runs the device: Maven passes its own, else java from PATH. */
const JAVA = process.env.FWDELTA_JAVA || 'java';
export const STAGING_OFFSET = 0x80000; // stm32f405-1m.layout: staging = 0x80000 + 384K

/** A tool the tests need: fails naming it when it is missing (never skips). */
export function requireTool(name, hint) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`]);
  if (r.status !== 0) throw new Error(`${name} is missing: ${hint}`);
}

export function requireJar() {
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: build it with ./mvnw -B -pl diff-tool -am package`);
  if (!process.env.FWDELTA_JAVA) requireTool('java', 'install a JDK 17');
}

/** The directories tempDir made: removed when the test file's process exits, pass or fail. */
const madeDirs = [];
process.on('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'fwdelta-web-'));
  madeDirs.push(dir);
  return dir;
}

export function corpusFile(rel) {
  const p = join(CORPUS, rel);
  if (!existsSync(p)) throw new Error(`${p} is missing: the tests need ../shared/corpus beside the repository`);
  return p;
}

/** `fwdelta diff` of two corpus files; returns the patch bytes. */
export function buildPatch(dir, oldFile, newFile, extra = []) {
  requireJar();
  const out = join(dir, `p${Math.random().toString(16).slice(2)}.fwd`);
  const r = spawnSync(JAVA, ['-jar', JAR, 'diff', oldFile, newFile, '-o', out, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fwdelta diff failed: ${r.stderr}`);
  return new Uint8Array(readFileSync(out));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** socat pty pair: host and device paths. */
export async function ptyPair(dir) {
  requireTool('socat', 'apt-get install socat (.ci/run installs it)');
  const host = join(dir, 'ttyHost');
  const device = join(dir, 'ttyDevice');
  const proc = spawn('socat', [`pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${device}`], { stdio: 'ignore' });
  for (let i = 0; i < 250 && !(existsSync(host) && existsSync(device)); i++) await sleep(20);
  if (!(existsSync(host) && existsSync(device))) throw new Error('socat did not create the pty pair');
  return { host, device, close: () => proc.kill() };
}

/** The Java device serving on a pty; flash kept in a file so the staged image can be read. */
export async function startDevice(dir, devicePath, oldFile, extra = []) {
  requireJar();
  const flashFile = join(dir, 'flash.bin');
  const proc = spawn(JAVA, ['-jar', JAR, 'device', 'serve', '--port', devicePath, '--layout', LAYOUT,
    '--image', oldFile, '--flash-file', flashFile, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => proc.on('exit', (code) => r(code)));
  for (let i = 0; i < 1500 && !err.includes('serving on'); i++) {
    if (proc.exitCode !== null) break;
    await sleep(20);
  }
  if (!err.includes('serving on')) throw new Error(`fwdelta device serve did not start: ${err}`);
  return {
    flashFile,
    output: () => out + err,
    exited,
    stop: () => proc.kill(),
  };
}

/** Opens the host end with serialport and gives the protocol module its byte channel. */
export async function openChannel(path) {
  // lock: false: a port closed mid-write (the cut in the disconnect test) may keep its flock a moment.
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false, lock: false });
  await new Promise((res, rej) => port.open((e) => (e ? rej(e) : res())));
  const channel = new ByteChannel((bytes) => new Promise((res, rej) => {
    port.write(Buffer.from(bytes), (e) => (e ? rej(e) : res()));
  }));
  port.on('data', (d) => channel.push(new Uint8Array(d.buffer, d.byteOffset, d.length)));
  channel.closePort = () => new Promise((res) => {
    channel.close();
    port.close(() => res());
  });
  return channel;
}

/** The staging slot's first `length` bytes from the device's flash file. */
export function stagedImage(flashFile, length) {
  return new Uint8Array(readFileSync(flashFile).subarray(STAGING_OFFSET, STAGING_OFFSET + length));
}
