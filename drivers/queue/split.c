/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueue ring, driver side (VirtIO 1.2, 2.7): descriptor table,
 * avail and used rings. The driver keeps a private shadow of every
 * descriptor; device-writable memory (the used ring) is read only through
 * virtio_load_le*, each value once, and validated before use. Buffer ids
 * are head descriptors. Not here: ids' buffers, sharing, in-order batches,
 * waiting (core.c), transport registers or request formats.
 */
#include "queue.h"

#include "virtio/access.h"
#include "virtio/errors.h"
#include "virtio/spec.h"

/* 2.7.5 descriptor fields, 2.7.6 avail ring, 2.7.8 used ring offsets. */
#define DESC_ADDR 0
#define DESC_LEN 8
#define RING_FLAGS 0
#define RING_IDX 2
#define AVAIL_RING(i) (4u + 2u * (i))
#define USED_RING(i) (4u + 8u * (i))
#define USED_ELEM_ID 0
#define USED_ELEM_LEN 4

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void write_desc(volatile uint8_t *d, uint64_t addr, uint32_t len,
		       uint16_t flags, uint16_t next)
{
	/* 2.7.5: len, flags and next are one little-endian 64-bit word at
	 * offset 8; two stores instead of four. */
	virtio_store_le64(d + DESC_ADDR, addr);
	virtio_store_le64(d + DESC_LEN, (uint64_t)len |
					       (uint64_t)flags << 32 |
					       (uint64_t)next << 48);
}

/* Rings: modern = [desc | avail] driver-only, [used] device-written;
 * legacy (2.7.2) = one region, used at the next 4096 boundary. */
int virtq_split_init(struct virtq *q)
{
	uint16_t n = q->size, i;
	size_t drv = VIRTQ_DESC_SIZE * (size_t)n + VIRTQ_AVAIL_SIZE(n);
	size_t dev = VIRTQ_USED_SIZE(n);
	virtio_paddr_t used_pa;
	int rc;

	/* 2.7.9: under IN_ORDER the free list is the ring order, and a
	 * chain's links are x + 1 (0 after the last); pops never relink. */
	for (i = 0; i < n; i++)
		q->shadow[i].next = (uint16_t)((i + 1) & (n - 1));
	q->free_head = 0;
	q->avail_idx = q->last_used = q->avail_idx_at_kick = q->used_seen = 0;
	/* dma_alloc returns zeroed memory: flags, idx and used_event start 0. */
	if (q->legacy) {
		size_t used_off = align_up(drv, VIRTQ_LEGACY_ALIGN);

		rc = virtq_alloc_region(q, 0, used_off + dev, VIRTIO_DIR_BOTH);
		if (rc)
			return rc;
		q->used = (volatile uint8_t *)q->ring_vaddr[0] + used_off;
		used_pa = q->ring_paddr[0] + used_off;
	} else {
		rc = virtq_alloc_region(q, 0, drv, VIRTIO_DIR_DRIVER_TO_DEVICE);
		if (!rc)
			rc = virtq_alloc_region(q, 1, dev,
						VIRTIO_DIR_DEVICE_TO_DRIVER);
		if (rc)
			return rc;
		q->used = q->ring_vaddr[1];
		used_pa = q->ring_paddr[1];
	}
	q->desc = q->ring_vaddr[0];
	q->avail = q->desc + VIRTQ_DESC_SIZE * (size_t)n;
	return q->t->ops->queue_set(q->t, q->idx, n, q->ring_paddr[0],
				    q->ring_paddr[0] + VIRTQ_DESC_SIZE * n,
				    used_pa);
}

uint16_t virtq_split_next_id(const struct virtq *q)
{
	return q->free_head;
}

