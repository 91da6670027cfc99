# SPDX-License-Identifier: MIT
"""`./vfuzz coverage`: replays the seeds, the regressions and the corpora
it is given through the `coverage` preset, writes llvm-cov's HTML report
and prints line and branch coverage of every drivers/ file; bad arguments
are one-line errors and nothing that exists is overwritten."""

import json
import re
import shutil

import pytest

from helpers import ROOT, run_vfuzz
from test_cli import assert_one_line_error

ROW = re.compile(r"^(drivers/\S+)\s+(\d+)/(\d+)\s+\S+%\s+(\d+)/(\d+)\s+(?:\S+%|-)$", re.M)


def files(d):
    return [p for p in d.rglob("*") if p.is_file() and not p.name.startswith(".")]


@pytest.mark.slow
def test_coverage_prints_a_drivers_table_lists_uncovered_lines_and_writes_html(tmp_path):
    out = tmp_path / "cov"
    proc = run_vfuzz("coverage", "rng_mmio", "--uncovered", "--out", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {m[0]: tuple(map(int, m[1:])) for m in ROW.findall(proc.stdout)}
    assert "drivers/dev/rng.c" in rows and "drivers/transport/mmio.c" in rows, proc.stdout
    lc, ln, bc, bn = rows["drivers/dev/rng.c"]
    assert 0 < lc <= ln and 0 < bc <= bn, rows["drivers/dev/rng.c"]
    assert all(p.startswith("drivers/") for p in rows), rows
    # --uncovered lists exactly the lines the table counts as not run,
    # each with its stated reason or UNEXPLAINED.
    listed = re.findall(r"^drivers/dev/rng\.c:(\d+): \[([a-z-]+|UNEXPLAINED)\] ", proc.stdout, re.M)
    assert len(listed) == ln - lc, (len(listed), rows["drivers/dev/rng.c"])
    everything = re.findall(r"^drivers/\S+:\d+: \[([a-z-]+|UNEXPLAINED)\] ", proc.stdout, re.M)
    assert len(everything) == sum(r[1] - r[0] for r in rows.values())
    # The count line: every uncovered line, those with a reason, those without.
    m = re.search(r"^uncovered lines: (\d+); with a stated reason: (\d+)(?:, [a-z-]+ \d+)*; "
                  r"unexplained: (\d+)$", proc.stdout, re.M)
    assert m, proc.stdout
    total, reasoned, loose = map(int, m.groups())
    assert total == len(everything) and total == reasoned + loose
    assert loose == everything.count("UNEXPLAINED") == \
        len(re.findall(r"^  unexplained drivers/\S+:\d+: ", proc.stdout, re.M))
    # Seeds and regressions of one target leave the lines behind device
    # lies unrun, and those carry no reason: some are unexplained. The
    # caller's guards are explained.
    assert loose > 0, proc.stdout
    assert "api-misuse" in dict(listed).values(), listed
    assert (out / "html" / "index.html").is_file()
    html = (out / "html" / "index.html").read_text()
    assert "rng.c" in html and "sim/" not in html, "the HTML report covers drivers/ only"
    summary = json.loads((out / "summary.json").read_text())
    seeds = len(files(ROOT / "corpus" / "rng_mmio")) + len(files(ROOT / "corpus" / "regressions" / "rng_mmio"))
    assert summary["inputs"] == seeds and summary["inputs_with_finding"] == 0, summary
    assert summary["files"]["drivers/dev/rng.c"]["lines_covered"] == lc
    assert summary["uncovered"] == total and summary["unexplained"] == loose
    assert len(summary["unexplained_lines"]) == loose and summary["stale_markers"] == []


@pytest.mark.slow
def test_coverage_replays_a_fuzz_run_corpus_too(tmp_path):
    run = tmp_path / "fuzz-run"
    shutil.copytree(ROOT / "corpus" / "console_mmio", run / "rng_mmio" / "corpus")
    # A packed variant's campaign (vfuzz fuzz rng_mmio_packed --out RUN) is
    # replayed through the variant, with the base target's seeds and
    # regressions.
    shutil.copytree(ROOT / "corpus" / "rng_pci", run / "rng_mmio_packed" / "corpus")
    extra = len(files(run / "rng_mmio" / "corpus"))
    extra_packed = len(files(run / "rng_mmio_packed" / "corpus"))
    proc = run_vfuzz("coverage", "rng_mmio", "--corpus", run, "--out", tmp_path / "cov")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads((tmp_path / "cov" / "summary.json").read_text())
    seeds = len(files(ROOT / "corpus" / "rng_mmio")) + len(files(ROOT / "corpus" / "regressions" / "rng_mmio"))
    assert summary["targets"] == ["rng_mmio", "rng_mmio_packed"], summary
    assert summary["inputs"] == 2 * seeds + extra + extra_packed, summary
    assert summary["corpora"] == {"rng_mmio": [str(run / "rng_mmio" / "corpus")],
                                  "rng_mmio_packed": [str(run / "rng_mmio_packed" / "corpus")]}, summary
    assert re.search(r"^vfuzz: \[rng_mmio_packed\] replayed \d+ inputs from corpus/rng_mmio, ",
                     proc.stdout, re.M), proc.stdout


def test_coverage_never_writes_into_an_existing_directory(tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    proc = run_vfuzz("coverage", "rng_mmio", "--out", tmp_path)
    assert_one_line_error(proc, "not an empty directory")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_coverage_argument_errors_are_one_line(tmp_path):
    assert_one_line_error(run_vfuzz("coverage", "no_such_target"), "unknown target")
    assert_one_line_error(run_vfuzz("coverage", "rng_mmio", "--corpus", tmp_path / "missing"),
                          "no such directory")
    assert_one_line_error(run_vfuzz("coverage", "--corpus", tmp_path), "cannot tell the target")
    assert_one_line_error(run_vfuzz("coverage", "rng_mmio", "--corpus", ROOT / "corpus" / "blk_mmio"),
                          "belongs to blk_mmio")
    # A fuzz run's OUT/T/corpus names its target too.
    (tmp_path / "run" / "blk_mmio" / "corpus").mkdir(parents=True)
    assert_one_line_error(run_vfuzz("coverage", "rng_mmio", "--corpus",
                                    tmp_path / "run" / "blk_mmio" / "corpus"), "belongs to blk_mmio")
