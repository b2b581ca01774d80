#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Worst-case stack depth of the applier's and the device library's entry points on a Cortex-M4,
from GCC's call graph.

Compiles src/*.c and device/src/*.c with arm-none-eabi-gcc -Os -fcallgraph-info=su (frame sizes as
-fstack-usage, plus the call edges), then sums the frames along the deepest call chain from each
public function. The library has no recursion (a cycle fails this script). The applier calls
through pointers only into the port (read_old, write_new, on_block, verify): their own stack comes
on top, reported as "+ callback". Behind the device entry points those pointers are the update
agent's own callbacks (CALLBACKS below), which are followed; what remains is the port (flash
driver, UART write, signature verify), again "+ callback". A device function reached by no call
edge and not named in CALLBACKS fails the script, so that a new callback cannot go unmeasured.

Limits: the applier's entry points are held to the README's figures (FIGURES) + HEADROOM, the
device's to the "Stack" table of docs/DEVICE.md + HEADROOM (an entry point without a row there
fails), and each device component's static state + worst stack to the RAM table's total there.
The script exits 1 above any limit (Maven runs it, execution cortex-m4-stack-depth).
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
# The device library's public entry points (fwd_device.h, fwd_uart.h) by component; each needs a
# row in DEVICE.md's "Stack" table.
DEVICE_ENTRY_POINTS = {
    "bootloader": ["fwd_boot", "fwd_boot_confirm"],
    "update agent": ["fwd_agent_init", "fwd_agent_begin", "fwd_agent_receive", "fwd_agent_finish",
                     "fwd_agent_abort"],
    "UART session": ["fwd_uart_init", "fwd_uart_receive", "fwd_uart_idle"],
}
# What a call through a pointer may reach besides the port, for calls made in these files or
# functions: the applier's port callbacks are the agent's (open_applier, fwd_apply_on_block), and
# each_record hands each log record to one of the two log readers.
CALLBACKS = {
    "src/": ["fwd_agent.c:write_new", "fwd_agent.c:read_old", "fwd_agent.c:block_done"],
    "fwd_log.c:each_record": ["fwd_log.c:agent_record", "fwd_log.c:boot_record"],
}
NODE = re.compile(r'node: \{ title: "([^"]+)" label: "[^"]*?\\n[^"]*?(?:\\n(\d+) bytes \((static|dynamic[^)]*)\))?"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
# README "Figures", Stack: the measured depth (bytes) of each entry point and, for those that call
# the port, the depth where they do; the limit is each figure + HEADROOM.
HEADROOM = 48
FIGURES = {"fwd_apply_init": 24, "fwd_apply_set_trust": 0, "fwd_apply_process": 688,
           "fwd_apply_process + callback": 648, "fwd_apply_finish": 232, "fwd_header_check_signature": 48,
           "fwd_header_check_signature + callback": 48, "fwd_trusted_key_init": 272}
CFLAGS = ["-std=c99", "-Os", "-mthumb", "-mcpu=cortex-m4"]
# DEVICE.md, "Stack" table rows: | `entry` | depth | depth where it calls the port, or - | ...
STACK_ROW = re.compile(r'^\| `(fwd_\w+)` \| ([\d,]+) \| ([\d,]+|-) \|', re.M)
# DEVICE.md, RAM table: | component | N bytes in C on a Cortex-M4 ...
RAM_ROW = re.compile(r'^\| (bootloader|update agent|UART session) \| ([\d,]+) bytes in C', re.M)


def number(text):
    return int(text.replace(",", ""))


def compile_graph(root, out, frames, calls, sources, includes):
    for src in sources:
        name = os.path.relpath(src, root).replace(os.sep, "_")[:-2]
        subprocess.run(["arm-none-eabi-gcc"] + CFLAGS + ["-I" + os.path.join(root, d) for d in includes]
                       + ["-fcallgraph-info=su", "-c", src, "-o", os.path.join(out, name + ".o")],
                       check=True, cwd=out)
        text = open(os.path.join(out, name + ".ci")).read()
        for title, size, kind in NODE.findall(text):
            if size:
                if kind != "static":
                    sys.exit(f"{title}: stack frame is {kind}, not static")
                frames[title] = int(size)
        for src_fn, dst in EDGE.findall(text):
            calls.setdefault(src_fn, []).append(dst)


def static_state(root, out):
    """Bytes of RAM each device component keeps outside the stack on the Cortex-M4."""
    probe = os.path.join(out, "ram_probe.c")
    with open(probe, "w") as f:
        f.write('#include "fwdelta/fwd_uart.h"\nchar agent[sizeof(fwd_agent)], uart[sizeof(fwd_uart)];\n')
    subprocess.run(["arm-none-eabi-gcc"] + CFLAGS + ["-I" + os.path.join(root, "include"),
                   "-I" + os.path.join(root, "device", "include"), "-c", probe, "-o", probe[:-2] + ".o"],
                   check=True)
    nm = subprocess.run(["arm-none-eabi-nm", "-S", "-t", "d", probe[:-2] + ".o"], check=True,
                        capture_output=True, text=True).stdout
    sizes = {f[3]: int(f[1]) for f in (line.split() for line in nm.splitlines()) if len(f) == 4}
    # The bootloader's state is fwd_boot.c's own static variables (without the padding between them,
    # which a linker given -fdata-sections need not keep).
    nm = subprocess.run(["arm-none-eabi-nm", "-S", "-t", "d", os.path.join(out, "device_src_fwd_boot.o")],
                        check=True, capture_output=True, text=True).stdout
    boot = sum(int(f[1]) for f in (line.split() for line in nm.splitlines()) if len(f) == 4 and f[2] in "bBdD")
    return {"bootloader": boot, "update agent": sizes["agent"], "UART session": sizes["uart"]}


class Graph:
    def __init__(self, frames, calls):
        self.frames, self.calls, self.memo, self.cb_memo = frames, calls, {}, {}

    def deepest(self, fn, path):
        if fn in path:
            sys.exit("recursion: " + " -> ".join(path + [fn]))
        if fn in self.memo:
            return self.memo[fn]
        best = (0, [], False)
        for callee in self.calls.get(fn, []):
            if callee == "__indirect_call":
                cand = (0, ["<callback>"], True)
            elif callee in self.frames or callee in self.calls:
                cand = self.deepest(callee, path + [fn])
            else:
                cand = (0, [callee + " (libc)"], False)
            if cand[0] > best[0] or (cand[0] == best[0] and cand[2] and not best[2]):
                best = cand
        self.memo[fn] = (self.frames.get(fn, 0) + best[0], [fn] + best[1], best[2])
        return self.memo[fn]

    def to_callback(self, fn):
        """Stack in use where the deepest call into the port happens (None: no such call)."""
        if fn not in self.cb_memo:
            best = None
            for callee in self.calls.get(fn, []):
                d = 0 if callee == "__indirect_call" else (
                    self.to_callback(callee) if callee in self.calls else None)
                if d is not None and (best is None or d > best):
                    best = d
            self.cb_memo[fn] = None if best is None else self.frames.get(fn, 0) + best
        return self.cb_memo[fn]


def resolve_callbacks(root, frames, calls):
    """The device's call graph: calls through pointers also reach the targets CALLBACKS names."""
    titles = set(frames) | set(calls)

    def title(suffix):
        found = [t for t in titles if t.endswith("/" + suffix)]
        if len(found) != 1:
            sys.exit(f"stack-depth: CALLBACKS names {suffix}, found {found or 'nothing'}")
        return found[0]

    src_dir = os.path.join(os.path.abspath(root), "src") + os.sep
    device = {}
    for fn, callees in calls.items():
        if "__indirect_call" not in callees:
            continue
        extra = []
        for where, targets in CALLBACKS.items():
            if (where == "src/" and fn.startswith(src_dir)) or fn.endswith("/" + where):
                extra += [title(t) for t in targets]
        device[fn] = callees + extra
    resolved = dict(calls)
    resolved.update(device)
    return resolved


def main():
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    docs = open(os.path.join(root, "..", "..", "docs", "DEVICE.md")).read()
    frames, calls = {}, {}
    with tempfile.TemporaryDirectory() as out:
        compile_graph(root, out, frames, calls,
                      [s for s in sorted(glob.glob(os.path.join(root, "src", "*.c"))) if not s.endswith("_absent.c")],
                      ["include", "src"])
        compile_graph(root, out, frames, calls, sorted(glob.glob(os.path.join(root, "device", "src", "*.c"))),
                      ["include", "device/include"])
        state = static_state(root, out)

    def short(fn):
        return fn.split(":")[-1]

    over = []

    def report(graph, entry, figures, source):
        depth, chain, _ = graph.deepest(entry, [])
        cb = graph.to_callback(entry)
        print(f"{entry}: {depth} bytes" + ("" if cb is None else f"; {cb} bytes + the port callback's own"))
        print("    " + " -> ".join(f"{short(f)}({graph.frames.get(f, 0)})" for f in chain))
        for name, got in ((entry, depth), (entry + " + callback", cb)):
            if got is not None and (name not in figures or got > figures[name] + HEADROOM):
                over.append(f"{name}: {got} bytes, "
                            + (f"{source} states no figure" if name not in figures else
                               f"over its limit of {figures[name] + HEADROOM} ({source}'s {figures[name]} + {HEADROOM})"))
        return max(depth, cb or 0)

    applier = Graph(frames, calls)
    for entry in ENTRY_POINTS:
        report(applier, entry, FIGURES, "README")

    stated = {}
    for entry, depth, cb in STACK_ROW.findall(docs):
        stated[entry] = number(depth)
        if cb != "-":
            stated[entry + " + callback"] = number(cb)
    totals = {component: number(n) for component, n in RAM_ROW.findall(docs)}
    device = Graph(frames, resolve_callbacks(root, frames, calls))
    reached = set()
    for component, entries in DEVICE_ENTRY_POINTS.items():
        worst = max(report(device, entry, stated, "DEVICE.md") for entry in entries)
        for entry in entries:
            stack = [entry]
            while stack:
                fn = stack.pop()
                if fn not in reached:
                    reached.add(fn)
                    stack += device.calls.get(fn, [])
        need = state[component] + worst
        print(f"{component}: static {state[component]} + stack {worst} = {need} bytes"
              " + the port callback's own")
        if component not in totals:
            over.append(f"{component}: DEVICE.md's RAM table states no total in C")
        elif need > totals[component] + HEADROOM:
            over.append(f"{component}: static {state[component]} + stack {worst} = {need} bytes,"
                        f" over its limit of {totals[component] + HEADROOM} (DEVICE.md's {totals[component]} + {HEADROOM})")
    device_dir = os.path.join(root, "device", "src") + os.sep
    unreached = sorted(short(f) for f in frames if f.startswith(device_dir) and f not in reached)
    if unreached:
        over.append("device functions no entry point reaches (called through a pointer? name them in"
                    " CALLBACKS): " + ", ".join(unreached))
    print(f"limits: the README's and DEVICE.md's figures + {HEADROOM} bytes (fwd_apply_process "
          f"{FIGURES['fwd_apply_process'] + HEADROOM}); static + stack within DEVICE.md's RAM totals")
    if over:
        sys.exit("stack-depth: " + "; ".join(over))


if __name__ == "__main__":
    main()
