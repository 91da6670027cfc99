/* SPDX-License-Identifier: MIT */
/*
 * Packed virtqueue ring, driver side (VirtIO 1.2, 2.8): one descriptor ring
 * the driver and the device both write, with avail/used wrap counters, and
 * two event suppression structures. Buffer ids are the driver's own (a
 * free list of ids), not ring positions. Each used descriptor is read once
 * through virtio_load_le*: flags, then id, then len, each validated before
 * use. Not here: ids' buffers, sharing, in-order batches, waiting (core.c).
 */
#include "queue.h"

#include "virtio/access.h"
#include "virtio/errors.h"
#include "virtio/spec.h"

/* 2.8.13 struct pvirtq_desc, 2.8.14 struct pvirtq_event_suppress */
#define PDESC_ADDR 0
#define PDESC_LEN 8
#define PDESC_ID 12
#define PDESC_FLAGS 14
#define EVENT_DESC 0
#define EVENT_FLAGS 2
#define WRAP_BIT (1u << VIRTQ_PACKED_EVENT_F_WRAP_CTR)
/* More descriptors added between two kicks than an event offset can
 * tell apart: notify without asking. */
#define ADDED_SATURATED 0x8000u

static volatile uint8_t *desc_at(const struct virtq *q, uint16_t i)
{
	return q->desc + (size_t)i * VIRTQ_PACKED_DESC_SIZE;
}

/* 2.8.1: available = AVAIL matches the driver's wrap counter, USED not. */
static uint16_t avail_bits(bool wrap)
{
	return wrap ? VIRTQ_PACKED_DESC_F_AVAIL : VIRTQ_PACKED_DESC_F_USED;
}

static void write_event(volatile uint8_t *ev, uint16_t off_wrap, uint16_t flags)
{
	/* The offset first: the device may act on flags at once. */
	virtio_store_le16(ev + EVENT_DESC, off_wrap);
	virtio_mb();
	virtio_store_le16(ev + EVENT_FLAGS, flags);
}

/* 2.8.10: ring (both sides write it), driver area (device reads), device
 * area (device writes); each part its own allocation, in its direction. */
int virtq_packed_init(struct virtq *q)
{
	uint16_t n = q->size, i;
	int rc;

	for (i = 0; i < n; i++)
		q->req[i].seq = (uint16_t)(i + 1u < n ? i + 1u : VIRTQ_NO_ID);
	q->free_head = 0;
	q->avail_idx = q->last_used = q->avail_idx_at_kick = 0;
	q->avail_wrap = q->used_wrap = true; /* 2.8.1: both start at 1 */
	rc = virtq_alloc_region(q, 0, (size_t)n * VIRTQ_PACKED_DESC_SIZE,
				VIRTIO_DIR_BOTH);
	if (!rc)
		rc = virtq_alloc_region(q, 1, VIRTQ_PACKED_EVENT_SIZE,
					VIRTIO_DIR_DRIVER_TO_DEVICE);
	if (!rc)
		rc = virtq_alloc_region(q, 2, VIRTQ_PACKED_EVENT_SIZE,
					VIRTIO_DIR_DEVICE_TO_DRIVER);
	if (rc)
		return rc;
	/* dma_alloc returns zeroed memory: 2.8.13 "the descriptor ring is
	 * zero-initialized", and both event areas say ENABLE. */
	q->desc = q->ring_vaddr[0];
	q->avail = q->ring_vaddr[1];
	q->used = q->ring_vaddr[2];
	if (q->event_idx)
		write_event(q->avail, WRAP_BIT, VIRTQ_RING_EVENT_FLAGS_DESC);
	return q->t->ops->queue_set(q->t, q->idx, n, q->ring_paddr[0],
				    q->ring_paddr[1], q->ring_paddr[2]);
}

uint16_t virtq_packed_next_id(const struct virtq *q)
{
	return q->free_head;
}

/* 2.8.21: each element at the next ring position; the first descriptor's
 * flags last, after a barrier, so the device never sees part of a chain. */
