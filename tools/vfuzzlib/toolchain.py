# SPDX-License-Identifier: MIT
"""Tools (installed with apt-get when missing), CMake presets and builds,
the fuzz targets and their libFuzzer flags."""

import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

from . import core, linux
from .core import HIDDEN_TARGETS, NOT_TARGETS, Error, nproc, rel, say


# ---- tools ------------------------------------------------------------------

# (executable, Debian package providing it)
TOOLS = [
    ("clang", "clang"),
    ("ld.lld", "lld"),
    ("llvm-symbolizer", "llvm"),
    ("cmake", "cmake"),
    ("make", "make"),
    ("qemu-system-riscv64", "qemu-system-misc"),
]


def _libfuzzer_package():
    """The runtime package clang needs for -fsanitize=fuzzer, or None if present."""
    arch = platform.machine()
    try:
        found = subprocess.run(
            ["clang", f"-print-file-name=libclang_rt.fuzzer-{arch}.a"],
            capture_output=True, text=True, timeout=30).stdout.strip()
        major = subprocess.run(["clang", "-dumpversion"], capture_output=True,
                               text=True, timeout=30).stdout.strip().split(".")[0]
    except (OSError, subprocess.SubprocessError):
        return "libclang-rt-dev"
    if os.path.isabs(found) and os.path.exists(found):
        return None
    return f"libclang-rt-{major}-dev" if major.isdigit() else "libclang-rt-dev"


# The tests run with Debian's interpreter and Debian's pytest (PyPI is not
# used). Always in isolated mode (-I): neither the current directory nor
# the script's is on sys.path, so the repository's own pytest/ folder can
# never be imported as the module (as a namespace package it would satisfy
# `import pytest` and then fail with "No module named pytest.__main__").
PYTHON = "/usr/bin/python3"


def pytest_command(args):
    """The argv that runs the pytest module with PYTHON, never shadowed."""
    return [PYTHON, "-I", "-m", "pytest"] + list(args)


