# SPDX-License-Identifier: MIT
"""Linux's rings under the harness (fuzz/linux/): linux_ring_split and
linux_ring_packed, one source built twice. Its source comes from the
linux-source package and is never in the repository, its DMA API goes
through the sim HAL, an honest device gets every buffer back right, a lie
Linux sees ends the run clean, and every Linux behaviour a campaign found
(docs/linux-virtio-ring.md) still reproduces: stepped around by default,
reported with VFUZZ_LINUX_STRICT=1.

The seeds and regressions also replay in test_corpus.py like every
target's."""

import re
import subprocess

import pytest

from helpers import ROOT, vfuzz

TARGETS = ["linux_ring_split", "linux_ring_packed"]
DOC = ROOT / "docs" / "linux-virtio-ring.md"
# target -> regression file -> (the behaviour the workload logs, the class
# reported when it does not step around it)
BEHAVIOURS = {
    "linux_ring_split": {
        "indirect-chain-longer-than-queue-5-buffers-queue-4":
            ("indirect-chain-longer-than-queue", "desc-malformed"),
        "used-len-4096-past-a-513-byte-chain":
            ("used-len-unchecked", "lie-accepted"),
        "used-idx-jump-256-linux-returns-a-buffer-the-device-never-used":
            ("used-idx-unchecked", "unwritten-bytes-returned"),
        "stale-used-id-taken-for-a-reused-head":
            ("stale-used-id-taken-for-reused-head", "unwritten-bytes-returned"),
    },
    "linux_ring_packed": {
        "indirect-chain-longer-than-queue-5-buffers-queue-4":
            ("indirect-chain-longer-than-queue", "desc-malformed"),
        "used-len-4096-past-a-513-byte-chain":
            ("used-len-unchecked", "lie-accepted"),
        "failed-add-leaves-a-descriptor-available-mapping-fails-at-third-buffer":
            ("failed-add-leaves-descriptors-available", "desc-avail-flags"),
        "packed-queue-size-32769-taken-as-it-is":
            ("packed-queue-size-above-32768", "queue-config"),
    },
}
CASES = [(t, name) for t in TARGETS for name in sorted(BEHAVIOURS[t])]
BEHAVIOUR_LINE = re.compile(r"^op: linux-behaviour rc=OK (\S+)$", re.M)
HARNESS_LINE = re.compile(r"^harness: \S+ init=(\S+) ops=(\d+) failed=(\d+) completed=(\d)$", re.M)
# The trace event of a used entry: the split engine names the used idx, the
# packed engine the next used slot (sim/split.c, sim/packed_used.c).
USED_EVENT = {"linux_ring_split": "idx=", "linux_ring_packed": "next=0x"}
# A used id of 0x7fff for the first chain the device answers: out of range
# for any ring the workload makes, which Linux sees (BAD_RING "id %u out of
# range"). The decision's position differs with the ring's decision points.
USED_ID_OUT_OF_RANGE = {
    "linux_ring_split": bytes.fromhex("0000" + "00" * 22 + "01ff7f0000"),
    "linux_ring_packed": bytes.fromhex("4000" + "00" * 25 + "01ff7f0000"),
}


def regressions(target):
    return ROOT / "corpus" / "regressions" / target


@pytest.mark.parametrize("target", TARGETS)
def test_every_linux_regression_is_triaged_in_the_doc(target):
    files = sorted(p.name for p in regressions(target).iterdir() if not p.name.startswith("."))
    assert files == sorted(BEHAVIOURS[target]), (
        f"corpus/regressions/{target}/ should hold exactly the triaged reproducers "
        f"{sorted(BEHAVIOURS[target])}; holds {files}")
    doc = DOC.read_text()
    missing = [f for f, (b, _) in BEHAVIOURS[target].items()
               if f"corpus/regressions/{target}/{f}" not in doc or b not in doc]
    assert not missing, f"{DOC.relative_to(ROOT)} should write up each of {missing} for {target}"


