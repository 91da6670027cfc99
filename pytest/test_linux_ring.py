# SPDX-License-Identifier: MIT
"""Linux's split ring under the harness (linux_ring_split, fuzz/linux/):
its source comes from the linux-source package and is never in the
repository, its DMA API goes through the sim HAL, and every Linux
behaviour a campaign found (docs/linux-virtio-ring.md) still reproduces:
stepped around by default, reported with VFUZZ_LINUX_STRICT=1.

The seeds and regressions also replay in test_corpus.py like every
target's."""

import re
import subprocess

import pytest

from helpers import ROOT, vfuzz

TARGET = "linux_ring_split"
REGRESSIONS = ROOT / "corpus" / "regressions" / TARGET
DOC = ROOT / "docs" / "linux-virtio-ring.md"
# regression file -> (the behaviour the workload logs, the class reported
# when it does not step around it)
BEHAVIOURS = {
    "indirect-chain-longer-than-queue-5-buffers-queue-4":
        ("indirect-chain-longer-than-queue", "desc-malformed"),
    "used-len-4096-past-a-513-byte-chain":
        ("used-len-unchecked", "lie-accepted"),
    "used-idx-jump-256-linux-returns-a-buffer-the-device-never-used":
        ("used-idx-unchecked", "unwritten-bytes-returned"),
    "stale-used-id-taken-for-a-reused-head":
        ("stale-used-id-taken-for-reused-head", "unwritten-bytes-returned"),
}
BEHAVIOUR_LINE = re.compile(r"^op: linux-behaviour rc=OK (\S+)$", re.M)


def test_every_linux_regression_is_triaged_in_the_doc():
    files = sorted(p.name for p in REGRESSIONS.iterdir() if not p.name.startswith("."))
    assert files == sorted(BEHAVIOURS), (
        f"corpus/regressions/{TARGET}/ should hold exactly the triaged reproducers "
        f"{sorted(BEHAVIOURS)}; holds {files}")
    doc = DOC.read_text()
    missing = [f for f, (b, _) in BEHAVIOURS.items() if f not in doc or b not in doc]
    assert not missing, f"{DOC.relative_to(ROOT)} should write up each of {missing}"


@pytest.mark.parametrize("name", sorted(BEHAVIOURS))
def test_linux_behaviour_is_logged_and_stepped_around(run_prog, name):
    behaviour, _ = BEHAVIOURS[name]
    proc = run_prog(TARGET, "--quiet", env={"VFUZZ_HARNESS_LOG": "2"},
                    input_file=REGRESSIONS / name)
    met = set(BEHAVIOUR_LINE.findall(proc.stderr))
    assert proc.returncode == 0 and vfuzz.parse_finding(proc.stderr) is None, (
        f"{name} should replay without a finding by default; got exit {proc.returncode}:\n"
        f"{proc.stderr[-3000:]}")
    assert met == {behaviour}, (
        f"{name} should meet exactly the Linux behaviour {behaviour}; met {sorted(met)}")


@pytest.mark.parametrize("name", sorted(BEHAVIOURS))
def test_linux_behaviour_still_reproduces_in_strict_mode(run_prog, name):
    _, cls = BEHAVIOURS[name]
    proc = run_prog(TARGET, "--quiet", env={"VFUZZ_LINUX_STRICT": "1"},
                    input_file=REGRESSIONS / name)
    found = vfuzz.parse_finding(proc.stderr)
    assert found is not None and found[0] == cls, (
        f"{name} with VFUZZ_LINUX_STRICT=1 should still be reported as {cls} "
        f"(Linux still behaves so); got {found}:\n{proc.stderr[-3000:]}")
    assert "virtio_ring.c:" in proc.stderr, (
        "the report should name the line of Linux's virtio_ring.c that made the object")


def test_linux_dma_api_goes_through_the_sim_hal(run_prog):
    seed = ROOT / "corpus" / TARGET / "default-indirect-and-event-idx"
    proc = run_prog(TARGET, "--trace", input_file=seed)
    trace = proc.stderr
    assert proc.returncode == 0, trace[-3000:]
    for event in ("linux: virtio_ring.c of Linux 6.1.",
                  "hal dma_alloc dir=Both",              # dma_alloc_coherent: the ring
                  "hal share dir=DriverToDevice",         # dma_map_page, out buffers
                  "hal share dir=DeviceToDriver",         # dma_map_page, in buffers
                  "hal unshare dir=DeviceToDriver",       # dma_unmap_page at get_buf
                  "hal dma_dealloc",                      # dma_free_coherent at del
                  "mmio write QueueNotify",               # Linux's notify
                  "mmio read  InterruptStatus"):          # the interrupt handler
        assert event in trace, f"the default seed's trace should show '{event}'"
    shares = trace.count("hal share dir=")
    unshares = trace.count("hal unshare dir=")
    assert shares == unshares > 0, (
        f"every mapping Linux makes should be unmapped: {shares} shares, {unshares} unshares")


def test_linux_source_comes_from_the_package_not_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True,
                             text=True).stdout.splitlines()
    linux_files = [f for f in tracked if f.endswith("virtio_ring.c") or "tools/virtio/" in f]
    assert not linux_files, f"no Linux file may be in the repository; found {linux_files}"
    tree, version, _ = vfuzz.linux.source_tree()
    assert version.startswith("6.1."), f"expected a 6.1 kernel tree, got {version}"
    assert (tree / "drivers/virtio/virtio_ring.c").is_file()
    assert not (tree / "drivers/net").exists(), "only what the build needs is extracted"


def test_dedup_keys_name_linux_frames_not_the_glue():
    from vfuzzlib import reports
    linux = "build/linux-6.1.192/drivers/virtio/virtio_ring.c"
    assert reports._is_user("virtqueue_add_split", linux), (
        "a frame in Linux's virtio_ring.c is the code under test")
    assert not reports._is_user("vfuzz_lx_dma_map", "fuzz/linux/dma.c"), (
        "a frame of the Linux glue is harness, as fuzz/harness*.c")


# Found by the campaign; not Linux's and not the glue's (docs/linux-virtio-ring.md,
# "Not Linux's"): the device answers head 0 with a len past its buffers, then
# steps its used idx back and writes another head's entry over that one; the
# idx then jumps so that Linux reads a slot the device never wrote, which names
# head 0. Linux never saw the lying len, yet the oracle still counts it against
# head 0 (lie-accepted). Our own ring would take the same entry. The sim's
# oracle should forget a lie whose entry was overwritten before any driver
# could read it; sim/vq.c is being rewritten for the packed ring, so this waits.
OVERWRITTEN_LIE = bytes.fromhex(
    "bd0000000000fffffffaffffffffff00000000000040800000001f02000000000000000000"
    "0000005200000000000000fffffffaffffffffff00000000000040800000001f0200000000"
    "00000000000000005200000000000040000000001f8002000000005b000000000000400000"
    "00001f8002000000005b000000000000")


# Fixed in the sim (sim_oracle_desync: no judgement once the used ring is
# out of step with the engine); also kept in corpus/regressions/.
def test_a_lie_in_a_used_entry_no_driver_could_read_is_not_held_against_linux(run_prog):
    proc = run_prog(TARGET, "--quiet", input_file=OVERWRITTEN_LIE)
    assert vfuzz.parse_finding(proc.stderr) is None, proc.stderr[-2000:]
