# SPDX-License-Identifier: MIT
"""Every device-side sim check (sim/vdev.c, mmio.c, vq.c, pci.c, pci_bar.c,
dev/blk.c) fires on the driver mistake it exists for, with its class and the
key facts of its report, and stays quiet on correct use of each area:
virtio-mmio v1 and v2, virtio-pci, the split-queue engine (direct, indirect,
event idx) and the blk model.

Scenarios live in pytest/progs/device_misuse/, a driver played by hand
register by register; each runs in its own process in record mode.
"""
import pytest

from test_sim_checks import check_report

PROG = "device_misuse"

# scenario -> (class, facts the report's first line must carry, site line)
FIRING = {
    # status handshake and features (vdev.c)
    "status-driver-without-acknowledge": ("status-protocol", ["sets DRIVER without ACKNOWLEDGE", "[status=0x0]", "[written=0x2]"], None),
    "status-features-ok-without-driver": ("status-protocol", ["sets FEATURES_OK without DRIVER", "[status=0x1]", "[written=0x9]"], None),
    "status-features-ok-without-version-1": ("status-protocol", ["without accepting VERSION_1", "[status=0x3]", "[written=0xb]"], None),
    "status-features-ok-without-version-1-pci": ("status-protocol", ["without accepting VERSION_1", "[written=0xb]"], None),
    "status-driver-ok-without-driver": ("status-protocol", ["sets DRIVER_OK without DRIVER", "[status=0x1]", "[written=0x5]"], None),
    "status-driver-ok-before-features-ok": ("status-protocol", ["sets DRIVER_OK before FEATURES_OK", "[status=0x3]", "[written=0x7]"], None),
    "status-driver-ok-after-features-refused": ("status-protocol", ["after the device refused FEATURES_OK", "[status=0x3]", "[written=0x7]"], None),
    # a refusal holds until reset: writing FEATURES_OK again does not undo it
    "status-driver-ok-over-features-refused": ("status-protocol", ["after the device refused FEATURES_OK", "[status=0x3]", "[written=0xf]"], None),
    "status-bits-cleared": ("status-protocol", ["clears device status bits without a reset", "[status=0xb]", "[written=0x3]"], None),
    "status-bits-cleared-pci": ("status-protocol", ["clears device status bits without a reset", "[status=0xb]", "[written=0x3]"], None),
    "features-before-driver": ("status-protocol", ["writes features before setting DRIVER", "[status=0x1]", "[word=0]"], None),
    "features-after-features-ok": ("status-protocol", ["writes features after FEATURES_OK", "[status=0xb]", "[word=1]", "[value=0x1]"], None),
    "features-after-driver-ok-legacy": ("status-protocol", ["writes features after DRIVER_OK", "[status=0x7]", "[word=0]"], None),
    "features-not-offered": ("status-protocol", ["accepts features the device did not offer", "[word=0]", "[offered=0x30000040]", "[accepted=0x20]"], None),
    "features-not-offered-pci": ("status-protocol", ["did not offer", "[offered=0x30000040]", "[accepted=0x20]"], None),
    # device config space (vdev.c)
    "config-write-read-only": ("status-protocol", ["writes a read-only config field", "[offset=0x0]", "[width=4]", "[value=0x5]"], None),
    "config-write-read-only-pci": ("status-protocol", ["writes a read-only config field", "[offset=0x0]", "[value=0x5]"], None),
    "config-past-end": ("mmio-access-outside", ["past the end of the device config space", "[offset=0x60]", "[width=4]", "[config_len=0x60]"], None),
    "config-field-width": ("mmio-wrong-width", ["reads a 4-byte config field with a 1-byte access", "[offset=0x14]"], None),
    "config-field-width-pci": ("mmio-wrong-width", ["reads a 4-byte config field with a 1-byte access", "[offset=0x14]"], None),
    "config-8-byte-access": ("mmio-wrong-width", ["config space with a 8-byte access", "[offset=0x0]"], None),
    "config-misaligned": ("mmio-misaligned", ["reads config space misaligned", "[offset=0x2]", "[width=4]"], None),
    # queue set-up (vdev.c, legacy PFN in mmio.c)
    "queue-size-zero": ("queue-config", ["enables a queue of size 0", "[queue=0]", "[num=0x0]"], None),
    "queue-size-zero-legacy": ("queue-config", ["enables a queue of size 0", "[queue=0]", "[num=0x0]"], None),
    "queue-size-not-power-of-2": ("queue-config", ["not a power of two", "[queue=0]", "[num=0x6]"], None),
    "queue-size-not-power-of-2-pci": ("queue-config", ["not a power of two", "[queue=0]", "[num=0x6]"], None),
    "queue-size-above-max": ("queue-config", ["above QueueNumMax", "[queue=0]", "[num=0x200]"], None),
    "queue-max-zero": ("queue-config", ["maximum size is 0", "[queue=1]", "[num=0x8]"], None),
    "queue-does-not-exist": ("queue-config", ["a queue the device does not have", "[queue=8]"], None),
    "queue-does-not-exist-legacy": ("queue-config", ["a queue the device does not have", "[queue=8]"], None),
    "queue-desc-misaligned": ("queue-config", ["descriptor table not 16-byte aligned", "[queue=0]", "[desc=0x80000008]"], None),
    "queue-avail-misaligned": ("queue-config", ["available ring not 2-byte aligned", "[avail=0x80000081]"], None),
    "queue-used-misaligned": ("queue-config", ["used ring not 4-byte aligned", "[used=0x80001002]"], None),
    "queue-used-misaligned-pci": ("queue-config", ["used ring not 4-byte aligned", "[used=0x80001002]"], None),
    "queue-area-wraps": ("queue-config", ["wraps the address space", "[desc=0xfffffffffffffff0]"], None),
    "queue-enable-before-features-ok": ("status-protocol", ["enables a queue before feature negotiation ends", "[queue=0]", "[status=0x3]"], None),
    "queue-enable-before-driver-legacy": ("status-protocol", ["enables a queue before feature negotiation ends", "[status=0x1]"], None),
    "queue-change-while-enabled": ("status-protocol", ["changes queue set-up while the queue is enabled", "[queue=0]", "[register=QueueNum]"], None),
    "queue-change-after-driver-ok": ("status-protocol", ["changes queue set-up after DRIVER_OK", "[queue=0]", "[register=QueueNum]"], None),
    "queue-change-after-driver-ok-pci": ("status-protocol", ["changes queue set-up after DRIVER_OK", "[register=common.queue_desc_lo]"], None),
    "legacy-pfn-without-page-size": ("queue-config", ["QueuePFN without a power-of-two GuestPageSize", "[queue=0]", "[page_size=0]"], None),
    "legacy-page-size-not-power-of-2": ("queue-config", ["QueuePFN without a power-of-two GuestPageSize", "[page_size=3000]"], None),
    "legacy-pfn-without-queue-align": ("queue-config", ["QueuePFN without a power-of-two QueueAlign", "[queue=0]", "[align=0]"], None),
    "notify-before-driver-ok": ("status-protocol", ["notifies a queue before DRIVER_OK", "[queue=0]", "[status=0xb]"], None),
    "notify-unready-queue": ("status-protocol", ["notifies a queue it has not enabled", "[queue=1]"], None),
    # virtio-mmio register file (mmio.c; misaligned also by the core)
    "mmio-register-16-bit": ("mmio-wrong-width", ["2-byte access, not 32-bit", "[offset=0x70]"], None),
    "mmio-register-8-bit-write": ("mmio-wrong-width", ["1-byte access, not 32-bit", "[offset=0x70]"], None),
    "mmio-register-64-bit": ("mmio-wrong-width", ["8-byte access, not 32-bit", "[offset=0x80]"], None),
    "mmio-register-misaligned": ("mmio-misaligned", ["[paddr=0x10000072]", "[width=4]", "[access=read]"], None),
    "mmio-register-misaligned-window": ("mmio-misaligned", ["virtio-mmio register misaligned", "[offset=0x72]", "[width=4]"], None),
    "mmio-read-write-only": ("status-protocol", ["reads a write-only register", "[register=QueueSel]", "[offset=0x30]"], None),
    "mmio-write-read-only": ("status-protocol", ["writes a read-only register", "[register=MagicValue]", "[offset=0x0]"], None),
    "mmio-no-register": ("mmio-access-outside", ["offset with no register", "[offset=0x18]", "[version=2]"], None),
    "mmio-no-register-write": ("mmio-access-outside", ["offset with no register", "[offset=0xc0]", "[version=1]"], None),
    "mmio-legacy-register-on-v2": ("mmio-access-outside", ["offset with no register", "[offset=0x28]", "[version=2]"], None),
    "mmio-v2-register-on-legacy": ("mmio-access-outside", ["offset with no register", "[offset=0x44]", "[version=1]"], None),
    # avail ring and descriptor chains (vq.c), requests (dev/blk.c)
    "avail-idx-jump": ("avail-idx-jump", ["[queue=0]", "[avail_idx=9]", "[last_seen=0]", "[size=8]"], None),
    "avail-head-out-of-range": ("desc-next-out-of-range", ["head available past the descriptor table", "[head=8]", "[size=8]"], None),
    "chain-loop": ("desc-loop", ["[head=0]", "[steps=9]", "[table_size=8]"], None),
    "chain-loop-legacy": ("desc-loop", ["[head=0]", "[steps=9]", "[table_size=8]"], None),
    "chain-loop-pci": ("desc-loop", ["[head=0]", "[steps=9]", "[table_size=8]"], None),
    "chain-loop-indirect": ("desc-loop", ["[head=0]", "[steps=3]", "[table_size=2]"], None),
    "chain-next-out-of-range": ("desc-next-out-of-range", ["past the end of its table", "[next=8]", "[table_size=8]"], None),
    "chain-next-out-of-range-indirect": ("desc-next-out-of-range", ["past the end of its table", "[next=2]", "[table_size=2]"], None),
    "indirect-nested": ("desc-malformed", ["indirect descriptor inside an indirect table", "[index=0]"], None),
    "indirect-not-negotiated": ("desc-malformed", ["without negotiating RING_INDIRECT_DESC", "[flags=4]"], None),
    "indirect-with-next": ("desc-malformed", ["both INDIRECT and NEXT", "[flags=5]"], None),
    "indirect-len-not-multiple-of-16": ("desc-malformed", ["not a non-zero multiple of 16", "[len=24]"], None),
    "indirect-len-zero": ("desc-malformed", ["not a non-zero multiple of 16", "[len=0]"], None),
    "chain-readable-after-writable": ("desc-malformed", ["device-readable descriptor after a writable one", "[index=1]", "[flags=0]"], None),
    "chain-longer-than-queue": ("desc-malformed", ["chain longer than the queue size", "[buffers=9]", "[size=8]"], None),
    "chain-over-4gib": ("desc-malformed", ["longer than 4 GiB", "[index=1]", "[bytes=4294967296]"], None),
    "blk-request-without-status": ("desc-malformed", ["blk request without a 16-byte header and a status byte", "[readable=16]", "[writable=0]"], None),
    "blk-request-short-header": ("desc-malformed", ["blk request without a 16-byte header", "[readable=8]", "[writable=1]"], None),
    # the device, sent by a descriptor or queue address (core checks, mem.c)
    "desc-buffer-unowned": ("device-access-unowned", ["[paddr=0x80100000]", "[len=16]", "[access=read]"], None),
    "desc-write-read-only-share": ("device-write-read-only", ["[paddr=0x80006000]", "[len=512]", "[dir=DriverToDevice]"], "shared at: #4 desc_write_read_only"),
    "queue-used-ring-unowned": ("device-access-unowned", ["[paddr=0x80100004]", "[len=8]", "[access=write]"], None),
    # virtio-pci config space (pci.c) and BAR (pci_bar.c)
    "pci-ecam-read-64-bit": ("mmio-wrong-width", ["reads PCI config space with an 8-byte access", "[offset=0x0]"], None),
    "pci-ecam-write-64-bit": ("mmio-wrong-width", ["writes PCI config space with an 8-byte access", "[offset=0x20]"], None),
    "pci-bar-memory-disabled": ("mmio-access-outside", ["reads PCI memory that no enabled BAR decodes", "[paddr=0x10c00014]", "[width=1]"], None),
    "pci-bar-unassigned-write": ("mmio-access-outside", ["writes PCI memory that no enabled BAR decodes", "[paddr=0x10c00014]", "[width=1]"], None),
    "pci-common-wrong-width": ("mmio-wrong-width", ["common config field at the wrong width", "[bar_offset=0x4]", "[width=2]"], None),
    "pci-common-64-bit-field-as-64": ("mmio-wrong-width", ["common config field at the wrong width", "[bar_offset=0x20]", "[width=8]"], None),
    "pci-common-past-last-field": ("mmio-access-outside", ["common config past its last field", "[bar_offset=0x3c]", "[width=2]"], None),
    "pci-common-write-read-only": ("status-protocol", ["writes a read-only register", "[register=common.num_queues]", "[bar_offset=0x12]", "[value=0x4]"], None),
    "pci-common-write-device-feature": ("status-protocol", ["writes a read-only register", "[register=common.device_feature]", "[bar_offset=0x4]"], None),
    "pci-isr-wrong-width": ("mmio-wrong-width", ["ISR other than as one byte", "[bar_offset=0x1000]", "[width=4]"], None),
    "pci-isr-write": ("status-protocol", ["writes the read-only ISR", "[bar_offset=0x1000]", "[width=1]"], None),
    "pci-bar-outside-regions-read": ("mmio-access-outside", ["reads a BAR offset outside every virtio region", "[bar_offset=0x2060]", "[width=4]"], None),
    "pci-bar-outside-regions-write": ("mmio-access-outside", ["writes a BAR offset outside every virtio region", "[bar_offset=0x2064]"], None),
    "pci-notify-wrong-width": ("mmio-wrong-width", ["notifies with an access not 16 bits wide", "[bar_offset=0x3000]", "[width=4]"], None),
    "pci-notify-wrong-address": ("status-protocol", ["notifies a queue at another notify address", "[queue=0]", "[notify_offset=0x4]"], None),
    "pci-notify-before-driver-ok": ("status-protocol", ["notifies a queue before DRIVER_OK", "[queue=0]", "[status=0xb]"], None),
    "pci-queue-enable-0": ("status-protocol", ["queue_enable with a value other than 1", "[queue=0]", "[value=0x0]"], None),
    "pci-queue-reset": ("status-protocol", ["resets a queue without VIRTIO_F_RING_RESET", "[queue=0]"], None),
}

