# SPDX-License-Identifier: MIT
"""The reasons a drivers/ line may stay uncovered, written in the source
next to the line as a `/* cov-exempt: REASON */` comment, so that they
move with the code and cannot name a line that is no longer there.

A marker explains the line it is on and, while that line's statement goes
on (the line ends in none of `; { } :`), the following lines; when the
explained code opens a `{` block, every line through its `}`. A marker
alone on its line explains the next line with code in the same way.
`vfuzz coverage` prints the uncovered lines no marker explains, and the
markers whose lines all ran (their reason is wrong); `vfuzz coverage
--reasons` prints the list the README carries, by file and function."""

import re
from pathlib import Path

from . import core

ROOT_DIR = "drivers"
TAG = "cov-exempt"

# The fixed set of reasons (README "Coverage of drivers/"). Every one but
# rare-lie says the device cannot reach the line: a run that covers a line
# under such a marker shows the reason is wrong.
REASONS = {
    "api-misuse": "a guard against the caller (a NULL, zero or out-of-range argument, "
                  "a token it does not hold, a call out of order): no device can reach it",
    "unused": "code no driver or workload calls (a byte-order helper, a config access "
              "width, a required feature no driver declares)",
    "redundant": "a check that the driver's own earlier checks make false whatever the "
                 "device does (kept as defence in depth)",
    "no-sim-lie": "a lie a real device or platform could tell that the sim has no decision "
                  "for (it cannot make it)",
    "rare-lie": "a lie the sim can make that no corpus measured here reached (a longer "
                "campaign may; never a seed, which must run clean)",
}
REACHABLE = {"rare-lie"}

MARK = re.compile(r"\b" + TAG + r":\s*([A-Za-z0-9_-]*)")
_TOKENS = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
_CALL = re.compile(r"([A-Za-z_]\w*)\s*\(")
_DEFINE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)")


def _blank(text):
    """`text` with comments, strings and characters blanked out (newlines kept)."""
    return _TOKENS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


class Marker:
    def __init__(self, path, line, reason, function, lines):
        self.path, self.line, self.reason, self.function = path, line, reason, function
        self.lines = lines  # the line numbers it explains

    def __repr__(self):
        return f"{self.path}:{self.line}: {TAG}: {self.reason}"


def _functions(code_lines):
    """For each line (0-based), the function or macro it is in, else None."""
    out, depth, current, pending, define = [], 0, None, "", None
    for text in code_lines:
        if define is None and depth == 0 and text.lstrip().startswith("#"):
            m = _DEFINE.match(text)
            define = m.group(1) if m else ""
        if define is not None:  # a preprocessor line: no braces counted
            out.append(define or None)
            if not text.rstrip().endswith("\\"):
                define = None
            continue
        for ch in text:
            if depth == 0:
                if ch == "{":
                    names = _CALL.findall(pending)
                    current, depth = (names[0] if names else None), 1
                elif ch == ";":
                    pending = ""
                else:
                    pending += ch
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    pending = ""
        pending += "\n" if depth == 0 else ""
        out.append(current)
        if depth == 0:
            current = None
    return out


def _explained(code_lines, i):
    """The 0-based lines a marker on line i explains."""
    n = len(code_lines)
    if not code_lines[i].strip():  # the marker is alone on its line
        i += 1
        while i < n and not code_lines[i].strip():
            i += 1
    lines, depth = [], 0
    for j in range(i, n):
        text = code_lines[j]
        if not text.strip() and depth <= 0:
            break
        lines.append(j)
        # `} else {` opens a block: its leading `}` closes none of ours.
        opened = text.lstrip().lstrip("}") if j == i else text
        depth += opened.count("{") - opened.count("}")
        if depth <= 0 and text.rstrip().endswith((";", "{", "}", ":")):
            break
    return lines


def scan_file(path, rel_path):
    text = Path(path).read_text(errors="replace")
    code = _blank(text).split("\n")
    funcs = _functions(code)
    markers = []
    for i, raw in enumerate(text.split("\n")):
        for m in MARK.finditer(raw):
            lines = _explained(code, i)
            fn = next((funcs[j] for j in lines if funcs[j]), None)
            markers.append(Marker(rel_path, i + 1, m.group(1), fn, [j + 1 for j in lines]))
    return markers


def scan(root=None):
    """Every marker under drivers/, in file and line order."""
    root = Path(root or core.ROOT)
    out = []
    for p in sorted((root / ROOT_DIR).rglob("*")):
        if p.is_file() and p.suffix in (".c", ".h"):
            out += scan_file(p, p.relative_to(root).as_posix())
    return out


def unknown(markers):
    return [m for m in markers if m.reason not in REASONS]


def reasons_list(markers):
    """The README's list: one line per file, its functions and their reasons."""
    by_file = {}
    for m in markers:
        fn = by_file.setdefault(m.path, {})
        fn.setdefault(m.function or "(file scope)", set()).add(m.reason)
    out = []
    for path in sorted(by_file):
        parts = [f"`{f}` {', '.join(sorted(r))}" for f, r in sorted(by_file[path].items())]
        out.append(f"- `{path}`: " + "; ".join(parts))
    return out


def judge(markers, counts):
    """counts: {(path, line): run count} of every line llvm-cov reports.
    Returns (explanation of each uncovered line {(path, line): reason or
    None}, the markers on lines that all ran although their reason says
    the device cannot reach them)."""
    reason_of = {}
    for m in markers:
        for n in m.lines:
            reason_of.setdefault((m.path, n), m.reason)
    explained = {k: reason_of.get(k) for k, c in counts.items() if c == 0}
    stale = []
    for m in markers:
        seen = [counts[(m.path, n)] for n in m.lines if (m.path, n) in counts]
        if m.reason not in REACHABLE and seen and all(seen):
            stale.append(m)
    return explained, stale
