# SPDX-License-Identifier: MIT
"""Every sim check fires on the misuse it exists for, with its class and the
key facts of its report, and stays quiet on the matching correct use.

Scenarios live in pytest/progs/sim_misuse.c; each runs in its own process
(ASan-ended scenarios die with the report, the others run in record mode).
"""
import re
import subprocess

import pytest

import helpers

# scenario -> (class, facts the report's first line must carry, site line)
RECORDED = {
    "dma-alloc-zero": ("dma-alloc-zero", ["[pages=0]"], None),
    "dma-alloc-too-big": ("dma-alloc-too-big", ["[pages=257]", "[limit=256]"], None),
    "dma-dealloc-unknown": ("dma-dealloc-unknown", ["[paddr=0x80010000]", "[pages=1]"], None),
    "dma-dealloc-mismatch": ("dma-dealloc-mismatch", ["[paddr=0x80000000]", "[vaddr=paddr+4096]"], "allocated at: #1"),
    "dma-dealloc-wrong-pages": ("dma-dealloc-wrong-pages", ["[allocated=2]", "[freed=1]"], "allocated at: #1"),
    "dma-dealloc-double": ("dma-dealloc-double", ["[paddr=0x80000000]"], "freed at: #2"),
    "dma-use-after-free": ("dma-use-after-free", ["[paddr=0x80000002]", "[state=freed]"], "freed at: #2"),
    "share-empty": ("share-empty", ["[len=0]"], None),
    "share-overlap": ("share-overlap", ["[other paddr=0x80000000]", "[offset=+32]"], "shared at: #1"),
    "unshare-unknown": ("unshare-unknown", ["[paddr=0x80005000]"], None),
    "unshare-wrong-buffer": ("unshare-wrong-buffer", ["[buffer=shared+128]"], "shared at: #1"),
    "unshare-wrong-length": ("unshare-wrong-length", ["[shared=512]", "[unshared=4096]"], "shared at: #1"),
    "unshare-wrong-direction": ("unshare-wrong-direction", ["[shared=DriverToDevice]", "[unshared=DeviceToDriver]"], "shared at: #1"),
    "unshare-double": ("unshare-double", ["[paddr=0x80000000]"], "unshared at: #2"),
    "unshare-double-after-many": ("unshare-double", [], "unshared at: #40000"),
    "dma-leak": ("dma-leak", ["[pages=1]", "[dir=Both]"], "allocated at: #1"),
    "share-leak": ("share-leak", ["[len=64]", "[dir=Both]"], "shared at: #1"),
    "device-access-unowned": ("device-access-unowned", ["[paddr=0x80000000]", "[access=read]"], "freed at: #2"),
    "device-access-past-share": ("device-access-unowned", ["[len=16]", "past the end"], "shared at: #1"),
    "device-write-read-only": ("device-write-read-only", ["[dir=DriverToDevice]"], "shared at: #1"),
    "device-write-read-only-dma": ("device-write-read-only", ["[paddr=0x80000064]"], "allocated at: #1"),
    "mmio-map-outside": ("mmio-map-outside", ["[paddr=0x10000080]", "[size=0x100]"], None),
    "mmio-access-outside": ("mmio-access-outside", ["[paddr=0x10000100]", "[width=4]"], None),
    "mmio-access-not-mmio": ("mmio-access-outside", ["not an MMIO mapping"], None),
    "mmio-misaligned": ("mmio-misaligned", ["[paddr=0x10000002]", "[width=4]"], None),
    # the oracles' written bytes (sim/oracle.c): one span, and two (a bitmap)
    "oracle-unwritten-tail": ("unwritten-bytes-returned",
                              ["from a test read", "[offset=100]", "[unwritten=200 of 300]",
                               "[paddr=0x80000064]"], "shared at: #1"),
    "oracle-unwritten-gap": ("unwritten-bytes-returned",
                             ["from a test read", "[offset=100]", "[unwritten=100 of 300]",
                              "[paddr=0x80000064]"], "shared at: #1"),
}

# scenarios the process cannot survive: ASan or the fault handler ends them
FATAL = {
    "dma-use-after-free-raw": ("dma-use-after-free", ["[paddr=0x80000064]", "[state=freed]"], "freed at: #2"),
    # 1 + 16 allocations and frees of the window, then the share: #35
    "dma-use-after-free-bounce": ("dma-use-after-free", ["[paddr=0x80000064]", "[state=bounce]"], "shared at: #35"),
    "shared-buffer-touched": ("shared-buffer-touched", ["[offset=64]"], "shared at: #1"),
    "mmio-raw-deref": ("mmio-raw-deref", ["[paddr=0x10000070]"], None),
    "hang": ("hang", ["[budget=200000]"], None),
}

# Checks that rest on ASan: its poisoning (raw touches) and its memcpy
# interceptor (the sim copying a driver buffer shorter than the share says).
# The fuzz build compiles the sim without ASan instrumentation
# (CMakeLists.txt), so these are also run against the fuzz build's sim.
ASAN_BACKED = {
    "dma-use-after-free-raw": FATAL["dma-use-after-free-raw"],
    "dma-use-after-free-bounce": FATAL["dma-use-after-free-bounce"],
    "shared-buffer-touched": FATAL["shared-buffer-touched"],
    "share-past-buffer": ("asan-heap-buffer-overflow", ["READ of size 200"], "sim_share"),
    "share-device-to-driver-past-buffer": ("asan-heap-buffer-overflow", ["WRITE of size 200"], "sim_share"),
    "unshare-after-free": ("asan-heap-use-after-free", ["WRITE of size 64"], "sim_unshare"),
}

