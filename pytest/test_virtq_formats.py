# SPDX-License-Identifier: MIT
"""The driver's virtqueue in both formats, split (VirtIO 1.2, 2.7) and packed
(2.8), end to end against a device played by hand (pytest/progs/ring_loop/,
whose DMA the sim checks): an honest device gets exact data back through
every feature combination, index and wrap-counter wrap included; every lie
the queue can see comes back as EBAD_USED with the queue broken, and never
as a finding; DEVICE_NEEDS_RESET comes back as ENEEDS_RESET and the queue
works again after a reset; event suppression asks and answers as the spec
says.
"""
import re
import time

import pytest

FORMATS = ["split", "packed"]
FEATURES = [[], ["--indirect"], ["--event-idx"], ["--in-order"],
            ["--indirect", "--event-idx", "--in-order"]]


def ring_loop(run_prog, fmt, scenario, *opts):
    proc = run_prog("ring_loop", f"--format={fmt}", *opts, scenario)
    out = proc.stdout
    assert f"format: {fmt}" in out, f"expected the {fmt} ring, got:\n{out}\n{proc.stderr}"
    assert proc.returncode == 0, f"ring_loop {scenario} exit {proc.returncode}:\n{out}\n{proc.stderr}"
    findings = re.search(r"^findings=(\d+) last=(\S+)$", out, re.M)
    assert findings and findings.group(1) == "0", f"expected no sim finding:\n{out}\n{proc.stderr}"
    return dict(re.findall(r"^result: (\S+) (.*)$", out, re.M)), out


@pytest.mark.parametrize("features", FEATURES, ids=lambda f: "+".join(x[2:] for x in f) or "plain")
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("size", [8, 7, 3, 1])
def test_honest_device_gets_exact_data_back(run_prog, fmt, features, size):
    res, out = ring_loop(run_prog, fmt, "honest", f"--size={size}", "--count=300", *features)
    m = re.fullmatch(r"rc=OK adds=(\d+) popped=(\d+) bad=(\d+)", res["honest"])
    assert m, out
    adds, popped, bad = map(int, m.groups())
    assert adds >= 300 and popped == adds and bad == 0, out
    want = size if fmt == "packed" else 1 << (size.bit_length() - 1)
    assert f"size={want}" in out, f"expected a queue of {want} entries (2.8: any size; 2.7: a power of two):\n{out}"


@pytest.mark.parametrize("in_order", [False, True], ids=["any-order", "in-order"])
@pytest.mark.parametrize("fmt,size", [("split", 4), ("packed", 5)])
def test_one_queue_survives_more_than_65536_adds(run_prog, fmt, size, in_order):
    """Split: the 16-bit avail and used indexes wrap (2.7.6, 2.7.8). Packed:
    the wrap counters flip every lap, 14,000 laps of a 5-entry ring."""
    start = time.monotonic()
    res, out = ring_loop(run_prog, fmt, "honest-wait", f"--size={size}", "--count=70000",
                         *(["--in-order"] if in_order else []))
    elapsed = time.monotonic() - start
    assert res["honest-wait"] == "rc=OK adds=70000 bad=0", out
    assert elapsed < 5, f"70000 requests took {elapsed:.2f} s"


LIES = ["bad-id", "free-id", "long-len", "wrap-bits", "used-twice", "nothing-in-flight"]


@pytest.mark.parametrize("opts", [[], ["--indirect", "--event-idx"], ["--in-order"], ["--size=5"]],
                         ids=["plain", "indirect+event-idx", "in-order", "size5"])
