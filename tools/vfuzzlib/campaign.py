# SPDX-License-Identifier: MIT
"""`vfuzz fuzz`: run libFuzzer per target with progress, replay what it
kept with the replay build, deduplicate and file findings, summarize."""

import concurrent.futures
import datetime
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import afl, core
from .core import (EXIT_FOUND, INPUT_TIMEOUT, MAX_REPLAYS, MAX_SLOW_REPLAYS,
                   PROGRESS_EVERY, REPLAY_TIMEOUT, Error, _free_name, _write_new,
                   exit_status, nproc, rel, sanitizer_env, say)
from .reports import finding_key, headline, parse_finding, report_head
from .repro import run_fuzz
from .toolchain import base_target, build, check_target, ensure_tools, libfuzzer_flags, list_targets


_STATS = re.compile(r"^#(\d+): cov: (\d+) ft: (\d+) corp: (\d+) exec/s \d+ "
                    r"oom/timeout/crash: (\d+)/(\d+)/(\d+) time: (\d+)s")


def _last_stats(text):
    stats = None
    for line in text.splitlines():
        m = _STATS.match(line)
        if m:
            v = list(map(int, m.groups()))
            stats = dict(execs=v[0], cov=v[1], ft=v[2], corpus=v[3], ooms=v[4],
                         timeouts=v[5], crashes=v[6], time=v[7])
    return stats


def _tree_state(dirs):
    state = {}
    for d in dirs:
        for p in sorted(d.rglob("*")) if d.is_dir() else []:
            st = p.lstat()
            state[str(p)] = (st.st_size, st.st_mtime_ns)
    return state