QUIET = [
    "ok-dma-alloc-limits",
    "ok-dma-alloc-zeroed-aligned",
    "ok-dma-ring-access",
    "ok-share-roundtrip",
    "ok-share-adjacent",
    "ok-many-objects",
    "ok-refetch-only-on-a-second-read",
    "ok-refetch-off",
    "ok-device-access",
    "ok-mmio",
    "ok-bounded-poll",
    "ok-oracle-written-in-pieces",
]


def check_report(stderr, cls, facts, site):
    first = re.search(r"^==vfuzz== FINDING (\S+): (.*)$", stderr, re.M)
    assert first, f"expected a {cls} report, stderr was:\n{stderr}"
    assert first.group(1) == cls, f"expected class {cls}, got {first.group(1)}"
    for fact in facts:
        assert fact in first.group(2), f"report lacks {fact!r}: {first.group(0)}"
    if site:
        assert site in stderr, f"report lacks the site line {site!r}:\n{stderr}"
    assert "trace events:" in stderr, "report lacks the trace tail"


@pytest.mark.parametrize("scenario", sorted(RECORDED))
def test_check_fires_on_misuse(run_prog, scenario):
    cls, facts, site = RECORDED[scenario]
    r = run_prog("sim_misuse", scenario)
    assert r.returncode == 0, f"exit {r.returncode}:\n{r.stderr}"
    assert r.stdout.strip() == f"findings=1 last={cls}", r.stdout + r.stderr
    check_report(r.stderr, cls, facts, site)


@pytest.mark.parametrize("scenario", sorted(FATAL))
def test_fatal_check_fires_and_ends_the_run(run_prog, scenario):
    cls, facts, site = FATAL[scenario]
    r = run_prog("sim_misuse", scenario)
    assert r.returncode != 0, "the run should have been ended by the finding"
    check_report(r.stderr, cls, facts, site)


@pytest.mark.parametrize("scenario", ["share-past-buffer", "share-device-to-driver-past-buffer",
                                      "unshare-after-free"])
def test_driver_buffer_the_driver_does_not_hold_is_an_asan_report(run_prog, scenario):
    cls, facts, frame = ASAN_BACKED[scenario]
    r = run_prog("sim_misuse", scenario)
    check_asan_report(r, cls, facts, frame)


def test_double_fetch_is_caught_in_refetch_mode(run_prog):
    """A driver that validates a device length and reads it again to use it
    gets the changed value (the trace says so) and ASan catches the use."""
    r = run_prog("sim_misuse", "double-fetch-used-len", env={"VFUZZ_TRACE": "1"})
    check_asan_report(r, "asan-heap-buffer-overflow", ["WRITE of size 4096"], "run")
    assert "ring refetch paddr=0x80000008 w4 0x8 -> 0x1000" in r.stderr, r.stderr


def check_asan_report(r, cls, facts, frame):
    assert r.returncode != 0, "the run should have been ended by ASan"
    found = helpers.parse_finding(r.stderr)
    assert found and found.cls == cls, f"expected {cls}, got {found}:\n{r.stderr}"
    for fact in facts:
        assert fact in r.stderr, f"report lacks {fact!r}:\n{r.stderr}"
    assert frame in r.stderr, f"report does not name {frame}:\n{r.stderr}"


@pytest.fixture(scope="module")
def fuzz_sim_misuse():
    try:
        helpers.build(["sim_misuse"], preset="fuzz")
    except helpers.BuildError as e:
        pytest.fail(f"cannot build the fuzz preset's sim_misuse: {e}", pytrace=False)
    return helpers.ROOT / "build" / "fuzz" / "sim_misuse"


@pytest.mark.slow
@pytest.mark.parametrize("scenario", sorted(ASAN_BACKED) + ["ok-share-roundtrip"])
def test_asan_backed_checks_hold_in_the_fuzz_build(fuzz_sim_misuse, scenario):
    """The fuzz build's sim is not ASan-instrumented; what it poisons and
    what it copies from the driver are still checked (and a correct share
    round trip stays quiet)."""
    try:
        r = helpers.run_binary(fuzz_sim_misuse, scenario)
    except subprocess.TimeoutExpired:
        pytest.fail(f"fuzz-build sim_misuse {scenario} did not finish", pytrace=False)
    if scenario.startswith("ok-"):
        assert r.returncode == 0 and r.stdout.strip() == "findings=0 last=none", \
            f"exit {r.returncode}: {r.stdout}\n{r.stderr}"
        return
    cls, facts, site = ASAN_BACKED[scenario]
    if cls.startswith("asan-"):
        check_asan_report(r, cls, facts, site)
    else:
        assert r.returncode != 0, "the run should have been ended by the finding"
        check_report(r.stderr, cls, facts, site)


@pytest.mark.parametrize("scenario", QUIET)
def test_check_stays_quiet_on_correct_use(run_prog, scenario):
    r = run_prog("sim_misuse", scenario)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stdout}\n{r.stderr}"
    assert r.stdout.strip() == "findings=0 last=none", r.stdout + r.stderr
    assert "FINDING" not in r.stderr


def test_unknown_scenario_is_a_clear_error(run_prog):
    r = run_prog("sim_misuse", "no-such-scenario")
    assert r.returncode == 2
    assert "unknown scenario 'no-such-scenario'" in r.stderr
