/* SPDX-License-Identifier: MIT */
/*
 * packed_misuse scenarios: correct use of the packed ring ("ok-"), which
 * must raise no finding and see the device answer as 2.8 says; and the
 * oracles judging a hand-played driver over the packed ring.
 */
#include <string.h>

#include "ring.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "sim/vdev.h"
#include "virtio/access.h"

#define W VIRTQ_DESC_F_WRITE
#define USED_FLAGS(w) ((w) ? P_AVAIL | P_USED : 0)

/* The next used descriptor must be {id, len}, with 2.8.1's bits. */
static int expect_used(uint16_t want_id, uint32_t want_len)
{
	bool wrap = pq.used_wrap;
	uint16_t id, fl;
	uint32_t len;

	EXPECT(pq_used(&id, &len, &fl), "no used descriptor at slot %u",
	       pq.next_used);
	EXPECT(id == want_id && len == want_len, "used id %u len %u, want %u %u",
	       id, len, want_id, want_len);
	EXPECT(fl == (USED_FLAGS(wrap) | (len ? W : 0)), "used flags 0x%x", fl);
	return 0;
}
#define USED(id, len) do { if (expect_used(id, len)) return 1; } while (0)

/* Write, read back, get id on a ring of 6 (not a power of two). */
static int ok_io(void)
{
	uint8_t back[1024];

	pq_up(6, 0, 0);
	memset(drv.buf + DATA, 0xa5, 1024);
	pq_blk(0, VIRTIO_BLK_T_OUT, 3, 1024, 0);
	USED(0, 1);
	EXPECT(drv.buf[STATUS] == VIRTIO_BLK_S_OK, "write status");
	EXPECT(sim_blk_disk_read(blk, 3, back, 1024) == 0 && back[0] == 0xa5 &&
	       back[1023] == 0xa5, "disk after write");
	EXPECT(pq_interrupted(), "no interrupt after write");
	memset(drv.buf + DATA, 0, 1024);
	pq_blk(1, VIRTIO_BLK_T_IN, 2, 1024, 0);
	USED(1, 1025);
	EXPECT(drv.buf[DATA] == sim_blk_pattern(2, 0) &&
	       drv.buf[DATA + 512] == 0xa5, "read data");
	pq_blk(2, VIRTIO_BLK_T_GET_ID, 0, 20, 0);
	USED(2, 21);
	EXPECT(!memcmp(drv.buf + DATA, "vfuzz-blk", 10), "get id");
	EXPECT(pq_device_event() == 0, "device event 0x%x, want ENABLE",
	       pq_device_event());
	EXPECT(!pq_used(&(uint16_t){0}, &(uint32_t){0}, &(uint16_t){0}),
	       "a used descriptor nobody made");
	pq_down();
	return 0;
}

/* Many laps of a ring of 5 with buffers of 2 and 3 descriptors, so they
 * straddle its end: both wrap counters flip 32 times. */
