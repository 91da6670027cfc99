# SPDX-License-Identifier: MIT
"""A finding reproduces: the replay build reports what the fuzz build
reports, class for class; `./vfuzz repro` and `./vfuzz minimize` never call
an input clean that either build reports on; deduplication keys on the bug
(class, driver frames or the sanitizer's location), never on values; a
finding's report opens with the class and the driver's source line.

Inputs come from the hidden `planted` target (fuzz/planted.c): "<case> <n>"
runs one planted bug with value n."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import helpers
from helpers import ROOT, run_vfuzz, vfuzz

# case -> (class both builds must report, a fact of the report, the frame it names)
PLANTED = {
    "heap-read": ("asan-heap-buffer-overflow", "READ of size 1", "plant"),
    "heap-write": ("asan-heap-buffer-overflow", "WRITE of size 1", "plant"),
    "use-after-free": ("asan-heap-use-after-free", "READ of size 1", "plant"),
    "segv": ("asan-segv", "SEGV on unknown address", "plant"),
    "stack-use-after-return": ("asan-stack-use-after-return", "READ of size 1", "plant"),
    "bounds": ("ubsan-bounds", "out of bounds for type 'uint32_t[4]'", "ring_slot"),
    "shift": ("ubsan-shift-exponent", "is too large for 32-bit type", "plant"),
    "overflow": ("ubsan-signed-integer-overflow", "cannot be represented in type 'int'", "plant"),
    "divide": ("ubsan-integer-divide-by-zero", "division by zero", "plant"),
    "dma-dealloc-double": ("dma-dealloc-double", "driver frees DMA memory twice", "plant"),
    "dma-use-after-free": ("dma-use-after-free", "[state=freed]", "plant"),
}


@pytest.fixture(scope="module")
def planted(builds):
    """build/replay/planted and build/fuzz/planted."""
    paths = {}
    for preset in ("replay", "fuzz"):
        try:
            helpers.build(["planted"], preset=preset)
        except helpers.BuildError as e:
            pytest.fail(f"cannot build the {preset} preset's planted target: {e}", pytrace=False)
        paths[preset] = ROOT / "build" / preset / "planted"
    return paths


def run_planted(binary, text, tmp_path):
    f = tmp_path / re.sub(r"\W", "_", text)
    f.write_text(text)
    argv = [f] if binary.parent.name == "replay" else [f"-timeout={vfuzz.core.INPUT_TIMEOUT}", f]
    proc = helpers.run_binary(binary, *argv, timeout=120)
    return proc, proc.stdout + proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(PLANTED))
def test_both_builds_report_the_same_class_with_a_stack(planted, tmp_path, case):
    """Each class the fuzz build reports, the replay build reports too, with
    the same driver frames: no blind spot (a trailing array gcc's bounds
    check skips, a check one preset lacks, a dead store -O2 removes), and
    every report has a stack (UBSan's too) that names the planted bug."""
    cls, fact, frame = PLANTED[case]
    keys = {}
    for preset, binary in planted.items():
        proc, out = run_planted(binary, f"{case} 3", tmp_path)
        found = helpers.parse_finding(out)
        assert proc.returncode != 0 and found and found.cls == cls, \
            f"{preset} build: expected {cls}, got {found and found.cls} (exit {proc.returncode}):\n{out}"
        assert fact in out, f"{preset} build: the report lacks {fact!r}:\n{out}"
        frames = helpers.user_frames(out)
        assert frames and frames[0] == f"{frame} fuzz/planted.c", \
            f"{preset} build: expected a stack from {frame}, got {frames}:\n{out}"
        keys[preset] = vfuzz.finding_key(out)[1]
    assert keys["replay"] == keys["fuzz"], f"the builds key this bug apart: {keys}"


@pytest.mark.parametrize("case", ["bounds", "heap-write", "shift", "dma-use-after-free"])
def test_dedup_key_holds_no_value_from_the_message(run_prog, tmp_path, case):
    """Another index, offset or address is the same bug: one key."""
    runs = [run_prog("planted", input_file=f"{case} {n}".encode()) for n in (1, 14)]
    texts = [r.stdout + r.stderr for r in runs]
    assert texts[0] != texts[1], "the values did not change"
    keys = [vfuzz.finding_key(t)[1] for t in texts]
    assert keys[0] == keys[1], f"two keys for one bug:\n{keys[0]}\n{keys[1]}"
    assert not re.search(r"0x[0-9a-f]|\b(1|14)\b|T0", keys[0]), f"a value in the key: {keys[0]}"


def test_every_libfuzzer_and_replay_run_prints_ubsan_stacks(tmp_path, monkeypatch):
    """The campaign's libFuzzer run, its replays and its fuzz-build reruns
    all get print_stacktrace=1, last, so the user's options cannot drop it."""
    monkeypatch.setenv("UBSAN_OPTIONS", "print_stacktrace=0")
    envs = []

    class FakePopen:
        def __init__(self, cmd, env=None, **kw):
            envs.append(("Popen " + Path(cmd[0]).name, env))
            self.pid = 0

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    def fake_run(cmd, env=None, **kw):
        envs.append(("run " + Path(cmd[0]).name, env))
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    monkeypatch.setattr(subprocess, "run", fake_run)
    vfuzz.campaign.fuzz_one("blk_mmio", tmp_path, 1, 1)
    art = tmp_path / "crash-1"
    art.write_bytes(b"x")
    vfuzz.campaign._classify("blk_mmio", art)
    assert len(envs) >= 3, envs
    for what, env in envs:
        opts = (env or {}).get("UBSAN_OPTIONS", "")
        assert opts.endswith(":print_stacktrace=1"), f"{what}: UBSAN_OPTIONS={opts!r}"


# ---- ./vfuzz repro and ./vfuzz minimize ----------------------------------------

def planted_input(tmp_path, text, name="input"):
    f = tmp_path / name
    f.write_text(text)
    return f


def vfuzz_lines(out):
    return [line for line in out.splitlines() if line.startswith("vfuzz: ")]


@pytest.mark.slow
def test_repro_of_a_finding_exits_nonzero_and_names_the_line(planted, tmp_path):
    proc = run_vfuzz("repro", planted_input(tmp_path, "bounds 5"), "--target", "planted")
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert vfuzz_lines(proc.stdout)[-1] == \
        "vfuzz: finding: ubsan-bounds at fuzz/planted.c:44:9 in ring_slot (both builds)", proc.stdout
    assert "disagree" not in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("case,reporting,silent", [
    ("fuzz-build-only", "fuzz", "replay"),
    ("replay-build-only", "replay", "fuzz"),
])
def test_repro_says_in_one_line_when_the_builds_disagree(planted, tmp_path, case, reporting, silent):
    """Whichever build alone reports, repro exits non-zero, says so in one
    line, and shows the fuzz build's report."""
    proc = run_vfuzz("repro", planted_input(tmp_path, f"{case} 2"), "--target", "planted")
    out = proc.stdout
    assert proc.returncode != 0, f"an input the {reporting} build reports on passed as clean:\n{out}"
    said = [line for line in vfuzz_lines(out) if "disagree" in line]
    expected = {"replay": "the replay build reports {}", "fuzz": "the fuzz build {}"}
    assert len(said) == 1, f"expected one line on the disagreement, got {said}:\n{out}"
    assert expected[reporting].format("asan-heap-buffer-overflow") in said[0], said[0]
    assert expected[silent].format("no finding") in said[0], said[0]
    fuzz_report = out[out.index(said[0]):]
    assert "Running: " in fuzz_report, f"the fuzz build's output is not shown:\n{out}"
    if reporting == "fuzz":
        assert "ERROR: AddressSanitizer: heap-buffer-overflow" in fuzz_report, out


@pytest.mark.slow
def test_repro_of_a_clean_input_exits_zero(planted, tmp_path):
    proc = run_vfuzz("repro", planted_input(tmp_path, "nothing"), "--target", "planted")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert vfuzz_lines(proc.stdout)[-1] == "vfuzz: no finding (replay and fuzz build)"


@pytest.mark.slow
def test_minimize_shrinks_what_only_the_replay_build_reports(planted, tmp_path):
    """libFuzzer cannot minimize an input its build does not crash on; the
    replay build does, without overwriting anything."""
    text = "replay-build-only   9   trailing junk"
    f = planted_input(tmp_path, text)
    taken = tmp_path / "input.min"
    taken.write_text("mine")
    proc = run_vfuzz("minimize", f, "--target", "planted", "--time", "60")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "input.min.1"
    assert f.read_text() == text and taken.read_text() == "mine", "an existing file was changed"
    assert out.exists(), proc.stdout
    assert len(out.read_bytes()) < len(text), f"not smaller: {out.read_bytes()!r}"
    r = helpers.run_binary(planted["replay"], out)
    found = helpers.parse_finding(r.stderr)
    assert found and found.cls == "asan-heap-buffer-overflow", r.stderr
    assert "warning" not in proc.stdout, proc.stdout


@pytest.mark.slow
def test_minimize_uses_libfuzzer_when_the_fuzz_build_crashes(planted, tmp_path):
    f = planted_input(tmp_path, "heap-read 4 and some padding")
    proc = run_vfuzz("minimize", f, "--target", "planted", "--time", "5")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "with libFuzzer: asan-heap-buffer-overflow" in proc.stdout, proc.stdout
    assert (tmp_path / "input.min").exists(), proc.stdout


@pytest.mark.slow
def test_minimize_of_a_clean_input_says_so_and_writes_nothing(planted, tmp_path):
    f = planted_input(tmp_path, "nothing")
    proc = run_vfuzz("minimize", f, "--target", "planted")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "does not crash planted (replay and fuzz build)" in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input"]


# ---- findings as filed by ./vfuzz fuzz -----------------------------------------

@pytest.mark.slow
def test_findings_are_one_per_bug_and_their_reports_read_driver_first(planted, tmp_path):
    arts = tmp_path / "artifacts"
    arts.mkdir()
    inputs = {"crash-a": "bounds 1", "crash-b": "bounds 9", "crash-c": "shift 3",
              "crash-d": "fuzz-build-only 2", "crash-e": "nothing"}
    for name, text in inputs.items():
        (arts / name).write_text(text)
    out = tmp_path / "out"
    found = vfuzz.campaign.file_findings("planted", [str(arts / n) for n in inputs], out, jobs=2)
    # crash-e: a crash that needed an earlier input's state reproduces in
    # neither build; it is listed beside the findings, not one of them.
    lost = [f for f in found if f.get("unreproducible")]
    assert [(f["cls"], f["artifacts"]) for f in lost] == [("unreproducible-crash", 1)], lost
    assert "crash-e" in (ROOT / lost[0]["dir"] / "report.txt").read_text()
    assert not (out / "findings" / "planted" / "unreproducible-crash").exists()
    by_cls = {f["cls"]: f for f in found if not f.get("unreproducible")}
    assert sorted(by_cls) == ["asan-heap-buffer-overflow", "ubsan-bounds", "ubsan-shift-exponent"], \
        [f["key"] for f in found]
    assert by_cls["ubsan-bounds"]["artifacts"] == 2
    report = (ROOT / by_cls["ubsan-bounds"]["dir"] / "report.txt").read_text()
    lines = report.splitlines()
    assert lines[0] == "ubsan-bounds at fuzz/planted.c:44:9 in ring_slot", lines[:3]
    assert lines[1].strip() == "44 | return r->slot[i];", lines[:3]
    assert "runtime error: index" in lines[2], lines[:3]
    stack, trace = report.index("\nstack:\n"), report.index("\n==== build/replay/planted --trace")
    assert stack < report.index("key: ubsan-bounds|") < trace, report[:2000]
    assert "in ring_slot" in report[stack:trace]
    only_fuzz = by_cls["asan-heap-buffer-overflow"]
    report = (ROOT / only_fuzz["dir"] / "report.txt").read_text()
    assert report.startswith("asan-heap-buffer-overflow at fuzz/planted.c:"), report[:300]
    assert "the builds disagree: the replay build reports no finding" in report
    assert only_fuzz["repro"].startswith("./vfuzz repro "), only_fuzz["repro"]


# ---- the experiment ------------------------------------------------------

RANGE_CHECK = "if (id >= q->size || !q->req[id].in_flight)"


def copy_of_the_repository(dst):
    """The tracked (and new, not ignored) files, as a fresh clone has them."""
    try:
        names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                               cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    except (OSError, subprocess.CalledProcessError):
        shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns(".git", "build", "out", "__pycache__"))
        return
    for name in filter(None, (n.decode() for n in names)):
        src = ROOT / name
        if src.is_file():
            (dst / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / name)