def _stop_group(proc):
    """SIGINT libFuzzer's process group (it then writes its state), SIGKILL
    whatever is left a few seconds later."""
    for sig, grace in ((signal.SIGINT, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            continue
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # jobs the parent left behind
        except ProcessLookupError:
            pass
        return


def seed_dirs(target):
    """The read-only corpus dirs a run of `target` starts from."""
    dirs = [core.ROOT / "corpus" / base_target(target), core.ROOT / "corpus" / "regressions" / base_target(target)]
    return [d for d in dirs if d.is_dir()]


def fuzz_one(target, out, seconds, jobs):
    tdir = out / target
    corpus, artifacts = tdir / "corpus", tdir / "artifacts"
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    old_artifacts = {a.name: a.stat().st_mtime_ns for a in artifacts.iterdir()}
    cmd = [str(core.ROOT / "build" / "fuzz" / target), f"-timeout={INPUT_TIMEOUT}"] + libfuzzer_flags(target) + [
        f"-fork={jobs}", "-ignore_crashes=1", f"-max_total_time={seconds}",
        f"-artifact_prefix={artifacts}/", "-print_final_stats=1", str(corpus)]
    # Seeds and the reproducers of past bugs, read-only: libFuzzer writes new
    # inputs to the first dir only. A regression is where its bug was; a
    # change that breaks that check again is found from it at once.
    cmd += [str(d) for d in seed_dirs(target)]
    log = tdir / "fuzz.log"
    say(f"fuzzing {target} for {seconds} s with {jobs} jobs (log: {rel(log)})")
    start = time.monotonic()
    next_report = start + PROGRESS_EVERY
    stats, interrupted = None, False
    with open(log, "w") as lf:
        lf.write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        lf.flush()
        # Its own process group: fork mode's jobs are stopped with it, as one.
        tmp = tdir / "tmp"  # fork mode's scratch dir, removed even after a kill
        tmp.mkdir(exist_ok=True)
        proc = subprocess.Popen(cmd, cwd=tdir, stdin=subprocess.DEVNULL, stdout=lf,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                env=sanitizer_env({"TMPDIR": str(tmp)}, fuzzing=True))
        try:
            while proc.poll() is None:
                time.sleep(0.5)
                now = time.monotonic()
                if now >= next_report:
                    next_report = now + PROGRESS_EVERY
                    stats = _last_stats(log.read_text(errors="replace")) or stats
                    if stats:
                        say(f"[{target}] {now - start:4.0f}s  execs {stats['execs']} "
                            f"({stats['execs'] / max(now - start, 1e-9):.0f}/s)  cov {stats['cov']}  "
                            f"ft {stats['ft']}  corpus {stats['corpus']}  crashes {stats['crashes']}")
                if now - start > seconds + 120:
                    say(f"[{target}] libFuzzer overran its time; stopping it")
                    _stop_group(proc)
        except KeyboardInterrupt:
            interrupted = True
            say(f"[{target}] interrupted; stopping libFuzzer")
            _stop_group(proc)
        rc = proc.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.monotonic() - start
    text = log.read_text(errors="replace")
    stats = _last_stats(text)
    result = dict(target=target, seconds=round(elapsed, 1), exit_code=rc, error=None,
                  execs=0, execs_per_s=0, cov=0, ft=0, corpus=0, crashes=0, timeouts=0, ooms=0)
    if stats:
        result.update({k: stats[k] for k in ("execs", "cov", "ft", "corpus", "crashes", "timeouts", "ooms")})
        result["execs_per_s"] = round(stats["execs"] / max(elapsed, 1e-9))
    elif not interrupted:
        tail = "\n".join(text.splitlines()[-15:])
        sys.stderr.write(tail + "\n")
        result["error"] = f"libFuzzer did not run (exit {exit_status(rc)}); see {rel(log)}"
        say(f"[{target}] error: {result['error']}")
    # New, or rewritten by this run (libFuzzer names artifacts by content hash).
    new = sorted(a for a in artifacts.iterdir() if old_artifacts.get(a.name) != a.stat().st_mtime_ns)
    result["artifacts"] = [str(a) for a in new]
    return result, interrupted


def _replay(target, path, trace=False, quiet=False, timeout=REPLAY_TIMEOUT):
    """(exit status or None on timeout, output) of the replay build on a
    file or directory."""
    binary = core.ROOT / "build" / "replay" / target
    cmd = [str(binary)] + (["--trace"] if trace else []) + (["--quiet"] if quiet else []) + [str(path)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                           env=sanitizer_env(), timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"") + (e.stderr or b"")
        out = out.decode(errors="replace") if isinstance(out, bytes) else out
        return None, out + f"\n==vfuzz== replay did not finish within {timeout} s\n"


# The first line of a report only the fuzz build gave, and why.
FUZZ_BUILD_ONLY = "{why}; this report is from build/fuzz/{target}\n"
DISAGREE = "the builds disagree: the replay build reports no finding"
NOT_REPLAYED = "a libFuzzer {kind}: not replayed, the replay build has no time or memory limit"


def replay_corpus(target, corpus, artifacts, jobs):
    """Replay the inputs of one corpus dir (the run's working corpus, the
    seeds, the regressions) with the replay build, where the sim itself is
    ASan-instrumented too (the fuzz build's sim is not: a memory error
    inside the sim shows only here). Inputs with a finding are copied
    into `artifacts` as crash-<sha1> (never over an existing file); returns
    their paths."""
    files = sorted(p for p in corpus.iterdir() if p.is_file()) if corpus.is_dir() else []
    if not files:
        return []
    rc, _ = _replay(target, corpus, quiet=True, timeout=REPLAY_TIMEOUT * 10)
    if rc == 0:
        say(f"[{target}] replay build: {len(files)} inputs of {rel(corpus)}, no finding")
        return []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        codes = list(pool.map(lambda f: _replay(target, f)[0], files))
    found = []
    for f, rc in zip(files, codes):
        if rc == 0:
            continue
        data = f.read_bytes()
        dst = artifacts / f"crash-{hashlib.sha1(data).hexdigest()}"
        if not dst.exists():
            _write_new(dst, data)
        found.append(str(dst))
    say(f"[{target}] replay build: {len(files)} inputs of {rel(corpus)}, "
        f"{len(found)} with a finding")
    return found


def _artifact_kind(path):
    return Path(path).name.split("-")[0]  # crash, leak, timeout, oom (libFuzzer's prefixes)


def _classify(target, path):
    """(class, key, frames, report text) of one artifact."""
    data = Path(path).read_bytes()
    rc, text = None, ""
    if _artifact_kind(path) not in ("timeout", "oom"):  # the replay build has no limits
        rc, text = _replay(target, path)
    if rc == 0 or not parse_finding(text):
        # Not reproduced by the replay build (an OOM, a timeout, a flake): ask libFuzzer.
        fz = run_fuzz(target, path)
        if fz.status is not None and parse_finding(fz.text):
            kind = _artifact_kind(path)
            why = NOT_REPLAYED.format(kind=kind) if kind in ("timeout", "oom") else DISAGREE
            text = FUZZ_BUILD_ONLY.format(why=why, target=target) + fz.text
        else:
            # Keyed by the class alone: no report, so nothing to tell two apart.
            prefix = Path(path).name.split("-")[0]
            text += f"\n(neither build reproduces this libFuzzer {prefix} artifact)\n"
            return f"unreproducible-{prefix}", f"unreproducible-{prefix}", [], text
    cls, key, frames = finding_key(text, data)
    return cls, key, frames, text


def file_findings(target, artifacts, out, jobs):
    """Replay, deduplicate and save the findings of one target; return them.
    Artifacts that neither build reproduces on its own are no finding (no
    command could reproduce them): one entry per libFuzzer kind, marked
    `unreproducible`, saved under OUT/<target>/unreproducible-<kind>/."""
    if not artifacts:
        return []
    arts = sorted((a for a in artifacts if _artifact_kind(a) in ("crash", "leak")),
                  key=lambda a: (os.path.getsize(a), a))
    slow = sorted((a for a in artifacts if _artifact_kind(a) in ("timeout", "oom")),
                  key=lambda a: (os.path.getsize(a), a))
    skipped = max(0, len(arts) - MAX_REPLAYS) + max(0, len(slow) - MAX_SLOW_REPLAYS)
    arts = arts[:MAX_REPLAYS] + slow[:MAX_SLOW_REPLAYS]
    if not arts:
        return []
    say(f"[{target}] replaying {len(arts)} artifacts to deduplicate"
        + (f" (skipping {skipped} larger ones)" if skipped else ""))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda a: (a,) + _classify(target, a), arts))
    groups = {}
    for art, cls, key, frames, text in results:
        groups.setdefault(key, []).append((art, cls, frames, text))
    findings = []
    for key, members in groups.items():
        art, cls, frames, text = members[0]  # the smallest input
        if cls.startswith("unreproducible"):
            findings.append(_file_unreproducible(target, cls, members, out))
            continue
        short = hashlib.sha1(key.encode()).hexdigest()[:8]
        fdir = _free_name(out / "findings" / target / f"{cls}-{short}")
        fdir.mkdir(parents=True)
        inp = fdir / "input"
        _write_new(inp, Path(art).read_bytes())
        first = parse_finding(text)
        why, _, rest = text.partition("\n")
        fuzz_only = why.endswith(FUZZ_BUILD_ONLY.format(why="", target=target).rstrip("\n"))
        repro = f"./vfuzz repro {rel(inp)}"
        # Driver first: class and source line, the report's first line and
        # stack (report_head), then what else there is, then the trace.
        sections = []
        if fuzz_only:
            sections.append((f"build/fuzz/{target} -timeout={INPUT_TIMEOUT} {rel(inp)}", rest))
            if _artifact_kind(art) in ("crash", "leak"):  # a timeout would run on
                sections.append((f"build/replay/{target} --trace {rel(inp)} (no finding there)",
                                 _replay(target, inp, trace=True)[1]))
        else:
            traced = _replay(target, inp, trace=True)[1]
            if not parse_finding(traced):  # a flake: keep the report that classified it
                traced = text
            sections.append((f"build/replay/{target} --trace {rel(inp)}", traced))
        body = ""
        for title, out_text in sections:
            if len(out_text) > 4_000_000:  # the report is at the end: keep it
                out_text = "(trace head cut)\n" + out_text[-4_000_000:]
            body += f"\n==== {title} ====\n{out_text}"
        head = report_head(rest if fuzz_only else text) if first else f"{cls}\n"
        meta = ((why + "\n" if fuzz_only else "")
                + f"\ntarget: {target}\nclass: {cls}\nkey: {key}\n"
                f"artifacts: {len(members)} ({', '.join(Path(m[0]).name for m in members[:5])}"
                f"{', ...' if len(members) > 5 else ''})\nrepro: {repro}\n")
        _write_new(fdir / "report.txt", head + meta + body)
        _write_new(fdir / "repro.sh", f"#!/bin/sh\ncd {shlex.quote(str(core.ROOT))} && {repro}\n")
        os.chmod(fdir / "repro.sh", 0o755)
        findings.append(dict(target=target, cls=cls, key=key, dir=rel(fdir), input=rel(inp),
                             repro=repro, first_line=first[1] if first else "",
                             headline=headline(text) if first else cls,
                             frames=frames, artifacts=len(members)))
    return findings