# correct use, per area: no finding, and the device answers as the spec says
QUIET = [
    "ok-mmio-v2-registers",
    "ok-mmio-v1-registers",
    "ok-mmio-v2-io",
    "ok-mmio-v2-io-indirect",
    "ok-mmio-v1-io",
    "ok-mmio-v2-queue-reprogram",
    "ok-mmio-v1-queue-reprogram",
    "ok-pci",
    "ok-pci-assign-bar",
    "ok-pci-queue-reprogram",
    "ok-pci-layout-lie",
    "ok-blk-disk-restored",
    "ok-vq-chains",
    "ok-vq-event-idx",
    "ok-vq-event-idx-pci",
    "ok-vq-no-interrupt-flag",
    "ok-vq-deferred-completion",
    "ok-vq-out-of-order",
    "ok-needs-reset",
    "ok-needs-reset-pci",
    "ok-device-lies",
    "ok-device-lies-num-max",
    "ok-features-refused",
]


@pytest.mark.parametrize("scenario", sorted(FIRING))
def test_device_check_fires_on_misuse(run_prog, scenario):
    cls, facts, site = FIRING[scenario]
    r = run_prog(PROG, scenario)
    assert r.returncode == 0, f"exit {r.returncode}:\n{r.stdout}\n{r.stderr}"
    assert r.stdout.strip() == f"findings=1 last={cls}", (
        f"expected exactly one {cls}, got {r.stdout.strip()!r}:\n{r.stderr}")
    check_report(r.stderr, cls, facts, site)


