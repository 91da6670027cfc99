# SPDX-License-Identifier: MIT
"""`vfuzz coverage`: replay the seeds, the regressions and any given
corpora through the `coverage` preset (clang source-based coverage, the
standalone replay main, no sanitizers), merge the profiles, write
llvm-cov's HTML report and print line and branch coverage per file of
drivers/."""

import datetime
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from . import core, covmarks
from .core import Error, rel, say
from .toolchain import (base_target, build, check_target, ensure_tools, infer_target, list_targets,
                        packed_targets)

PRESET = "coverage"
TOOLS = [("llvm-profdata", "llvm"), ("llvm-cov", "llvm")]
REPORTED = "drivers"  # the table's files: the code under test


def _llvm_tool(name):
    """llvm-profdata / llvm-cov matching clang's major version when there
    is one (the profile format follows the compiler), else the default."""
    try:
        major = subprocess.run(["clang", "-dumpversion"], capture_output=True, text=True,
                               timeout=30).stdout.strip().split(".")[0]
    except (OSError, subprocess.SubprocessError):
        major = ""
    for exe in ([f"{name}-{major}"] if major.isdigit() else []) + [name]:
        path = shutil.which(exe)
        if path:
            return path
    raise Error(f"{name} not found (Debian package llvm)")


def corpus_targets(dirs, targets, explicit):
    """{target: [dirs]} for the --corpus directories: a `vfuzz fuzz` output
    directory gives OUT/<target>/corpus of each selected target (and of
    each one's packed variant, which replays it through the variant it grew
    on); another directory belongs to the target its path names (corpus/T/,
    corpus/regressions/T/, OUT/T/corpus/), else to the one target named."""
    out = {t: [] for t in targets}
    packed = set(packed_targets())
    variants = [v for v in sorted(packed) if v not in targets and base_target(v) in targets]
    for d in dirs:
        p = Path(d)
        if not p.is_dir():
            raise Error(f"--corpus {d}: {'not a directory' if p.exists() else 'no such directory'}")
        runs = [t for t in list(targets) + variants if (p / t / "corpus").is_dir()]
        if runs:
            for t in runs:
                out.setdefault(t, []).append(p / t / "corpus")
            continue
        t = infer_target(p)
        if t is None and len(targets) == 1:
            t = targets[0]
        if t is None:
            raise Error(f"cannot tell the target of --corpus {d} from its path; "
                        "name one TARGET, or pass corpus/T/, OUT/T/corpus/ or a vfuzz fuzz --out dir")
        if t not in out:
            if explicit and base_target(t) not in targets:
                raise Error(f"--corpus {d} belongs to {t}, which is not among the targets named")
            out[t] = []
        out[t].append(p)
    return out


def _inputs(d):
    return sorted(f for f in d.rglob("*") if f.is_file()
                  and not any(part.startswith(".") for part in f.relative_to(d).parts))


def replay(target, dirs, profraw):
    """Replay `dirs` through build/coverage/<target>, one process for all
    when none ends in a finding; otherwise one per input (a finding aborts
    the process before it writes its counters: those inputs are lost).
    Returns (inputs, inputs that ended in a finding)."""
    binary = core.ROOT / "build" / PRESET / target
    files = [f for d in dirs for f in _inputs(d)]
    if not files:
        return 0, 0
    env = dict(os.environ, LLVM_PROFILE_FILE=str(profraw / f"{target}-%p.profraw"))

    def run(paths):
        try:
            return subprocess.run([str(binary), "--quiet", "--"] + [str(p) for p in paths],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, env=env,
                                  timeout=core.REPLAY_TIMEOUT * 10).returncode
        except subprocess.TimeoutExpired:
            return None

    if run([str(d) for d in dirs]) == 0:
        return len(files), 0
    # Its partial counters were never written (abort): replay one by one.
    failed = sum(1 for f in files if run([f]) != 0)
    return len(files), failed