void virtq_split_publish(struct virtq *q, uint16_t h, unsigned n,
			 unsigned n_out, unsigned ndesc)
{
	struct virtq_slot *s = q->req[h].bufs;
	unsigned i;
	uint16_t d, now;

	if (ndesc == 1 && n > 1) {
		/* 2.7.5.3: one ring descriptor naming a table of n. */
		volatile uint8_t *tbl = (volatile uint8_t *)q->ind_vaddr +
					(size_t)h * VIRTQ_IND_TABLE_BYTES;
		struct virtq_desc_shadow *sh = &q->shadow[h];

		for (i = 0; i < n; i++)
			write_desc(tbl + i * VIRTQ_DESC_SIZE, s[i].paddr,
				   s[i].len,
				   (uint16_t)((i < n_out ? 0 : VIRTQ_DESC_F_WRITE) |
					      (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)),
				   (uint16_t)(i + 1 < n ? i + 1 : 0));
		sh->addr = q->ind_paddr +
			   (virtio_paddr_t)h * VIRTQ_IND_TABLE_BYTES;
		sh->len = n * VIRTQ_DESC_SIZE;
		sh->flags = VIRTQ_DESC_F_INDIRECT;
		write_desc(q->desc + (size_t)h * VIRTQ_DESC_SIZE, sh->addr,
			   sh->len, sh->flags, sh->next);
		d = sh->next;
	} else {
		/* The chain follows the free list, whose links are in the
		 * shadow; the last descriptor's link stays the free list's. */
		d = h;
		for (i = 0; i < n; i++) {
			struct virtq_desc_shadow *sh = &q->shadow[d];

			sh->addr = s[i].paddr;
			sh->len = s[i].len;
			sh->flags = (uint16_t)((i < n_out ? 0 : VIRTQ_DESC_F_WRITE) |
					       (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
			write_desc(q->desc + (size_t)d * VIRTQ_DESC_SIZE,
				   sh->addr, sh->len, sh->flags, sh->next);
			d = sh->next;
		}
	}
	q->free_head = d;
	q->num_free = (uint16_t)(q->num_free - ndesc);
	/* Entries published before this chain is made available cannot be
	 * its completion. used_seen may be older than the device's used idx
	 * (a peek the caller left pending read it before the device published
	 * more, and a reused head's old id can sit in those entries): read it
	 * afresh. Never backwards: a used idx moved back is the read's lie. */
	now = virtio_load_le16(q->used + RING_IDX);
	if ((int16_t)(now - q->used_seen) > 0)
		q->used_seen = now;
	q->req[h].seq = q->used_seen;

	/* 2.7.13: ring entry, barrier, then idx. */
	virtio_store_le16(q->avail + AVAIL_RING(q->avail_idx & (q->size - 1)), h);
	q->avail_idx++;
	virtio_mb();
	virtio_store_le16(q->avail + RING_IDX, q->avail_idx);
}

/* 2.7.10: wrap-safe "did new_idx step over event since old". */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

void virtq_split_kick(struct virtq *q)
{
	uint16_t old, now;
	bool notify;

	old = q->avail_idx_at_kick;
	now = q->avail_idx;
	if (old == now)
		return;
	q->avail_idx_at_kick = now;
	/* avail idx must be visible before we read the device's wish. */
	virtio_mb();
	if (q->event_idx)
		notify = need_event(virtio_load_le16(q->used + USED_RING(q->size)),
				    now, old);
	else
		notify = !(virtio_load_le16(q->used + RING_FLAGS) &
			   VIRTQ_USED_F_NO_NOTIFY);
	if (notify)
		virtio_notify(q->t, q->idx);
}

int virtq_split_read_used(struct virtq *q, uint16_t *out_id, uint32_t *out_len,
			  uint16_t *out_pending)
{
	uint16_t used_idx, pending, id_slot;
	uint32_t id, len;

	used_idx = virtio_load_le16(q->used + RING_IDX);
	pending = (uint16_t)(used_idx - q->last_used);
	if (pending == 0)
		return VIRTIO_ENOT_READY;
	/* 2.7.8: the device can use at most what we made available; that is
	 * also never more than size. */
	if (pending > q->size || pending > q->n_in_flight)
		return virtq_lie(q);
	q->used_seen = used_idx;
	virtio_mb(); /* read idx before the entry it covers */
	id_slot = q->last_used & (q->size - 1);
	id = virtio_load_le32(q->used + USED_RING(id_slot) + USED_ELEM_ID);
	len = virtio_load_le32(q->used + USED_RING(id_slot) + USED_ELEM_LEN);
	if (id >= q->size || !q->req[id].in_flight)
		return virtq_lie(q);
	/* An entry the device wrote before this chain was even added cannot
	 * be its completion: a stale or repeated id (2.7.8: each head is
	 * returned once per time it is made available). */
	if ((int16_t)(q->last_used - q->req[id].seq) < 0)
		return virtq_lie(q);
	/* A chain the device only reads has no byte for len to count (2.7.8.1
	 * wants 0), and nothing of it is read back: its len is taken as 0,
	 * not a lie. QEMU 7.2's virtio-input statusq reports the bytes it
	 * read there. */
	if (!q->req[id].writable)
		len = 0;
	if (len > q->req[id].writable)
		return virtq_lie(q);
	*out_id = (uint16_t)id;
	*out_len = len;
	*out_pending = pending;
	return VIRTIO_OK;
}

void virtq_split_release(struct virtq *q, uint16_t token)
{
	uint16_t d, i;

	/* Return the chain to the free list by its private shadow links; in
	 * order, chains come back in ring order and the links stay. */
	if (!q->in_order) {
		d = token;
		for (i = 1; i < q->req[token].ndesc; i++)
			d = q->shadow[d].next;
		q->shadow[d].next = q->free_head;
		q->free_head = token;
	}
	q->num_free = (uint16_t)(q->num_free + q->req[token].ndesc);
	q->last_used++;
	/* 2.7.10: interrupt me when the device gets past what I consumed. */
	if (q->event_idx && !q->no_interrupts)
		virtio_store_le16(q->avail + AVAIL_RING(q->size), q->last_used);
}

void virtq_split_set_interrupts(struct virtq *q, bool enable)
{
	if (!q->event_idx)
		virtio_store_le16(q->avail + RING_FLAGS,
				  enable ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT);
	else
		/* used_event one behind what we consumed: the device crosses
		 * it again only after the 16-bit index wraps. */
		virtio_store_le16(q->avail + AVAIL_RING(q->size),
				  (uint16_t)(q->last_used - !enable));
}