@pytest.mark.slow
def test_one_broken_range_check_is_at_most_two_findings_each_reproduced(tmp_path):
    """The issue's experiment: in a copy, the split ring's used-id range
    check never fires; 30 s of fuzzing blk_mmio on one job gives at most one
    finding at that check per calling path of peek and sanitizer class (it
    was one per index, 61 in the issue), and ./vfuzz repro reproduces each, same class (from
    both builds for those).

    The broken check has later symptoms too, at other sites and of other
    classes (seen in one run of seven: a blocking request returns while the
    device still owns its stack buffers, caught as stack-use-after-return
    at teardown); each is a finding of its own, and must reproduce alike."""
    repo = tmp_path / "repo"
    copy_of_the_repository(repo)
    split = repo / "drivers" / "queue" / "split.c"
    source = split.read_text()
    assert source.count(RANGE_CHECK) == 1, f"{RANGE_CHECK!r} is not in split.c once; update the test"
    line = source[:source.index(RANGE_CHECK)].count("\n") + 1
    split.write_text(source.replace(RANGE_CHECK, f"if (0 && ({RANGE_CHECK[4:-1]}))"))
    first_use = line + 5  # the first read of q->head[id] the check guarded
    assert "q->req[id].seq" in source.splitlines()[first_use - 1], "update the test"

    def copy_vfuzz(*args, timeout):
        return subprocess.run([sys.executable, str(repo / "vfuzz")] + [str(a) for a in args],
                              cwd=repo, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", timeout=timeout, env=dict(os.environ))

    fuzz = copy_vfuzz("fuzz", "blk_mmio", "--time", "30", "--jobs", "1", "--out", "out1", timeout=900)
    assert fuzz.returncode == 1, f"expected findings (exit 1), got {fuzz.returncode}:\n" \
                                 f"{fuzz.stdout}\n{fuzz.stderr}"
    # Artifacts no build reproduces alone (state from earlier inputs of the
    # process) are listed apart, under out1/blk_mmio/unreproducible-*.
    findings = sorted((repo / "out1" / "findings" / "blk_mmio").iterdir())
    heads = {d.name: (d / "report.txt").read_text().splitlines()[0] for d in findings}
    at_check = [d for d in findings if f" at drivers/queue/split.c:{first_use}:" in heads[d.name]]
    # Per class: where a wild id lands (an ASan redzone past the driver's
    # global storage, or unmapped memory) picks the class, and that follows
    # the globals' layout, not the deduplication; with the queue's storage
    # owned by the caller both classes show up within 30 s.
    by_class = {}
    for d in at_check:
        by_class.setdefault(d.name.rsplit("-", 1)[0], []).append(d.name)
    assert at_check and all(len(v) <= 2 for v in by_class.values()), \
        f"{len(at_check)} findings at the broken check: {heads}\n{fuzz.stdout}"
    for d in findings:
        cls = d.name.rsplit("-", 1)[0]
        assert heads[d.name].startswith(f"{cls} at drivers/"), \
            f"{d.name}: the report does not open with the driver's line: {heads[d.name]}"
        proc = copy_vfuzz("repro", d / "input", "--no-trace", timeout=300)
        last = vfuzz_lines(proc.stdout)[-1] if vfuzz_lines(proc.stdout) else ""
        assert proc.returncode != 0 and last.startswith(f"vfuzz: finding: {cls} at "), \
            f"{d.name}: repro exit {proc.returncode}, last line {last!r}:\n{proc.stdout}\n{proc.stderr}"
        if d in at_check:
            assert last.endswith("(both builds)"), f"{d.name}: the builds disagree: {last}"