@pytest.mark.parametrize("scenario", QUIET)
def test_device_check_stays_quiet_on_correct_use(run_prog, scenario):
    r = run_prog(PROG, scenario)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stdout}\n{r.stderr}"
    assert r.stdout.strip() == "findings=0 last=none", r.stdout + r.stderr
    assert "FINDING" not in r.stderr


def test_every_scenario_has_a_test(run_prog):
    r = run_prog(PROG, "--list")
    assert r.returncode == 0, r.stderr
    listed = set(r.stdout.split())
    tested = set(FIRING) | set(QUIET)
    assert listed - tested == set(), f"scenarios without a test: {sorted(listed - tested)}"
    assert tested - listed == set(), f"tests without a scenario: {sorted(tested - listed)}"


def test_unknown_scenario_is_a_clear_error(run_prog):
    r = run_prog(PROG, "no-such-scenario")
    assert r.returncode == 2
    assert "unknown scenario 'no-such-scenario'" in r.stderr


@pytest.mark.parametrize("device", ["blk", "rng", "console"])
def test_needs_reset_is_met_only_when_the_flags_allow_it(run_prog, device):
    """vdev.needs_reset (flags bit 4, FUZZ_F_NEEDS_RESET): the device stops
    at its first notification and the real driver fails its calls without
    a finding; without the bit the point is never met and inputs keep their
    meaning."""
    args = [f"--device={device}", "--transport=mmio2", "--script=vdev.needs_reset@1=1"]
    on = run_prog("device_scenario", *args, "--flags=0x10")
    off = run_prog("device_scenario", *args, "--flags=0")
    for r in (on, off):
        assert r.returncode == 0 and "FINDINGS 0" in r.stdout, r.stdout + r.stderr
    assert " failed=0 " not in on.stderr, f"nothing failed in the error state:\n{on.stderr}"
    assert " failed=0 " in off.stderr, f"the point was met without the flag:\n{off.stderr}"
