# SPDX-License-Identifier: MIT
"""`vfuzz fuzz --engine afl`: AFL++ on the same targets, seeds and
dictionaries as libFuzzer. The `afl` preset builds each target with
afl-clang-fast and AFL++'s libFuzzer driver (libAFLDriver); one main
(-M) and N-1 secondaries (-S) share one output directory. What they find
is handed to the libFuzzer engine's pipeline as if libFuzzer had saved it
(crashes as OUT/<target>/artifacts/crash-<sha1>, hangs as timeout-<sha1>,
the queue as the working corpus OUT/<target>/corpus/), so deduplication,
findings and `./vfuzz repro` are the same."""

import hashlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time

from . import core
from .core import INPUT_TIMEOUT, PROGRESS_EVERY, _options, exit_status, rel, sanitizer_env, say
from .toolchain import base_target, libfuzzer_flags

PRESET = "afl"
TOOLS = [("afl-fuzz", "afl++"), ("afl-clang-fast", "afl++")]


def afl_env(tmp):
    """The environment of afl-fuzz and the target under it. afl-fuzz
    refuses sanitizer options without abort_on_error=1 and symbolize=0
    (a crash must be a signal it sees, and fast); in a container the core
    pattern often pipes to a program it cannot change, and the CPU
    frequency governor is not ours to check; on a shared machine no
    instance may pin a core; no curses screen, the stats files say it."""
    env = sanitizer_env({"TMPDIR": str(tmp)}, fuzzing=True)
    env["ASAN_OPTIONS"] = _options("abort_on_error=1:symbolize=0", env["ASAN_OPTIONS"])
    env["UBSAN_OPTIONS"] = _options("abort_on_error=1:halt_on_error=1:symbolize=0",
                                    env["UBSAN_OPTIONS"])
    env["MSAN_OPTIONS"] = "exit_code=86:symbolize=0"
    env.update(AFL_SKIP_CPUFREQ="1", AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES="1",
               AFL_NO_UI="1", AFL_NO_AFFINITY="1", AFL_AUTORESUME="1", AFL_SKIP_CRASHES="1",
               AFL_TMPDIR=str(tmp), AFL_NO_CRASH_README="1")
    return env


def options(target):
    """afl-fuzz arguments from the libFuzzer flags of fuzz/<target>.options
    and its dictionary (the same syntax): -max_len -> -G, -timeout -> -t."""
    args, timeout = [], INPUT_TIMEOUT
    for flag in libfuzzer_flags(target):
        name, _, value = flag[1:].partition("=")
        if name == "max_len":
            args += ["-G", value]
        elif name == "timeout":
            timeout = int(value)
        elif name == "dict":
            args += ["-x", value]
    return args + ["-t", str(timeout * 1000)]


def _seeds(target, tdir):
    """AFL++ takes one input directory: the seeds and what an earlier run
    into this OUT kept, one copy of each content, none empty (AFL++ skips
    empty files; the empty input is the seeds' spec run anyway)."""
    sdir = tdir / "afl-seeds"
    sdir.mkdir(exist_ok=True)
    for d in (core.ROOT / "corpus" / base_target(target), tdir / "corpus"):
        for f in sorted(d.rglob("*")) if d.is_dir() else []:
            if f.is_file() and not f.name.startswith(".") and f.stat().st_size:
                data = f.read_bytes()
                dst = sdir / hashlib.sha1(data).hexdigest()
                if not dst.exists():
                    dst.write_bytes(data)
    if not any(sdir.iterdir()):
        (sdir / "zero").write_bytes(b"\0")
    return sdir


# AFL++'s counters, by their fuzzer_stats names, in the libFuzzer engine's terms.
FIELDS = {"execs": ("execs_done",), "cov": ("edges_found",), "corpus": ("corpus_count", "paths_total"),
          "crashes": ("saved_crashes", "unique_crashes"), "timeouts": ("saved_hangs", "unique_hangs")}


def parse_fields(text, sep=":"):
    """`name : value` lines (fuzzer_stats) or `fuzzing.name:value|g` lines
    (AFL++'s StatsD packets, sep=":" after the prefix): the counters of
    FIELDS that are there."""
    raw = {}
    for line in text.splitlines():
        k, _, v = line.partition(sep)
        raw[k.strip().removeprefix("fuzzing.")] = v.strip().split("|")[0]
    out = {}
    for key, names in FIELDS.items():
        for n in names:
            if re.fullmatch(r"\d+", raw.get(n, "")):
                out[key] = int(raw[n])
                break
    return out


