# SPDX-License-Identifier: MIT
"""What every part of vfuzz shares: the repository root, exit codes and
limits, the one-line user-facing Error, progress messages, the environment
binaries run in, and writing files without ever overwriting one."""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXIT_FOUND = 1   # fuzz found something, repro'd input crashes, nothing to minimize
EXIT_ERROR = 2   # usage error, bad input, build or tool failure
# Built and accepted by name, never listed or fuzzed: the benchmark's
# baseline, and the tests' target with one planted bug per finding class.
HIDDEN_TARGETS = ("empty", "planted")
NOT_TARGETS = re.compile(r"^(harness.*|dev_.*|device_target|replay_main|empty|planted)$")
PROGRESS_EVERY = 10.0        # seconds between progress lines per target
REPLAY_TIMEOUT = 30          # seconds for one replay while deduplicating
MAX_REPLAYS = 400            # crash artifacts replayed per target when deduplicating
MAX_SLOW_REPLAYS = 4         # timeout/oom artifacts replayed per target (each is slow)
INPUT_TIMEOUT = 10           # libFuzzer -timeout per input (a .options file may override)


class Error(Exception):
    """A user-facing failure: printed as one `vfuzz: error:` line, after
    `output` (a failed build's log) when there is one."""

    def __init__(self, message, output=""):
        super().__init__(message)
        self.output = output


_say_to = None  # progress messages' stream; None: stdout


def say(msg):
    print(f"vfuzz: {msg}", file=_say_to or sys.stdout, flush=True)


def nproc():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def rel(path):
    """A path as the user would type it from the repository root."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# ---- running binaries ------------------------------------------------------------

def _options(*parts):
    return ":".join(p for p in parts if p)


def sanitizer_env(extra=None, fuzzing=False, symbolize=True):
    """Environment for every binary vfuzz runs: UBSan's stack trace always
    (deduplication keys on the driver's frames; set last, so that not even
    the user's UBSAN_OPTIONS turn it off), symbolized unless `symbolize` is
    false. A replay (fuzzing=False) also aborts on its first report; a
    libFuzzer run keeps libFuzzer's own handling of a crash, and its stacks
    are not symbolized: llvm-symbolizer costs a fork-mode job some 0.2 s per
    crash (a shallow bug crashes every few hundred runs), and the stacks
    that name findings come from the replays that file them. The user's
    other options come after ours, so they win."""
    env = dict(os.environ)
    sym = f"symbolize={int(symbolize and not fuzzing)}"
    # Stack frames that returned stay poisoned while anything still points
    # into them: a driver that returns while the device owns its stack
    # buffers is reported (in both builds alike), not left to corrupt
    # whatever frame reuses the memory.
    uar = "detect_stack_use_after_return=1"
    if fuzzing:
        asan, ubsan = f"{uar}:{sym}:print_summary=1", f"{sym}:halt_on_error=1:report_error_type=1"
    else:
        asan = f"abort_on_error=1:detect_leaks=1:{uar}:{sym}:print_summary=1"
        ubsan = f"abort_on_error=1:halt_on_error=1:{sym}:report_error_type=1"
    env["ASAN_OPTIONS"] = _options(asan, env.get("ASAN_OPTIONS"))
    env["UBSAN_OPTIONS"] = _options(ubsan, env.get("UBSAN_OPTIONS"), "print_stacktrace=1")
    # The msan preset's binaries (never fuzzed): abort like a replay's ASan.
    env["MSAN_OPTIONS"] = _options(f"abort_on_error=1:{sym}", env.get("MSAN_OPTIONS"))
    env.update(extra or {})
    return env


def _no_core():
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    except (ImportError, ValueError, OSError):
        pass


def exit_status(returncode):
    """A subprocess's status as a shell would report it (signal N -> 128+N)."""
    return 128 - returncode if returncode < 0 else returncode


def _free_name(base):
    """`base` if free, else base.1, base.2, ... (never an existing path)."""
    if not os.path.lexists(base):
        return Path(base)
    n = 1
    while os.path.lexists(f"{base}.{n}"):
        n += 1
    return Path(f"{base}.{n}")



def _write_new(path, data):
    with open(path, "xb") as f:  # never overwrite
        f.write(data if isinstance(data, bytes) else data.encode())