def _file_unreproducible(target, cls, members, out):
    """Artifacts libFuzzer saved that neither build crashes on alone: the
    crash needed state an earlier input of the same process left behind.
    Listed, with what the builds said of the smallest, beside the findings."""
    udir = _free_name(out / target / cls)
    udir.mkdir(parents=True)
    art, _, _, text = members[0]
    names = "".join(f"  {rel(m[0])}\n" for m in members)
    _write_new(udir / "report.txt",
               f"{cls}: {len(members)} libFuzzer artifact(s) of {target} that neither the replay "
               "nor the fuzz build reports on when run on its own: the crash needed state an "
               "earlier input of the same process left behind (memory the driver corrupted, "
               "a buffer left poisoned). That cause is often a finding of the same run; fix it "
               "and fuzz again.\n\nartifacts:\n" + names
               + f"\n==== the replay of {rel(art)} ====\n{text}")
    return dict(target=target, cls=cls, dir=rel(udir), artifacts=len(members),
                unreproducible=True)


def print_summary(results, findings, file=None):
    heads = ["target", "time", "execs/s", "cov", "ft", "corpus", "crashes", "findings"]
    rows = []
    for r in results:
        n = sum(1 for f in findings if f["target"] == r["target"])
        rows.append([r["target"], f"{r['seconds']:.0f}s", str(r["execs_per_s"]), str(r["cov"]),
                     str(r["ft"]), str(r["corpus"]), str(r["crashes"] + r["timeouts"] + r["ooms"]),
                     "error" if r["error"] else str(n)])
    widths = [max(len(x) for x in col) for col in zip(heads, *rows)]
    print(file=file)
    for row in [heads] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))),
              file=file)
    print(file=file, flush=True)


