# SPDX-License-Identifier: MIT
"""Shared helpers for the pytest suite: build through CMake, run a compiled
binary as a subprocess, read a finding report.

Compiled code never runs inside Python (no ASan in this process): every
binary is a subprocess with the sanitizer options ./vfuzz uses. The report
grammar (classes, stack frames) is read by ./vfuzz's own parser, loaded
from the script, so the tests and the tool cannot drift apart.
"""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRESET = "replay"
BUILD_DIR = ROOT / "build" / PRESET


def _load_vfuzz():
    loader = importlib.machinery.SourceFileLoader("vfuzz", str(ROOT / "vfuzz"))
    spec = importlib.util.spec_from_loader("vfuzz", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


vfuzz = _load_vfuzz()
vfuzz._no_core()  # findings abort: no core files from the binaries run here

Finding = namedtuple("Finding", "cls line")


def parse_finding(stderr):
    """The first finding in a report: Finding(cls, line), or None.

    cls is a sim class ("dma-dealloc-double") or asan-<kind>, ubsan-<kind>,
    lsan-leak, libfuzzer-<kind>; line is the report's first line.
    """
    found = vfuzz.parse_finding(stderr)
    return Finding(*found) if found else None


def user_frames(stderr, count=3):
    """Top stack frames of a report outside sim/, the harness and runtimes."""
    return vfuzz.user_frames(stderr, count)


def sanitizer_env(extra=None):
    """os.environ plus readable, aborting ASan/UBSan options, plus `extra`."""
    return vfuzz.sanitizer_env(extra)


class BuildError(Exception):
    def __init__(self, what, output):
        super().__init__(f"{what}:\n{output[-6000:]}")
        self.output = output


def build(targets=None, preset=PRESET):
    """Configure `preset` if it never was, then build it (or only `targets`),
    as ./vfuzz does. Incremental: cmake rebuilds only what is stale.
    Raises BuildError with the build's output."""
    try:
        return vfuzz.build(preset, targets, quiet=True)
    except vfuzz.Error as e:
        raise BuildError(str(e).replace("; output above", ""), e.output)


class Builds:
    """One full build per session; single targets on demand when it fails,
    so a broken file fails only the tests that need it (and the build test)."""

    def __init__(self):
        self.full_error = None
        self.done = False
        self.targets = {}

    def build_all(self):
        if not self.done:
            self.done = True
            try:
                build()
            except BuildError as e:
                self.full_error = e
        return self.full_error

    def ensure(self, name):
        """Build one binary if the full build failed; raise BuildError if it cannot be."""
        self.build_all()
        if self.full_error is None and (BUILD_DIR / name).exists():
            return BUILD_DIR / name
        if name not in self.targets:
            try:
                build([name])
                self.targets[name] = None
            except BuildError as e:
                self.targets[name] = e
        if self.targets[name] is not None:
            raise self.targets[name]
        return BUILD_DIR / name


def run_binary(path, *args, env=None, input_file=None, timeout=60, tmp_dir=None):
    """Run a compiled binary with the sanitizer environment; return the
    CompletedProcess (text stdout/stderr). `input_file`: a path, or bytes
    written to a file in `tmp_dir`, appended as the last argument."""
    argv = [str(path)] + [str(a) for a in args]
    if input_file is not None:
        if isinstance(input_file, (bytes, bytearray)):
            if tmp_dir is None:
                raise ValueError("bytes input_file needs tmp_dir")
            p = Path(tmp_dir) / f"input-{len(os.listdir(tmp_dir))}"
            p.write_bytes(input_file)
            input_file = p
        argv.append(str(input_file))
    return subprocess.run(argv, cwd=ROOT, env=sanitizer_env(env), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, errors="replace", timeout=timeout)


def run_vfuzz(*args, timeout=600, env=None):
    """Run ./vfuzz as the user would; return the CompletedProcess."""
    return subprocess.run([sys.executable, str(ROOT / "vfuzz")] + [str(a) for a in args],
                          cwd=ROOT, env=dict(os.environ, **(env or {})), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, errors="replace", timeout=timeout)
