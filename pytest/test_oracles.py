# SPDX-License-Identifier: MIT
"""The semantic oracles (sim/oracle.h) catch a driver call that returns a
wrong answer, each with its class and the key facts of its report, and
stay quiet on the real driver however the device lies.

Scenarios run pytest/progs/oracle_scenario: the harness's blk workload
(fuzz/harness_blk.c) through a driver that gets one thing wrong (a wrapper
around the real one), against the sim's blk device, with a decision script
making the device lie; and the real driver, and the split-queue workload
(fuzz/harness_virtq.c), under many lies.
"""
import pytest

from test_sim_checks import check_report

PROG = "oracle_scenario"


def work(*ops):
    """Workload bytes (opcodes in fuzz/harness.h) as --work hex: ops are
    ("read", sector, count), ("write", sector, count, fill), ("flush",),
    ("get_id",), ("submit-read", sector, count), ("submit-write", sector,
    count, fill), ("complete",)."""
    code = {"read": 0, "write": 1, "flush": 2, "get_id": 3, "submit-read": 4,
            "submit-write": 5, "complete": 6}
    out = bytearray()
    for name, *args in ops:
        out.append(code[name])
        if args:
            sector, count, *fill = args
            out += bytes([sector & 0xff, sector >> 8, count - 1, *fill])
    return "--work=" + out.hex()


# scenario -> (driver, workload, script or None, class, facts of the
# report's first line, site line)
FIRING = {
    "flush-failing-on-an-honest-device": (
        "flush-fails", work(("flush",)), None, "honest-device-rejected",
        ["driver fails virtio_blk_flush although the device deviated nowhere", "[error=EIO]"],
        None),
    "read-past-a-short-used-len": (
        "eio-as-success", work(("read", 0, 2)), "vq.used_len@1=0x101",
        "unwritten-bytes-returned",
        ["never wrote from virtio_blk_read", "[offset=257]", "[unwritten=767 of 1024]"],
        "shared at: #"),
    "id-made-up-without-the-device": (
        "id-made-up", work(("get_id",)), None, "unwritten-bytes-returned",
        ["never had from virtio_blk_get_id", "[offset=0]", "[len=10]"], None),
    "write-after-an-error-status": (
        "eio-as-success", work(("write", 0, 1, 0x55)), "blk.status@1=1", "lie-accepted",
        ["success from virtio_blk_write", "answered with an error status", "[value=0x1]"],
        None),
    "completion-after-an-error-status": (
        "eio-as-success", work(("submit-read", 0, 1), ("complete",)), "blk.status@1=1",
        "lie-accepted",
        ["success from virtio_blk_complete", "answered with an error status", "[value=0x1]"],
        "shared at: #"),
    "read-after-a-used-len-past-the-buffer": (
        "bad-used-as-success", work(("read", 0, 1)), "vq.used_len@1=0x1000", "lie-accepted",
        ["success from virtio_blk_read", "used len past the chain's writable bytes",
         "[value=0x1000]"], None),
    "read-after-a-used-id-never-made-available": (
        "bad-used-as-success", work(("read", 0, 1)), "vq.used_id@1=5", "lie-accepted",
        ["success from virtio_blk_read", "used id it does not hold", "[value=0x5]"], None),
    "read-of-the-wrong-sector": (
        "reads-next-sector", work(("read", 3, 1)), None, "data-mismatch",
        ["virtio_blk_read returns other bytes than the disk holds", "[sector=3]",
         "[differ=512 of 512]"], None),
    "read-of-a-written-sector-from-the-wrong-sector": (
        "reads-next-sector", work(("write", 3, 1, 0x5a), ("read", 3, 1)), None,
        "data-mismatch",
        ["virtio_blk_read returns other bytes than the disk holds", "[sector=3]",
         "[want=0x5a]"], None),
    "write-to-the-wrong-sector": (
        "writes-next-sector", work(("write", 3, 1, 0x5a)), None, "data-mismatch",
        ["virtio_blk_write did not land as written", "[sector=3]", "[want=0x5a]"], None),
    "submitted-write-to-the-wrong-sector": (
        "writes-next-sector",
        work(("submit-write", 3, 2, 0x5a), ("submit-read", 8, 1), ("complete",), ("complete",)),
        None, "data-mismatch",
        ["virtio_blk_complete did not land as written", "[sector=3]", "[want=0x5a]"], None),
    "id-without-its-padding": (
        "id-not-padded", work(("get_id",)), None, "data-mismatch",
        ["virtio_blk_get_id returns another id than the device's", "[offset=10]",
         "[got=0xa5]", "[want=0x00]"], None),
}


