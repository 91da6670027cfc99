# SPDX-License-Identifier: MIT
"""The OSS-Fuzz build contract (oss-fuzz/build.sh), run as OSS-Fuzz runs it:
the project's build.sh with $SRC holding the sources as $SRC/vfuzz, $CC,
$CFLAGS and $CXXFLAGS of OSS-Fuzz's address and undefined builds, clang's
libFuzzer as $LIB_FUZZING_ENGINE and a scratch $OUT. Every target of
`./vfuzz list` must land in $OUT with its seed zip, dictionary and options,
and run its whole seed corpus, with those options and that dictionary, the
way ClusterFuzz runs it, without a report."""

import configparser
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, vfuzz

# OSS-Fuzz's base images (infra/base-images: CFLAGS, SANITIZER_FLAGS_*,
# COVERAGE_FLAGS for libFuzzer builds).
OSS_FUZZ_CFLAGS = "-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
UBSAN_CHECKS = ("array-bounds,bool,builtin,enum,float-divide-by-zero,function,"
                "integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,"
                "shift,signed-integer-overflow,{unsigned}unreachable,vla-bound,vptr")
SANITIZER_FLAGS = {
    "address": "-fsanitize=address -fsanitize-address-use-after-scope",
    "undefined": (f"-fsanitize={UBSAN_CHECKS.format(unsigned='unsigned-integer-overflow,')} "
                  f"-fno-sanitize-recover={UBSAN_CHECKS.format(unsigned='')}"),
}
COVERAGE_FLAGS = "-fsanitize=fuzzer-no-link"
# What ClusterFuzz's runner sets (unsigned overflow is a coverage signal
# there, never a report: OSS-Fuzz issue 910), beside a target's [asan].
UBSAN_OPTIONS = "halt_on_error=1:print_stacktrace=1:silence_unsigned_overflow=1"

PROJECT = ROOT / "oss-fuzz" / "projects" / "vfuzz"


def _build_env(tmp, sanitizer):
    src = tmp / "src"
    src.mkdir()
    (src / "vfuzz").symlink_to(ROOT)  # OSS-Fuzz clones the repository there
    flags = f"{OSS_FUZZ_CFLAGS} {SANITIZER_FLAGS[sanitizer]} {COVERAGE_FLAGS}"
    env = {k: v for k, v in os.environ.items()
           if not k.endswith("SAN_OPTIONS") and k != "VFUZZ_LINUX_SRC"}
    env.update(CC="clang", CXX="clang++", CFLAGS=flags, CXXFLAGS=flags,
               LIB_FUZZING_ENGINE="-fsanitize=fuzzer", SANITIZER=sanitizer,
               SRC=str(src), OUT=str(tmp / "out"), WORK=str(tmp / "work"),
               VFUZZ_BUILD_JOBS="2")
    return env


@pytest.fixture(scope="module", params=["address", "undefined"])
def ossfuzz_build(request, tmp_path_factory):
    """$OUT after the project's build.sh ran for one sanitizer."""
    tmp = tmp_path_factory.mktemp(f"ossfuzz-{request.param}")
    env = _build_env(tmp, request.param)
    proc = subprocess.run(["bash", "-eu", str(PROJECT / "build.sh")], cwd=tmp, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          errors="replace", timeout=900)
    if proc.returncode:
        pytest.fail(f"oss-fuzz build.sh ({request.param}) failed, exit {proc.returncode}:\n"
                    f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}", pytrace=False)
    if any(t.startswith("linux_") for t in vfuzz.list_targets()):
        assert "leaving out linux_" in proc.stdout, \
            f"build.sh should say it leaves the Linux targets out:\n{proc.stdout[-2000:]}"
    return request.param, tmp / "out"


def _inputs(target):
    seeds = ROOT / "corpus" / target
    regs = ROOT / "corpus" / "regressions" / target
    names = {p.name for p in seeds.iterdir() if p.is_file()} if seeds.is_dir() else set()
    if regs.is_dir():
        names |= {f"regression-{p.name}" for p in regs.iterdir() if p.is_file()}
    return names


def ossfuzz_targets():
    """What build.sh builds without a kernel tree: every listed target but
    the Linux ring ones (they need $VFUZZ_LINUX_SRC)."""
    return [t for t in vfuzz.list_targets() if not t.startswith("linux_")]


def _dict_entries(path):
    return sum(1 for line in path.read_text().splitlines()
               if line.strip() and not line.lstrip().startswith("#"))