void virtq_packed_publish(struct virtq *q, uint16_t id, unsigned n,
			  unsigned n_out, unsigned ndesc)
{
	struct virtq_req *r = &q->req[id];
	uint16_t pos = q->avail_idx, first = pos, first_flags = 0;
	bool wrap = q->avail_wrap;
	unsigned i;

	q->free_head = r->seq;
	if (ndesc == 1 && n > 1) {
		/* 2.8.7: a table of packed descriptors; WRITE is their only
		 * flag, their id is ignored. */
		volatile uint8_t *tbl = (volatile uint8_t *)q->ind_vaddr +
					(size_t)id * VIRTQ_IND_TABLE_BYTES;
		virtio_paddr_t pa =
		    q->ind_paddr + (virtio_paddr_t)id * VIRTQ_IND_TABLE_BYTES;

		for (i = 0; i < n; i++) {
			uint64_t f = i < n_out ? 0 : VIRTQ_DESC_F_WRITE;
			volatile uint8_t *e = tbl + i * VIRTQ_PACKED_DESC_SIZE;

			virtio_store_le64(e + PDESC_ADDR, r->bufs[i].paddr);
			virtio_store_le64(e + PDESC_LEN,
					  r->bufs[i].len | f << 48);
		}
		virtio_store_le64(desc_at(q, pos) + PDESC_ADDR, pa);
		virtio_store_le32(desc_at(q, pos) + PDESC_LEN,
				  n * VIRTQ_PACKED_DESC_SIZE);
		virtio_store_le16(desc_at(q, pos) + PDESC_ID, id);
		first_flags =
		    (uint16_t)(VIRTQ_DESC_F_INDIRECT | avail_bits(wrap));
		if (++pos == q->size) {
			pos = 0;
			wrap = !wrap;
		}
	} else {
		for (i = 0; i < n; i++) {
			volatile uint8_t *d = desc_at(q, pos);
			uint16_t f =
			    (uint16_t)((i < n_out ? 0 : VIRTQ_DESC_F_WRITE) |
				       (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) |
				       avail_bits(wrap));

			/* 2.8.6: the id belongs in the last descriptor; every
			 * one carries it, as Linux does. */
			virtio_store_le64(d + PDESC_ADDR, r->bufs[i].paddr);
			if (i == 0) {
				virtio_store_le32(d + PDESC_LEN,
						  r->bufs[i].len);
				virtio_store_le16(d + PDESC_ID, id);
				first_flags = f;
			} else {
				virtio_store_le64(d + PDESC_LEN,
						  (uint64_t)r->bufs[i].len |
						      (uint64_t)id << 32 |
						      (uint64_t)f << 48);
			}
			if (++pos == q->size) {
				pos = 0;
				wrap = !wrap;
			}
		}
	}
	virtio_mb();
	virtio_store_le16(desc_at(q, first) + PDESC_FLAGS, first_flags);
	q->avail_idx = pos;
	q->avail_wrap = wrap;
	q->num_free = (uint16_t)(q->num_free - ndesc);
	if (q->avail_idx_at_kick < ADDED_SATURATED)
		q->avail_idx_at_kick = (uint16_t)(q->avail_idx_at_kick + ndesc);
}

/* 2.7.10's test, which 2.8.10 reuses with wrap-aware offsets. */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

void virtq_packed_kick(struct virtq *q)
{
	uint16_t added = q->avail_idx_at_kick, flags, off_wrap, event;
	uint32_t ev;
	bool notify;

	if (!added)
		return;
	q->avail_idx_at_kick = 0;
	/* Our flags must be visible before we read the device's wish. */
	virtio_mb();
	/* 2.8.14: desc and flags, one read of device memory. */
	ev = virtio_load_le32(q->used + EVENT_DESC);
	flags = (uint16_t)((ev >> 16) & 3u);
	off_wrap = (uint16_t)ev;
	if (flags == VIRTQ_RING_EVENT_FLAGS_DESC && q->event_idx &&
	    added < ADDED_SATURATED) {
		/* The offset is a position in the lap its wrap bit names;
		 * one lap back counts as size positions before this one.
		 * Only a hint: any value the device writes is harmless. */
		event = off_wrap & (uint16_t)~WRAP_BIT;
		if (!!(off_wrap & WRAP_BIT) != q->avail_wrap)
			event = (uint16_t)(event - q->size);
		notify = need_event(event, q->avail_idx,
				    (uint16_t)(q->avail_idx - added));
	} else {
		/* DESC without event idx, and the reserved 3: notify. */
		notify = flags != VIRTQ_RING_EVENT_FLAGS_DISABLE;
	}
	if (notify)
		virtio_notify(q->t, q->idx);
}

