// SPDX-License-Identifier: Apache-2.0
// The page's table of device error codes against the codes the runtimes send: ErrorCode.java (the
// format's codes, docs/FORMAT.md section 5) and fwd_errors.h (the C library's own codes too). A code
// added there and forgotten here would reach a person as "unknown error code N".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describeStatus, DeviceRefusedError, PATCH_ERRORS } from '../src/device-refused.js';

const repo = (rel) => readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8');

/** NAME(number) entries of the Java enum. */
function javaCodes() {
  const src = repo('patch-runtime/src/main/java/dev/fwdelta/runtime/format/ErrorCode.java');
  const codes = [...src.matchAll(/^\s+([A-Z_]+)\((\d+)\)[,;]/gm)].map((m) => [Number(m[2]), m[1]]);
  assert.ok(codes.length >= 44, `ErrorCode.java: ${codes.length} codes read, the parse is broken`);
  return codes;
}

/**
 * FWD_ERR_NAME = number entries of the C header (FWD_OK = 0 is no error). The C library's own codes,
 * 100 and up, go on the wire as 0xFFFF "other failure" (send_result in c/device/src/fwd_uart.c).
 */
function cCodes() {
  const src = repo('patch-runtime/c/include/fwdelta/fwd_errors.h');
  const codes = [...src.matchAll(/\bFWD_ERR_([A-Z_]+)\s*=\s*(\d+)/g)].map((m) => [Number(m[2]), m[1]])
    .filter(([code]) => code < 100);
  assert.ok(codes.length >= 44, `fwd_errors.h: ${codes.length} codes read, the parse is broken`);
  return codes;
}

/** The code | name pairs of docs/FORMAT.md section 5 (two pairs per table row). */
function formatCodes() {
  const doc = repo('docs/FORMAT.md');
  const section = doc.slice(doc.indexOf('## 5. Error codes'), doc.indexOf('## 6.'));
  const codes = [...section.matchAll(/\|\s*(\d+)\s*\|\s*([A-Z_]+)\s*/g)].map((m) => [Number(m[1]), m[2]]);
  assert.ok(codes.length >= 44, `FORMAT.md section 5: ${codes.length} codes read, the parse is broken`);
  return codes;
}

test('every error code a device can send has a name and words in the page', () => {
  for (const [where, codes] of [['ErrorCode.java', javaCodes()], ['fwd_errors.h', cCodes()], ['FORMAT.md', formatCodes()]]) {
    for (const [code, name] of codes) {
      const entry = PATCH_ERRORS[code];
      assert.ok(entry, `${where}: code ${code} ${name} has no entry in PATCH_ERRORS (web/src/device-refused.js)`);
      assert.equal(entry[0], name, `${where}: code ${code}`);
      assert.ok(entry[1].length > 10, `code ${code} ${name} has no words for the person updating`);
      assert.doesNotMatch(describeStatus(code), /unknown error code/);
    }
  }
});

test('the page knows no code the runtimes do not', () => {
  const known = new Set([...javaCodes(), ...cCodes()].map(([code]) => code));
  for (const code of Object.keys(PATCH_ERRORS)) assert.ok(known.has(Number(code)), `PATCH_ERRORS has ${code}, no runtime does`);
});

test('DOES_NOT_FIT (43) in words: the patch is larger than the board can hold', () => {
  assert.match(describeStatus(43), /^DOES_NOT_FIT \(43\): /);
  const e = new DeviceRefusedError(43, 'new image 600000 bytes > staging slot 393216');
  assert.equal(e.code, 'DOES_NOT_FIT');
  assert.doesNotMatch(e.message, /unknown/);
});
