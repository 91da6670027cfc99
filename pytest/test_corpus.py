# SPDX-License-Identifier: MIT
"""The corpus: every seed drives its target's workload to the end against a
spec device, every seed and regression replays without a finding, every
corpus directory belongs to a target (and every target has seeds), and a
replay is deterministic (byte-identical --trace output).

Seeds come from pytest/gen_seeds.py; regressions are reproducers of fixed
bugs (corpus/regressions/<target>/) and must stay fixed.
"""

import re

import pytest

from helpers import ROOT, parse_finding, vfuzz

CORPUS = ROOT / "corpus"
REGRESSIONS = CORPUS / "regressions"
TARGETS = vfuzz.list_targets()
HARNESS_LINE = re.compile(
    r"^harness: (\S+) init=(\S+) ops=(\d+) failed=(\d+) completed=([01])$", re.M)


def files_under(d):
    """Replayable files under `d` in replay order (dot files skipped, as the
    replay main does)."""
    if not d.is_dir():
        return []
    return sorted(p for p in d.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(d).parts))


def params(dirs):
    return [pytest.param(t, p, id=str(p.relative_to(CORPUS))) for t, d in dirs for p in files_under(d)]


SEEDS = params([(t, CORPUS / t) for t in TARGETS])
ALL_INPUTS = SEEDS + params([(t, REGRESSIONS / t) for t in TARGETS])


def replay(run_prog, target, path, *flags, env=None):
    proc = run_prog(target, "--quiet", *flags, env=env, input_file=path)
    finding = parse_finding(proc.stderr)
    assert finding is None and proc.returncode == 0, (
        f"{path.relative_to(ROOT)} should replay through {target} with no finding and "
        f"exit 0; got exit {proc.returncode}, finding {finding}:\n{proc.stderr[-4000:]}")
    return proc


@pytest.mark.parametrize("target,path", SEEDS)
def test_seed_runs_its_workload_to_completion(run_prog, target, path):
    proc = replay(run_prog, target, path, env={"VFUZZ_HARNESS_LOG": "1"})
    lines = HARNESS_LINE.findall(proc.stderr)
    assert len(lines) == 1, (
        f"expected one 'harness: {target} ...' line from {path.relative_to(ROOT)}, "
        f"got {len(lines)}:\n{proc.stderr[-2000:]}")
    name, init, ops, failed, completed = lines[0]
    assert (name, init, failed, completed) == (target, "OK", "0", "1"), (
        f"seed {path.relative_to(ROOT)} should initialise (init=OK), run every operation "
        f"without an error (failed=0) and complete (completed=1); got init={init} "
        f"ops={ops} failed={failed} completed={completed}")


@pytest.mark.parametrize("target,path", ALL_INPUTS)
def test_corpus_file_replays_without_finding(run_prog, target, path):
    replay(run_prog, target, path)


def test_every_corpus_directory_names_a_target():
    dirs = [d.name for d in CORPUS.iterdir() if d.is_dir() and d.name != "regressions"]
    if REGRESSIONS.is_dir():
        dirs += [f"regressions/{d.name}" for d in REGRESSIONS.iterdir() if d.is_dir()]
    orphans = [d for d in dirs if d.split("/")[-1] not in TARGETS]
    assert not orphans, (
        f"corpus directories must be named after a target ({', '.join(TARGETS)}); "
        f"these are not: {', '.join(orphans)}")


@pytest.mark.parametrize("target", TARGETS)
def test_target_has_seeds(target):
    seeds = files_under(CORPUS / target)
    assert seeds, f"target {target} should have at least one seed in corpus/{target}/, found none"


@pytest.mark.parametrize("target,path", SEEDS)
def test_replay_trace_is_deterministic(run_prog, target, path):
    first = replay(run_prog, target, path, "--trace").stderr
    second = replay(run_prog, target, path, "--trace").stderr
    assert "trace:" in first, f"--trace printed no trace for {path.relative_to(ROOT)}"
    assert first == second, (
        f"two --trace replays of {path.relative_to(ROOT)} should print identical output; "
        f"first difference at line "
        f"{next(i for i, (a, b) in enumerate(zip(first.splitlines() + [''], second.splitlines() + [''])) if a != b) + 1}")


@pytest.mark.parametrize("target", [t for t in ("blk_mmio", "blk_pci") if t in TARGETS])
@pytest.mark.parametrize("asked,runs", [(23, 23), (24, 24), (25, 24), (255, 24)])
def test_blk_workload_runs_at_most_24_operations(run_prog, tmp_path, target, asked, runs):
    # fuzz/harness.h FUZZ_BLK_MAX_OPS: operations past the 24th are ignored,
    # as after a stop; the ones before run as usual (flushes here).
    path = tmp_path / "flushes"
    path.write_bytes(bytes([0, asked]) + bytes([2]) * asked)
    proc = replay(run_prog, target, path, env={"VFUZZ_HARNESS_LOG": "1"})
    lines = HARNESS_LINE.findall(proc.stderr)
    assert lines == [(target, "OK", str(runs), "0", "1")], (
        f"{asked} flushes through {target} should run {runs} of them and complete; "
        f"got {lines}:\n{proc.stderr[-2000:]}")


def test_corpus_holds_every_generated_seed_exactly(build_dir):
    # The device table's seeds (fuzz/devices.def, through build/replay/devices)
    # and gen_seeds.py's extras are what corpus/<target>/ holds, byte for byte.
    import gen_seeds
    wrong = []
    for target, seeds in gen_seeds.all_seeds().items():
        for name, data in seeds.items():
            path = CORPUS / target / name
            if not path.is_file():
                wrong.append(f"{path.relative_to(ROOT)} missing")
            elif path.read_bytes() != data:
                wrong.append(f"{path.relative_to(ROOT)} differs")
    assert not wrong, ("corpus/ is out of date with the seeds; run "
                       "python3 pytest/gen_seeds.py --force:\n" + "\n".join(wrong))


def test_every_device_of_the_table_has_an_mmio_and_a_pci_target():
    names = [d[0] for d in vfuzz.toolchain.devices()]
    assert "blk" in names, f"fuzz/devices.def should list blk; read {names}"
    missing = [f"{n}_{bus}" for n in names for bus in ("mmio", "pci") if f"{n}_{bus}" not in TARGETS]
    assert not missing, f"targets missing for table devices: {missing}"
