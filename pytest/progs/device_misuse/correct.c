/* SPDX-License-Identifier: MIT */
/*
 * device_misuse scenarios: correct use ("ok-"), which must raise no finding
 * and see the device answer as the spec says.
 */
#include <string.h>

#include "hand.h"
#include "sim/decide.h"
#include "sim/sim.h"
#include "sim/vdev.h"
#include "virtio/access.h"

/* ---- correct use ------------------------------------------------------------ */

/* Every readable register read, every writable one written, at 32 bits. */
static int ok_mmio_registers(void)
{
	uint32_t v2 = tp == MMIO2;

	EXPECT(rd(VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC, "magic");
	EXPECT(rd(VIRTIO_MMIO_VERSION) == (uint32_t)tp, "version");
	EXPECT(rd(VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK, "device id");
	EXPECT(rd(VIRTIO_MMIO_VENDOR_ID) == SIM_MMIO_VENDOR, "vendor");
	EXPECT(!(features_get() & F_V1) == !v2, "VERSION_1 offered iff modern");
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_NUM_MAX) == SIM_BLK_DEFAULT_QUEUE_MAX, "num max");
	if (v2) {
		EXPECT(rd(VIRTIO_MMIO_QUEUE_READY) == 0, "queue ready");
		wr(0x0ac, 0); /* SHMSel */
		EXPECT(rd(0x0b0) == 0xffffffffu && rd(0x0b4) == 0xffffffffu,
		       "no shared memory");
		(void)rd(0x0b8);
		(void)rd(0x0bc);
		(void)rd(VIRTIO_MMIO_CONFIG_GENERATION);
	} else {
		EXPECT(rd(VIRTIO_MMIO_QUEUE_PFN) == 0, "pfn");
	}
	EXPECT(isr() == 0, "isr");
	bring_up(0);
	EXPECT(status_get() == (v2 ? 0xf : 0x7), "status");
	status_set(0);
	return 0;
}

/* The blk workload: write, read back (direct or indirect), get_id, flush,
 * unknown type, past capacity; checks data, used entries, status bytes. */
