# SPDX-License-Identifier: MIT
"""Reading the reports of our binaries: a finding's class and first line
(the sim's `==vfuzz== FINDING <class>:` grammar, ASan, UBSan, LSan,
libFuzzer), the driver's frames of its stack, and the deduplication key."""

import hashlib
import os
import re
from pathlib import Path

from . import core


_FINDING = re.compile(r"==vfuzz== FINDING ([A-Za-z0-9_-]+):")
_ASAN = re.compile(r"ERROR: AddressSanitizer: ([A-Za-z0-9_-]+)")
_LSAN = re.compile(r"ERROR: LeakSanitizer: detected memory leaks")
_UBSAN = re.compile(r"runtime error: ")
_UBSAN_KIND = re.compile(r"SUMMARY: UndefinedBehaviorSanitizer: ([A-Za-z0-9_-]+)")
_LIBFUZZER = re.compile(r"ERROR: libFuzzer: (deadly signal|fuzz target exited|[a-z-]+)")
_FRAME = re.compile(r"^\s*#(\d+) 0x[0-9a-fA-F]+(?: in (\S+))?\s*(.*)$")
_SITE = re.compile(r"==vfuzz==\s+([a-z ]+) at: #\d+ (\S+)")


# gcc's UBSan prints no SUMMARY kind: name it from the message.
_UBSAN_MESSAGES = [
    ("signed integer overflow", "signed-integer-overflow"),
    ("unsigned integer overflow", "unsigned-integer-overflow"),
    ("shift exponent", "shift-exponent"),
    ("left shift", "shift-base"),
    ("misaligned address", "alignment"),
    ("insufficient space", "object-size"),
    ("out of bounds", "bounds"),
    ("null pointer", "null"),
    ("division by zero", "integer-divide-by-zero"),
    ("not a valid value for type", "invalid-value"),
    ("pointer overflow", "pointer-overflow"),
    ("applying non-zero offset", "pointer-overflow"),
    ("is outside the range of representable values", "float-cast-overflow"),
    ("execution reached an unreachable program point", "unreachable"),
    ("variable length array bound", "vla-bound"),
]


def _ubsan_kind(line, text):
    m = _UBSAN_KIND.search(text)
    if m and m.group(1) != "undefined-behavior":
        return m.group(1)
    for words, kind in _UBSAN_MESSAGES:
        if words in line:
            return kind
    return "undefined-behavior"


def parse_finding(text):
    """(class, first report line) of the first finding in `text`, or None.

    Sim findings keep their class; others become asan-<kind>, ubsan-<kind>,
    lsan-leak, libfuzzer-<timeout|out-of-memory|deadly-signal|...>. Sim
    first, since a sim finding ends in an abort libFuzzer also reports.
    """
    lines = text.splitlines()
    for pattern, name in ((_FINDING, lambda m: m.group(1)),
                          (_ASAN, lambda m: "asan-" + m.group(1).lower()),
                          (_UBSAN, None),
                          (_LSAN, lambda m: "lsan-leak"),
                          (_LIBFUZZER, lambda m: "libfuzzer-" + m.group(1).strip().replace(" ", "-"))):
        for line in lines:
            m = pattern.search(line)
            if not m:
                continue
            if name is None:
                cls = "ubsan-" + _ubsan_kind(line, text)
            else:
                cls = name(m)
            return cls, line.strip()
    return None


def _repo_file(location):
    """The repository-relative source file of a frame location, or None."""
    loc = location.strip()
    if not loc or loc.startswith("("):
        return None  # (module+offset): libc, runtime, no debug info
    path = re.sub(r"(:\d+)+$", "", loc.split(" ")[0])
    if os.path.isabs(path):
        try:
            return str(Path(path).relative_to(core.ROOT))
        except ValueError:
            return None
    # Relative: a repository file (-fdebug-prefix-map) or libc's "csu/../x.c".
    return path if ".." not in Path(path).parts and (core.ROOT / path).is_file() else None


def user_frames(text, count=3):
    """The top `count` frames of the first stack in `text` that are the driver's
    or the target's: not sim/, not the harness or replay main, not libc or a
    sanitizer/libFuzzer runtime. Each is "function file"."""
    frames, started = [], False
    start = 0
    for i, line in enumerate(text.splitlines()):
        if parse_finding(line):
            start = i
            break
    for line in text.splitlines()[start:]:
        m = _FRAME.match(line)
        if not m:
            if started:
                break
            continue
        started = True
        func, where = m.group(2) or "", _repo_file(m.group(3))
        if where is None or func.startswith(("__asan", "__sanitizer", "__ubsan", "fuzzer::")):
            continue
        if where.startswith(("sim/", "fuzz/harness")) or where == "fuzz/replay_main.c":
            continue
        frames.append(f"{func} {where}")
        if len(frames) == count:
            break
    return frames


def finding_key(text, data):
    """Dedup key: class + top 3 user frames + the sim's "made at" sites;
    the input's hash when the report has no usable frame."""
    found = parse_finding(text)
    cls = found[0] if found else "unknown"
    frames = user_frames(text)
    sites = sorted({f"{m.group(1)} at {m.group(2)}" for m in _SITE.finditer(text)})
    if frames:
        key = "|".join([cls] + frames + sites)
    else:
        key = cls + "|input:" + hashlib.sha1(data).hexdigest()
    return cls, key, frames


