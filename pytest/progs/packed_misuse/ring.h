/* SPDX-License-Identifier: MIT */
/*
 * A packed-ring driver played by hand (VirtIO 1.2, 2.8) for packed_misuse:
 * queue 0 of the blk device of device_misuse/hand.h, its descriptor ring
 * and event suppression areas written byte by byte, so scenarios can make
 * exactly the right or wrong moves they need. Not drivers/ code.
 */
#ifndef PACKED_MISUSE_RING_H
#define PACKED_MISUSE_RING_H

#include "hand.h"

#define F_PACKED BIT(VIRTIO_F_RING_PACKED)
#define F_IN_ORDER BIT(VIRTIO_F_IN_ORDER)
#define P_AVAIL VIRTQ_PACKED_DESC_F_AVAIL
#define P_USED VIRTQ_PACKED_DESC_F_USED
#define PQ_MAX 64u

/* The driver's side of the ring. */
struct pq {
	virtio_paddr_t ring_pa, ev_pa; /* ring page; event page: driver area
					* at 0, device area at 64 */
	uint8_t *ring, *ev;
	uint16_t size, next_avail, next_used;
	bool avail_wrap, used_wrap;    /* 2.8.1: both start at 1 */
	uint16_t slots[PQ_MAX];        /* descriptors of each buffer id */
	bool in_order;                 /* IN_ORDER negotiated */
	uint16_t fifo[PQ_MAX], fifo_head, fifo_n; /* ids in flight, in order */
	unsigned interrupts;           /* used-ring interrupts seen */
	enum virtio_dir ring_dir;      /* how pq_up allocates the ring (0: Both) */
};
extern struct pq pq;

/* One element of a buffer. */
struct el {
	virtio_paddr_t addr;
	uint32_t len;
	uint16_t flags; /* VIRTQ_DESC_F_WRITE, _INDIRECT; NEXT is added */
};

/* Offer the packed ring (and `rings`, SIM_RING_*), negotiate `want`
 * (+ VERSION_1, RING_PACKED), set queue 0 up with `size` entries, DRIVER_OK.
 * Returns the features accepted. */
uint64_t pq_up(uint16_t size, unsigned rings, uint64_t want);
/* Reset the device and free the ring (before main's teardown). */
void pq_down(void);
/* An indirect table at ITAB for a 512-byte read into DATA (header at HDR,
 * status at STATUS); `entry_flags` or-ed into entry `e` (3: none). */
void pq_indirect_table(unsigned e, uint16_t entry_flags);
/* Write one descriptor at ring slot `slot`. */
void pq_desc(uint16_t slot, virtio_paddr_t a, uint32_t len, uint16_t id,
	     uint16_t flags);
/* Make a buffer of `n` elements available under `id` as 2.8.13 says:
 * the first descriptor's flags last. No notification. */
void pq_add(const struct el *e, unsigned n, uint16_t id);
/* The blk request hdr + data (len 0: none) + status under `id`, data at
 * `data` (0: drv.buf's DATA). Notifies. */
void pq_blk(uint16_t id, uint32_t type, uint64_t sector, uint32_t len,
	    virtio_paddr_t data);
/* The next used descriptor, if any: its id, len, flags, skipping the
 * buffer's slots as 2.8.6 says (with IN_ORDER, 2.8.9: those of every
 * buffer up to it); returns how many buffers it completes, 0 if none. */
int pq_used(uint16_t *id, uint32_t *len, uint16_t *flags);
/* The driver's event suppression (flags, off | wrap << 15). */
void pq_driver_event(uint16_t flags, uint16_t off_wrap);
/* What the device published in its event suppression area. */
uint32_t pq_device_event(void);
/* Interrupt status read and acknowledged; counts used-ring ones. */
bool pq_interrupted(void);

#endif