int virtq_packed_read_used(struct virtq *q, uint16_t *out_id, uint32_t *out_len,
			   uint16_t *out_pending)
{
	volatile uint8_t *d = desc_at(q, q->last_used);
	uint16_t flags, id;
	uint32_t len;
	bool a, u, w = q->used_wrap;

	flags = virtio_load_le16(d + PDESC_FLAGS);
	a = flags & VIRTQ_PACKED_DESC_F_AVAIL;
	u = flags & VIRTQ_PACKED_DESC_F_USED;
	if (!q->n_in_flight) {
		/* We last wrote this position a lap ago (AVAIL = !w), the
		 * device perhaps used it then; a descriptor of this lap is
		 * one nobody made available. */
		return a == w ? virtq_lie(q) : VIRTIO_ENOT_READY;
	}
	/* 2.8.1: in flight, this position holds what we made available in
	 * this lap (AVAIL = w, USED = !w) until the device marks it used
	 * (both w). Any other pair is a device writing wrap bits it cannot
	 * have. */
	if (a != w)
		return virtq_lie(q);
	if (u != w)
		return VIRTIO_ENOT_READY;
	virtio_mb(); /* flags before the fields they cover */
	id = virtio_load_le16(d + PDESC_ID);
	if (id >= q->size || !q->req[id].in_flight)
		return virtq_lie(q);
	/* 2.8.4: len is the bytes written, "reserved" without WRITE; but
	 * QEMU never sets WRITE in a used descriptor, so, as Linux does,
	 * len is read whatever the flag says, and checked all the same. */
	len = virtio_load_le32(d + PDESC_LEN);
	/* A chain the device only reads has no byte for len to count (2.7.8.1
	 * wants 0), and nothing of it is read back: its len is taken as 0,
	 * not a lie. QEMU 7.2's virtio-input statusq reports the bytes it
	 * read there. */
	if (!q->req[id].writable)
		len = 0;
	if (len > q->req[id].writable)
		return virtq_lie(q);
	*out_id = id;
	*out_len = len;
	*out_pending = q->n_in_flight;
	return VIRTIO_OK;
}

void virtq_packed_release(struct virtq *q, uint16_t id)
{
	struct virtq_req *r = &q->req[id];
	uint32_t next = (uint32_t)q->last_used + r->ndesc;

	r->seq = q->free_head;
	q->free_head = id;
	q->num_free = (uint16_t)(q->num_free + r->ndesc);
	/* 2.8.5: the next used descriptor is past this chain's. */
	if (next >= q->size) {
		next -= q->size;
		q->used_wrap = !q->used_wrap;
	}
	q->last_used = (uint16_t)next;
	/* 2.8.10: with event idx, interrupt me at the next used position. */
	if (q->event_idx && !q->no_interrupts)
		virtio_store_le16(
		    q->avail + EVENT_DESC,
		    (uint16_t)(q->last_used | (q->used_wrap ? WRAP_BIT : 0)));
}

void virtq_packed_set_interrupts(struct virtq *q, bool enable)
{
	if (!enable)
		virtio_store_le16(q->avail + EVENT_FLAGS,
				  VIRTQ_RING_EVENT_FLAGS_DISABLE);
	else if (q->event_idx)
		write_event(
		    q->avail,
		    (uint16_t)(q->last_used | (q->used_wrap ? WRAP_BIT : 0)),
		    VIRTQ_RING_EVENT_FLAGS_DESC);
	else
		virtio_store_le16(q->avail + EVENT_FLAGS,
				  VIRTQ_RING_EVENT_FLAGS_ENABLE);
}