def cmd_fuzz(args):
    # --json: standard output is the summary alone, for scripts; progress,
    # the table and the findings go to standard error.
    show = sys.stderr if args.json else sys.stdout
    if args.json:
        core._say_to = sys.stderr
    targets = [check_target(t) for t in args.targets] or list_targets()
    if not targets:
        raise Error("no fuzz targets in fuzz/")
    for t in targets:
        libfuzzer_flags(t)  # a bad .options file fails before the build
    jobs = args.jobs or nproc()
    engine = getattr(args, "engine", None) or "libfuzzer"
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out or core.ROOT / "out" / f"fuzz-{stamp}").resolve()
    if out == (core.ROOT / "corpus").resolve() or (core.ROOT / "corpus").resolve() in out.parents:
        raise Error("--out must not be inside corpus/ (it is read-only to fuzzing)")
    ensure_tools(afl.TOOLS if engine == "afl" else ())
    if engine == "afl":
        build(afl.PRESET, targets)
    build("fuzz", targets)  # also the second opinion of deduplication
    build("replay", targets)
    out.mkdir(parents=True, exist_ok=True)
    guarded = [core.ROOT / "corpus" / t for t in targets] + [core.ROOT / "corpus" / "regressions" / t for t in targets]
    before = _tree_state(guarded)

    results, interrupted = [], False
    for t in targets:
        if interrupted:
            break
        res, interrupted = (afl.fuzz_one if engine == "afl" else fuzz_one)(t, out, args.time, jobs)
        results.append(res)
    findings = []
    for res in results:
        t = res["target"]
        if not interrupted and not res["error"]:
            # The seeds and regressions too: libFuzzer's fork mode drops an
            # input that crashes from the corpus it starts with, silently,
            # so a regression that reproduces again would be no finding.
            for d in [out / t / "corpus"] + seed_dirs(t):
                extra = replay_corpus(t, d, out / t / "artifacts", jobs)
                res["artifacts"] += [a for a in extra if a not in res["artifacts"]]
        found = file_findings(t, res.pop("artifacts"), out, jobs)
        res["findings"] = [f["dir"] for f in found if not f.get("unreproducible")]
        res["unreproducible"] = [f["dir"] for f in found if f.get("unreproducible")]
        findings += found
    unreproducible = [f for f in findings if f.get("unreproducible")]
    findings = [f for f in findings if not f.get("unreproducible")]

    print_summary(results, findings, file=show)
    error = None
    if _tree_state(guarded) != before:
        error = "something modified corpus/ while fuzzing; it must stay read-only"
    elif any(r["error"] for r in results):
        error = ("AFL++" if engine == "afl" else "libFuzzer") + " failed for " + ", ".join(r["target"] for r in results if r["error"])
    status = (core.EXIT_ERROR if error else 130 if interrupted
              else EXIT_FOUND if findings or unreproducible else 0)
    summary = dict(out=str(out), engine=engine, time_per_target=args.time, jobs=jobs, interrupted=interrupted,
                   exit_status=status, error=error,
                   targets=results, findings=findings, unreproducible=unreproducible)
    (out / "summary.json.tmp").write_text(json.dumps(summary, indent=2) + "\n")
    os.replace(out / "summary.json.tmp", out / "summary.json")  # the latest run's
    if findings:
        say(f"{len(findings)} unique finding{'s' if len(findings) > 1 else ''}:")
        for f in findings:
            print(f"  {f['target']}: {f['headline']}", file=show)
            print(f"    saved: {f['dir']}/  ({f['artifacts']} artifact{'s' if f['artifacts'] > 1 else ''})",
                  file=show)
            print(f"    repro: {f['repro']}", file=show, flush=True)
    else:
        say("no findings")
    for u in unreproducible:
        say(f"{u['target']}: {u['artifacts']} {u['cls'].split('-', 1)[1]} artifact"
            f"{'s' if u['artifacts'] > 1 else ''} that neither build reproduces alone: "
            f"{u['dir']}/report.txt")
    say(f"results in {rel(out)} (summary.json)")
    if args.json:
        print(json.dumps(summary, indent=1), flush=True)
    if error:
        raise Error(error)
    return status


