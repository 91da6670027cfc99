#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate the seed corpora corpus/<target>/ of the fuzz targets.

Each seed is a complete input in the layout of fuzz/harness.h: a flags byte,
the workload length and bytes, then the decision stream. Most seeds leave
the decision stream empty (a spec device) and reach deep states through the
workload alone; a few add legal device choices (completion order, a bigger
queue, a changing config generation, a PCI layout given field by field) at
the decision positions written next to them. Every seed must run its
workload to completion (pytest/test_corpus.py checks that).

Standard library only. An existing seed file is never overwritten with
different content unless --force is given; --check only compares.

    python3 pytest/gen_seeds.py [--force | --check] [TARGET...]
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def case(flags, work=b"", decisions=b""):
    """flags, N, N workload bytes, decisions (fuzz/harness.h)."""
    work = bytes(work)
    if len(work) > 255:
        raise ValueError(f"workload of {len(work)} bytes does not fit its length byte")
    return bytes([flags, len(work)]) + work + bytes(decisions)


def deviate(pos, control=1, value=b""):
    """Spec answers for decision points 0..pos-1, then one deviation at `pos`
    (sim/decide.h: a non-zero control byte, then the value bytes)."""
    return bytes(pos) + bytes([control]) + bytes(value)


def le(v, n):
    return v.to_bytes(n, "little")


# ---- device seeds: the table's (fuzz/devices.def) ---------------------------

DEVICES_PROG = ROOT / "build" / "replay" / "devices"
# Each of a device's seed workloads is written once per transport variant:
# (name prefix, flags byte) per bus (fuzz/device.h: fuzz_transport_of).
# flags bit 6 (FUZZ_F_PACKED): the device offers the packed ring, the driver
# takes it (modern transports only: a legacy device has no feature bit 34).
PACKED = 0x40
IN_ORDER = 0x20
VARIANTS = {
    "mmio": [("v2", 0), ("v1", 1), ("packed-v2", PACKED)],
    "pci": [("pci-driver-assigned-bars", 0), ("pci-firmware-bars", 1),
            ("packed-pci-driver-assigned-bars", PACKED)],
}


