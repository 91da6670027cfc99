# SPDX-License-Identifier: MIT
"""`./vfuzz fuzz --engine afl`: AFL++ fuzzes a target, prints the libFuzzer
engine's progress lines, and its crashes go through the same replay,
deduplication and filing, with the same output layout and repro commands;
no afl-fuzz process outlives the run. afl++ is installed on first use
(as the other tools are).

The target is the hidden `planted` (fuzz/planted.c), from seeds one bit
away from a planted heap overflow ("heap-reae 3" -> "heap-read 3")."""

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from helpers import ROOT, run_vfuzz, vfuzz

PROGRESS = re.compile(r"^vfuzz: \[planted\]\s+\d+s  execs \d+ \(\d+/s\)  cov \d+  ft \d+  "
                      r"corpus \d+  crashes \d+$", re.M)


def afl_processes(marker):
    """Pids of live processes whose command line names `marker`."""
    pids = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmd and "afl-fuzz" in cmd:
            pids.append(int(p.name))
    return pids


@pytest.mark.slow
def test_afl_crash_is_deduplicated_and_filed_like_libfuzzer(tmp_path):
    out = tmp_path / "run"
    (out / "planted" / "corpus").mkdir(parents=True)
    # Each seed is one bit flip from the bug, at another byte: AFL++'s
    # random mutations find one within seconds even on a loaded machine.
    name = b"heap-read"
    for i in range(len(name)):
        seed = bytearray(name + b" 3")
        seed[i] ^= 1
        (out / "planted" / "corpus" / f"seed-{i}").write_bytes(bytes(seed))
    proc = run_vfuzz("fuzz", "--engine", "afl", "planted", "--time", "30", "--jobs", "1",
                     "--out", out, timeout=900)
    text = proc.stdout + proc.stderr
    assert not afl_processes(str(out)), "afl-fuzz processes outlived ./vfuzz fuzz"
    assert proc.returncode == 1, f"expected exit 1 (a finding), got {proc.returncode}:\n{text[-4000:]}"
    assert PROGRESS.search(proc.stdout), f"no libFuzzer-style progress line:\n{proc.stdout[-3000:]}"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["engine"] == "afl"
    target = summary["targets"][0]
    assert target["execs"] > 0 and target["crashes"] > 0, target
    heap = [f for f in summary["findings"] if f["cls"] == "asan-heap-buffer-overflow"]
    # Every "heap-read N" AFL++ saved is one bug: one finding.
    assert len(heap) == 1, summary["findings"]
    f = heap[0]
    assert f["headline"].startswith("asan-heap-buffer-overflow at fuzz/planted.c:"), f
    fdir = ROOT / f["dir"] if not os.path.isabs(f["dir"]) else Path(f["dir"])
    assert {"input", "report.txt", "repro.sh"} <= {p.name for p in fdir.iterdir()}
    assert f["repro"] == f"./vfuzz repro {f['input']}"
    assert (fdir / "input").read_bytes().startswith(b"heap-read")
    arts = list((out / "planted" / "artifacts").glob("crash-*"))
    assert arts and all(re.fullmatch(r"crash-[0-9a-f]{40}", a.name) for a in arts), arts
    assert (out / "planted" / "fuzz.log").read_text().startswith("$ afl-fuzz ")
    assert f"  planted: asan-heap-buffer-overflow at fuzz/planted.c:" in proc.stdout
    assert f"    repro: {f['repro']}" in proc.stdout


def test_afl_package_is_installed_when_afl_fuzz_is_missing(monkeypatch):
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda exe, *a, **k: None if exe.startswith("afl-") else real(exe, *a, **k))
    pkgs = vfuzz.toolchain.missing_packages(vfuzz.campaign.afl.TOOLS)
    assert pkgs.count("afl++") == 1, pkgs
    monkeypatch.setattr(shutil, "which", real)
    if real("afl-fuzz") and real("afl-clang-fast"):
        assert "afl++" not in vfuzz.toolchain.missing_packages(vfuzz.campaign.afl.TOOLS)


def test_unknown_engine_is_a_one_line_error():
    proc = run_vfuzz("fuzz", "--engine", "honggfuzz", "blk_mmio")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("vfuzz: error: ") and len(proc.stderr.strip().splitlines()) == 1
