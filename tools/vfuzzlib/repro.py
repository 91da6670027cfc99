# SPDX-License-Identifier: MIT
"""`vfuzz repro` and `vfuzz minimize`: one input through both builds.

The replay build gives the trace and the full ASan (the sim instrumented
too); the fuzz build is what found the input. A finding is whatever either
reports, so repro never calls an input clean that the fuzz build crashes
on, and minimize shrinks whatever repro calls a finding."""

import os
import subprocess
import sys
import tempfile
import time
from collections import namedtuple
from pathlib import Path

from . import core
from .core import (EXIT_FOUND, INPUT_TIMEOUT, REPLAY_TIMEOUT, Error, _free_name, _write_new,
                   exit_status, sanitizer_env, say)
from .reports import headline, parse_finding
from .toolchain import build, check_target, ensure_tools, infer_target, list_targets

# One build's run of one input. status: the exit status (None: it did not
# finish in time); text: stdout and stderr as one stream; found: the
# (class, first line) of its finding, or None.
Run = namedtuple("Run", "build status text found")

TIMEOUT_CLASS = "timeout"  # a replay that did not finish (no limit of its own)


def run_replay(target, path, trace=False, timeout=REPLAY_TIMEOUT, symbolize=True):
    binary = core.ROOT / "build" / "replay" / target
    cmd = [str(binary)] + (["--trace"] if trace else []) + ["--", str(path)]
    return _run("replay", cmd, timeout, symbolize)


def run_fuzz(target, path):
    """The fuzz build on one input, as libFuzzer runs a reproducer, with
    its per-input limit."""
    binary = core.ROOT / "build" / "fuzz" / target
    return _run("fuzz", [str(binary), f"-timeout={INPUT_TIMEOUT}", str(path)],
                INPUT_TIMEOUT + REPLAY_TIMEOUT)


def _run(which, cmd, timeout, symbolize=True):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace",
                           env=sanitizer_env(symbolize=symbolize), timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = e.stdout or ""
        out = out.decode(errors="replace") if isinstance(out, bytes) else out
        line = f"==vfuzz== {which} build did not finish within {timeout} s"
        return Run(which, None, out + "\n" + line + "\n", (TIMEOUT_CLASS, line))
    except OSError as e:
        raise Error(f"cannot run {cmd[0]}: {e.strerror}")
    found = parse_finding(p.stdout)
    if found is None and p.returncode != 0:
        found = (f"exit-{exit_status(p.returncode)}", f"exit status {exit_status(p.returncode)}")
    return Run(which, exit_status(p.returncode), p.stdout, found)


def same_class(a, b):
    """Whether two runs report the same class (a replay that did not end
    is the fuzz build's timeout)."""
    def norm(run):
        cls = run.found[0] if run.found else None
        return TIMEOUT_CLASS if cls == "libfuzzer-timeout" else cls
    return norm(a) == norm(b)


def _cls(run):
    return run.found[0] if run.found else "no finding"


def disagreement(replay, fuzz):
    """The one line that says the builds disagree, or None."""
    if same_class(replay, fuzz):
        return None
    return (f"the builds disagree: the replay build reports {_cls(replay)}, "
            f"the fuzz build {_cls(fuzz)}")


def _input_file(path):
    p = Path(path)
    if not p.is_file():
        why = "no such file" if not p.exists() else "not a regular file"
        raise Error(f"cannot read {path}: {why}")
    if not os.access(p, os.R_OK):
        raise Error(f"cannot read {path}: permission denied")
    return p


def _target_for(path, given):
    if given:
        return check_target(given)
    t = infer_target(path)
    if not t:
        raise Error(f"cannot tell the target of {path} from its path; pass --target "
                    f"({', '.join(list_targets()) or 'no targets'})")
    return t


def _prepare(args):
    """(target, input path) after the checks and builds both commands need."""
    target = check_target(args.target) if args.target else None
    f = _input_file(args.file)
    target = _target_for(args.file, target)
    ensure_tools()
    build("replay", [target])
    build("fuzz", [target])
    return target, f