def device_table():
    """{device name: {seed name: workload bytes}} from the C side's table
    (build/replay/devices, built by ./vfuzz build or ./vfuzz test)."""
    try:
        out = subprocess.run([str(DEVICES_PROG)], capture_output=True, text=True,
                             timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise SystemExit(f"gen_seeds: cannot run {DEVICES_PROG.relative_to(ROOT)} ({e}); "
                         "build it first: ./vfuzz build")
    return {d["name"]: {k: bytes.fromhex(v) for k, v in d["seeds"].items()}
            for d in json.loads(out)["devices"]}


def device_seeds(table):
    out = {}
    for dev, seeds in table.items():
        for bus, variants in VARIANTS.items():
            out[f"{dev}_{bus}"] = {f"{prefix}-{name}": case(flags, work)
                                   for prefix, flags in variants
                                   for name, work in seeds.items()}
    return out


# ---- the split-queue workload (fuzz_virtq_workload) ----------------------------

VQ_LEGACY, VQ_NO_INDIRECT, VQ_NO_EVENT_IDX = 1, 2, 4
REFETCH = 0x80  # FUZZ_F_REFETCH: the sim's refetch mode (double fetches)
# The last two bytes of a chain seed its readable contents (a, b); the
# neutral device echoes them. Seeds written for the blk device kept their
# bytes: these names say what those bytes were.
T_IN, T_OUT, T_FLUSH, T_GET_ID, T_UNSUPP = range(5)


def v_chain(n_out, n_in, codes, a, b):
    """n_out readable then n_in writable buffers (either may be 0)."""
    assert len(codes) == n_out + n_in and 1 <= len(codes) <= 8
    shape = (max(n_out, 1) - 1) | (max(n_in, 1) - 1) << 3
    shape |= 0x40 if n_out == 0 else 0x80 if n_in == 0 else 0
    return bytes([shape]) + bytes(codes) + bytes([a, b])


def v_add(*chain):
    return b"\x00" + v_chain(*chain)


def v_add_wait(*chain):
    return b"\x03" + v_chain(*chain)


V_KICK, V_POP, V_FILL, V_DRAIN, V_STOP = b"\x01", b"\x02", b"\x05", b"\x06", b"\x07"


def v_cycle(n):
    return bytes([4, n - 1])


# size codes: 0 = 1 byte, c = (c + 1) * 16 bytes, 31 = 512, 255 = 4096
READ_1 = (1, 2, [0, 31, 0], T_IN, 5)  # hdr, a sector in, status


def virtq_big_and_small():
    return (bytes([0]) +
            v_add(4, 4, [255, 0, 255, 1, 255, 0, 7, 0], T_IN, 2) + V_KICK + V_POP +
            v_add(1, 7, [0, 255, 255, 255, 255, 255, 255, 0], T_GET_ID, 0) + V_KICK + V_POP +
            v_add(7, 1, [0, 31, 31, 31, 31, 31, 31, 0], T_OUT, 9) + V_KICK + V_POP +
            v_add(1, 1, [0, 0], T_FLUSH, 0) + V_KICK + V_POP)


def virtq_add_wait_types():
    return (bytes([0]) + b"".join(
        v_add_wait(1, 2, [0, 31, 0], t, 3) for t in (T_IN, T_OUT, T_FLUSH, T_GET_ID, T_UNSUPP)) +
        v_add_wait(2, 1, [0, 31, 0], T_OUT, 12))


def virtq_one_sided_chains():
    # readable only (1 and 8 buffers), writable only (1 and 8), each popped
    return (bytes([0]) +
            v_add(1, 0, [31], 7, 1) + V_KICK + V_POP +
            v_add(8, 0, [0, 1, 2, 3, 4, 5, 6, 255], 9, 3) + V_KICK + V_POP +
            v_add(0, 1, [31], 0, 0) + V_KICK + V_POP +
            v_add(0, 8, [0, 1, 2, 3, 4, 5, 6, 255], 0, 0) + V_KICK + V_POP +
            v_add_wait(0, 2, [31, 0], 0, 0) + v_add_wait(2, 0, [31, 0], 5, 5))


def virtq_four_adds_one_kick():
    return bytes([0]) + v_add(1, 1, [0, 0], T_UNSUPP, 0) * 4 + V_KICK + V_POP * 4


def virtq_kick_batches():
    return (bytes([0]) + v_add(*READ_1) * 3 + V_KICK + v_add(*READ_1) * 2 + V_KICK +
            V_POP + v_add(*READ_1) + V_KICK + V_DRAIN)


# Decision positions below were read off a --trace run of the seed's workload
# (every decision point takes one control byte; hal.* points included).
# virtq, flags 0, four 2-buffer adds then one kick: vq.order is met at 23, 28
# and 33 while 4, 3 and 2 chains are pending.
VIRTQ_OUT_OF_ORDER = bytes(23) + b"\x03" + bytes(4) + b"\x02" + bytes(4) + b"\x01"
# mmio_probe / pci_probe, modern: vdev.config_gen at 6 (the first config
# read sees a new generation and retries), vdev.num_max at 13.
CONFIG_GEN_CHANGES = deviate(6)
NUM_MAX_AT = 13
# pci: pci.device_id 0, pci.bar_reg 1, pci.layout 2, pci.num_queues 3. With
# the layout decided, pci.status 3 and pci.cap_ptr 4 come first, then per
# capability (common, isr, device, notify) cfg_type, bar, offset, length,
# cap_len, cap_next, and notify_mult after the notify cap's cap_next: 29.
PCI_LAYOUT_SPEC_VALUES = deviate(2)
PCI_NOTIFY_MULT_0 = deviate(2) + deviate(26, 1, le(0, 4))
PCI_TRANSITIONAL_ID = deviate(0, 1, le(0x1001, 2))
PCI_NUM_QUEUES_8 = deviate(3, 1, le(8, 2))


# ---- Linux's rings (fuzz/linux/workload.h) ----------------------------------
# The virtq target's workload bytes mean the same there (opcodes 0-7); bit 0
# of the flags is unused (always virtio-mmio 2). Opcodes of its own:
LX_NO_CB, LX_CB, LX_CB_DELAYED, LX_IRQ = b"\x08", b"\x09", b"\x0a", b"\x0b"


def linux_ring_packed_seeds():
    """linux_ring_packed's: the split target's with flags bit 6 (which the
    target forces anyway), and queues of sizes no split ring can have."""
    seeds = {name: bytes([seed[0] | PACKED]) + seed[1:]
             for name, seed in linux_ring_seeds().items()}
    seeds.update({
        "ring-wrap-256-adds-queue-5-odd-size": case(PACKED, bytes([5]) + v_cycle(256)),
        "ring-wrap-256-adds-queue-3-odd-size-no-indirect":
            case(PACKED | VQ_NO_INDIRECT, bytes([3]) + v_cycle(256)),
        "callbacks-on-ring-wrap-queue-3-interrupts":
            case(PACKED, bytes([3]) + LX_CB + (v_add(1, 1, [0, 31], T_IN, 5) + V_KICK + LX_IRQ) * 8),
    })
    return seeds


def linux_ring_seeds():
    return {
        "default-indirect-and-event-idx": case(0),
        "default-indirect-no-event-idx": case(VQ_NO_EVENT_IDX),
        "default-event-idx-no-indirect": case(VQ_NO_INDIRECT),
        "default-no-indirect-no-event-idx": case(VQ_NO_INDIRECT | VQ_NO_EVENT_IDX),
        "ring-wrap-256-adds-queue-4": case(0, bytes([4]) + v_cycle(256)),
        "ring-wrap-256-adds-queue-4-no-indirect-no-event-idx":
            case(VQ_NO_INDIRECT | VQ_NO_EVENT_IDX, bytes([4]) + v_cycle(256)),
        "sixteen-in-flight-indirect-fill-drain": case(0, bytes([0]) + V_FILL + V_DRAIN),
        "five-in-flight-no-indirect-fill-drain":
            case(VQ_NO_INDIRECT, bytes([0]) + V_FILL + V_DRAIN + V_FILL + V_DRAIN),
        "eight-buffer-chains-big-and-small-indirect": case(0, virtq_big_and_small()),
        "eight-buffer-chains-big-and-small-no-indirect": case(VQ_NO_INDIRECT, virtq_big_and_small()),
        "add-kick-pop-every-blk-type": case(0, virtq_add_wait_types()),
        "readable-only-and-writable-only-chains": case(0, virtq_one_sided_chains()),
        "readable-only-and-writable-only-chains-no-indirect":
            case(VQ_NO_INDIRECT, virtq_one_sided_chains()),
        "kick-batches-no-event-idx-used-flags": case(VQ_NO_EVENT_IDX, virtq_kick_batches()),
        "callbacks-off-fill-enable-delayed-drain":
            case(0, bytes([0]) + LX_NO_CB + V_FILL + LX_CB_DELAYED + V_DRAIN),
        "callbacks-on-fill-interrupt-drains-in-callback":
            case(VQ_NO_EVENT_IDX, bytes([0]) + LX_CB + V_FILL + LX_IRQ + V_DRAIN),
        "callbacks-on-ring-wrap-queue-2-interrupts":
            case(0, bytes([2]) + LX_CB + (v_add(1, 1, [0, 31], T_IN, 5) + V_KICK + LX_IRQ) * 8),
    }


def extra_seeds(table):
    """Seeds beyond the table's: legal device choices and refetch mode."""
    blk = table["blk"]
    return {
        "blk_mmio": {
            "v2-config-generation-changes-during-init": case(0, b"", CONFIG_GEN_CHANGES),
            "v2-refetch-mode-four-in-flight": case(REFETCH, blk["four-in-flight-all-slots"]),
        },
        "mmio_probe": {
            "v2-spec-device-init": case(0),
            "v1-legacy-spec-device-init": case(1),
            "v2-config-generation-changes-during-init": case(0, b"", CONFIG_GEN_CHANGES),
            "v2-queue-num-max-256": case(0, b"", deviate(NUM_MAX_AT, 1, le(256, 2))),
            "v2-queue-num-max-4": case(0, b"", deviate(NUM_MAX_AT, 1, le(4, 2))),
            "v2-queue-num-max-1000-rounded-down": case(0, b"", deviate(NUM_MAX_AT, 1, le(1000, 2))),
        },
        "virtq": {
            "default-indirect-and-event-idx": case(0),
            "default-indirect-no-event-idx": case(VQ_NO_EVENT_IDX),
            "default-event-idx-no-indirect": case(VQ_NO_INDIRECT),
            "default-no-indirect-no-event-idx": case(VQ_NO_INDIRECT | VQ_NO_EVENT_IDX),
            "legacy-default-indirect-and-event-idx": case(VQ_LEGACY),
            "ring-wrap-256-adds-queue-4": case(0, bytes([4]) + v_cycle(256)),
            "ring-wrap-256-adds-queue-4-no-indirect-no-event-idx":
                case(VQ_NO_INDIRECT | VQ_NO_EVENT_IDX, bytes([4]) + v_cycle(256)),
            "legacy-ring-wrap-256-adds-queue-8": case(VQ_LEGACY, bytes([8]) + v_cycle(256)),
            "sixteen-in-flight-indirect-fill-drain": case(0, bytes([0]) + V_FILL + V_DRAIN),
            "five-in-flight-no-indirect-fill-drain":
                case(VQ_NO_INDIRECT, bytes([0]) + V_FILL + V_DRAIN + V_FILL + V_DRAIN),
            "eight-buffer-chains-big-and-small-indirect": case(0, virtq_big_and_small()),
            "eight-buffer-chains-big-and-small-no-indirect": case(VQ_NO_INDIRECT, virtq_big_and_small()),
            "add-wait-every-blk-type": case(0, virtq_add_wait_types()),
            "readable-only-and-writable-only-chains": case(0, virtq_one_sided_chains()),
            "readable-only-and-writable-only-chains-no-indirect":
                case(VQ_NO_INDIRECT, virtq_one_sided_chains()),
            "four-in-flight-used-out-of-order":
                case(0, virtq_four_adds_one_kick(), VIRTQ_OUT_OF_ORDER),
            "kick-batches-no-event-idx-used-flags": case(VQ_NO_EVENT_IDX, virtq_kick_batches()),
            "refetch-mode-default-indirect-and-event-idx": case(REFETCH),
            "packed-default-indirect-and-event-idx": case(PACKED),
            "packed-default-no-indirect-no-event-idx":
                case(PACKED | VQ_NO_INDIRECT | VQ_NO_EVENT_IDX),
            "packed-ring-wrap-256-adds-queue-4": case(PACKED, bytes([4]) + v_cycle(256)),
            "packed-ring-wrap-256-adds-queue-5-odd-size-no-indirect":
                case(PACKED | VQ_NO_INDIRECT, bytes([5]) + v_cycle(256)),
            "packed-sixteen-in-flight-indirect-fill-drain":
                case(PACKED, bytes([0]) + V_FILL + V_DRAIN),
            "packed-eight-buffer-chains-big-and-small-no-indirect":
                case(PACKED | VQ_NO_INDIRECT, virtq_big_and_small()),
            "packed-readable-only-and-writable-only-chains": case(PACKED, virtq_one_sided_chains()),
            "packed-kick-batches-no-event-idx": case(PACKED | VQ_NO_EVENT_IDX, virtq_kick_batches()),
            "packed-refetch-mode-default": case(PACKED | REFETCH),
            "in-order-default-indirect-and-event-idx": case(IN_ORDER),
            "in-order-fill-drain-no-indirect": case(IN_ORDER | VQ_NO_INDIRECT, bytes([0]) + V_FILL + V_DRAIN),
            "packed-in-order-default": case(PACKED | IN_ORDER),
            "packed-in-order-fill-drain": case(PACKED | IN_ORDER, bytes([0]) + V_FILL + V_DRAIN),
        },
        "linux_ring_split": linux_ring_seeds(),
        "linux_ring_packed": linux_ring_packed_seeds(),
        "pci_probe": {
            "pci-driver-assigned-bars-spec-device": case(0),
            "pci-firmware-bars-spec-device": case(1),
            "pci-driver-assigned-bars-layout-decided-spec-values": case(0, b"", PCI_LAYOUT_SPEC_VALUES),
            "pci-firmware-bars-layout-decided-spec-values": case(1, b"", PCI_LAYOUT_SPEC_VALUES),
            "pci-notify-multiplier-0-shared-doorbell": case(0, b"", PCI_NOTIFY_MULT_0),
            "pci-transitional-device-id-0x1001": case(0, b"", PCI_TRANSITIONAL_ID),
            "pci-num-queues-8": case(1, b"", PCI_NUM_QUEUES_8),
        },
        "blk_pci": {
            "pci-notify-multiplier-0-full-workload": case(0, b"", PCI_NOTIFY_MULT_0),
            "pci-refetch-mode-ring-wrap-24-requests": case(REFETCH, blk["ring-wrap-24-requests"]),
        },
    }


def all_seeds():
    """{target: {seed name: bytes}}: the table's seeds and the extras."""
    table = device_table()
    seeds = device_seeds(table)
    for target, extra in extra_seeds(table).items():
        seeds.setdefault(target, {}).update(extra)
    return seeds


def main(argv=None):
    SEEDS = all_seeds()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--force", action="store_true",
                      help="overwrite seed files whose content differs")
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if a seed is missing or differs")
    ap.add_argument("targets", nargs="*", help=f"default: all ({', '.join(SEEDS)})")
    args = ap.parse_args(argv)
    unknown = [t for t in args.targets if t not in SEEDS]
    if unknown:
        ap.error(f"no seeds for {', '.join(unknown)} (known: {', '.join(SEEDS)})")

    plan, conflicts = [], []
    for target in args.targets or SEEDS:
        for name, data in SEEDS[target].items():
            path = CORPUS / target / name
            old = path.read_bytes() if path.exists() else None
            if old == data:
                continue
            if old is not None and not args.force:
                conflicts.append(path)
            plan.append((path, data, old is not None))
    if args.check:
        for path, _, existed in plan:
            print(f"{path.relative_to(ROOT)}: {'differs' if existed else 'missing'}")
        return 1 if plan else 0
    if conflicts:
        for path in conflicts:
            print(f"gen_seeds: {path.relative_to(ROOT)} exists with different content; "
                  "not overwritten (use --force to replace it)", file=sys.stderr)
        return 1
    for path, data, existed in plan:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{'replaced' if existed else 'wrote'} {path.relative_to(ROOT)} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
