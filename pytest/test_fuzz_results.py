# SPDX-License-Identifier: MIT
"""What a fuzz run starts from and what it hands to CI: the seeds and the
regression reproducers, read-only; `./vfuzz fuzz --json`; `./vfuzz test
--junitxml=FILE`."""

import argparse
import json
import shlex
import xml.etree.ElementTree as ET

import pytest

import helpers
from helpers import ROOT, run_vfuzz, vfuzz


def _tree(path):
    return sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in path.rglob("*"))


@pytest.mark.slow
def test_fuzz_json_is_the_summary_on_stdout_and_starts_from_seeds_and_regressions(tmp_path):
    target = "rng_mmio"
    regs = ROOT / "corpus" / "regressions" / target
    seeds = ROOT / "corpus" / target
    assert regs.is_dir() and seeds.is_dir(), f"{target} needs seeds and regressions for this test"
    before = _tree(ROOT / "corpus")
    out = tmp_path / "out"
    proc = run_vfuzz("fuzz", target, "--time", "2", "--jobs", "1", "--out", out, "--json", timeout=600)
    try:
        summary = json.loads(proc.stdout)
    except ValueError as e:
        pytest.fail(f"stdout is not one JSON document ({e}):\n{proc.stdout[:2000]}", pytrace=False)
    assert proc.returncode == 0 == summary["exit_status"], \
        f"exit {proc.returncode}, exit_status {summary.get('exit_status')}\n{proc.stderr[-3000:]}"
    [t] = summary["targets"]
    assert t["target"] == target and t["execs"] > 0 and t["execs_per_s"] > 0, t
    assert t["cov"] > 0 and t["corpus"] > 0, t
    assert summary["findings"] == [] and summary["error"] is None, summary
    assert json.loads((out / "summary.json").read_text()) == summary
    # Everything for people went to stderr: progress, the table, the end.
    assert "execs/s" in proc.stderr and "vfuzz: no findings" in proc.stderr, proc.stderr[-2000:]
    # libFuzzer writes to its first corpus dir only: the run's own. Seeds
    # and regressions follow it, and are replayed by the replay build.
    cmd = shlex.split((out / target / "fuzz.log").read_text().splitlines()[0][2:])
    dirs = [a for a in cmd if not a.startswith("-")][1:]
    assert dirs == [str(out / target / "corpus"), str(seeds), str(regs)], cmd
    n = sum(1 for p in regs.iterdir() if p.is_file())
    assert f"replay build: {n} inputs of corpus/regressions/{target}, no finding" in proc.stderr, \
        proc.stderr[-3000:]
    assert _tree(ROOT / "corpus") == before, "fuzzing changed corpus/"


@pytest.mark.slow
def test_a_regression_that_reproduces_is_a_finding_at_once(tmp_path, monkeypatch, builds):
    """libFuzzer's fork mode silently drops a starting input that crashes;
    the run still replays every regression, so a bug that is back is a
    finding however short the run. Here the fuzzer is the empty target
    (it can find nothing) and the replay build is the planted one, whose
    input `heap-read` is a heap overflow."""
    helpers.build(["empty"], preset="fuzz")
    root = tmp_path / "root"
    (root / "build" / "fuzz").mkdir(parents=True)
    (root / "build" / "replay").mkdir(parents=True)
    (root / "build" / "fuzz" / "planted").symlink_to(ROOT / "build" / "fuzz" / "empty")
    (root / "build" / "replay" / "planted").symlink_to(builds.ensure("planted"))
    (root / "fuzz").mkdir()
    (root / "fuzz" / "planted.c").write_text("")
    (root / "fuzz" / "devices.def").write_text("")
    regs = root / "corpus" / "regressions" / "planted"
    regs.mkdir(parents=True)
    (regs / "heap-overflow-when-asked").write_bytes(b"heap-read")
    before = _tree(root / "corpus")
    monkeypatch.setattr(vfuzz.core, "ROOT", root)
    monkeypatch.setattr(vfuzz.campaign, "ensure_tools", lambda *a, **k: None)
    monkeypatch.setattr(vfuzz.campaign, "build", lambda *a, **k: None)
    out = tmp_path / "out"
    args = argparse.Namespace(targets=["planted"], time=1, jobs=1, out=str(out), json=False)
    assert vfuzz.campaign.cmd_fuzz(args) == vfuzz.EXIT_FOUND
    summary = json.loads((out / "summary.json").read_text())
    found = [(f["cls"], (root / f["input"]).read_bytes()) for f in summary["findings"]]
    assert found == [("asan-heap-buffer-overflow", b"heap-read")], found
    assert summary["exit_status"] == vfuzz.EXIT_FOUND
    assert _tree(root / "corpus") == before, "the run wrote into corpus/"


@pytest.mark.slow
def test_vfuzz_test_passes_junitxml_to_pytest(tmp_path):
    report = tmp_path / "report.xml"
    proc = run_vfuzz("test", f"--junitxml={report}", "-k", "test_help_lists_every_command",
                     timeout=900)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}"
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    cases = [c.get("name") for c in suite.iter("testcase")]
    assert cases == ["test_help_lists_every_command"], cases
    assert suite.get("failures") == "0" and suite.get("errors") == "0", ET.tostring(suite)[:500]


def test_fuzz_json_that_cannot_start_prints_no_json_and_one_error_line():
    proc = run_vfuzz("fuzz", "--json", "nosuchtarget", timeout=60)
    assert proc.returncode == 2 and proc.stdout == "", (proc.returncode, proc.stdout)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vfuzz: error: unknown target 'nosuchtarget'"), \
        proc.stderr