@pytest.mark.slow
def test_ossfuzz_build_puts_every_listed_target_in_out(ossfuzz_build):
    sanitizer, out = ossfuzz_build
    targets = ossfuzz_targets()
    built = sorted(p.name for p in out.iterdir() if p.is_file() and os.access(p, os.X_OK))
    assert built == targets, f"expected the targets of ./vfuzz list in $OUT, got {built}"
    for t in targets:
        zipped = out / f"{t}_seed_corpus.zip"
        want = _inputs(t)
        assert want, f"{t} has neither seeds nor regressions"
        with zipfile.ZipFile(zipped) as z:
            assert set(z.namelist()) == want, \
                f"{zipped.name}: expected the seeds and regression-* reproducers"
        assert (out / f"{t}.dict").exists() == (ROOT / "fuzz" / f"{t}.dict").exists(), t
        assert (out / f"{t}.options").exists(), f"{t}.options missing from $OUT"


@pytest.mark.slow
def test_every_ossfuzz_target_runs_its_seeds_with_its_options_and_dict(ossfuzz_build, tmp_path):
    """As ClusterFuzz runs a target: the [libfuzzer] options as flags, the
    [asan] ones in ASAN_OPTIONS, the dictionary beside it; every seed and
    regression once (-runs=0), no report, no flag libFuzzer ignores."""
    sanitizer, out = ossfuzz_build
    for t in ossfuzz_targets():
        corpus = tmp_path / t
        with zipfile.ZipFile(out / f"{t}_seed_corpus.zip") as z:
            z.extractall(corpus)
        opts = configparser.ConfigParser()
        opts.read(out / f"{t}.options")
        flags = [f"-{k}={v}" for k, v in opts.items("libfuzzer")] if opts.has_section("libfuzzer") else []
        if (ROOT / "fuzz" / f"{t}.options").exists():
            assert flags == vfuzz.libfuzzer_flags(t)[:len(flags)] and flags, \
                f"{t}.options: expected fuzz/{t}.options' flags under [libfuzzer], got {flags}"
        asan = ":".join(f"{k}={v}" for k, v in opts.items("asan")) if opts.has_section("asan") else ""
        assert "detect_stack_use_after_return=1" in asan, f"{t}.options [asan]: {asan!r}"
        dct = out / f"{t}.dict"
        if dct.exists():
            flags.append(f"-dict={dct}")
        env = {k: v for k, v in os.environ.items() if not k.endswith("SAN_OPTIONS")}
        env.update(ASAN_OPTIONS=f"{asan}:detect_leaks=1:symbolize=0", UBSAN_OPTIONS=UBSAN_OPTIONS)
        proc = subprocess.run([str(out / t), "-runs=0"] + flags + [str(corpus)], cwd=tmp_path,
                              env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", timeout=300)
        log = proc.stderr
        where = f"{t} ({sanitizer}): "
        assert proc.returncode == 0, where + f"exit {proc.returncode} on its seed corpus:\n{log[-3000:]}"
        assert "runtime error" not in log and "ERROR:" not in log, where + log[-3000:]
        assert "WARNING: unrecognized flag" not in log, where + log[:2000]
        n = len(list(corpus.iterdir()))
        assert f"INFO: seed corpus: files: {n} " in log, where + f"expected {n} seed files read:\n{log[:2000]}"
        if dct.exists():
            assert f"Dictionary: {_dict_entries(dct)} entries" in log, \
                where + f"expected the dictionary's {_dict_entries(dct)} entries loaded:\n{log[:2000]}"
        if any(f.startswith("-max_len=") for f in flags):
            assert "-max_len is not provided" not in log, where + log[:2000]


def test_ossfuzz_and_clusterfuzzlite_run_the_same_build():
    """Both project directories only hand over to oss-fuzz/build.sh, so the
    tested build is the one both services run."""
    for entry in (PROJECT / "build.sh", ROOT / ".clusterfuzzlite" / "build.sh"):
        code = [line for line in entry.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
        assert code == ['exec "$SRC/vfuzz/oss-fuzz/build.sh"'], f"{entry}: {code}"


@pytest.mark.parametrize("unset", ["OUT", "LIB_FUZZING_ENGINE"])
def test_ossfuzz_build_without_its_environment_is_a_one_line_error(tmp_path, unset):
    env = _build_env(tmp_path, "address")
    del env[unset]
    proc = subprocess.run(["bash", str(ROOT / "oss-fuzz" / "build.sh")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, f"expected exit 2, got {proc.returncode}: {proc.stderr}"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"${unset} is not set" in lines[0], proc.stderr
    assert not (tmp_path / "work").exists(), "nothing may be built without its environment"