def cmd_repro(args):
    target, f = _prepare(args)
    trace = not args.no_trace
    say(f"replaying {args.file} with build/replay/{target}" + (" --trace" if trace else "")
        + f", then build/fuzz/{target}")
    replay = run_replay(target, f, trace=trace)
    sys.stdout.write(replay.text)
    sys.stdout.flush()
    fuzz = run_fuzz(target, f)
    if replay.found is None and fuzz.found is None:
        say("no finding (replay and fuzz build)")
        return 0
    differ = disagreement(replay, fuzz)
    if differ:
        say(differ + "; the fuzz build's report:")
        sys.stdout.write(fuzz.text)
    main = replay if replay.found else fuzz
    say(f"finding: {_headline(main)} ({f'{main.build} build' if differ else 'both builds'})")
    return main.status or EXIT_FOUND


def _headline(run):
    """The class and the driver's source line of a run's finding."""
    return headline(run.text) if parse_finding(run.text) else run.found[0]


def cmd_minimize(args):
    target, f = _prepare(args)
    replay, fuzz = run_replay(target, f), run_fuzz(target, f)
    if replay.found is None and fuzz.found is None:
        say(f"{args.file} does not crash {target} (replay and fuzz build): nothing to minimize")
        return EXIT_FOUND
    differ = disagreement(replay, fuzz)
    if differ:
        say(differ)
    dst = _free_name(f"{f}.min")
    if fuzz.found:
        cls = fuzz.found[0]
        say(f"minimizing {args.file} ({f.stat().st_size} bytes) for up to {args.time} s "
            f"with libFuzzer: {cls}")
        _minimize_libfuzzer(target, f, dst, args.time)
        now = run_fuzz(target, dst).found
    else:
        cls = replay.found[0]
        say(f"minimizing {args.file} ({f.stat().st_size} bytes) for up to {args.time} s "
            f"with the replay build (the fuzz build does not crash): {cls}")
        _write_new(dst, _reduce(target, f.read_bytes(), cls, args.time))
        now = run_replay(target, dst).found
    say(f"wrote {dst} ({dst.stat().st_size} bytes)")
    if not now or now[0] != cls:
        say(f"warning: the minimized input reports {now[0] if now else 'no finding'}, "
            f"the original {cls}")
    return 0


def _minimize_libfuzzer(target, f, dst, seconds):
    binary = str(core.ROOT / "build" / "fuzz" / target)
    proc = subprocess.run([binary, "-minimize_crash=1", f"-exact_artifact_path={dst.resolve()}",
                           f"-timeout={INPUT_TIMEOUT}", f"-max_total_time={seconds}",
                           str(f.resolve())],
                          cwd=dst.resolve().parent, capture_output=True, text=True,
                          errors="replace", env=sanitizer_env(fuzzing=True))
    if not dst.exists():
        sys.stderr.write(proc.stdout + proc.stderr)
        raise Error(f"minimization wrote no {dst}; libFuzzer output above")


def _reduce(target, data, cls, seconds):
    """The smallest input found in `seconds` on which the replay build still
    reports `cls`: chunks removed, halving their size, then bytes set to 0
    (a spec-conforming answer). libFuzzer cannot minimize what its own
    build does not crash on."""
    deadline = time.monotonic() + seconds
    with tempfile.TemporaryDirectory(prefix="vfuzz-minimize-") as tmp:
        probe = Path(tmp) / "input"

        def keeps(candidate):
            probe.write_bytes(candidate)
            found = run_replay(target, probe, symbolize=False).found  # the class is enough
            return bool(found) and found[0] == cls

        chunk = max(1, len(data) // 2)
        while time.monotonic() < deadline:
            i, changed = 0, False
            while i < len(data) and time.monotonic() < deadline:
                candidate = data[:i] + data[i + chunk:]
                if keeps(candidate):
                    data, changed = candidate, True
                else:
                    i += chunk
            if chunk == 1 and not changed:
                break
            chunk = max(1, chunk // 2) if not changed else chunk
        for i in range(len(data)):
            if time.monotonic() >= deadline:
                break
            if data[i]:
                candidate = data[:i] + b"\0" + data[i + 1:]
                if keeps(candidate):
                    data = candidate
    return data