@pytest.mark.parametrize("target,name", CASES)
def test_linux_behaviour_is_logged_and_stepped_around(run_prog, target, name):
    behaviour, _ = BEHAVIOURS[target][name]
    proc = run_prog(target, "--quiet", env={"VFUZZ_HARNESS_LOG": "2"},
                    input_file=regressions(target) / name)
    met = set(BEHAVIOUR_LINE.findall(proc.stderr))
    assert proc.returncode == 0 and vfuzz.parse_finding(proc.stderr) is None, (
        f"{target} {name} should replay without a finding by default; got exit "
        f"{proc.returncode}:\n{proc.stderr[-3000:]}")
    assert met == {behaviour}, (
        f"{target} {name} should meet exactly the Linux behaviour {behaviour}; met {sorted(met)}")


@pytest.mark.parametrize("target,name", CASES)
def test_linux_behaviour_still_reproduces_in_strict_mode(run_prog, target, name):
    _, cls = BEHAVIOURS[target][name]
    proc = run_prog(target, "--quiet", env={"VFUZZ_LINUX_STRICT": "1"},
                    input_file=regressions(target) / name)
    found = vfuzz.parse_finding(proc.stderr)
    assert found is not None and found[0] == cls, (
        f"{target} {name} with VFUZZ_LINUX_STRICT=1 should still be reported as {cls} "
        f"(Linux still behaves so); got {found}:\n{proc.stderr[-3000:]}")
    assert "virtio_ring.c:" in proc.stderr, (
        "the report should name the line of Linux's virtio_ring.c that made the object")


@pytest.mark.parametrize("target", TARGETS)
def test_honest_device_gets_every_buffer_back_with_its_bytes(run_prog, target):
    seed = ROOT / "corpus" / target / "default-indirect-and-event-idx"
    proc = run_prog(target, "--trace", env={"VFUZZ_HARNESS_LOG": "2"}, input_file=seed)
    log = proc.stderr
    assert proc.returncode == 0 and vfuzz.parse_finding(log) is None, log[-3000:]
    assert HARNESS_LINE.findall(log) == [("OK", "16", "0", "1")], (
        f"{target}'s default workload on an honest device should run its 16 operations, "
        f"none failing, to completion; got {HARNESS_LINE.findall(log)}")
    adds, gets = log.count("op: add rc=OK"), log.count("op: get_buf rc=OK")
    assert adds == gets > 0, (
        f"every chain Linux took should come back through get_buf (the oracles judge "
        f"each one's bytes): {adds} adds, {gets} get_bufs")
    assert USED_EVENT[target] in log, (
        f"{target}'s used entries should be written by the "
        f"{'packed' if 'packed' in target else 'split'} engine ('{USED_EVENT[target]}' in its trace)")


@pytest.mark.parametrize("target", TARGETS)
def test_a_lie_linux_sees_ends_the_run_clean(run_prog, target):
    proc = run_prog(target, "--quiet", env={"VFUZZ_HARNESS_LOG": "1"},
                    input_file=USED_ID_OUT_OF_RANGE[target])
    log = proc.stderr
    assert proc.returncode == 0 and vfuzz.parse_finding(log) is None, (
        f"Linux marking its ring broken is a clean end, not a finding:\n{log[-3000:]}")
    assert "id 32767 out of range" in log, (
        f"{target}: Linux should refuse the used id 0x7fff (BAD_RING); got:\n{log[-2000:]}")
    runs = HARNESS_LINE.findall(log)
    assert len(runs) == 1 and runs[0][3] == "0", (
        f"{target}: the workload should stop at the broken ring (completed=0); got {runs}")


@pytest.mark.parametrize("target", TARGETS)
def test_linux_dma_api_goes_through_the_sim_hal(run_prog, target):
    seed = ROOT / "corpus" / target / "default-indirect-and-event-idx"
    proc = run_prog(target, "--trace", input_file=seed)
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
    proc = run_prog("linux_ring_split", "--quiet", input_file=OVERWRITTEN_LIE)
    assert vfuzz.parse_finding(proc.stderr) is None, proc.stderr[-2000:]
