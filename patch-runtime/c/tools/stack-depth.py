#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Worst-case stack depth of the applier's entry points on a Cortex-M4, from GCC's call graph.

Compiles src/*.c with arm-none-eabi-gcc -Os -fcallgraph-info=su (frame sizes as -fstack-usage,
plus the call edges), then sums the frames along the deepest call chain from each public
function. The library has no recursion (a cycle fails this script) and calls through pointers
only into the port (read_old, write_new, verify): their own stack comes on top, reported as
"+ callback". Each depth is held to a limit, the README's figure plus 48 bytes (three small
frames) of headroom: the script exits 1 above one (Maven runs it, execution cortex-m4-stack-depth).
Usage: patch-runtime/c/tools/stack-depth.py
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ENTRY_POINTS = ["fwd_apply_init", "fwd_apply_set_trust", "fwd_apply_process", "fwd_apply_finish",
                "fwd_header_check_signature", "fwd_trusted_key_init"]
NODE = re.compile(r'node: \{ title: "([^"]+)" label: "[^"]*?\\n[^"]*?(?:\\n(\d+) bytes \((static|dynamic[^)]*)\))?"')
# README "Figures", Stack: the measured depth (bytes) of each entry point and, for those that call
# the port, the depth where they do; the limit is each figure + HEADROOM.
HEADROOM = 48
FIGURES = {"fwd_apply_init": 24, "fwd_apply_set_trust": 0, "fwd_apply_process": 816,
           "fwd_apply_process + callback": 632, "fwd_apply_finish": 512, "fwd_header_check_signature": 48,
           "fwd_header_check_signature + callback": 48, "fwd_trusted_key_init": 552}
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    frames, calls = {}, {}
    with tempfile.TemporaryDirectory() as out:
        for src in sorted(glob.glob(os.path.join(root, "src", "*.c"))):
            if src.endswith("_absent.c"):
                continue
            name = os.path.splitext(os.path.basename(src))[0]
            subprocess.run(["arm-none-eabi-gcc", "-std=c99", "-Os", "-mthumb", "-mcpu=cortex-m4",
                            "-I" + os.path.join(root, "include"), "-I" + os.path.join(root, "src"),
                            "-fcallgraph-info=su", "-c", src, "-o", os.path.join(out, name + ".o")],
                           check=True, cwd=out)
            text = open(os.path.join(out, name + ".ci")).read()
            for title, size, kind in NODE.findall(text):
                if size:
                    if kind != "static":
                        sys.exit(f"{title}: stack frame is {kind}, not static")
                    frames[title] = int(size)
            for src_fn, dst in EDGE.findall(text):
                calls.setdefault(src_fn, []).append(dst)
    memo = {}

    def deepest(fn, path):
        if fn in path:
            sys.exit("recursion: " + " -> ".join(path + [fn]))
        if fn in memo:
            return memo[fn]
        best = (0, [], False)
        for callee in calls.get(fn, []):
            if callee == "__indirect_call":
                cand = (0, ["<callback>"], True)
            elif callee in frames or callee in calls:
                cand = deepest(callee, path + [fn])
            else:
                cand = (0, [callee + " (libc)"], False)
            if cand[0] > best[0] or (cand[0] == best[0] and cand[2] and not best[2]):
                best = cand
        memo[fn] = (frames.get(fn, 0) + best[0], [fn] + best[1], best[2])
        return memo[fn]

    cb_memo = {}

    def to_callback(fn):
        """Stack in use where the deepest call into the port happens (None: no such call)."""
        if fn not in cb_memo:
            best = None
            for callee in calls.get(fn, []):
                d = 0 if callee == "__indirect_call" else (to_callback(callee) if callee in calls else None)
                if d is not None and (best is None or d > best):
                    best = d
            cb_memo[fn] = None if best is None else frames.get(fn, 0) + best
        return cb_memo[fn]

    def short(fn):
        return fn.split(":")[-1]

    over = []
    for entry in ENTRY_POINTS:
        depth, chain, _ = deepest(entry, [])
        cb = to_callback(entry)
        print(f"{entry}: {depth} bytes" + ("" if cb is None else f"; {cb} bytes + the port callback's own"))
        print("    " + " -> ".join(f"{short(f)}({frames.get(f, 0)})" for f in chain))
        for name, got in ((entry, depth), (entry + " + callback", cb)):
            if got is not None and got > FIGURES[name] + HEADROOM:
                over.append(f"{name}: {got} bytes, over its limit of {FIGURES[name] + HEADROOM}"
                            f" (README's {FIGURES[name]} + {HEADROOM})")
    print(f"limits: the README's figures + {HEADROOM} bytes (fwd_apply_process "
          f"{FIGURES['fwd_apply_process'] + HEADROOM})")
    if over:
        sys.exit("stack-depth: " + "; ".join(over))


if __name__ == "__main__":
    main()