class Instance:
    """One afl-fuzz process and what it says of itself: fuzzer_stats in its
    output directory (written at start, once a minute and at exit) and,
    in between, the StatsD packets it sends every second to a UDP socket
    of ours on localhost (AFL_STATSD: the same counters)."""

    def __init__(self, name, afl_out):
        self.name, self.dir = name, afl_out / name
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.live = {}
        # A resumed instance (--out of an earlier run) counts on from its
        # totals: this run's are what it adds to them.
        self.before = self._file()

    def poll(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except (BlockingIOError, OSError):
                return
            for k, v in parse_fields(data.decode(errors="replace")).items():
                self.live[k] = max(self.live.get(k, 0), v)

    def _file(self):
        try:
            return parse_fields((self.dir / "fuzzer_stats").read_text(errors="replace"))
        except OSError:
            return {}

    def stats(self):
        self.poll()
        out = self._file()
        for k, v in self.live.items():
            out[k] = max(out.get(k, 0), v)  # every counter only grows
        if out:
            for k in ("execs", "crashes", "timeouts"):
                out[k] = max(0, out.get(k, 0) - self.before.get(k, 0))
        return out

    def close(self):
        self.sock.close()


def stats(instances):
    """The run's counters in the libFuzzer engine's terms: execs, crashes
    and timeouts summed over the instances; cov (AFL++'s edges) and the
    corpus the largest any instance has (each imports the others' finds).
    AFL++ has no features: ft repeats the edge count. None before any
    instance said anything."""
    per = [s for s in (i.stats() for i in instances) if s]
    if not per:
        return None
    total = {k: sum(s.get(k, 0) for s in per) for k in ("execs", "crashes", "timeouts")}
    total.update({k: max(s.get(k, 0) for s in per) for k in ("cov", "corpus")})
    total["ft"], total["ooms"] = total["cov"], 0
    return total


def _harvest(afl_out, artifacts, corpus):
    """AFL++'s crashes and hangs as libFuzzer-named artifacts, its queues as
    the working corpus; each content once, nothing overwritten. Returns the
    artifacts new to `artifacts`."""
    new = []
    for inst in sorted(p for p in afl_out.iterdir() if p.is_dir()) if afl_out.is_dir() else []:
        for sub, prefix, dst_dir in (("crashes", "crash", artifacts), ("hangs", "timeout", artifacts),
                                     ("queue", None, corpus)):
            d = inst / sub
            for f in sorted(d.iterdir()) if d.is_dir() else []:
                if not f.is_file() or not f.name.startswith("id:"):
                    continue
                data = f.read_bytes()
                sha = hashlib.sha1(data).hexdigest()
                dst = dst_dir / (f"{prefix}-{sha}" if prefix else sha)
                if dst.exists():
                    continue
                core._write_new(dst, data)
                if prefix:
                    new.append(str(dst))
    return new


def _stop_all(procs):
    from .campaign import _stop_group  # SIGINT the group, SIGKILL what is left
    for p in procs:
        if p.poll() is None:
            _stop_group(p)
        else:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # the target children an instance may leave
            except (ProcessLookupError, PermissionError):
                pass


def fuzz_one(target, out, seconds, jobs):
    """Run AFL++ on one target: the libFuzzer engine's fuzz_one, result
    for result (campaign.py)."""
    tdir = out / target
    corpus, artifacts = tdir / "corpus", tdir / "artifacts"
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    tmp = tdir / "tmp"
    tmp.mkdir(exist_ok=True)
    afl_out = tdir / "afl"
    seeds = _seeds(target, tdir)
    binary = core.ROOT / "build" / PRESET / target
    env = afl_env(tmp)
    base = ["afl-fuzz", "-i", str(seeds), "-o", str(afl_out), "-m", "none", "-V", str(seconds)] + options(target)
    say(f"fuzzing {target} for {seconds} s with AFL++, {jobs} instance{'s' if jobs > 1 else ''} "
        f"(log: {rel(tdir / 'fuzz.log')})")
    procs, logs, instances = [], [], []
    start = time.monotonic()
    interrupted = False
    try:
        for i in range(jobs):
            inst = Instance("main" if i == 0 else f"sec{i}", afl_out)
            instances.append(inst)
            role = ["-M" if i == 0 else "-S", inst.name]
            cmd = base[:5] + role + base[5:] + ["--", str(binary)]
            log = tdir / ("fuzz.log" if i == 0 else f"fuzz-sec{i}.log")
            lf = open(log, "w")
            logs.append(lf)
            lf.write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n")
            lf.flush()
            # Its own process group, cwd in OUT: stopped as one, and no
            # file lands in the user's directory.
            procs.append(subprocess.Popen(
                cmd, cwd=tdir, stdin=subprocess.DEVNULL, stdout=lf, stderr=subprocess.STDOUT,
                start_new_session=True,
                env=dict(env, AFL_STATSD="1", AFL_STATSD_HOST="127.0.0.1", AFL_STATSD_PORT=str(inst.port))))
        next_report = start + PROGRESS_EVERY
        while any(p.poll() is None for p in procs):
            time.sleep(0.5)
            now = time.monotonic()
            if now >= next_report:
                next_report = now + PROGRESS_EVERY
                s = stats(instances)
                if s:
                    say(f"[{target}] {now - start:4.0f}s  execs {s['execs']} "
                        f"({s['execs'] / max(now - start, 1e-9):.0f}/s)  cov {s['cov']}  "
                        f"ft {s['ft']}  corpus {s['corpus']}  crashes {s['crashes']}")
            if now - start > seconds + 120:
                say(f"[{target}] AFL++ overran its time; stopping it")
                break
    except KeyboardInterrupt:
        interrupted = True
        say(f"[{target}] interrupted; stopping AFL++")
    finally:
        _stop_all(procs)  # never an afl-fuzz left behind
        for lf in logs:
            lf.close()
    shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.monotonic() - start
    rc = procs[0].wait() if procs else 2
    s = stats(instances)
    for inst in instances:
        inst.close()
    result = dict(target=target, engine="afl", seconds=round(elapsed, 1), exit_code=rc, error=None,
                  execs=0, execs_per_s=0, cov=0, ft=0, corpus=0, crashes=0, timeouts=0, ooms=0)
    if s:
        result.update({k: s[k] for k in ("execs", "cov", "ft", "corpus", "crashes", "timeouts", "ooms")})
        result["execs_per_s"] = round(s["execs"] / max(elapsed, 1e-9))
    elif not interrupted:
        text = (tdir / "fuzz.log").read_text(errors="replace")
        sys.stderr.write("\n".join(text.splitlines()[-15:]) + "\n")
        result["error"] = f"AFL++ did not run (exit {exit_status(rc)}); see {rel(tdir / 'fuzz.log')}"
        say(f"[{target}] error: {result['error']}")
    result["artifacts"] = _harvest(afl_out, artifacts, corpus)
    return result, interrupted
