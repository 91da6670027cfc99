# SPDX-License-Identifier: MIT
"""MemorySanitizer: the `msan` preset replays every corpus clean, and a
driver that branches on bytes of a DeviceToDriver buffer the device never
wrote gets an MSan report (the sim marks those bytes uninitialized when it
shares it, and the device's writes initialize what they store,
sim/mem.c), classified and keyed like
any other finding.

The planted cases (fuzz/planted.c): "unwritten-read <n>" shares a 16-byte
DeviceToDriver buffer, lets the device write byte 0 only, unshares it and
branches on byte 1 + n % 15; "written-read" branches on byte 0."""

import pytest

import helpers
from helpers import ROOT, vfuzz

CORPUS = ROOT / "corpus"
TARGETS = vfuzz.list_targets()
MSAN_CLASS = "msan-use-of-uninitialized-value"


@pytest.fixture(scope="module")
def msan():
    """build/msan (targets and planted)."""
    try:
        helpers.build(TARGETS + ["planted"], preset="msan")
    except helpers.BuildError as e:
        pytest.fail(f"cannot build the msan preset: {e}", pytrace=False)
    return ROOT / "build" / "msan"


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_corpus_replays_clean_under_msan(msan, target):
    dirs = [d for d in (CORPUS / target, CORPUS / "regressions" / target) if d.is_dir()]
    assert dirs, f"{target} has no corpus to replay"
    for d in dirs:
        proc = helpers.run_binary(msan / target, "--quiet", d, timeout=300)
        out = proc.stdout + proc.stderr
        finding = helpers.parse_finding(out)
        assert proc.returncode == 0 and finding is None, (
            f"{d.relative_to(ROOT)} should replay through build/msan/{target} with no finding "
            f"and exit 0; got exit {proc.returncode}, finding {finding}:\n{out[-4000:]}")


@pytest.mark.parametrize("n", [0, 9])
def test_branch_on_a_byte_the_device_never_wrote_is_an_msan_report(msan, tmp_path, n):
    proc = helpers.run_binary(msan / "planted", input_file=f"unwritten-read {n}".encode(),
                              tmp_dir=tmp_path)
    out = proc.stdout + proc.stderr
    finding = helpers.parse_finding(out)
    assert proc.returncode != 0 and finding and finding.cls == MSAN_CLASS, (
        f"expected {MSAN_CLASS} and a non-zero exit; got exit {proc.returncode}, "
        f"finding {finding}:\n{out[-3000:]}")
    assert helpers.user_frames(out)[:1] == ["plant fuzz/planted.c"], out[-3000:]
    assert vfuzz.repro.headline(out).startswith(f"{MSAN_CLASS} at fuzz/planted.c:"), out[-3000:]
    # The origin is the share of the buffer, from the caller's line.
    origin = out.split("Memory was marked as uninitialized", 1)[-1]
    assert "in sim_share" in origin and "in plant fuzz/planted.c" in origin.replace(f"{ROOT}/", ""), \
        f"expected the origin stack to name sim_share and its caller:\n{out[-3000:]}"
    # One bug, one key, whatever byte it read.
    assert vfuzz.finding_key(out)[1] == f"{MSAN_CLASS}|plant fuzz/planted.c|LLVMFuzzerTestOneInput fuzz/planted.c"


def test_branch_on_a_byte_the_device_wrote_is_quiet(msan, tmp_path):
    proc = helpers.run_binary(msan / "planted", input_file=b"written-read 3", tmp_dir=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and helpers.parse_finding(out) is None, out[-3000:]
    assert "planted: written-read survived" in out, out[-3000:]