def summarize(export, counts):
    """[(repository path, lines covered, lines, branches covered, branches)]
    for the files under drivers/ with code: the lines from `counts` (one
    per source line, run if any instantiation of it in any binary ran:
    llvm-cov's summary counts an inline function's lines once per
    instantiation), the branches from `llvm-cov export -summary-only`."""
    lines = {}
    for (path, _), c in counts.items():
        lc, ln = lines.get(path, (0, 0))
        lines[path] = (lc + (c > 0), ln + 1)
    branches = {}
    for data in export.get("data", []):
        for f in data.get("files", []):
            path = rel(f["filename"])
            if path.startswith(REPORTED + "/"):
                b = f["summary"]["branches"]
                branches[path] = (b["covered"], b["count"])
    return sorted((path, lc, ln) + branches.get(path, (0, 0)) for path, (lc, ln) in lines.items())


_SHOW_LINE = re.compile(r"^\s*(\d+)\|\s*(\S*)\|(.*)$")


def line_counts(cov_tool, profdata, objects):
    """{(repository path, line): run count} of every line of drivers/ with
    code, and {(path, line): source}, from `llvm-cov show`."""
    text = _run([cov_tool, "show", f"-instr-profile={profdata}", "-show-line-counts"] + objects
                + [str(core.ROOT / REPORTED)], "llvm-cov show")
    counts, source, path = {}, {}, None
    for line in text.splitlines():
        if line.startswith("/") and line.endswith(":"):
            path = rel(line[:-1])
            continue
        m = _SHOW_LINE.match(line)
        # A #define's line counts where the macro is expanded (in the sim
        # too): the expanding line is the one that tells.
        if m and path and m.group(2) and not m.group(3).lstrip().startswith("#"):
            key = (path, int(m.group(1)))
            counts[key] = 0 if m.group(2) == "0" else 1  # "0", "12", "1.2k", "3M"
            source[key] = m.group(3).strip()
    return counts, source


def explain(counts, source, uncovered_too):
    """Print the uncovered lines no `cov-exempt` marker explains (all
    uncovered lines with their reasons when `uncovered_too`), the markers
    whose lines all ran and the markers with an unknown reason; returns
    the figures for summary.json."""
    markers = covmarks.scan()
    explained, stale = covmarks.judge(markers, counts)
    bad = covmarks.unknown(markers)
    keys = sorted(explained)
    if uncovered_too:
        for k in keys:
            print(f"{k[0]}:{k[1]}: [{explained[k] or 'UNEXPLAINED'}] {source[k]}")
        print()
    loose = [k for k in keys if explained[k] is None]
    by_reason = {}
    for k in keys:
        if explained[k]:
            by_reason[explained[k]] = by_reason.get(explained[k], 0) + 1
    print(f"uncovered lines: {len(keys)}; with a stated reason: {len(keys) - len(loose)}"
          + "".join(f", {r} {n}" for r, n in sorted(by_reason.items()))
          + f"; unexplained: {len(loose)}")
    for k in loose:
        print(f"  unexplained {k[0]}:{k[1]}: {source[k]}")
    if stale:
        print(f"markers whose lines all ran (the reason is wrong; remove them): {len(stale)}")
        for m in stale:
            print(f"  stale {m.path}:{m.line}: {covmarks.TAG}: {m.reason}")
    if bad:
        print(f"markers with an unknown reason (known: {', '.join(covmarks.REASONS)}): {len(bad)}")
        for m in bad:
            print(f"  unknown {m.path}:{m.line}: {covmarks.TAG}: {m.reason or '(none)'}")
    print(flush=True)
    return dict(uncovered=len(keys), unexplained=len(loose), by_reason=by_reason,
                unexplained_lines=[f"{p}:{n}" for p, n in loose],
                stale_markers=[f"{m.path}:{m.line}" for m in stale],
                unknown_markers=[f"{m.path}:{m.line}" for m in bad])


def _pct(a, b):
    return f"{100.0 * a / b:5.1f}%" if b else "    -"


def print_table(rows):
    w = max([len("total")] + [len(r[0]) for r in rows])
    print(f"\n{'file':{w}}  {'lines':>15}  {'branches':>15}")
    for path, lc, ln, bc, bn in rows:
        print(f"{path:{w}}  {lc:>5}/{ln:<5} {_pct(lc, ln)}  {bc:>5}/{bn:<5} {_pct(bc, bn)}")
    tl = [sum(r[i] for r in rows) for i in (1, 2, 3, 4)]
    print(f"{'total':{w}}  {tl[0]:>5}/{tl[1]:<5} {_pct(tl[0], tl[1])}  "
          f"{tl[2]:>5}/{tl[3]:<5} {_pct(tl[2], tl[3])}\n", flush=True)
    return tl


