/* SPDX-License-Identifier: MIT */
/*
 * packed_misuse scenarios: a driver's mistakes with the packed ring, each
 * of which must raise exactly its finding (pytest/test_packed_checks.py).
 */
#include "ring.h"
#include "sim/vdev.h"
#include "virtio/access.h"

#define W VIRTQ_DESC_F_WRITE
#define N VIRTQ_DESC_F_NEXT
#define I VIRTQ_DESC_F_INDIRECT

/* 2.8.1: an available descriptor has USED unlike AVAIL. */
static int avail_and_used(void)
{
	pq_up(4, 0, 0);
	pq_desc(0, drv.buf_pa + STATUS, 1, 0, W | P_AVAIL | P_USED);
	notify(0);
	pq_down();
	return 0;
}

/* 2.8.6: every descriptor of a chain is made available, not the first
 * only (the second here still says "not available" for wrap 1). */
static int chain_not_avail(void)
{
	pq_up(4, 0, 0);
	blk_header(VIRTIO_BLK_T_FLUSH, 0);
	pq_desc(1, drv.buf_pa + STATUS, 1, 0, W | P_USED);
	pq_desc(0, drv.buf_pa + HDR, 16, 0, N | P_AVAIL);
	notify(0);
	pq_down();
	return 0;
}

/* 2.8.11.2: no list longer than the queue size (this one goes round). */
static int chain_too_long(void)
{
	pq_up(4, 0, 0);
	for (uint16_t s = 1; s < 4; s++)
		pq_desc(s, drv.buf_pa + DATA, 512, 0, W | N | P_AVAIL);
	pq_desc(0, drv.buf_pa + HDR, 16, 0, N | P_AVAIL);
	notify(0);
	pq_down();
	return 0;
}

/* 2.8.11.2: room in the ring for the whole list before its first
 * descriptor is made available (two slots are still the device's). */
static int chain_past_free(void)
{
	pq_up(4, 0, 0);
	pq_blk(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0); /* never completes */
	pq_blk(1, VIRTIO_BLK_T_IN, 0, 512, 0);
	pq_down();
	return 0;
}

static void indirect_table(unsigned e, uint16_t entry_flags)
{
	blk_header(VIRTIO_BLK_T_IN, 0);
	pq_indirect_table(e, entry_flags);
}

static int indirect_with_next(void)
{
	pq_up(4, 0, F_INDIRECT);
	indirect_table(9, 0);
	pq_desc(1, drv.buf_pa + STATUS, 1, 0, W | P_AVAIL);
	pq_desc(0, drv.buf_pa + ITAB, 48, 0, I | N | P_AVAIL);
	notify(0);
	pq_down();
	return 0;
}

static int indirect_in_chain(void)
{
	pq_up(4, 0, F_INDIRECT);
	indirect_table(9, 0);
	pq_desc(1, drv.buf_pa + ITAB, 48, 0, I | P_AVAIL);
	pq_desc(0, drv.buf_pa + HDR, 16, 0, N | P_AVAIL);
	notify(0);
	pq_down();
	return 0;
}

static int indirect_length(void)
{
	pq_up(4, 0, F_INDIRECT);
	indirect_table(9, 0);
	pq_desc(0, drv.buf_pa + ITAB, 40, 0, I | P_AVAIL);
	notify(0);
	pq_down();
	return 0;
}

static int indirect_not_negotiated(void)
{
	pq_up(4, 0, 0);
	indirect_table(9, 0);
	pq_desc(0, drv.buf_pa + ITAB, 48, 0, I | P_AVAIL);
	notify(0);
	pq_down();
	return 0;
}

/* 2.8.8: inside a table only WRITE may be set. */
static int indirect_nested(void)
{
	pq_up(4, 0, F_INDIRECT);
	indirect_table(1, I);
	pq_desc(0, drv.buf_pa + ITAB, 48, 0, I | P_AVAIL);
	notify(0);
	pq_down();
	return 0;
}

static int indirect_entry_next(void)
{
	pq_up(4, 0, F_INDIRECT);
	indirect_table(0, N);
	pq_desc(0, drv.buf_pa + ITAB, 48, 0, I | P_AVAIL);
	notify(0);
	pq_down();
	return 0;
}

/* 2.8.11.2: device-writable elements after the readable ones. */
static int readable_after_writable(void)
{
	struct el e[] = {{drv.buf_pa + STATUS, 1, W}, {drv.buf_pa + HDR, 16, 0}};

	pq_up(4, 0, 0);
	pq_add(e, 2, 0);
	notify(0);
	pq_down();
	return 0;
}

/* A full ring (both buffers never complete), and the driver makes a
 * third available over the first: that slot is still the device's. */
static int reused_full_ring(void)
{
	struct el e = {drv.buf_pa + STATUS, 1, W};

	pq_up(2, 0, 0);
	pq_add(&e, 1, 0);
	pq_add(&e, 1, 1);
	notify(0);
	pq_add(&e, 1, 2);
	notify(0);
	pq_down();
	return 0;
}