static int blk_io(bool indirect)
{
	uint8_t back[1024];
	unsigned n = 0;

	EXPECT(virtio_read32(config()) == SIM_BLK_DEFAULT_SECTORS, "capacity");
	EXPECT(virtio_read32(config() + VIRTIO_BLK_CFG_BLK_SIZE) == 512, "blk_size");
	memset(drv.buf + DATA, 0xa5, 1024);
	blk_request(VIRTIO_BLK_T_OUT, 3, 1024);
	EXPECT(used_idx() == ++n && used_id(0) == 0 && used_len(0) == 1,
	       "write: used idx=%u id=%u len=%u", used_idx(), used_id(0), used_len(0));
	EXPECT(drv.buf[STATUS] == VIRTIO_BLK_S_OK, "write status %u", drv.buf[STATUS]);
	EXPECT(sim_blk_disk_read(blk, 3, back, 1024) == 0 && back[0] == 0xa5 &&
	       back[1023] == 0xa5, "disk after write");
	EXPECT(isr() & 1, "no used-ring interrupt after write");
	memset(drv.buf + DATA, 0, 1024);
	blk_header(VIRTIO_BLK_T_IN, 2);
	if (indirect) {
		desc(drv.buf + ITAB, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
		desc(drv.buf + ITAB, 1, drv.buf_pa + DATA, 1024,
		     VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
		desc(drv.buf + ITAB, 2, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
		desc(NULL, 0, drv.buf_pa + ITAB, 48, VIRTQ_DESC_F_INDIRECT, 0);
		make_avail(0);
	} else {
		blk_request(VIRTIO_BLK_T_IN, 2, 1024);
	}
	EXPECT(used_idx() == ++n && used_len(1) == 1025, "read: used len %u",
	       used_len(1));
	EXPECT(drv.buf[DATA] == sim_blk_pattern(2, 0) &&
	       drv.buf[DATA + 511] == sim_blk_pattern(2, 511) &&
	       drv.buf[DATA + 512] == 0xa5, "read data");
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(used_len(n++) == 21 && !memcmp(drv.buf + DATA, "vfuzz-blk", 10) &&
	       drv.buf[STATUS] == 0, "get_id");
	blk_request(VIRTIO_BLK_T_FLUSH, 0, 0);
	n++;
	EXPECT(drv.buf[STATUS] == VIRTIO_BLK_S_UNSUPP, "flush without F_FLUSH");
	blk_request(77, 0, 0);
	n++;
	EXPECT(drv.buf[STATUS] == VIRTIO_BLK_S_UNSUPP, "unknown type");
	blk_request(VIRTIO_BLK_T_IN, SIM_BLK_DEFAULT_SECTORS - 1, 1024);
	EXPECT(drv.buf[STATUS] == VIRTIO_BLK_S_IOERR && used_len(n++) == 1,
	       "read past capacity");
	EXPECT(used_idx() == n, "used idx %u, want %u", used_idx(), n);
	EXPECT(sim_decide_consumed() == 0, "the empty input consumed bytes");
	return 0;
}

static int ok_io(void) { bring_up(0); if (blk_io(false)) return 1; status_set(0); return 0; }
static int ok_io_indirect(void)
{
	EXPECT(bring_up(F_INDIRECT) & F_INDIRECT, "indirect offered");
	if (blk_io(true))
		return 1;
	status_set(0);
	return 0;
}

/* Longest legal chains: QSIZE ring descriptors, QSIZE indirect entries; the
 * header split over two descriptors and data sharing the status's buffer
 * (2.6.4: no framing assumption); 3 laps of the rings. */
static int ok_chains(void)
{
	bring_up(F_INDIRECT);
	for (unsigned lap = 0; lap < 3 * QSIZE; lap++) {
		uint16_t n0 = used_idx();

		blk_header(VIRTIO_BLK_T_IN, lap);
		if (lap % 3 == 0) {
			desc(NULL, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
			for (unsigned i = 1; i < QSIZE - 1; i++)
				desc(NULL, i, drv.buf_pa + DATA + 512 * (i - 1), 512,
				     VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
				     (uint16_t)(i + 1));
			desc(NULL, QSIZE - 1, drv.buf_pa + STATUS, 1,
			     VIRTQ_DESC_F_WRITE, 0);
		} else if (lap % 3 == 1) {
			uint8_t *t = drv.buf + ITAB;

			desc(t, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
			for (unsigned i = 1; i < QSIZE - 1; i++)
				desc(t, i, drv.buf_pa + DATA + 512 * (i - 1), 512,
				     VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
				     (uint16_t)(i + 1));
			desc(t, QSIZE - 1, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
			desc(NULL, 0, drv.buf_pa + ITAB, 16 * QSIZE,
			     VIRTQ_DESC_F_INDIRECT, 0);
		} else {
			desc(NULL, 0, drv.buf_pa + HDR, 10, VIRTQ_DESC_F_NEXT, 1);
			desc(NULL, 1, drv.buf_pa + HDR + 10, 6, VIRTQ_DESC_F_NEXT, 2);
			/* 512 data bytes and the status byte in one buffer */
			desc(NULL, 2, drv.buf_pa + DATA, 513, VIRTQ_DESC_F_WRITE, 0);
		}
		make_avail(0);
		EXPECT(used_idx() == (uint16_t)(n0 + 1) && used_id(n0) == 0,
		       "lap %u: used idx %u id %u", lap, used_idx(), used_id(n0));
		EXPECT(drv.buf[DATA] == sim_blk_pattern(lap, 0), "lap %u: data", lap);
		EXPECT(lap % 3 != 2 || drv.buf[DATA + 512] == VIRTIO_BLK_S_OK,
		       "lap %u: status in the data buffer", lap);
	}
	status_set(0);
	return 0;
}

/* 2.7.10: avail_event follows the driver; used_event suppresses interrupts. */
static int ok_event_idx(void)
{
	EXPECT(bring_up(F_EVENT_IDX) & F_EVENT_IDX, "event idx offered");
	virtio_put_le16(AVAIL + 4 + 2 * QSIZE, 0); /* used_event: after the first */
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(avail_event() == 1, "avail_event %u", avail_event());
	EXPECT(isr() & 1, "interrupt for used_event 0");
	virtio_put_le16(AVAIL + 4 + 2 * QSIZE, 2); /* wake me once entry 2 is used */
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(!(isr() & 1), "interrupt before used_event");
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(isr() & 1, "no interrupt when entry used_event was used");
	virtio_put_le16(AVAIL + 4 + 2 * QSIZE, 10);
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(!(isr() & 1), "interrupt long before used_event");
	EXPECT(avail_event() == 4 && used_idx() == 4, "avail_event %u used %u",
	       avail_event(), used_idx());
	status_set(0);
	return 0;
}

static int ok_no_interrupt_flag(void)
{
	bring_up(0);
	virtio_put_le16(AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(used_idx() == 1 && !(isr() & 1), "interrupt despite NO_INTERRUPT");
	status_set(0);
	return 0;
}

/* Queue set-up changed while allowed: disabled before DRIVER_OK, after a
 * reset; reading registers in between is always fine. */
static int ok_queue_reprogram(void)
{
	negotiate(F_V1);
	queue_up();
	if (is_pci()) {
		EXPECT(c16(CC(QUEUE_ENABLE)) == 1, "queue_enable reads 1");
		status_set(0); /* 4.1.4.3.2: disabling is a reset */
		negotiate(F_V1);
	} else if (legacy()) {
		EXPECT(rd(VIRTIO_MMIO_QUEUE_PFN) != 0, "QueuePFN reads back");
		wr(VIRTIO_MMIO_QUEUE_PFN, 0);
	} else {
		EXPECT(rd(VIRTIO_MMIO_QUEUE_READY) == 1, "QueueReady reads 1");
		wr(VIRTIO_MMIO_QUEUE_READY, 0);
	}
	queue_program(0, 4, drv.ring_pa, AVAIL_PA, drv.used_pa);
	queue_program(0, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa);
	queue_enable(0);
	status_set(0xf);
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	status_set(0);
	drv.avail_idx = 0;
	memset(drv.used, 0, 4096);
	bring_up(0);
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(used_idx() == 1, "after reset: used idx %u", used_idx());
	status_set(0);
	return 0;
}

static int ok_legacy(void)
{
	uint64_t cap = 0;

	bring_up(F_INDIRECT | F_EVENT_IDX);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_PFN) == (uint32_t)(drv.ring_pa >> 12), "pfn");
	/* legacy config may be read bytewise or 64-bit (no 4.2.2.2 rule) */
	for (unsigned i = 0; i < 8; i++)
		cap |= (uint64_t)virtio_read8(config() + i) << (8 * i);
	EXPECT(cap == SIM_BLK_DEFAULT_SECTORS && virtio_read64(config()) == cap,
	       "capacity %llu", (unsigned long long)cap);
	if (blk_io(true))
		return 1;
	EXPECT(avail_event() == 6, "legacy avail_event %u", avail_event());
	status_set(0);
	return 0;
}

/* The device lies as scripted; the driver notices. No finding. */
static int ok_num_max_lie(void)
{
	negotiate(F_V1);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_NUM_MAX) == 3, "num_max lie");
	status_set(0); /* not a power of two: the driver gives up */
	return 0;
}

static int ok_device_lies(void)
{
	bring_up(0);
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	EXPECT(drv.buf[STATUS] == 1, "status lie");
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	EXPECT(used_len(1) == 4096, "used len lie");
	status_set(0);
	return 0;
}

static int ok_features_refused(void)
{
	negotiate(F_V1);
	EXPECT(!(status_get() & VIRTIO_STATUS_FEATURES_OK), "FEATURES_OK refused");
	status_set(status_get() | VIRTIO_STATUS_FAILED);
	status_set(0);
	return 0;
}

static int ok_deferred(void)
{
	uint16_t before;

	bring_up(0);
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	before = used_idx();
	(void)virtio_load_le16(drv.used + 2); /* the driver polls */
	EXPECT(before == 0 && used_idx() == 1, "defer: before %u after %u", before,
	       used_idx());
	status_set(0);
	return 0;
}

/* vdev.needs_reset: the device enters its error state at a notification
 * (status bit, config interrupt, nothing served) until the driver resets
 * it; then it serves again. */
static int ok_needs_reset(void)
{
	sim_vdev_allow_needs_reset(&blk->dev, true);
	bring_up(0);
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	EXPECT(used_idx() == 0, "served in the error state");
	EXPECT(status_get() == (0xf | VIRTIO_STATUS_DEVICE_NEEDS_RESET),
	       "status 0x%x", status_get());
	EXPECT(isr() & VIRTIO_MMIO_INT_CONFIG, "no config interrupt");
	status_set(0);
	EXPECT(status_get() == 0, "reset leaves status 0x%x", status_get());
	memset(drv.ring, 0, 4096);
	memset(drv.used, 0, 4096);
	drv.avail_idx = 0;
	bring_up(0);
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	EXPECT(used_idx() == 1 && used_len(0) == 513 && status_get() == 0xf,
	       "after reset: used idx %u status 0x%x", used_idx(), status_get());
	status_set(0);
	return 0;
}

static int ok_out_of_order(void)
{
	bring_up(0);
	blk_header(VIRTIO_BLK_T_GET_ID, 0);
	desc(NULL, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	desc(NULL, 2, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 3);
	desc(NULL, 3, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(0);
	make_avail(2);
	EXPECT(used_idx() == 2 && used_id(0) == 2 && used_id(1) == 0,
	       "order: idx %u ids %u %u", used_idx(), used_id(0), used_id(1));
	status_set(0);
	return 0;
}

/* Once the capabilities lie, the driver goes where it was told: an access
 * outside every region the device decodes is then not the driver's fault.
 * (Script: common config only 0x20 bytes long.) */
static int ok_pci_layout_lie(void)
{
	EXPECT(c32(CC(QUEUE_DESC)) == 0, "undecoded BAR offset reads 0");
	w32(CC(QUEUE_DESC), 0);
	(void)c32(SIM_PCI_DEVICE_OFF + SIM_BLK_CONFIG_LEN);
	return 0;
}

/* The next iteration's disk is fresh again: sim_blk_create restores the
 * sectors the last one wrote. */
static int ok_disk_restored(void)
{
	uint8_t back[2];

	bring_up(0);
	memset(drv.buf + DATA, 0xa5, 512);
	blk_request(VIRTIO_BLK_T_OUT, 3, 512);
	EXPECT(sim_blk_disk_read(blk, 3, back, 2) == 0 && back[1] == 0xa5,
	       "write did not land");
	status_set(0);
	teardown();
	sim_audit();
	sim_reset(NULL, 0);
	setup(tp, SIM_MMIO_BASE);
	EXPECT(sim_blk_disk_read(blk, 3, back, 2) == 0 &&
	       back[1] == sim_blk_pattern(3, 1), "disk not restored");
	return 0;
}

/* PCI: enumerate, (size and assign the BAR), walk the capabilities, use
 * the pci_cfg window, bring up, I/O, reset. */
static int ok_pci(void)
{
	unsigned p, seen = 0;

	EXPECT(virtio_read16(ecam + PCI_VENDOR_ID) == VIRTIO_PCI_VENDOR_ID, "vendor");
	EXPECT(virtio_read16(ecam + PCI_DEVICE_ID) ==
	       VIRTIO_PCI_DEVICE_ID_MODERN + VIRTIO_ID_BLOCK, "device id");
	EXPECT(virtio_read32(ecam + 0x100 * 16) == 0xffffffffu, "function 1 answers");
	if (tp == PCI_NOFW) {
		volatile uint8_t *bar = ecam + PCI_BASE_ADDRESS_0 + 4 * SIM_PCI_BAR;

		virtio_write32(bar, 0xffffffffu);
		EXPECT((virtio_read32(bar) & ~0xfu) == ~(SIM_PCI_BAR_SIZE - 1u),
		       "BAR size mask 0x%x", virtio_read32(bar));
		virtio_write32(bar + 4, 0xffffffffu);
		EXPECT(virtio_read32(bar + 4) == 0xffffffffu, "BAR high mask");
		virtio_write32(bar, (uint32_t)SIM_PCI_MEM_BASE);
		virtio_write32(bar + 4, (uint32_t)(SIM_PCI_MEM_BASE >> 32));
		virtio_write16(ecam + PCI_COMMAND,
			       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
		win = map(SIM_PCI_MEM_BASE, SIM_PCI_BAR_SIZE);
	}
	EXPECT(virtio_read16(ecam + PCI_STATUS) & PCI_STATUS_CAP_LIST, "cap list");
	for (p = virtio_read8(ecam + PCI_CAPABILITY_LIST); p;
	     p = virtio_read8(ecam + p + VIRTIO_PCI_CAP_NEXT)) {
		uint8_t t = virtio_read8(ecam + p + VIRTIO_PCI_CAP_CFG_TYPE);

		EXPECT(seen++ < 8, "capability list does not end");
		(void)virtio_read8(ecam + p + VIRTIO_PCI_CAP_BAR);
		(void)virtio_read32(ecam + p + VIRTIO_PCI_CAP_OFFSET);
		(void)virtio_read32(ecam + p + VIRTIO_PCI_CAP_LENGTH);
		if (t == VIRTIO_PCI_CAP_NOTIFY_CFG)
			EXPECT(virtio_read32(ecam + p + VIRTIO_PCI_NOTIFY_CAP_MULT) ==
			       SIM_PCI_NOTIFY_MULT, "notify multiplier");
		if (t == VIRTIO_PCI_CAP_PCI_CFG) { /* 4.1.4.9: num_queues via the window */
			virtio_write8(ecam + p + VIRTIO_PCI_CAP_BAR, SIM_PCI_BAR);
			virtio_write32(ecam + p + VIRTIO_PCI_CAP_OFFSET,
				       SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_NUM_QUEUES);
			virtio_write32(ecam + p + VIRTIO_PCI_CAP_LENGTH, 2);
			EXPECT((virtio_read32(ecam + p + VIRTIO_PCI_CFG_CAP_DATA) &
				0xffff) == 1, "num_queues through pci_cfg");
		}
	}
	EXPECT(seen == 5, "%u capabilities", seen);
	negotiate(F_V1 | F_EVENT_IDX);
	EXPECT(status_get() == 0xb, "FEATURES_OK kept");
	EXPECT(c16(CC(NUM_QUEUES)) == 1, "num_queues");
	(void)c16(CC(MSIX_CONFIG));
	w16(CC(MSIX_CONFIG), VIRTIO_MSI_NO_VECTOR);
	(void)c8(CC(CONFIG_GENERATION));
	w16(CC(QUEUE_SELECT), 0);
	EXPECT(c16(CC(QUEUE_SIZE)) == SIM_BLK_DEFAULT_QUEUE_MAX, "queue size max");
	EXPECT(c16(CC(QUEUE_NOTIFY_OFF)) == 0, "notify off");
	w16(CC(QUEUE_MSIX_VECTOR), VIRTIO_MSI_NO_VECTOR);
	(void)c16(CC(QUEUE_MSIX_VECTOR));
	queue_program(0, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa);
	EXPECT(c32(CC(QUEUE_DESC)) == (uint32_t)drv.ring_pa &&
	       c32(CC(QUEUE_DEVICE) + 4) == (uint32_t)(drv.used_pa >> 32), "queue addrs");
	queue_enable(0);
	status_set(0xf);
	(void)c32(CC(DRIVER_FEATURE));
	(void)c16(CC(QUEUE_NOTIFY_DATA));
	(void)c16(CC(QUEUE_RESET));
	(void)c32(SIM_PCI_NOTIFY_OFF); /* notify addresses read as 0 */
	if (blk_io(false))
		return 1;
	EXPECT(avail_event() == 6, "avail_event %u", avail_event());
	status_set(0);
	return 0;
}

/* ---- the table ------------------------------------------------------------ */

const struct scenario correct_scenarios[] = {
	{ "ok-mmio-v2-registers", MMIO2, ok_mmio_registers, 0, 0 },
	{ "ok-mmio-v1-registers", MMIO1, ok_mmio_registers, 0, 0 },
	{ "ok-mmio-v2-io", MMIO2, ok_io, 0, 0 },
	{ "ok-mmio-v2-io-indirect", MMIO2, ok_io_indirect, 0, 0 },
	{ "ok-mmio-v1-io", MMIO1, ok_legacy, 0, 0 },
	{ "ok-mmio-v2-queue-reprogram", MMIO2, ok_queue_reprogram, 0, 0 },
	{ "ok-mmio-v1-queue-reprogram", MMIO1, ok_queue_reprogram, 0, 0 },
	{ "ok-pci", PCI, ok_pci, 0, 0 },
	{ "ok-pci-assign-bar", PCI_NOFW, ok_pci, 0, 0 },
	{ "ok-pci-queue-reprogram", PCI, ok_queue_reprogram, 0, 0 },
	{ "ok-pci-layout-lie", PCI, ok_pci_layout_lie, "pci.layout@1=1,pci.length@1=0x20", 0 },
	{ "ok-blk-disk-restored", MMIO2, ok_disk_restored, 0, 0 },
	{ "ok-vq-chains", MMIO2, ok_chains, 0, 0 },
	{ "ok-vq-event-idx", MMIO2, ok_event_idx, 0, 0 },
	{ "ok-vq-event-idx-pci", PCI, ok_event_idx, 0, 0 },
	{ "ok-vq-no-interrupt-flag", MMIO2, ok_no_interrupt_flag, 0, 0 },
	{ "ok-device-lies", MMIO2, ok_device_lies, "blk.status@1=1,vq.used_len@2=4096", 0 },
	{ "ok-device-lies-num-max", MMIO2, ok_num_max_lie, "vdev.num_max@1=3", 0 },
	{ "ok-features-refused", MMIO2, ok_features_refused, "vdev.features_ok@1=1", 0 },
	{ "ok-vq-deferred-completion", MMIO2, ok_deferred, "vq.defer@1=1", 0 },
	{ "ok-vq-out-of-order", MMIO2, ok_out_of_order, "vq.defer@1=1,vq.order@1=1", 0 },
	{ "ok-needs-reset", MMIO2, ok_needs_reset, "vdev.needs_reset@1=1", 0 },
	{ "ok-needs-reset-pci", PCI, ok_needs_reset, "vdev.needs_reset@1=1", 0 },
};
const size_t correct_scenario_count = sizeof(correct_scenarios) / sizeof(correct_scenarios[0]);
