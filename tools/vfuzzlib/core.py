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
HIDDEN_TARGETS = ("empty",)  # built and accepted by name, never listed
NOT_TARGETS = re.compile(r"^(harness.*|dev_.*|device_target|replay_main|empty)$")
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

def sanitizer_env(extra=None):
    """Environment for replays: readable, symbolized reports that abort."""
    env = dict(os.environ)
    asan = "abort_on_error=1:detect_leaks=1:symbolize=1:print_summary=1"
    ubsan = "abort_on_error=1:halt_on_error=1:print_stacktrace=1:report_error_type=1"
    # The user's own options come last, so they win.
    env["ASAN_OPTIONS"] = asan + (":" + env["ASAN_OPTIONS"] if env.get("ASAN_OPTIONS") else "")
    env["UBSAN_OPTIONS"] = ubsan + (":" + env["UBSAN_OPTIONS"] if env.get("UBSAN_OPTIONS") else "")
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


