# SPDX-License-Identifier: MIT
"""The packed ring's device side (sim/packed.c, packed_used.c): every check
fires on the driver mistake it exists for, with its class and the key facts
of its report, and stays quiet on correct use: wrap counters over many laps,
out-of-order and deferred completion, indirect tables, event suppression,
the device's lies, reset. The oracles judge a driver over the packed ring
as over the split one. IN_ORDER on both formats: batches of used buffers
under one entry; completing a later buffer first gives the older ones back
in the same entry, which a driver reads as a batch (no lie it can see).

Scenarios live in pytest/progs/packed_misuse/, a packed-ring driver played
by hand over device_misuse's machine; each runs in its own process in
record mode.
"""
import pytest

from test_sim_checks import check_report

PROG = "packed_misuse"

# scenario -> (class, facts the report's first line must carry)
FIRING = {
    "packed-avail-and-used-both-set": ("desc-avail-flags", ["available with USED equal to AVAIL", "[slot=0]", "[flags=32898]", "[wrap=1]"]),
    "packed-chain-desc-not-available": ("desc-avail-flags", ["chains to a descriptor whose AVAIL/USED bits", "[slot=1]", "[flags=32770]"]),
    "packed-chain-longer-than-queue": ("desc-malformed", ["chain longer than the queue size", "[slot=0]", "[buffers=5]", "[free=4]"]),
    "packed-chain-past-free-ring": ("desc-malformed", ["longer than the free part of the ring", "[slot=0]", "[buffers=3]", "[free=2]"]),
    "packed-indirect-with-next": ("desc-malformed", ["sets both INDIRECT and NEXT", "[flags=133]"]),
    "packed-indirect-in-chain": ("desc-malformed", ["indirect descriptor in a chain", "[slot=1]"]),
    "packed-indirect-table-length": ("desc-malformed", ["not a non-zero multiple of 16", "[len=40]"]),
    "packed-indirect-not-negotiated": ("desc-malformed", ["without negotiating RING_INDIRECT_DESC"]),
    "packed-indirect-nested": ("desc-malformed", ["indirect descriptor inside an indirect table", "[index=1]"]),
    "packed-indirect-entry-next": ("desc-malformed", ["a flag other than WRITE in an indirect table", "[index=0]", "[flags=1]"]),
    "packed-readable-after-writable": ("desc-malformed", ["device-readable descriptor after a writable one"]),
    "packed-desc-reused-full-ring": ("desc-reused", ["rewrites a descriptor the device owns", "[slot=0]", "[owned=2]"]),
    "packed-refetch-unchanged-still-blamed": ("desc-reused", ["[slot=3]", "[owned=3]"]),
    "packed-desc-reused-while-held": ("desc-reused", ["rewrites a descriptor the device owns", "[slot=1]", "[owned=3]"]),
    "packed-buffer-id-twice": ("buffer-id-twice", ["under an id already in flight", "[slot=2]", "[id=7]"]),
    "packed-ring-read-only": ("device-write-read-only", ["[paddr=0x80006008]", "[len=8]", "[dir=DriverToDevice]"]),
    "packed-legacy-not-offered": ("status-protocol", ["accepts features the device did not offer", "[word=1]", "[offered=0x0]", "[accepted=0x4]"]),
    "packed-ring-misaligned": ("queue-config", ["descriptor ring not 16-byte aligned", "[desc=0x80006008]"]),
    "packed-driver-area-misaligned": ("queue-config", ["driver event suppression area not 4-byte aligned"]),
    "packed-device-area-misaligned": ("queue-config", ["device event suppression area not 4-byte aligned"]),
    "packed-size-above-32768": ("queue-config", ["packed queue size above 32768", "[num=0x80e8]"]),
    # the oracles over the packed ring
    "packed-oracle-lie-accepted": ("lie-accepted", ["used len past the chain's writable bytes", "[value=0x1000]"]),
    "packed-oracle-unwritten": ("unwritten-bytes-returned", ["[offset=100]", "[unwritten=412 of 512]"]),
}

QUIET = [
    "ok-packed-io",
    "ok-packed-io-pci",
    "ok-packed-laps",
    "ok-packed-indirect",
    "ok-packed-out-of-order",
    "ok-packed-event-suppression",
    "ok-packed-lies",
    "ok-packed-id-lies",
    "ok-packed-refetch-untrusted",
    "ok-packed-full-ring",
    "ok-packed-reset",
    "ok-packed-oracle-read",
    "ok-in-order-packed",
    "ok-in-order-split",
    "ok-in-order-never",
    "ok-in-order-lie-split",
    # IN_ORDER, the device completes out of order (vq.order): its entry is
    # a batch to the driver, which takes the older buffer's data (claimed,
    # not the model's: untrue, never unwritten) and the later one's (served)
    "ok-in-order-split-older-taken-from-a-batch",
    "ok-in-order-packed-out-of-order-read-as-a-batch",
]


@pytest.mark.parametrize("scenario", sorted(FIRING))
def test_packed_check_fires_on_misuse(run_prog, scenario):
    cls, facts = FIRING[scenario]
    r = run_prog(PROG, scenario)
    assert r.returncode == 0, f"exit {r.returncode}:\n{r.stdout}\n{r.stderr}"
    assert r.stdout.strip() == f"findings=1 last={cls}", (
        f"expected exactly one {cls}, got {r.stdout.strip()!r}:\n{r.stderr}")
    check_report(r.stderr, cls, facts, None)


@pytest.mark.parametrize("scenario", QUIET)
def test_packed_check_stays_quiet_on_correct_use(run_prog, scenario):
    r = run_prog(PROG, scenario)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stdout}\n{r.stderr}"
    assert r.stdout.strip() == "findings=0 last=none", r.stdout + r.stderr
    assert "FINDING" not in r.stderr


def test_every_packed_scenario_has_a_test(run_prog):
    r = run_prog(PROG, "--list")
    assert r.returncode == 0, r.stderr
    listed = set(r.stdout.split())
    tested = set(FIRING) | set(QUIET)
    assert listed - tested == set(), f"scenarios without a test: {sorted(listed - tested)}"
    assert tested - listed == set(), f"tests without a scenario: {sorted(tested - listed)}"


def test_packed_trace_is_deterministic(run_prog):
    """Same scenario, same trace, byte for byte (no host pointers)."""
    env = {"VFUZZ_TRACE": "1"}
    a = run_prog(PROG, "ok-packed-out-of-order", env=env)
    b = run_prog(PROG, "ok-packed-out-of-order", env=env)
    assert a.returncode == 0 and "used id=5" in a.stderr, a.stderr[-2000:]
    assert a.stderr == b.stderr