def run(run_prog, *args):
    r = run_prog(PROG, *args)
    assert r.returncode == 0, f"exit {r.returncode}:\n{r.stdout}\n{r.stderr[-4000:]}"
    return r


@pytest.mark.parametrize("scenario", sorted(FIRING))
def test_oracle_fires_on_a_wrong_answer(run_prog, scenario):
    driver, ops, script, cls, facts, site = FIRING[scenario]
    r = run(run_prog, f"--driver={driver}", ops, *([f"--script={script}"] if script else []))
    assert r.stdout.splitlines()[-1] == f"findings=1 last={cls}", r.stdout + r.stderr
    check_report(r.stderr, cls, facts, site)


@pytest.mark.parametrize("scenario", sorted(FIRING))
def test_real_driver_answers_right_where_a_wrong_one_is_caught(run_prog, scenario):
    _, ops, script, _, _, _ = FIRING[scenario]
    r = run(run_prog, "--driver=real", ops, *([f"--script={script}"] if script else []))
    assert r.stdout.splitlines()[-1] == "findings=0 last=none", r.stdout + r.stderr
    assert "FINDING" not in r.stderr, r.stderr


# Lies a device tells, each at the 1st to 8th time its point is met: the
# default blk workload meets them in every request of both APIs.
LIES = {
    "vq.used_len": [0, 1, 2, 0x101, 0x200, 0x201, 0x202, 0x400, 0x401, 0x1000, 0xffffffff],
    "vq.used_id": [0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 300],
    "vq.used_idx": [0, 2, 3, 5, 16, 17, 0xffff],
    "blk.status": [1, 2, 77],
    "vq.never": [1],
    "vq.defer": [1],
    "vq.order": [1, 2],
    "hal.share_fail": [1],
    "hal.dma_alloc_fail": [1],
    "blk.capacity": [0, 0x20, 0x1000],
    "echo.answer": [1, 2, 3],  # the neutral device's answers: pattern, half, nothing
}


def scripts(point):
    return [f"--script={point}@{n}={v:#x}" for v in LIES[point] for n in range(1, 9)]


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("point", sorted(set(LIES) - {"echo.answer"}))
def test_oracle_stays_quiet_on_the_real_driver(run_prog, point, version):
    r = run(run_prog, "--driver=real", f"--version={version}", *scripts(point))
    noisy = [line for line in r.stdout.splitlines()[:-1] if not line.endswith("findings=0 last=none")]
    assert not noisy and "FINDING" not in r.stderr, (
        f"the real driver under {point} lies should draw no finding; got:\n"
        + "\n".join(noisy) + "\n" + r.stderr[-4000:])


def test_oracle_stays_quiet_on_an_honest_device(run_prog):
    r = run(run_prog, "--driver=real")
    assert r.stdout.splitlines()[-1] == "findings=0 last=none", r.stdout + r.stderr


# virtq workload flags (fuzz/harness.h): legacy, no indirect, no event idx
@pytest.mark.parametrize("flags", [0, 1, 2, 4, 6])
@pytest.mark.parametrize("point", ["vq.used_len", "vq.used_id", "vq.used_idx", "echo.answer",
                                   "vq.never", "vq.defer", "vq.order", "hal.share_fail"])
def test_oracle_stays_quiet_on_the_real_queue(run_prog, point, flags):
    r = run(run_prog, "--workload=virtq", f"--flags={flags}", *scripts(point))
    noisy = [line for line in r.stdout.splitlines()[:-1] if not line.endswith("findings=0 last=none")]
    assert not noisy and "FINDING" not in r.stderr, (
        f"the split queue under {point} lies should draw no finding; got:\n"
        + "\n".join(noisy) + "\n" + r.stderr[-4000:])


def test_unknown_driver_is_a_clear_error(run_prog):
    r = run_prog(PROG, "--driver=nonsense")
    assert r.returncode == 2 and "unknown driver 'nonsense'" in r.stderr, r.stderr
