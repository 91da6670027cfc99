/* SPDX-License-Identifier: MIT */
/*
 * The hand-played packed driver (ring.h).
 */
#include "ring.h"
#include "sim/sim.h"
#include "sim/vdev.h"
#include "virtio/access.h"

struct pq pq;

uint64_t pq_up(uint16_t size, unsigned rings, uint64_t want)
{
	uint64_t got;

	sim_vdev_offer_rings(&blk->dev, SIM_RINGS_DEFAULT | SIM_RING_PACKED | rings);
	if (!pq.ring) {
		pq.ring = alloc(1, pq.ring_dir ? pq.ring_dir : VIRTIO_DIR_BOTH,
				&pq.ring_pa);
		pq.ev = alloc(1, VIRTIO_DIR_BOTH, &pq.ev_pa);
	}
	pq.size = size;
	pq.next_avail = pq.next_used = 0;
	pq.avail_wrap = pq.used_wrap = true;
	pq.interrupts = 0;
	pq.fifo_head = pq.fifo_n = 0;
	got = negotiate(want | F_V1 | F_PACKED);
	pq.in_order = got & F_IN_ORDER;
	if (!is_pci()) {
		wr(VIRTIO_MMIO_QUEUE_SEL, 0);
		(void)rd(VIRTIO_MMIO_QUEUE_NUM_MAX);
	}
	queue_program(0, size, pq.ring_pa, pq.ev_pa, pq.ev_pa + 64);
	queue_enable(0);
	status_set(0xf);
	return got;
}

void pq_down(void)
{
	status_set(0);
	virtio_dma_dealloc(&sim_hal, pq.ring_pa, pq.ring, 1);
	virtio_dma_dealloc(&sim_hal, pq.ev_pa, pq.ev, 1);
	pq.ring = pq.ev = NULL;
}

void pq_indirect_table(unsigned e, uint16_t entry_flags)
{
	static const struct el t[] = {
		{HDR, 16, 0}, {DATA, 512, VIRTQ_DESC_F_WRITE},
		{STATUS, 1, VIRTQ_DESC_F_WRITE},
	};

	for (unsigned i = 0; i < 3; i++) {
		uint8_t *d = drv.buf + ITAB + 16 * i;

		virtio_put_le64(d, drv.buf_pa + t[i].addr);
		virtio_put_le32(d + 8, t[i].len);
		virtio_put_le16(d + 12, 0);
		virtio_put_le16(d + 14, (uint16_t)(t[i].flags |
						   (i == e ? entry_flags : 0)));
	}
}

void pq_desc(uint16_t slot, virtio_paddr_t a, uint32_t len, uint16_t id,
	     uint16_t flags)
{
	uint8_t *d = pq.ring + 16 * slot;

	virtio_put_le64(d, a);
	virtio_put_le32(d + 8, len);
	virtio_put_le16(d + 12, id);
	virtio_put_le16(d + 14, flags);
}

static uint16_t avail_bits(bool wrap)
{
	return wrap ? P_AVAIL : P_USED;
}

void pq_add(const struct el *e, unsigned n, uint16_t id)
{
	uint16_t first = pq.next_avail, first_flags = 0;

	for (unsigned i = 0; i < n; i++) {
		uint16_t f = (uint16_t)(e[i].flags | avail_bits(pq.avail_wrap) |
					(i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));

		if (i == 0) {
			first_flags = f;
			pq_desc(pq.next_avail, e[i].addr, e[i].len, id,
				(uint16_t)(f ^ P_AVAIL ^ P_USED)); /* not yet */
		} else {
			pq_desc(pq.next_avail, e[i].addr, e[i].len, id, f);
		}
		if (++pq.next_avail == pq.size) {
			pq.next_avail = 0;
			pq.avail_wrap = !pq.avail_wrap;
		}
	}
	pq.slots[id % PQ_MAX] = (uint16_t)n;
	pq.fifo[(pq.fifo_head + pq.fifo_n++) % PQ_MAX] = id;
	virtio_put_le16(pq.ring + 16 * first + 14, first_flags);
}

void pq_blk(uint16_t id, uint32_t type, uint64_t sector, uint32_t len,
	    virtio_paddr_t data)
{
	struct el e[3];
	unsigned n = 0;

	blk_header(type, sector);
	e[n++] = (struct el){drv.buf_pa + HDR, 16, 0};
	if (len)
		e[n++] = (struct el){data ? data : drv.buf_pa + DATA, len,
				     type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE};
	e[n++] = (struct el){drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE};
	pq_add(e, n, id);
	notify(0);
}

int pq_used(uint16_t *id, uint32_t *len, uint16_t *flags)
{
	uint8_t *d = pq.ring + 16 * pq.next_used;
	uint16_t f = virtio_get_le16(d + 14);

	if (!(f & P_USED) != !pq.used_wrap || !(f & P_AVAIL) != !pq.used_wrap)
		return 0;
	*id = virtio_get_le16(d + 12);
	*len = virtio_get_le32(d + 8);
	*flags = f;
	unsigned skip = pq.slots[*id % PQ_MAX], count = 1;
	if (pq.in_order) {
		/* every buffer up to *id, in the order made available */
		for (skip = 0, count = 0; pq.fifo_n; count++) {
			uint16_t x = pq.fifo[pq.fifo_head];

			pq.fifo_head = (uint16_t)((pq.fifo_head + 1) % PQ_MAX);
			pq.fifo_n--;
			skip += pq.slots[x % PQ_MAX];
			if (x == *id) {
				count++;
				break;
			}
		}
	}
	pq.next_used = (uint16_t)(pq.next_used + skip);
	if (pq.next_used >= pq.size) {
		pq.next_used = (uint16_t)(pq.next_used - pq.size);
		pq.used_wrap = !pq.used_wrap;
	}
	return (int)count;
}

void pq_driver_event(uint16_t flags, uint16_t off_wrap)
{
	virtio_put_le16(pq.ev, off_wrap);
	virtio_put_le16(pq.ev + 2, flags);
}

uint32_t pq_device_event(void)
{
	return virtio_get_le32(pq.ev + 64);
}

bool pq_interrupted(void)
{
	bool v = isr() & 1;

	pq.interrupts += v;
	return v;
}
