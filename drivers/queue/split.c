/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueue, driver side (VirtIO 1.2, 2.7). The driver keeps a private
 * shadow of every descriptor and of every buffer in flight; device-writable
 * memory (the used ring) is read only through virtio_load_le*, each value
 * once, and validated before use. Not here: any transport register access
 * (transport ops) or request format (device drivers).
 */
#include "virtio/access.h"
#include "virtio/errors.h"
#include "virtio/spec.h"
#include "virtio/virtq.h"

#define IND_TABLE_BYTES (VIRTQ_MAX_SG * VIRTQ_DESC_SIZE)

/* 2.7.5 descriptor fields, 2.7.6 avail ring, 2.7.8 used ring offsets. */
#define DESC_ADDR 0
#define DESC_LEN 8
#define RING_FLAGS 0
#define RING_IDX 2
#define AVAIL_RING(i) (4u + 2u * (i))
#define USED_RING(i) (4u + 8u * (i))
#define USED_ELEM_ID 0
#define USED_ELEM_LEN 4

static size_t pages_for(size_t bytes)
{
	return (bytes + VIRTIO_PAGE_SIZE - 1) / VIRTIO_PAGE_SIZE;
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static int lie(struct virtq *q)
{
	/* The device can no longer be trusted with anything; buffers stay
	 * shared until the device is reset and virtq_destroy runs. */
	q->broken = true;
	q->t->broken = true;
	return VIRTIO_EBAD_USED;
}

int virtq_check(const struct virtq *q)
{
	if (!q || !q->t || !q->ready)
		return VIRTIO_EINVALID_PARAM;
	if (q->broken || q->t->broken)
		return VIRTIO_EBROKEN;
	return VIRTIO_OK;
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

static void unshare_slots(struct virtq *q, struct virtq_slot *s, unsigned n)
{
	const struct virtio_hal *hal = q->t->hal;
	unsigned i;

	for (i = 0; i < n; i++)
		virtio_unshare(hal, s[i].paddr, s[i].buf, s[i].len,
			       (enum virtio_dir)s[i].dir);
}

static int alloc_region(struct virtq *q, unsigned which, size_t bytes,
			enum virtio_dir dir)
{
	void *va = NULL;
	virtio_paddr_t pa = 0;
	size_t pages = pages_for(bytes);

	if (virtio_dma_alloc(q->t->hal, pages, dir, &pa, &va) || !va)
		return VIRTIO_EDMA;
	q->ring_paddr[which] = pa;
	q->ring_vaddr[which] = va;
	q->ring_pages[which] = pages;
	return VIRTIO_OK;
}

static void free_memory(struct virtq *q)
{
	const struct virtio_hal *hal = q->t->hal;
	unsigned i;

	for (i = 0; i < 2; i++) {
		if (q->ring_vaddr[i])
			virtio_dma_dealloc(hal, q->ring_paddr[i],
					   q->ring_vaddr[i], q->ring_pages[i]);
		q->ring_vaddr[i] = NULL;
	}
	if (q->ind_vaddr)
		virtio_dma_dealloc(hal, q->ind_paddr, q->ind_vaddr,
				   q->ind_pages);
	q->ind_vaddr = NULL;
	q->desc = q->avail = q->used = NULL;
}

static int init_fail(struct virtq *q, int rc)
{
	free_memory(q);
	q->t = NULL;
	return rc;
}

/* Rings: modern = [desc | avail] driver-only, [used] device-written;
 * legacy (2.7.2) = one region, used at the next 4096 boundary. */
static int alloc_rings(struct virtq *q, uint16_t n)
{
	size_t drv = VIRTQ_DESC_SIZE * (size_t)n + VIRTQ_AVAIL_SIZE(n);
	size_t dev = VIRTQ_USED_SIZE(n);
	virtio_paddr_t used_pa;
	int rc;

	if (q->legacy) {
		size_t used_off = align_up(drv, VIRTQ_LEGACY_ALIGN);

		rc = alloc_region(q, 0, used_off + dev, VIRTIO_DIR_BOTH);
		if (rc)
			return rc;
		q->used = (volatile uint8_t *)q->ring_vaddr[0] + used_off;
		used_pa = q->ring_paddr[0] + used_off;
	} else {
		rc = alloc_region(q, 0, drv, VIRTIO_DIR_DRIVER_TO_DEVICE);
		if (!rc)
			rc = alloc_region(q, 1, dev, VIRTIO_DIR_DEVICE_TO_DRIVER);
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

int virtq_init(struct virtq *q, struct virtio_transport *t, uint16_t idx,
	       uint16_t want, uint16_t min_size)
{
	uint32_t max, n;
	uint16_t i;
	int rc;

	if (!q)
		return VIRTIO_EINVALID_PARAM;
	/* Only the bookkeeping that teardown looks at; the shadow and per-head
	 * tables (about 50 KB) are initialised for `size` entries below. */
	q->t = t;
	q->idx = idx;
	q->size = 0;
	q->ready = q->broken = q->peeked = false;
	q->ring_vaddr[0] = q->ring_vaddr[1] = q->ind_vaddr = NULL;
	q->desc = q->avail = q->used = NULL;
	if (!t)
		return VIRTIO_EINVALID_PARAM;
	if (t->broken)
		return init_fail(q, VIRTIO_EBROKEN);
	if (min_size == 0)
		min_size = 1;
	if (want == 0 || want > VIRTQ_MAX_SIZE)
		want = VIRTQ_MAX_SIZE;
	if (t->ops->queue_used(t, idx))
		return init_fail(q, VIRTIO_EALREADY_USED);
	/* 4.2.3.2 / 4.1.5.1.3: the device's maximum, validated once here. */
	max = t->ops->max_queue_size(t, idx);
	if (max == 0 || max < min_size)
		return init_fail(q, VIRTIO_EBAD_QUEUE_SIZE);
	n = max < want ? max : want;
	/* 2.7: split queue sizes are powers of two. */
	n = 1u << (31 - __builtin_clz(n));
	if (n < min_size)
		return init_fail(q, VIRTIO_EBAD_QUEUE_SIZE);

	q->legacy = t->legacy;
	q->indirect = virtio_has_feature(t, VIRTIO_F_RING_INDIRECT_DESC);
	q->event_idx = virtio_has_feature(t, VIRTIO_F_RING_EVENT_IDX);
	q->no_interrupts = false;
	if (q->indirect) {
		q->ind_pages = pages_for((size_t)n * IND_TABLE_BYTES);
		if (virtio_dma_alloc(t->hal, q->ind_pages,
				     VIRTIO_DIR_DRIVER_TO_DEVICE, &q->ind_paddr,
				     &q->ind_vaddr) ||
		    !q->ind_vaddr) {
			q->ind_vaddr = NULL;
			return init_fail(q, VIRTIO_EDMA);
		}
	}
	for (i = 0; i < n; i++) {
		q->shadow[i].next = (uint16_t)((i + 1) & (n - 1));
		q->head[i].in_flight = false;
	}
	q->size = (uint16_t)n;
	q->num_free = (uint16_t)n;
	q->free_head = 0;
	q->n_in_flight = 0;
	q->avail_idx = q->last_used = q->avail_idx_at_kick = q->used_seen = 0;
	/* dma_alloc returns zeroed memory: flags, idx and used_event start 0. */
	rc = alloc_rings(q, (uint16_t)n);
	if (rc)
		return init_fail(q, rc);
	q->ready = true;
	return VIRTIO_OK;
}

static int share_bufs(struct virtq *q, struct virtq_slot *s,
		      const struct virtq_buf *b, size_t n, enum virtio_dir dir,
		      unsigned *done)
{
	size_t i;

	for (i = 0; i < n; i++) {
		virtio_paddr_t pa;

		if (virtio_share(q->t->hal, b[i].ptr, b[i].len, dir, &pa))
			return VIRTIO_EDMA;
		s[*done].buf = b[i].ptr;
		s[*done].paddr = pa;
		s[*done].len = (uint32_t)b[i].len;
		s[*done].dir = (uint8_t)dir;
		(*done)++;
	}
	return VIRTIO_OK;
}

static int check_bufs(const struct virtq_buf *b, size_t n, uint32_t *sum)
{
	size_t i;

	if (n && !b)
		return VIRTIO_EINVALID_PARAM;
	for (i = 0; i < n; i++)
		if (!b[i].ptr || !b[i].len || b[i].len > UINT32_MAX ||
		    __builtin_add_overflow(*sum, (uint32_t)b[i].len, sum))
			return VIRTIO_EINVALID_PARAM;
	return VIRTIO_OK;
}

/* add, kick, peek and pop trust the queue: their public entries (after
 * virtq_add_wait) check it once with virtq_check, and virtq_add_wait checks
 * once for a whole request instead of on every poll. */
static int add(struct virtq *q, const struct virtq_buf *out, size_t n_out,
	       const struct virtq_buf *in, size_t n_in, uint16_t *token)
{
	uint32_t readable = 0, writable = 0;
	unsigned i, n, ndesc, done = 0;
	struct virtq_slot *s;
	uint16_t h, d;
	int rc;

	if (!token || n_out > VIRTQ_MAX_SG || n_in > VIRTQ_MAX_SG ||
	    n_out + n_in == 0 || n_out + n_in > VIRTQ_MAX_SG)
		return VIRTIO_EINVALID_PARAM;
	if (check_bufs(out, n_out, &readable) || check_bufs(in, n_in, &writable))
		return VIRTIO_EINVALID_PARAM;
	n = (unsigned)(n_out + n_in);
	if (n > q->size)
		return VIRTIO_EINVALID_PARAM; /* 2.7.5.3.1, indirect or not */
	ndesc = q->indirect && n > 1 ? 1 : n;
	if (q->num_free < ndesc)
		return VIRTIO_EQUEUE_FULL;

	h = q->free_head;
	s = q->head[h].bufs;
	rc = share_bufs(q, s, out, n_out, VIRTIO_DIR_DRIVER_TO_DEVICE, &done);
	if (!rc)
		rc = share_bufs(q, s, in, n_in, VIRTIO_DIR_DEVICE_TO_DRIVER,
				&done);
	if (rc) {
		unshare_slots(q, s, done);
		return rc;
	}

	if (ndesc == 1 && n > 1) {
		/* 2.7.5.3: one ring descriptor naming a table of n. */
		volatile uint8_t *tbl =
			(volatile uint8_t *)q->ind_vaddr + (size_t)h * IND_TABLE_BYTES;
		struct virtq_desc_shadow *sh = &q->shadow[h];

		for (i = 0; i < n; i++)
			write_desc(tbl + i * VIRTQ_DESC_SIZE, s[i].paddr,
				   s[i].len,
				   (uint16_t)((i < n_out ? 0 : VIRTQ_DESC_F_WRITE) |
					      (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)),
				   (uint16_t)(i + 1 < n ? i + 1 : 0));
		sh->addr = q->ind_paddr + (virtio_paddr_t)h * IND_TABLE_BYTES;
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
	q->head[h].nbufs = (uint8_t)n;
	q->head[h].ndesc = (uint16_t)ndesc;
	q->head[h].writable = writable;
	q->head[h].in_flight = true;
	q->head[h].min_used = q->used_seen;
	q->n_in_flight++;

	/* 2.7.13: ring entry, barrier, then idx. */
	virtio_store_le16(q->avail + AVAIL_RING(q->avail_idx & (q->size - 1)), h);
	q->avail_idx++;
	virtio_mb();
	virtio_store_le16(q->avail + RING_IDX, q->avail_idx);
	*token = h;
	return VIRTIO_OK;
}

/* 2.7.10: wrap-safe "did new_idx step over event since old". */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

static void kick(struct virtq *q)
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

static int peek(struct virtq *q, uint16_t *token)
{
	uint16_t used_idx, pending, id_slot;
	uint32_t id, len;

	if (q->peeked) {
		*token = q->peek_id;
		return VIRTIO_OK;
	}
	used_idx = virtio_load_le16(q->used + RING_IDX);
	pending = (uint16_t)(used_idx - q->last_used);
	if (pending == 0)
		return VIRTIO_ENOT_READY;
	/* 2.7.8: the device can use at most what we made available; that is
	 * also never more than size. */
	if (pending > q->size || pending > q->n_in_flight)
		return lie(q);
	q->used_seen = used_idx;
	virtio_mb(); /* read idx before the entry it covers */
	id_slot = q->last_used & (q->size - 1);
	id = virtio_load_le32(q->used + USED_RING(id_slot) + USED_ELEM_ID);
	len = virtio_load_le32(q->used + USED_RING(id_slot) + USED_ELEM_LEN);
	if (id >= q->size || !q->head[id].in_flight)
		return lie(q);
	/* An entry the device wrote before this chain was even added cannot
	 * be its completion: a stale or repeated id (2.7.8: each head is
	 * returned once per time it is made available). */
	if ((int16_t)(q->last_used - q->head[id].min_used) < 0)
		return lie(q);
	if (len > q->head[id].writable)
		return lie(q);
	q->peeked = true;
	q->peek_id = (uint16_t)id;
	q->peek_len = len;
	*token = (uint16_t)id;
	return VIRTIO_OK;
}

static int pop(struct virtq *q, uint16_t token, uint32_t *len)
{
	uint16_t got, d, i;
	int rc;

	rc = peek(q, &got);
	if (rc)
		return rc;
	if (token != got)
		return VIRTIO_EWRONG_TOKEN;
	unshare_slots(q, q->head[token].bufs, q->head[token].nbufs);
	/* Return the chain to the free list by its private shadow links. */
	d = token;
	for (i = 1; i < q->head[token].ndesc; i++)
		d = q->shadow[d].next;
	q->shadow[d].next = q->free_head;
	q->free_head = token;
	q->num_free = (uint16_t)(q->num_free + q->head[token].ndesc);
	q->head[token].in_flight = false;
	q->n_in_flight--;
	q->last_used++;
	q->peeked = false;
	/* 2.7.10: interrupt me when the device gets past what I consumed. */
	if (q->event_idx && !q->no_interrupts)
		virtio_store_le16(q->avail + AVAIL_RING(q->size), q->last_used);
	if (len)
		*len = q->peek_len;
	return VIRTIO_OK;
}

int virtq_add_wait(struct virtq *q, const struct virtq_buf *out, size_t n_out,
		   const struct virtq_buf *in, size_t n_in, uint32_t *len)
{
	uint32_t i, budget;
	uint16_t token, got;
	int rc;

	rc = virtq_check(q);
	if (rc)
		return rc;
	if (q->n_in_flight)
		return VIRTIO_EINVALID_PARAM;
	rc = add(q, out, n_out, in, n_in, &token);
	if (rc)
		return rc;
	kick(q);
	budget = q->t->poll_budget ? q->t->poll_budget : 1;
	for (i = 0; i < budget; i++) {
		rc = peek(q, &got);
		if (rc == VIRTIO_ENOT_READY)
			continue;
		if (rc)
			return rc;
		return pop(q, token, len);
	}
	return VIRTIO_ETIMEOUT;
}

int virtq_add(struct virtq *q, const struct virtq_buf *out, size_t n_out,
	      const struct virtq_buf *in, size_t n_in, uint16_t *token)
{
	int rc = virtq_check(q);

	return rc ? rc : add(q, out, n_out, in, n_in, token);
}

void virtq_kick(struct virtq *q)
{
	if (!virtq_check(q))
		kick(q);
}

int virtq_peek_used(struct virtq *q, uint16_t *token)
{
	int rc = virtq_check(q);

	if (!rc && !token)
		rc = VIRTIO_EINVALID_PARAM;
	return rc ? rc : peek(q, token);
}

int virtq_pop_used(struct virtq *q, uint16_t token, uint32_t *len)
{
	int rc = virtq_check(q);

	return rc ? rc : pop(q, token, len);
}

void virtq_set_interrupts(struct virtq *q, bool enable)
{
	if (virtq_check(q))
		return;
	q->no_interrupts = !enable;
	if (!q->event_idx)
		virtio_store_le16(q->avail + RING_FLAGS,
				  enable ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT);
	else
		/* used_event one behind what we consumed: the device crosses
		 * it again only after the 16-bit index wraps. */
		virtio_store_le16(q->avail + AVAIL_RING(q->size),
				  (uint16_t)(q->last_used - !enable));
}

bool virtq_is_broken(const struct virtq *q)
{
	return q->broken || (q->t && q->t->broken);
}

uint16_t virtq_size(const struct virtq *q)
{
	return q->ready ? q->size : 0;
}

void virtq_destroy(struct virtq *q)
{
	uint16_t i;

	if (!q || !q->t)
		return;
	if (q->ready)
		q->t->ops->queue_unset(q->t, q->idx);
	/* The device is reset: it owns nothing, so every buffer comes back. */
	for (i = 0; i < q->size; i++) {
		if (!q->head[i].in_flight)
			continue;
		unshare_slots(q, q->head[i].bufs, q->head[i].nbufs);
		q->head[i].in_flight = false;
	}
	free_memory(q);
	q->size = 0;
	q->ready = false;
	q->peeked = false;
	q->n_in_flight = 0;
	q->t = NULL;
}