def has_pytest():
    """Is the real pytest importable by PYTHON (checked from /, isolated)?"""
    probe = "import pytest, sys; sys.exit(0 if hasattr(pytest, 'main') else 1)"
    try:
        return subprocess.run([PYTHON, "-I", "-c", probe], cwd="/", capture_output=True,
                              timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def missing_packages(extra=()):
    """Debian packages to install: those of TOOLS and of `extra` (more
    (executable, package) pairs a command needs) whose executable is missing."""
    pkgs = [pkg for exe, pkg in TOOLS if not shutil.which(exe)]
    for exe, pkg in extra:
        if not shutil.which(exe) and pkg not in pkgs:
            pkgs.append(pkg)
    if not os.access(PYTHON, os.X_OK):
        pkgs += ["python3", "python3-pytest"]
    elif not has_pytest():
        pkgs.append("python3-pytest")
    if "clang" in pkgs:
        pkgs.append("libclang-rt-dev")  # the runtime matching Debian's default clang
    else:
        rt = _libfuzzer_package()
        if rt:
            pkgs.append(rt)
    return pkgs


def ensure_tools(extra=()):
    """Install missing tools (TOOLS and `extra`) with apt-get; nothing (no
    apt call) when all are there."""
    pkgs = missing_packages(extra)
    if not pkgs:
        return
    apt_install(pkgs, "missing tools")
    still = missing_packages(extra)
    if still:
        raise Error(f"still missing after install: {' '.join(still)}")


def apt_install(pkgs, why):
    """apt-get update and install `pkgs` (as root, or through sudo)."""
    if os.geteuid() == 0:
        sudo = []
    elif shutil.which("sudo"):
        sudo = ["sudo"]
    else:
        raise Error(f"{why}; as root run: apt-get update && apt-get install -y "
                    + " ".join(pkgs))
    say(f"installing {' '.join(pkgs)} (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Another apt (a second ./vfuzz, a boot-time upgrade) may hold the dpkg
    # lock: wait for it rather than fail.
    lock = ["-o", "DPkg::Lock::Timeout=600"]
    for cmd in (["apt-get"] + lock + ["update"],
                ["apt-get"] + lock + ["install", "-y", "--no-install-recommends"] + pkgs):
        proc = subprocess.run(sudo + cmd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode:
            sys.stderr.write(proc.stdout)
            raise Error(f"'{' '.join(cmd)}' failed (exit {proc.returncode}); output above")


# ---- builds -----------------------------------------------------------------

def presets():
    try:
        data = json.loads((core.ROOT / "CMakePresets.json").read_text())
        return [p["name"] for p in data["configurePresets"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise Error(f"cannot read CMakePresets.json: {e}")


def _preset_compiler(preset):
    """The C compiler a configure preset names, or None."""
    try:
        data = json.loads((core.ROOT / "CMakePresets.json").read_text())
        for p in data["configurePresets"]:
            if p["name"] == preset:
                return p.get("cacheVariables", {}).get("CMAKE_C_COMPILER")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def _other_compiler(preset, cache):
    """Whether the build dir was configured with another compiler than the
    preset names (e.g. a replay build made with gcc before the preset chose
    clang). cmake then drops its cache and re-runs without the preset's
    variables, so such a dir must be configured from scratch."""
    want = _preset_compiler(preset)
    m = re.search(r"^CMAKE_C_COMPILER:\w+=(.*)$", cache.read_text(errors="replace"), re.M)
    if not want or not m:
        return False
    want_path, have_path = shutil.which(want), m.group(1).strip()
    if not want_path or not have_path:
        return False
    return os.path.realpath(want_path) != os.path.realpath(have_path)


def run_quiet(cmd, what):
    """Run a build step; its output is shown only when it fails."""
    try:
        proc = subprocess.run(cmd, cwd=core.ROOT, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              errors="replace")
    except OSError as e:
        raise Error(f"{what}: cannot run {cmd[0]}: {e.strerror}")
    if proc.returncode:
        raise Error(f"{what} failed (exit {proc.returncode}); output above", proc.stdout)


def build(preset, targets=None, quiet=False):
    """Configure once, then build (cmake handles staleness). `targets`: a subset."""
    if preset not in presets():
        raise Error(f"unknown preset '{preset}' (presets: {', '.join(presets())})")
    bdir = core.ROOT / "build" / preset
    what = f"build of preset {preset}" + (f" ({', '.join(targets)})" if targets else "")
    if not quiet:
        say(f"building {preset}" + (f": {' '.join(targets)}" if targets else ""))
    cache = bdir / "CMakeCache.txt"
    # The Linux targets build from a kernel tree extracted from its package.
    configure = ["cmake", "--preset", preset]
    linux_src = None
    if preset != "riscv64" and linux.wanted(targets):
        linux_src, version, pkg = linux.source_tree()
        configure.append(f"-DVFUZZ_LINUX_SRC={linux_src}")
        if not quiet:
            say("Linux targets from " + linux.describe(linux_src, version, pkg))
    # Configure once; again when the presets changed (cmake --build does not
    # re-read their cache variables), or the kernel tree did.
    if (not cache.exists() or cache.stat().st_mtime < (core.ROOT / "CMakePresets.json").stat().st_mtime
            or (linux_src and f"VFUZZ_LINUX_SRC:PATH={linux_src}\n"
                not in cache.read_text(errors="replace"))):
        if cache.exists() and _other_compiler(preset, cache):
            say(f"build/{preset} was configured with another compiler; configuring it afresh")
            cache.unlink()
            shutil.rmtree(bdir / "CMakeFiles", ignore_errors=True)
        run_quiet(configure, f"configure of preset {preset}")
    cmd = ["cmake", "--build", str(bdir), f"-j{nproc()}"]
    if targets:
        cmd += ["--target", *targets]
        # A target file added since the last configure is unknown to the build
        # system until cmake re-globs, which only a full build would trigger.
        known = (bdir / "Makefile").read_text(errors="replace") if (bdir / "Makefile").exists() else ""
        if any(f"\n{t}:" not in known for t in targets):
            run_quiet(configure, f"configure of preset {preset}")
    run_quiet(cmd, what)
    return bdir


# ---- targets ----------------------------------------------------------------

DEVICE_LINE = re.compile(r'^VFUZZ_DEVICE\((\w+),\s*(\w+),\s*"(.*)"\)\s*$')


def devices():
    """The device table, fuzz/devices.def: [(name, VIRTIO_ID_*, QEMU arguments)]."""
    table = core.ROOT / "fuzz" / "devices.def"
    try:
        lines = table.read_text().splitlines()
    except OSError as e:
        raise Error(f"cannot read {rel(table)}: {e.strerror}")
    return [m.groups() for m in map(DEVICE_LINE.match, lines) if m]


# Listed targets built from another target's source with a define
# (CMakeLists.txt), each with its own seeds, dictionary and options:
# target -> the source's target.
BUILT_FROM = {"linux_ring_packed": "linux_ring_split"}


def list_targets():
    """Every fuzz target: two per device of the table, each standalone
    fuzz/<target>.c, and those of BUILT_FROM whose source is there."""
    names = {f"{d[0]}_{bus}" for d in devices() for bus in ("mmio", "pci")}
    names |= {p.stem for p in (core.ROOT / "fuzz").glob("*.c") if not NOT_TARGETS.match(p.stem)}
    names |= {t for t, src in BUILT_FROM.items() if src in names}
    return sorted(names)


PACKED = "_packed"


def packed_targets():
    """The packed-ring variants (CMakeLists.txt: flags bit 6 forced) of the
    device targets and of virtq: built and accepted by name, not listed."""
    names = [f"{d[0]}_{bus}{PACKED}" for d in devices() for bus in ("mmio", "pci")]
    if (core.ROOT / "fuzz" / "virtq.c").exists():
        names.append(f"virtq{PACKED}")
    return sorted(names)


def base_target(name):
    """The target whose seeds, dictionary and options `name` uses: itself,
    or for a packed variant the target it forces the packed ring on."""
    if not name.endswith(PACKED):
        return name
    return name[:-len(PACKED)] if name in packed_targets() else name


def check_target(name):
    if name in list_targets() or name in packed_targets() or \
            (name in HIDDEN_TARGETS and (core.ROOT / "fuzz" / f"{name}.c").exists()):
        return name
    raise Error(f"unknown target '{name}' (targets: {', '.join(list_targets()) or 'none'})")


def infer_target(path):
    """The target a reproducer belongs to, from its path, or None."""
    parts = Path(os.path.abspath(path)).parts
    known = set(list_targets()) | set(HIDDEN_TARGETS) | set(packed_targets())
    for i in range(len(parts) - 1, -1, -1):
        nxt = parts[i + 1] if i + 1 < len(parts) else None  # a dir OUT/T/corpus ends in corpus
        if parts[i] == "regressions" and i > 0 and parts[i - 1] == "corpus" and nxt in known:
            return nxt
        if parts[i] in ("corpus", "findings") and nxt in known:
            return nxt
        if parts[i] in ("corpus", "artifacts") and i > 0 and parts[i - 1] in known:
            return parts[i - 1]  # vfuzz fuzz's OUT/<target>/{corpus,artifacts}/
    return None


def _value_profile_hooks():
    """Whether the fuzz build keeps libFuzzer's own 1- and 2-byte compare
    hooks (CMakeLists.txt: VFUZZ_VALUE_PROFILE)."""
    cache = core.ROOT / "build" / "fuzz" / "CMakeCache.txt"
    return cache.exists() and "VFUZZ_VALUE_PROFILE:BOOL=ON" in cache.read_text(errors="replace")


def libfuzzer_flags(target):
    """Flags from fuzz/<target>.options (-flag=value lines) and the dict."""
    flags = []
    target = base_target(target)
    opts = core.ROOT / "fuzz" / f"{target}.options"
    if opts.exists():
        for n, line in enumerate(opts.read_text().splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not re.match(r"^-\w+=\S*$", line):
                raise Error(f"{rel(opts)}:{n}: expected a -flag=value line, got '{line}'")
            if re.match(r"^-use_value_profile=[1-9]", line) and not _value_profile_hooks():
                raise Error(f"{rel(opts)}:{n}: -use_value_profile needs libFuzzer's 1- and 2-byte "
                            "compare hooks, which the fuzz preset replaces with no-ops; "
                            "configure it with: cmake --preset fuzz -DVFUZZ_VALUE_PROFILE=ON")
            flags.append(line)
    dct = core.ROOT / "fuzz" / f"{target}.dict"
    if dct.exists():
        flags.append(f"-dict={dct}")
    return flags


