# SPDX-License-Identifier: MIT
"""What a fuzz run starts from and what it hands to CI: the seeds and the
regression reproducers, read-only; `./vfuzz fuzz --json`; `./vfuzz test
--junitxml=FILE`."""

import argparse
import json

import pytest

import helpers
from helpers import ROOT, vfuzz


def _tree(path):
    return sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in path.rglob("*"))


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
    monkeypatch.setattr(vfuzz.campaign, "ensure_tools", lambda: None)
    monkeypatch.setattr(vfuzz.campaign, "build", lambda *a, **k: None)
    out = tmp_path / "out"
    args = argparse.Namespace(targets=["planted"], time=1, jobs=1, out=str(out), json=False)
    assert vfuzz.campaign.cmd_fuzz(args) == vfuzz.EXIT_FOUND
    summary = json.loads((out / "summary.json").read_text())
    found = [(f["cls"], (root / f["input"]).read_bytes()) for f in summary["findings"]]
    assert found == [("asan-heap-buffer-overflow", b"heap-read")], found
    assert _tree(root / "corpus") == before, "the run wrote into corpus/"
