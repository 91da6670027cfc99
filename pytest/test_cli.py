# SPDX-License-Identifier: MIT
"""./vfuzz as a user meets it: help, list, one-line errors without tracebacks,
target inference, report parsing and deduplication keys, and one short
end-to-end fuzz run of the `empty` target."""

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import helpers
from helpers import ROOT, run_vfuzz, vfuzz


def assert_one_line_error(proc, *words):
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode != 0, f"expected a failure, got exit 0; stdout: {proc.stdout!r}"
    assert "Traceback" not in proc.stderr + proc.stdout, f"traceback:\n{proc.stderr}"
    assert len(lines) == 1 and lines[0].startswith("vfuzz: error: "), \
        f"expected one 'vfuzz: error:' line, got:\n{proc.stderr}"
    for w in words:
        assert w in lines[0], f"expected {w!r} in the error, got: {lines[0]}"


def test_help_lists_every_command():
    proc = run_vfuzz("--help")
    assert proc.returncode == 0, proc.stderr
    for cmd in vfuzz.COMMANDS:
        assert f"  {cmd} " in proc.stdout, f"'{cmd}' missing from --help:\n{proc.stdout}"


@pytest.mark.parametrize("cmd", sorted(vfuzz.COMMANDS))
def test_each_command_has_help(cmd):
    proc = run_vfuzz(cmd, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: vfuzz {cmd}"), proc.stdout


def test_list_prints_the_targets_sorted_without_hidden_ones():
    proc = run_vfuzz("list")
    assert proc.returncode == 0, proc.stderr
    names = proc.stdout.split()
    assert set(vfuzz.core.HIDDEN_TARGETS) >= {"empty", "planted"}
    # Standalone targets are fuzz/<target>.c; device targets come from the
    # table, two per device; a few are another's source built again with a
    # define (toolchain.BUILT_FROM: linux_ring_packed).
    standalone = {p.stem for p in (ROOT / "fuzz").glob("*.c")
                  if not p.stem.startswith(("harness", "dev_"))
                  and p.stem not in ("replay_main", "device_target") + vfuzz.core.HIDDEN_TARGETS}
    table = (ROOT / "fuzz" / "devices.def").read_text()
    devices = {f"{n}_{bus}" for n in re.findall(r"^VFUZZ_DEVICE\((\w+),", table, re.M)
               for bus in ("mmio", "pci")}
    built_from = {t for t, src in vfuzz.toolchain.BUILT_FROM.items() if src in standalone}
    assert names == sorted(standalone | devices | built_from)
    assert {"blk_mmio", "blk_pci", "virtq", "linux_ring_packed"} <= set(names)


@pytest.mark.parametrize("argv,words", [
    (["nosuchcommand"], ["unknown command 'nosuchcommand'"]),
    (["--nosuchflag"], ["unknown option '--nosuchflag'"]),
    (["list", "--bogus"], ["--bogus"]),
    (["fuzz", "--time", "abc"], ["--time", "abc"]),
    (["fuzz", "--time", "0"], ["--time"]),
    (["fuzz", "--jobs", "-3"], ["--jobs"]),
    (["fuzz", "--out"], ["--out"]),
    (["fuzz", "nosuchtarget"], ["unknown target 'nosuchtarget'"]),
    (["repro", "/nonexistent/input"], ["cannot read /nonexistent/input"]),
    (["repro"], ["FILE"]),
    (["minimize", "/nonexistent/input"], ["cannot read"]),
    (["build", "nosuchpreset"], ["unknown preset 'nosuchpreset'"]),
])
def test_bad_invocation_is_one_line_error(argv, words):
    assert_one_line_error(run_vfuzz(*argv, timeout=60), *words)


def test_repro_with_unknown_target_is_one_line_error(tmp_path):
    f = tmp_path / "input"
    f.write_bytes(b"x")
    assert_one_line_error(run_vfuzz("repro", f, "--target", "nosuchtarget"),
                          "unknown target 'nosuchtarget'")


def test_repro_of_a_path_without_target_asks_for_target(tmp_path):
    f = tmp_path / "input"
    f.write_bytes(b"x")
    assert_one_line_error(run_vfuzz("repro", f), "--target")


def test_no_command_prints_usage_and_fails():
    proc = run_vfuzz()
    assert proc.returncode == 2 and "usage: vfuzz" in proc.stderr


@pytest.mark.parametrize("path,target", [
    ("corpus/empty/seed", "empty"),
    ("corpus/regressions/empty/dma-leak-on-reset", "empty"),
    ("out/fuzz-20250101T000000Z/findings/empty/hang-0123abcd/input", "empty"),
    ("out/ci-fuzz/empty/corpus/0675e5de", "empty"),
    ("out/ci-fuzz/empty/artifacts/crash-0675e5de", "empty"),
    ("/tmp/some/input", None),
    ("corpus/nosuchtarget/seed", None),
])
def test_target_is_inferred_from_the_path(path, target):
    assert vfuzz.infer_target(ROOT / path) == target


SIM_REPORT = f"""replay: x (3 bytes)
==vfuzz== FINDING dma-dealloc-double: driver frees DMA memory twice [paddr=0x80004000] [pages=1]
  ==vfuzz== allocated at: #7 virtq_create (drivers/queue/split.c:80)
  ==vfuzz== trace: #41 dma_dealloc paddr=0x80004000 pages=1
    #0 0x7f3 in __sanitizer_print_stack_trace ../../../../src/libsanitizer/asan/asan_stack.cpp:87
    #1 0x560 in sim_report {ROOT}/sim/report.c:120
    #2 0x561 in sim_dma_dealloc {ROOT}/sim/mem.c:300
    #3 0x562 in virtq_destroy {ROOT}/drivers/queue/split.c:150
    #4 0x563 in virtio_blk_remove {ROOT}/drivers/dev/blk.c:90
    #5 0x564 in fuzz_blk_workload {ROOT}/fuzz/harness_blk.c:40
    #6 0x565 in LLVMFuzzerTestOneInput {ROOT}/fuzz/blk_mmio.c:20
    #7 0x566 in main {ROOT}/fuzz/replay_main.c:175
    #8 0x7f3 in __libc_start_call_main ../sysdeps/nptl/libc_start_call_main.h:58
    #9 0x55f in _start (/x/build/replay/blk_mmio+0x42f0)
"""
ASAN_REPORT = f"""=================================================================
==123==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602 at pc 0x55 bp 0x7ff sp 0x7ff
READ of size 1 at 0x602 thread T0
    #0 0x55 in virtq_get_used {ROOT}/drivers/queue/split.c:212:9
    #1 0x56 in LLVMFuzzerTestOneInput {ROOT}/fuzz/virtq.c:30:5
    #2 0x57 in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) (/x/build/fuzz/virtq+0x422f3)
SUMMARY: AddressSanitizer: heap-buffer-overflow {ROOT}/drivers/queue/split.c:212:9 in virtq_get_used
"""
UBSAN_GCC = f"""{ROOT}/drivers/queue/split.c:13:78: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'
    #0 0x55 in virtq_add {ROOT}/drivers/queue/split.c:13
"""
LIBFUZZER = """==8931== ERROR: libFuzzer: deadly signal
    #0 0x5628b43a6ce1 in __sanitizer_print_stack_trace (/tmp/lf/t+0xe8ce1)
SUMMARY: libFuzzer: deadly signal
"""
TIMEOUT = "==9== ERROR: libFuzzer: timeout after 10 seconds\n"
LEAK = "==9==ERROR: LeakSanitizer: detected memory leaks\n"


@pytest.mark.parametrize("text,cls", [
    (SIM_REPORT, "dma-dealloc-double"),
    (ASAN_REPORT, "asan-heap-buffer-overflow"),
    (UBSAN_GCC, "ubsan-signed-integer-overflow"),
    (LIBFUZZER, "libfuzzer-deadly-signal"),
    (TIMEOUT, "libfuzzer-timeout"),
    (LEAK, "lsan-leak"),
    ("replay: x (3 bytes)\nreplay: 1 input, no finding\n", None),
], ids=["sim", "asan", "ubsan", "libfuzzer", "timeout", "leak", "none"])
def test_finding_class_is_read_from_the_report(text, cls):
    found = helpers.parse_finding(text)
    assert (found.cls if found else None) == cls
    if cls == "dma-dealloc-double":
        assert found.line.startswith("==vfuzz== FINDING dma-dealloc-double: driver frees")


def test_dedup_frames_skip_sim_harness_runtime_and_libc():
    assert helpers.user_frames(SIM_REPORT) == [
        "virtq_destroy drivers/queue/split.c",
        "virtio_blk_remove drivers/dev/blk.c",
        "LLVMFuzzerTestOneInput fuzz/blk_mmio.c"]
    assert helpers.user_frames(ASAN_REPORT) == [
        "virtq_get_used drivers/queue/split.c", "LLVMFuzzerTestOneInput fuzz/virtq.c"]


def test_dedup_key_ignores_addresses_and_pids_but_not_the_site():
    other_run = SIM_REPORT.replace("0x80004000", "0x80009000").replace("#41", "#97")
    assert vfuzz.finding_key(SIM_REPORT, b"a")[1] == vfuzz.finding_key(other_run, b"b")[1]
    other_site = SIM_REPORT.replace("#7 virtq_create", "#7 blk_setup")
    assert vfuzz.finding_key(SIM_REPORT, b"a")[1] != vfuzz.finding_key(other_site, b"a")[1]


def test_fuzz_corpus_replay_turns_replay_build_findings_into_artifacts(tmp_path, monkeypatch):
    """After fuzzing, the run's corpus is replayed with the replay build (the
    sim ASan-instrumented too); inputs it finds something in become crash
    artifacts, copied, never overwriting one that is there."""
    corpus, artifacts = tmp_path / "corpus", tmp_path / "artifacts"
    corpus.mkdir()
    artifacts.mkdir()
    for name, data in (("a", b"fine"), ("b", b"BAD one"), ("c", b"fine too"), ("d", b"BAD two")):
        (corpus / name).write_bytes(data)
    calls = []

    def fake_replay(target, path, trace=False, quiet=False, timeout=None):
        calls.append((target, Path(path).name, quiet))
        bad = any(p.read_bytes().startswith(b"BAD") for p in
                  (Path(path).iterdir() if Path(path).is_dir() else [Path(path)]))
        return (1 if bad else 0), ("==vfuzz== FINDING hang: x\n" if bad else "")

    monkeypatch.setattr(vfuzz.campaign, "_replay", fake_replay)
    kept = artifacts / f"crash-{hashlib.sha1(b'BAD two').hexdigest()}"
    kept.write_bytes(b"BAD two")
    before = kept.stat().st_mtime_ns
    found = vfuzz.replay_corpus("blk_mmio", corpus, artifacts, jobs=2)
    assert calls[0] == ("blk_mmio", "corpus", True), f"first a quiet replay of the whole dir: {calls}"
    assert sorted(Path(f).read_bytes() for f in found) == [b"BAD one", b"BAD two"], found
    assert all(Path(f).parent == artifacts and Path(f).name.startswith("crash-") for f in found)
    assert kept.stat().st_mtime_ns == before, "an existing artifact was rewritten"
    assert sorted(p.name for p in corpus.iterdir()) == ["a", "b", "c", "d"], "the corpus changed"


def test_fuzz_corpus_replay_is_one_process_when_clean(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a").write_bytes(b"fine")
    calls = []
    monkeypatch.setattr(vfuzz.campaign, "_replay", lambda t, p, **kw: calls.append(p) or (0, ""))
    assert vfuzz.replay_corpus("blk_mmio", corpus, tmp_path, jobs=1) == []
    assert calls == [corpus]


def test_dedup_key_without_frames_is_the_sanitizers_location_not_the_input():
    """No stack (UBSan without print_stacktrace): the class and the source
    location, never the input's hash or the values in the message."""
    stackless = (f"{ROOT}/drivers/queue/split.c:390:31: runtime error: index 1792 out of bounds "
                 "for type 'struct (unnamed struct at drivers/include/virtio/virtq.h:76:2)[256]'\n")
    other_index = stackless.replace("1792", "256")
    key = vfuzz.finding_key(stackless, b"a")[1]
    assert key == vfuzz.finding_key(other_index, b"b")[1]
    assert key == "ubsan-bounds|at drivers/queue/split.c:390:31"
    assert vfuzz.finding_key(TIMEOUT, b"a")[1] == vfuzz.finding_key(TIMEOUT, b"b")[1]


def test_replay_preset_builds_cleanly(builds):
    """The whole tree (every target, every test program) compiles under -Werror."""
    if builds.full_error is not None:
        pytest.fail(str(builds.full_error), pytrace=False)


@pytest.mark.slow
def test_fuzz_run_writes_summary_and_leaves_corpus_alone(tmp_path):
    """End to end on the `empty` target: build the fuzz preset, fuzz 3 s,
    summary table and summary.json, exit 0 (nothing to find)."""
    corpus = ROOT / "corpus"
    before = sorted((str(p), p.stat().st_mtime_ns) for p in corpus.rglob("*")) if corpus.exists() else []
    out = tmp_path / "out"
    proc = run_vfuzz("fuzz", "empty", "--time", "3", "--jobs", "1", "--out", out, timeout=300)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "execs/s" in proc.stdout and "no findings" in proc.stdout, proc.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert [t["target"] for t in summary["targets"]] == ["empty"]
    assert summary["targets"][0]["execs"] > 0 and summary["findings"] == []
    after = sorted((str(p), p.stat().st_mtime_ns) for p in corpus.rglob("*")) if corpus.exists() else []
    assert before == after, "fuzzing changed corpus/"
    assert os.path.isdir(out / "empty" / "corpus")


def test_value_profile_option_needs_the_build_that_keeps_the_hooks(tmp_path, monkeypatch):
    """The fuzz preset makes libFuzzer's 1- and 2-byte compare hooks no-ops;
    asking for -use_value_profile=1 there is a clear error, not a campaign
    that silently lacks that signal."""
    (tmp_path / "fuzz").mkdir()
    (tmp_path / "fuzz" / "t.options").write_text("# value profile\n-use_value_profile=1\n")
    monkeypatch.setattr(vfuzz.core, "ROOT", tmp_path)
    with pytest.raises(vfuzz.Error, match="VFUZZ_VALUE_PROFILE=ON"):
        vfuzz.libfuzzer_flags("t")
    cache = tmp_path / "build" / "fuzz" / "CMakeCache.txt"
    cache.parent.mkdir(parents=True)
    cache.write_text("VFUZZ_VALUE_PROFILE:BOOL=ON\n")
    assert vfuzz.libfuzzer_flags("t") == ["-use_value_profile=1"]
    cache.write_text("VFUZZ_VALUE_PROFILE:BOOL=OFF\n")
    with pytest.raises(vfuzz.Error, match="VFUZZ_VALUE_PROFILE=ON"):
        vfuzz.libfuzzer_flags("t")


def _python_without_pytest(tmp_path):
    """An interpreter that cannot import the installed pytest (-S: no
    site-packages), as on a fresh machine without python3-pytest."""
    wrapper = tmp_path / "python3-no-site"
    wrapper.write_text("#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n")
    wrapper.chmod(0o755)
    return str(wrapper)


def test_pytest_check_is_not_fooled_by_the_repository_pytest_folder(tmp_path, monkeypatch):
    # From the repository root the folder pytest/ imports as a namespace
    # package; the check must still see that the module is missing.
    monkeypatch.setattr(vfuzz.toolchain, "PYTHON", _python_without_pytest(tmp_path))
    monkeypatch.chdir(ROOT)
    missing = vfuzz.toolchain.missing_packages()
    assert "python3-pytest" in missing, f"expected python3-pytest among {missing}"


def test_pytest_run_never_imports_the_repository_pytest_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(vfuzz.toolchain, "PYTHON", _python_without_pytest(tmp_path))
    proc = subprocess.run(vfuzz.toolchain.pytest_command(["--version"]), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "No module named pytest" in proc.stderr and "__main__" not in proc.stderr, \
        f"expected the module to be missing, not shadowed; got: {proc.stderr.strip()}"


# ---- packed-ring variants (CMakeLists.txt: <target>_packed forces flags bit 6) ----

def test_packed_variants_are_accepted_by_name_but_not_listed():
    listed = run_vfuzz("list").stdout.split()
    packed = vfuzz.toolchain.packed_targets()
    assert "blk_mmio_packed" in packed and "virtq_packed" in packed, packed
    assert not set(packed) & set(listed), "packed variants must not be listed (CI fuzzes the list)"
    for t in packed:
        assert vfuzz.check_target(t) == t
        assert vfuzz.toolchain.base_target(t) + "_packed" == t
        assert vfuzz.toolchain.base_target(t) in listed
    assert vfuzz.toolchain.base_target("blk_mmio") == "blk_mmio"
    assert vfuzz.toolchain.base_target("nosuch_packed") == "nosuch_packed"


def test_packed_variant_takes_its_base_targets_dictionary_and_options():
    assert vfuzz.libfuzzer_flags("blk_mmio_packed") == vfuzz.libfuzzer_flags("blk_mmio")
    assert any(f.endswith("fuzz/blk_mmio.dict") for f in vfuzz.libfuzzer_flags("blk_mmio_packed"))


def test_packed_variant_is_inferred_from_its_paths():
    assert vfuzz.infer_target(ROOT / "corpus/regressions/blk_mmio_packed/x") == "blk_mmio_packed"
    assert vfuzz.infer_target(ROOT / "out/f/blk_mmio_packed/artifacts/crash-1") == "blk_mmio_packed"


@pytest.mark.parametrize("target", ["blk_mmio_packed", "virtq_packed"])
def test_packed_variant_runs_a_split_seed_over_the_packed_ring(run_prog, target):
    """A seed without flags bit 6: the base target negotiates split, the
    variant packed (the driver's second feature word has bit 34)."""
    seed = ROOT / "corpus" / target[:-len("_packed")] / (
        "v2-default-workload-every-request-type" if target.startswith("blk")
        else "default-indirect-and-event-idx")
    assert seed.read_bytes()[0] & 0x40 == 0, f"{seed} must be a split seed"
    words = {}
    for t in (target[:-len("_packed")], target):
        r = run_prog(t, str(seed), env={"VFUZZ_TRACE": "1"})
        assert r.returncode == 0 and "FINDING" not in r.stderr, r.stderr[-3000:]
        hi = re.findall(r"DriverFeaturesSel\s+@\S+ w4 <- 0x1\n.*DriverFeatures\s+@\S+ w4 <- (0x[0-9a-f]+)",
                        r.stderr)
        assert hi, f"{t}: no second feature word written:\n{r.stderr[:3000]}"
        words[t] = int(hi[-1], 16)
    assert not words[target[:-len("_packed")]] & 4, words
    assert words[target] & 4, words


# ---- ./vfuzz test's arguments ----

@pytest.mark.parametrize("args,want", [
    ([], ["pytest/"]),
    (["-k", "replay", "-x"], ["pytest/", "-k", "replay", "-x"]),
    (["pytest/test_cli.py"], [str(ROOT / "pytest/test_cli.py")]),
    (["-x", "pytest/test_cli.py::test_help_lists_every_command"],
     ["-x", str(ROOT / "pytest/test_cli.py") + "::test_help_lists_every_command"]),
    (["--junitxml=r.xml"], ["pytest/", "--junitxml=r.xml"]),
])
def test_test_command_runs_only_the_named_test_files(args, want, monkeypatch):
    # A file or node id under pytest/ runs alone (not the whole suite
    # beside it); anything else goes to pytest after the whole suite.
    monkeypatch.chdir(ROOT)
    assert vfuzz._test_paths(args) == want


def test_test_command_takes_a_test_file_relative_to_the_users_directory(monkeypatch):
    monkeypatch.chdir(ROOT / "pytest")
    assert vfuzz._test_paths(["test_cli.py"]) == [str(ROOT / "pytest/test_cli.py")]