/* The device holds a read (deferred); the driver changes its data
 * descriptor before any used entry gave the slot back. */
static int reused_while_held(void)
{
	pq_up(4, 0, 0);
	pq_blk(0, VIRTIO_BLK_T_IN, 0, 512, 0);
	virtio_put_le32(pq.ring + 16 + 8, 256);
	(void)virtio_load_le16(pq.ring + 14); /* the driver polls */
	pq_down();
	return 0;
}

/* A second buffer under the id of one the device still holds. */
static int id_twice(void)
{
	pq_up(4, 0, 0);
	pq_blk(7, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	pq_blk(7, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	pq_down();
	return 0;
}

/* The device writes used descriptors into the ring: memory the driver
 * allocated DriverToDevice cannot take them. */
static int ring_read_only(void)
{
	pq.ring_dir = VIRTIO_DIR_DRIVER_TO_DEVICE;
	pq_up(4, 0, 0);
	pq_blk(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	pq_down();
	return 0;
}

/* Legacy virtio-mmio: no packed ring (2.7.2 legacy is split only). */
static int legacy_no_packed(void)
{
	sim_vdev_offer_rings(&blk->dev, SIM_RINGS_DEFAULT | SIM_RING_PACKED);
	status_set(VIRTIO_STATUS_ACKNOWLEDGE);
	status_set(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	if (features_get() & F_PACKED)
		FAIL("a legacy device offers RING_PACKED");
	features_set_word(1, (uint32_t)(F_PACKED >> 32));
	status_set(0);
	return 0;
}

/* 2.8.10.1 alignment (16/4/4) and 2.8 size, at queue enable. */
static int layout(virtio_paddr_t d, virtio_paddr_t drv_area,
		  virtio_paddr_t dev_area, uint32_t num)
{
	sim_vdev_offer_rings(&blk->dev, SIM_RINGS_DEFAULT | SIM_RING_PACKED);
	pq.ring = alloc(1, VIRTIO_DIR_BOTH, &pq.ring_pa);
	pq.ev = alloc(1, VIRTIO_DIR_BOTH, &pq.ev_pa);
	negotiate(F_V1 | F_PACKED);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	(void)rd(VIRTIO_MMIO_QUEUE_NUM_MAX);
	queue_program(0, num, pq.ring_pa + d, pq.ev_pa + drv_area,
		      pq.ev_pa + dev_area);
	queue_enable(0);
	pq_down();
	return 0;
}

static int ring_misaligned(void) { return layout(8, 0, 64, 4); }
static int driver_area_misaligned(void) { return layout(0, 2, 64, 4); }
static int device_area_misaligned(void) { return layout(0, 0, 66, 4); }
static int size_above_max(void) { return layout(0, 0, 64, 33000); }

const struct scenario misuse_scenarios[] = {
	{ "packed-avail-and-used-both-set", MMIO2, avail_and_used, 0, 0 },
	{ "packed-chain-desc-not-available", MMIO2, chain_not_avail, 0, 0 },
	{ "packed-chain-longer-than-queue", MMIO2, chain_too_long, 0, 0 },
	{ "packed-chain-past-free-ring", MMIO2, chain_past_free, "vq.never@1=1", 0 },
	{ "packed-indirect-with-next", MMIO2, indirect_with_next, 0, 0 },
	{ "packed-indirect-in-chain", MMIO2, indirect_in_chain, 0, 0 },
	{ "packed-indirect-table-length", MMIO2, indirect_length, 0, 0 },
	{ "packed-indirect-not-negotiated", MMIO2, indirect_not_negotiated, 0, 0 },
	{ "packed-indirect-nested", MMIO2, indirect_nested, 0, 0 },
	{ "packed-indirect-entry-next", MMIO2, indirect_entry_next, 0, 0 },
	{ "packed-readable-after-writable", MMIO2, readable_after_writable, 0, 0 },
	{ "packed-desc-reused-full-ring", MMIO2, reused_full_ring,
	  "vq.never@1=1,vq.never@2=1", 0 },
	{ "packed-desc-reused-while-held", PCI, reused_while_held, "vq.defer@1=1", 0 },
	{ "packed-buffer-id-twice", MMIO2, id_twice, "vq.defer@1=1", 0 },
	{ "packed-ring-read-only", MMIO2, ring_read_only, 0, 0 },
	{ "packed-legacy-not-offered", MMIO1, legacy_no_packed, 0, 0 },
	{ "packed-ring-misaligned", MMIO2, ring_misaligned, 0, 0 },
	{ "packed-driver-area-misaligned", MMIO2, driver_area_misaligned, 0, 0 },
	{ "packed-device-area-misaligned", MMIO2, device_area_misaligned, 0, 0 },
	{ "packed-size-above-32768", MMIO2, size_above_max, "vdev.num_max@1=40000", 0 },
};
const size_t misuse_scenario_count =
	sizeof(misuse_scenarios) / sizeof(misuse_scenarios[0]);