static int ok_laps(void)
{
	unsigned flips = 0;
	bool w = true;

	pq_up(5, 0, 0);
	for (unsigned k = 0; k < 60; k++) {
		uint16_t id = (uint16_t)(k % 7);

		if (k % 3 == 0) {
			pq_blk(id, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
			USED(id, 1);
		} else {
			pq_blk(id, VIRTIO_BLK_T_IN, k % 8, 512, 0);
			USED(id, 513);
			EXPECT(drv.buf[DATA + 7] == sim_blk_pattern(k % 8, 7),
			       "read %u data", k);
		}
		/* FLUSH: not offered, an error status, but written */
		EXPECT(drv.buf[STATUS] != 0xee, "no status %u", k);
		flips += pq.used_wrap != w;
		w = pq.used_wrap;
	}
	EXPECT(flips == 32 && pq.next_used == pq.next_avail &&
	       pq.used_wrap == pq.avail_wrap, "laps: %u flips, used %u avail %u",
	       flips, pq.next_used, pq.next_avail);
	pq_down();
	return 0;
}

/* Indirect reads, one slot each, round a ring of 4. */
static int ok_indirect(void)
{
	struct el e = {0, 48, VIRTQ_DESC_F_INDIRECT};

	pq_up(4, 0, F_INDIRECT);
	e.addr = drv.buf_pa + ITAB;
	for (uint16_t k = 0; k < 6; k++) {
		blk_header(VIRTIO_BLK_T_IN, k);
		pq_indirect_table(3, 0);
		pq_add(&e, 1, k);
		notify(0);
		USED(k, 513);
		EXPECT(drv.buf[DATA + 1] == sim_blk_pattern(k, 1), "data %u", k);
	}
	pq_down();
	return 0;
}

/* The second buffer completes first: its used descriptor overwrites the
 * first buffer's first slot, and both sides skip by the buffer's size. */
static int ok_out_of_order(void)
{
	pq_up(6, 0, 0);
	pq_blk(3, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	pq_blk(5, VIRTIO_BLK_T_IN, 1, 512, 0);
	USED(5, 513);
	USED(3, 1);
	for (uint16_t id = 0; id < 4; id++) {
		pq_blk(id, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
		USED(id, 1);
	}
	pq_down();
	return 0;
}

/* 2.8.10: the driver's event suppression decides the interrupts. */
static int ok_event_suppression(void)
{
	pq_up(4, 0, F_EVENT_IDX);
	pq_blk(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	USED(0, 1);
	EXPECT(pq_interrupted(), "enabled: no interrupt");
	pq_driver_event(VIRTQ_RING_EVENT_FLAGS_DISABLE, 0);
	pq_blk(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	USED(1, 1);
	EXPECT(!pq_interrupted(), "disabled: an interrupt");
	/* Next used slot is 0 of the second lap: ask for slot 2 of it. */
	pq_driver_event(VIRTQ_RING_EVENT_FLAGS_DESC, 2);
	pq_blk(2, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	USED(2, 1);
	EXPECT(!pq_interrupted(), "desc 2: an interrupt at slot 0");
	pq_blk(3, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	USED(3, 1);
	EXPECT(pq_interrupted(), "desc 2: no interrupt at slot 2");
	pq_down();
	return 0;
}

/* Device lies about event suppression and a used descriptor's bits: the
 * driver sees them; none is its mistake. */
static int ok_lies(void)
{
	uint16_t id, fl;
	uint32_t len;

	pq_up(4, 0, 0);
	pq_driver_event(VIRTQ_RING_EVENT_FLAGS_DISABLE, 0);
	pq_blk(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	EXPECT(pq_device_event() == 0x10001, "device event 0x%x",
	       pq_device_event());
	USED(0, 1);
	EXPECT(pq_interrupted(), "an ignored suppression: no interrupt");
	pq_blk(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	EXPECT(!pq_used(&id, &len, &fl), "a used descriptor with wrong bits");
	pq_down();
	return 0;
}

/* Used ids the driver does not hold (9), or of the other buffer it holds
 * (the script's value 2): the device stops using the ring, and the driver
 * that resets it is not blamed for slots or ids it then reuses. */
static int ok_id_lies(void)
{
	uint16_t id, fl;
	uint32_t len;

	for (int round = 0; round < 2; round++) {
		pq_up(4, 0, 0);
		pq_blk(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0); /* deferred */
		pq_blk(2, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
		EXPECT(pq_used(&id, &len, &fl) && id == (round ? 2 : 9),
		       "lying id %u", id);
		pq_blk(3, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
		pq_blk(2, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
		status_set(0);
		memset(pq.ring, 0, 4096);
	}
	pq_down();
	return 0;
}

/* Refetch mode: once the device has rewritten ring memory behind the
 * driver's reads (ring.refetch), the driver may be acting on a forged
 * entry; what it then does to the ring is not blamed on it (the same
 * rewrite of a held slot is desc-reused without refetch). */
static int ok_refetch_untrusted(void)
{
	sim_set_refetch(true);
	pq_up(4, 0, 0);
	pq_blk(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	(void)virtio_load_le16(pq.ring + 14);
	(void)virtio_load_le16(pq.ring + 14); /* rewritten by the device */
	pq_blk(1, VIRTIO_BLK_T_IN, 0, 512, 0); /* deferred */
	virtio_put_le32(pq.ring + 16 * 3 + 8, 256);
	(void)virtio_load_le16(pq.ring + 16 * 2 + 14); /* the driver polls */
	pq_down();
	return 0;
}

/* A full ring the device defers; a notification with nothing new, then
 * the slots given back are used again. */
static int ok_full_ring(void)
{
	pq_up(4, 0, 0);
	pq_blk(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	pq_blk(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	notify(0);
	USED(0, 1);
	USED(1, 1);
	pq_blk(2, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	USED(2, 1);
	pq_down();
	return 0;
}

/* A reset starts both wrap counters again at 1. */
static int ok_reset(void)
{
	pq_up(3, 0, 0);
	pq_blk(0, VIRTIO_BLK_T_IN, 0, 512, 0);
	USED(0, 513);
	pq_blk(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	USED(1, 1);
	status_set(0);
	memset(pq.ring, 0, 4096); /* 2.8.11: zero-initialized */
	pq_up(3, 0, 0);
	pq_blk(2, VIRTIO_BLK_T_IN, 1, 512, 0);
	USED(2, 513);
	pq_down();
	return 0;
}

/* A read into a share the driver unshares and claims as device data. */
static int oracle_read(void)
{
	static uint8_t host[512];
	virtio_paddr_t pa;

	pq_up(4, 0, 0);
	if (virtio_share(&sim_hal, host, sizeof(host),
			 VIRTIO_DIR_DEVICE_TO_DRIVER, &pa))
		FAIL("share");
	pq_blk(0, VIRTIO_BLK_T_IN, 1, 512, pa);
	(void)pq_used(&(uint16_t){0}, &(uint32_t){0}, &(uint16_t){0});
	virtio_unshare(&sim_hal, pa, host, sizeof(host),
		       VIRTIO_DIR_DEVICE_TO_DRIVER);
	sim_oracle_check(host, sizeof(host), SIM_ORACLE_DATA, "hand packed read");
	pq_down();
	return 0;
}

/* IN_ORDER, packed (2.8.9): buffers used in order; one used descriptor
 * for a batch of three (the script holds two back) skips all their
 * slots, then the ring goes on. */
static int ok_in_order_packed(void)
{
	uint16_t id, fl;
	uint32_t len;

	EXPECT(pq_up(8, SIM_RING_IN_ORDER, F_IN_ORDER) & F_IN_ORDER,
	       "IN_ORDER not offered");
	/* one header buffer: the device reads all three as the last one's */
	pq_blk(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0); /* deferred */
	pq_blk(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0); /* deferred */
	pq_blk(2, VIRTIO_BLK_T_IN, 1, 512, 0);
	EXPECT(pq_used(&id, &len, &fl) == 3 && id == 2 && len == 513,
	       "batch: id %u len %u", id, len);
	EXPECT(pq.next_used == 7 && drv.buf[DATA + 3] == sim_blk_pattern(1, 3),
	       "batch: next used %u", pq.next_used);
	for (uint16_t k = 3; k < 9; k++) {
		pq_blk(k, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
		EXPECT(pq_used(&id, &len, &fl) == 1 && id == k, "in order %u", k);
	}
	pq_down();
	return 0;
}

/* IN_ORDER, split (2.7.9): one used entry for a batch of two moves used
 * idx by two. */
static int ok_in_order_split(void)
{
	sim_vdev_offer_rings(&blk->dev, SIM_RINGS_DEFAULT | SIM_RING_IN_ORDER);
	EXPECT(bring_up(F_IN_ORDER) & F_IN_ORDER, "IN_ORDER not offered");
	blk_request_at(0, VIRTIO_BLK_T_FLUSH, 0, 0); /* deferred */
	blk_request_at(2, VIRTIO_BLK_T_IN, 1, 512);
	EXPECT(used_idx() == 2 && used_id(0) == 2 && used_len(0) == 513,
	       "batch: idx %u id %u len %u", used_idx(), used_id(0), used_len(0));
	blk_request_at(4, VIRTIO_BLK_T_FLUSH, 0, 0);
	EXPECT(used_idx() == 3 && used_id(2) == 4, "next: idx %u id %u",
	       used_idx(), used_id(2));
	status_set(0);
	return 0;
}

/* IN_ORDER, split, and the device completes the second head first: its
 * entry gives the first (a read into a share) back too, moving used idx
 * by two; the driver unshares it at once, and the device, which keeps
 * nothing the driver took back, never writes it. */
static int in_order_lie_split(bool claim)
{
	static uint8_t host[512];
	virtio_paddr_t pa;

	sim_vdev_offer_rings(&blk->dev, SIM_RINGS_DEFAULT | SIM_RING_IN_ORDER);
	bring_up(F_IN_ORDER);
	if (virtio_share(&sim_hal, host, sizeof(host),
			 VIRTIO_DIR_DEVICE_TO_DRIVER, &pa))
		FAIL("share");
	virtio_put_le32(drv.buf + 512, VIRTIO_BLK_T_IN);
	desc(NULL, 0, drv.buf_pa + 512, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, pa, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	desc(NULL, 2, drv.buf_pa + STATUS + 1, 1, VIRTQ_DESC_F_WRITE, 0);
	virtio_put_le32(drv.used + 4 + 8, 0xaaaa); /* entry 1: not written */
	make_avail(0); /* deferred */
	blk_request_at(3, VIRTIO_BLK_T_FLUSH, 0, 0);
	EXPECT(used_idx() == 2 && used_id(0) == 3 && used_id(1) == 0xaaaa,
	       "lie: idx %u ids %u %u", used_idx(), used_id(0), used_id(1));
	virtio_unshare(&sim_hal, pa, host, sizeof(host),
		       VIRTIO_DIR_DEVICE_TO_DRIVER);
	if (claim) /* the read came back claimed used: its bytes count */
		sim_oracle_check(host, sizeof(host), SIM_ORACLE_DATA,
				 "hand in-order read");
	(void)virtio_load_le16(drv.used + 2); /* polls: nothing left to serve */
	blk_request_at(0, VIRTIO_BLK_T_FLUSH, 0, 0);
	EXPECT(used_idx() == 3 && used_id(2) == 0, "next: idx %u id %u",
	       used_idx(), used_id(2));
	status_set(0);
	return 0;
}

static int ok_in_order_lie_split(void) { return in_order_lie_split(false); }
static int in_order_lie_claimed(void) { return in_order_lie_split(true); }

/* IN_ORDER and a buffer that never completes (vq.never): nothing after it
 * may complete either, or the driver would take it for used. */
static int ok_in_order_never(void)
{
	uint16_t id, fl;
	uint32_t len;

	pq_up(8, SIM_RING_IN_ORDER, F_IN_ORDER);
	pq_blk(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0); /* never */
	pq_blk(1, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	EXPECT(!pq_used(&id, &len, &fl), "packed: id %u used after one never", id);
	pq_down();
	sim_vdev_offer_rings(&blk->dev, SIM_RINGS_DEFAULT | SIM_RING_IN_ORDER);
	bring_up(F_IN_ORDER);
	blk_request_at(0, VIRTIO_BLK_T_FLUSH, 0, 0); /* never */
	blk_request_at(2, VIRTIO_BLK_T_FLUSH, 0, 0);
	EXPECT(used_idx() == 0, "split: used idx %u after one never", used_idx());
	status_set(0);
	return 0;
}

/* IN_ORDER and the device completes the second buffer first: one used
 * descriptor for both, which the driver reads as a batch; the data of the
 * served one is the device's. */
static int in_order_lie(void)
{
	static uint8_t host[512];
	virtio_paddr_t pa;

	pq_up(8, SIM_RING_IN_ORDER, F_IN_ORDER);
	if (virtio_share(&sim_hal, host, sizeof(host),
			 VIRTIO_DIR_DEVICE_TO_DRIVER, &pa))
		FAIL("share");
	pq_blk(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0); /* deferred */
	pq_blk(1, VIRTIO_BLK_T_IN, 1, 512, pa);
	(void)pq_used(&(uint16_t){0}, &(uint32_t){0}, &(uint16_t){0});
	virtio_unshare(&sim_hal, pa, host, sizeof(host),
		       VIRTIO_DIR_DEVICE_TO_DRIVER);
	sim_oracle_check(host, sizeof(host), SIM_ORACLE_DATA, "hand in-order read");
	pq_down();
	return 0;
}

const struct scenario correct_scenarios[] = {
	{ "ok-packed-io", MMIO2, ok_io, 0, 0 },
	{ "ok-packed-io-pci", PCI, ok_io, 0, 0 },
	{ "ok-packed-laps", MMIO2, ok_laps, 0, 0 },
	{ "ok-packed-indirect", MMIO2, ok_indirect, 0, 0 },
	{ "ok-packed-out-of-order", MMIO2, ok_out_of_order,
	  "vq.defer@1=1,vq.order@1=1", 0 },
	{ "ok-packed-event-suppression", MMIO2, ok_event_suppression, 0, 0 },
	{ "ok-packed-lies", MMIO2, ok_lies,
	  "pq.device_event@1=65537,pq.event_ignore@1=1,pq.used_flags@2=0", 0 },
	{ "ok-packed-id-lies", MMIO2, ok_id_lies,
	  "vq.defer@1=1,vq.used_id@1=9,vq.defer@3=1,vq.used_id@2=2", 0 },
	{ "ok-packed-refetch-untrusted", MMIO2, ok_refetch_untrusted,
	  "ring.refetch@1=1,vq.defer@2=1", 0 },
	/* the same with a refetch that changes nothing: blamed */
	{ "packed-refetch-unchanged-still-blamed", MMIO2, ok_refetch_untrusted,
	  "ring.refetch@1=32898,vq.defer@2=1", 0 },
	{ "ok-packed-full-ring", MMIO2, ok_full_ring,
	  "vq.defer@1=1,vq.defer@2=1", 0 },
	{ "ok-packed-reset", PCI, ok_reset, 0, 0 },
	{ "ok-packed-oracle-read", MMIO2, oracle_read, 0, 0 },
	/* The oracles over the packed ring: a driver that trusts a len past
	 * the buffer, or reads past a short one. */
	{ "packed-oracle-lie-accepted", MMIO2, oracle_read, "vq.used_len@1=4096", 0 },
	{ "packed-oracle-unwritten", MMIO2, oracle_read, "vq.used_len@1=100", 0 },
	{ "ok-in-order-packed", MMIO2, ok_in_order_packed,
	  "vq.defer@1=1,vq.defer@2=1,vq.batch@1=1,vq.batch@2=1", 0 },
	{ "ok-in-order-split", MMIO2, ok_in_order_split,
	  "vq.defer@1=1,vq.batch@1=1", 0 },
	{ "ok-in-order-lie-split", MMIO2, ok_in_order_lie_split,
	  "vq.defer@1=1,vq.order@1=1", 0 },
	{ "ok-in-order-split-older-taken-from-a-batch", MMIO2, in_order_lie_claimed,
	  "vq.defer@1=1,vq.order@1=1", 0 },
	{ "ok-in-order-never", MMIO2, ok_in_order_never,
	  "vq.never@1=1,vq.never@2=1", 0 },
	{ "ok-in-order-packed-out-of-order-read-as-a-batch", MMIO2, in_order_lie,
	  "vq.defer@1=1,vq.order@1=1", 0 },
};
const size_t correct_scenario_count =
	sizeof(correct_scenarios) / sizeof(correct_scenarios[0]);