def cmd_coverage(args):
    if args.reasons:
        if args.targets or args.corpus or args.out or args.uncovered:
            raise Error("--reasons only lists the markers: it takes no TARGET, --corpus, --out "
                        "or --uncovered")
        markers = covmarks.scan()
        bad = covmarks.unknown(markers)
        if bad:
            raise Error(f"{bad[0]!r}: unknown reason (known: {', '.join(covmarks.REASONS)})")
        print("\n".join(covmarks.reasons_list(markers)))
        return 0
    explicit = bool(args.targets)
    targets = [check_target(t) for t in args.targets] or list_targets()
    extra = corpus_targets(args.corpus or [], targets, explicit)
    targets = list(extra)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out or core.ROOT / "out" / f"coverage-{stamp}").resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise Error(f"--out {rel(out)} exists and is not an empty directory; "
                    "name a new one (nothing there is overwritten)")
    ensure_tools(TOOLS)
    profdata_tool, cov_tool = _llvm_tool("llvm-profdata"), _llvm_tool("llvm-cov")
    build(PRESET, targets)
    profraw = out / "profraw"
    profraw.mkdir(parents=True, exist_ok=True)
    total = lost = 0
    for t in targets:
        # A packed variant replays its base target's seeds and regressions
        # (those of the packed ring live there, bit 6 set) with bit 6 forced.
        b = base_target(t)
        dirs = [d for d in (core.ROOT / "corpus" / b, core.ROOT / "corpus" / "regressions" / b)
                if d.is_dir()] + extra[t]
        n, failed = replay(t, dirs, profraw)
        total, lost = total + n, lost + failed
        say(f"[{t}] replayed {n} inputs from {', '.join(rel(d) for d in dirs) or 'nothing'}"
            + (f"; {failed} ended in a finding (their counters are lost: ./vfuzz repro them)"
               if failed else ""))
    raws = sorted(profraw.glob("*.profraw"))
    if not raws:
        raise Error("no input was replayed to the end: no coverage to report")
    profdata = out / "coverage.profdata"
    _run([profdata_tool, "merge", "-sparse", "-o", str(profdata)] + [str(r) for r in raws],
         "llvm-profdata merge")
    binaries = [str(core.ROOT / "build" / PRESET / t) for t in targets]
    objects = [binaries[0]] + [a for b in binaries[1:] for a in ("-object", b)]
    html = out / "html"
    _run([cov_tool, "show", "-format=html", f"-output-dir={html}", f"-instr-profile={profdata}",
          "-show-branches=count", "-show-line-counts-or-regions"]
         + objects + [str(core.ROOT / REPORTED)], "llvm-cov show")
    export = json.loads(_run([cov_tool, "export", "-summary-only", f"-instr-profile={profdata}"]
                             + objects, "llvm-cov export"))
    counts, source = line_counts(cov_tool, profdata, objects)
    rows = summarize(export, counts)
    if not rows:
        raise Error(f"the profile covers no file under {REPORTED}/")
    tl = print_table(rows)
    reasons = explain(counts, source, args.uncovered)
    summary = dict(targets=targets, inputs=total, inputs_with_finding=lost,
                   corpora={t: [rel(d) for d in extra[t]] for t in targets if extra[t]},
                   files={r[0]: dict(lines_covered=r[1], lines=r[2], branches_covered=r[3],
                                     branches=r[4]) for r in rows},
                   total=dict(lines_covered=tl[0], lines=tl[1], branches_covered=tl[2],
                              branches=tl[3]), **reasons)
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    shutil.rmtree(profraw, ignore_errors=True)  # merged into coverage.profdata
    say(f"HTML report: {rel(html / 'index.html')}; profile: {rel(profdata)}; "
        f"figures: {rel(out / 'summary.json')}")
    return 0


def _run(cmd, what):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           errors="replace")
    except OSError as e:
        raise Error(f"{what}: cannot run {cmd[0]}: {e.strerror}")
    if p.returncode:
        raise Error(f"{what} failed (exit {p.returncode}); output above", p.stderr[-4000:])
    return p.stdout