@pytest.mark.parametrize("lie", LIES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_lying_used_entry_is_ebad_used_and_breaks_the_queue(run_prog, fmt, lie, opts):
    """bad-id: id past the queue; free-id: an id not in flight; long-len:
    one byte past the chain's writable bytes; wrap-bits: split, used idx
    past what is in flight, packed, a used descriptor with the other lap's
    AVAIL/USED bits; used-twice: a popped id named again; nothing-in-flight:
    a used entry with nothing made available."""
    res, out = ring_loop(run_prog, fmt, lie, *opts)
    assert res[lie] == "rc=EBAD_USED broken=1", out
    if lie == "used-twice":
        assert "step: pop0 rc=OK token=a" in out, out


@pytest.mark.parametrize("fmt", FORMATS)
def test_in_order_device_using_out_of_order_is_caught(run_prog, fmt):
    """2.7.9 / 2.8.13: under IN_ORDER an entry naming a later chain reports
    a batch. Split: used idx must move by the batch, so a device that uses
    b before a (idx + 1, entry b) is caught at once. Packed: the entry for b
    reports a and b; the device's later entry for a names a chain no longer
    in flight."""
    res, out = ring_loop(run_prog, fmt, "out-of-order", "--in-order")
    if fmt == "split":
        assert "step: pop0 rc=EBAD_USED" in out, out
    else:
        assert "step: pop0 rc=OK token=a" in out and "step: pop1 rc=OK token=b" in out, out
        assert res["out-of-order"] == "rc=EBAD_USED broken=1", out


def test_in_order_split_batch_larger_than_used_idx_step_is_ebad_used(run_prog):
    res, out = ring_loop(run_prog, "split", "batch-too-big", "--in-order")
    assert res["batch-too-big"] == "rc=EBAD_USED broken=1", out


@pytest.mark.parametrize("fmt", FORMATS)
def test_out_of_order_use_without_in_order_is_fine(run_prog, fmt):
    res, out = ring_loop(run_prog, fmt, "out-of-order")
    assert "step: pop0 rc=OK token=b" in out and res["out-of-order"] == "rc=OK broken=0", out


@pytest.mark.parametrize("fmt", FORMATS)
def test_needs_reset_is_reported_and_the_queue_works_after_a_reset(run_prog, fmt):
    res, out = ring_loop(run_prog, fmt, "needs-reset")
    assert res["needs-reset"] == "rc=ENEEDS_RESET", out
    assert res["honest"].startswith("rc=OK") and res["honest"].endswith("bad=0"), out
    assert res["after-reset"] == "rc=OK", out


@pytest.mark.parametrize("event_idx", [False, True], ids=["flags", "event-idx"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_event_suppression_both_ways(run_prog, fmt, event_idx):
    res, out = ring_loop(run_prog, fmt, "notify", *(["--event-idx"] if event_idx else []))
    assert res["suppressed"] == "notifies=0", out
    if event_idx:
        # the device asks for a notification once the chain after the next
        # one is made available: not on the first kick, on the second
        assert res["desc-event"] == "first=0 second=1", out
    if fmt == "packed":
        assert res["driver-event"] == "flags=1", out  # RING_EVENT_FLAGS_DISABLE
        on = dict(kv.split("=") for kv in res["driver-event-on"].split())
        if event_idx:
            # DESC at the next used position, its wrap counter in bit 15
            assert on["flags"] == "2", out
            assert int(on["off_wrap"], 16) == int(on["upos"]) | int(on["uwrap"]) << 15, out
        else:
            assert on["flags"] == "0", out
    elif event_idx:
        m = re.fullmatch(r"event=(\d+) used=(\d+)", res["used-event"])
        assert m and (int(m.group(2)) - int(m.group(1))) % 65536 == 1, out
    else:
        assert res["avail"] == "flags=1", out  # VIRTQ_AVAIL_F_NO_INTERRUPT


@pytest.mark.parametrize("transport", ["mmio2", "pci"])
@pytest.mark.parametrize("device", ["blk", "rng", "console"])
def test_device_driver_reports_needs_reset_and_works_after_reinit(run_prog, device, transport):
    """The sim's device sets DEVICE_NEEDS_RESET (sim_vdev_needs_reset) and
    stops answering: the driver's request is ENEEDS_RESET, never a plain
    timeout; the next is EBROKEN; destroy and init make it work again (blk:
    a sector written and read back exactly)."""
    proc = run_prog("needs_reset", f"--device={device}", f"--transport={transport}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    steps = dict(re.findall(r"^(\S+) rc=(\S+)$", proc.stdout, re.M))
    assert steps == {"attach": "OK", "init": "OK", "before": "OK", "needs-reset": "ENEEDS_RESET",
                     "after": "EBROKEN", "reinit": "OK", "again": "OK"}, proc.stdout
    assert "FINDINGS 0" in proc.stdout, proc.stdout


@pytest.mark.parametrize("refuse,fmt,in_order", [([], "packed", True),
                                                 (["--refuse-packed"], "split", True),
                                                 (["--refuse-in-order"], "packed", False),
                                                 (["--refuse-packed", "--refuse-in-order"], "split", False)],
                         ids=["accept-all", "refuse-packed", "refuse-in-order", "refuse-both"])
def test_caller_refuses_ring_features_through_the_transport(run_prog, refuse, fmt, in_order):
    """The device offers RING_PACKED and IN_ORDER; t->refuse_features keeps
    either out of the negotiated set, and the queue follows."""
    proc = run_prog("ring_loop", "--format=packed", "--in-order", *refuse, "--count=50", "honest")
    m = re.search(r"^format: (\S+) size=\d+ accepted=0x([0-9a-f]+)$", proc.stdout, re.M)
    assert proc.returncode == 0 and m, proc.stdout + proc.stderr
    accepted = int(m.group(2), 16)
    assert m.group(1) == fmt and bool(accepted >> 34 & 1) == (fmt == "packed"), proc.stdout
    assert bool(accepted >> 35 & 1) == in_order, proc.stdout
    assert re.search(r"^result: honest rc=OK adds=\d+ popped=\d+ bad=0$", proc.stdout, re.M), proc.stdout


@pytest.mark.parametrize("features", FEATURES, ids=lambda f: "+".join(x[2:] for x in f) or "plain")
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_used_entry_is_read_once(run_prog, fmt, features):
    """The sim's refetch mode counts every driver read of device-writable
    memory already read since the device last wrote it, from the peek that
    finds a used entry to its pop. Packed: none, ever (flags, id and len
    once each). Split: only the used idx, polled again by each peek after a
    round's first (in order, batches are popped without reading it)."""
    res, out = ring_loop(run_prog, fmt, "honest", "--refetch", "--count=300", *features)
    m = re.fullmatch(r"rc=OK adds=(\d+) popped=(\d+) bad=0", res["honest"])
    r = re.fullmatch(r"n=(\d+) rounds=(\d+)", res["rereads"])
    assert m and r, out
    popped, rereads, rounds = int(m.group(2)), int(r.group(1)), int(r.group(2))
    if fmt == "packed":
        assert rereads == 0, f"expected no re-read of a used descriptor, got {rereads}\n{out}"
    elif "--in-order" in features:
        assert rereads <= popped - rounds, out
    else:
        assert rereads == popped - rounds, f"expected one used idx re-read per entry after " \
                                           f"a round's first ({popped - rounds}), got {rereads}\n{out}"
