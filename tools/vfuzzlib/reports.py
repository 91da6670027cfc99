# SPDX-License-Identifier: MIT
"""Reading the reports of our binaries: a finding's class and first line
(the sim's `==vfuzz== FINDING <class>:` grammar, ASan, UBSan, LSan,
libFuzzer), the driver's frames of its stack, the deduplication key (the
bug, never the values), and a report's driver-first opening."""

import os
import re
from pathlib import Path

from . import core


_FINDING = re.compile(r"==vfuzz== FINDING ([A-Za-z0-9_-]+):")
_ASAN = re.compile(r"ERROR: AddressSanitizer: ([A-Za-z0-9_-]+)")
# The msan preset: "WARNING: MemorySanitizer: use-of-uninitialized-value".
_MSAN = re.compile(r"WARNING: MemorySanitizer: ([A-Za-z0-9_-]+)")
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
    # The message first: it is the same from clang and gcc (one runtime),
    # while the SUMMARY kind depends on the compiler and on
    # report_error_type ("out-of-bounds-index" from clang, none from gcc).
    for words, kind in _UBSAN_MESSAGES:
        if words in line:
            return kind
    m = _UBSAN_KIND.search(text)
    if m and m.group(1) != "undefined-behavior":
        return m.group(1)
    return "undefined-behavior"


def parse_finding(text):
    """(class, first report line) of the first finding in `text`, or None.

    Sim findings keep their class; others become asan-<kind>, ubsan-<kind>,
    msan-<kind>, lsan-leak, libfuzzer-<timeout|out-of-memory|deadly-signal|...>. Sim
    first, since a sim finding ends in an abort libFuzzer also reports.
    """
    lines = text.splitlines()
    for pattern, name in ((_FINDING, lambda m: m.group(1)),
                          (_ASAN, lambda m: "asan-" + m.group(1).lower()),
                          (_MSAN, lambda m: "msan-" + m.group(1).lower()),
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


def _repo_path(path):
    """A source path as the repository names it, or None outside it."""
    if os.path.isabs(path):
        try:
            return str(Path(path).relative_to(core.ROOT))
        except ValueError:
            return None
    # Relative: a repository file (-fdebug-prefix-map) or libc's "csu/../x.c".
    return path if ".." not in Path(path).parts and (core.ROOT / path).is_file() else None


def _repo_file(location):
    """The repository-relative source file of a frame location, or None."""
    loc = location.strip()
    if not loc or loc.startswith("("):
        return None  # (module+offset): libc, runtime, no debug info
    return _repo_path(re.sub(r"(:\d+)+$", "", loc.split(" ")[0]))


def _line_col(location):
    """":line:col" (or ":line") at the end of a frame location, or ""."""
    m = re.search(r"((?::\d+)+)$", location.strip().split(" ")[0])
    return m.group(1) if m else ""


def _is_user(func, where):
    """A frame of the code under test: the driver or the target's own file,
    not sim/, the harness (a foreign driver's glue in fuzz/linux/ too: the
    driver under test there is Linux's), the replay main, libc or a runtime."""
    if where is None or func.startswith(("__asan", "__msan", "__sanitizer", "__ubsan", "fuzzer::")):
        return False
    return not (where.startswith(("sim/", "fuzz/harness", "fuzz/linux/"))
                or where == "fuzz/replay_main.c")


def stack(text):
    """The first stack after the finding's first line: a list of
    (function, repository file or None, ":line:col", the line as printed)."""
    lines = text.splitlines()
    start = 0
    for i, line in enumerate(lines):
        if parse_finding(line):
            start = i
            break
    frames = []
    for line in lines[start:]:
        m = _FRAME.match(line)
        if not m:
            if frames:
                break
            continue
        frames.append((m.group(2) or "", _repo_file(m.group(3)), _line_col(m.group(3)),
                       line.rstrip()))
    return frames


def user_frames(text, count=3):
    """The top `count` frames of the first stack in `text` that are the driver's
    or the target's: not sim/, not the harness or replay main, not libc or a
    sanitizer/libFuzzer runtime. Each is "function file"."""
    return [f"{func} {where}" for func, where, _, _ in stack(text)
            if _is_user(func, where)][:count]


_UBSAN_AT = re.compile(r"^\s*(\S+?):(\d+):(\d+): runtime error: ")
_SUMMARY_AT = re.compile(r"^SUMMARY: (?:Address|Memory)Sanitizer: \S+ (\S+?)((?::\d+)+)(?: in |$)")


def source_location(text):
    """Where the sanitizer says the error is, "file:line:col" in the
    repository (UBSan's message, ASan's or MSan's SUMMARY), or None."""
    for line in text.splitlines():
        m = _UBSAN_AT.match(line)
        if m and _repo_path(m.group(1)):
            return f"{_repo_path(m.group(1))}:{m.group(2)}:{m.group(3)}"
        m = _SUMMARY_AT.match(line)
        if m and _repo_path(m.group(1)):
            return _repo_path(m.group(1)) + m.group(2)
    return None


def driver_site(text):
    """(function or "", "file:line:col") of the finding's own source line:
    the first driver frame of its stack, else the first frame of the code
    under test (a target's own file), else the sanitizer's location; None
    when the report names none."""
    loc = source_location(text)
    frames = [(func, where + lc) for func, where, lc, _ in stack(text) if _is_user(func, where)]
    site = next((f for f in frames if f[1].startswith("drivers/")), frames[0] if frames else None)
    if site is None:
        return ("", loc) if loc else None
    if loc and loc.split(":")[:2] == site[1].split(":")[:2]:
        return site[0], loc  # the same line: the sanitizer's column is the exact one
    return site


def finding_key(text, data=None):
    """Dedup key: the class, then the top 3 driver frames (function and file)
    and the sim's "made at" sites; with no such frame, the sanitizer's
    source location. Never a value from the message (index, address,
    length, thread) nor the input: one bug, one key. `data` is unused."""
    found = parse_finding(text)
    cls = found[0] if found else "unknown"
    frames = user_frames(text)
    sites = sorted({f"{m.group(1)} at {m.group(2)}" for m in _SITE.finditer(text)})
    if frames:
        where = frames
    else:
        loc = source_location(text)
        where = [f"at {loc}"] if loc else []
    return cls, "|".join([cls] + where + sites), frames


def _source_text(location):
    """The text of the repository's source line at "file:line[:col]", or None."""
    parts = location.split(":")
    try:
        lines = (core.ROOT / parts[0]).read_text(errors="replace").splitlines()
        return lines[int(parts[1]) - 1].strip()
    except (OSError, IndexError, ValueError):
        return None


def headline(text):
    """One line: the class and the driver's source line, e.g.
    "ubsan-bounds at drivers/queue/split.c:390:31 in peek"."""
    found = parse_finding(text)
    if not found:
        return "no finding"
    site = driver_site(text)
    if not site:
        return found[0]
    func, where = site
    return f"{found[0]} at {where}" + (f" in {func}" if func else "")


def report_head(text):
    """The opening of a finding's report, driver first: the headline, the
    source line itself, the report's first line, then its stack."""
    found = parse_finding(text)
    if not found:
        return "no finding\n"
    out = [headline(text)]
    site = driver_site(text)
    src = _source_text(site[1]) if site else None
    if src:
        out.append(f"    {site[1].split(':')[1]} | {src}")
    out.append(found[1].replace(f"{core.ROOT}/", ""))
    frames = stack(text)
    if frames:
        out += ["", "stack:"] + [raw for _, _, _, raw in frames]
    return "\n".join(out) + "\n"
