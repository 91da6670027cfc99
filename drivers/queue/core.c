/* SPDX-License-Identifier: MIT */
/*
 * The virtqueue core, both formats: parameter checks, buffer ids and the
 * buffers in flight (share on add, unshare on pop), in-order batches
 * (2.7.9, 2.8.13), the bounded wait, and reclaim at teardown. The ring
 * formats are in split.c (2.7) and packed.c (2.8); a branch on q->packed
 * picks one. Not here: any ring layout or any read of device memory.
 */
#include "queue.h"

#include "virtio/errors.h"
#include "virtio/spec.h"

static size_t pages_for(size_t bytes)
{
	return (bytes + VIRTIO_PAGE_SIZE - 1) / VIRTIO_PAGE_SIZE;
}

int virtq_lie(struct virtq *q)
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
		return VIRTIO_EBROKEN; /* cov-exempt: redundant */
	return VIRTIO_OK;
}

void virtq_clear(struct virtq *q)
{
	if (!q)
		return; /* cov-exempt: api-misuse */
	q->t = NULL;
	q->ready = false;
}

static void unshare_slots(struct virtq *q, struct virtq_slot *s, unsigned n)
{
	const struct virtio_hal *hal = q->t->hal;
	unsigned i;

	for (i = 0; i < n; i++)
		virtio_unshare(hal, s[i].paddr, s[i].buf, s[i].len,
			       (enum virtio_dir)s[i].dir);
}

int virtq_alloc_region(struct virtq *q, unsigned which, size_t bytes,
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

	for (i = 0; i < 3; i++) {
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

int virtq_init(struct virtq *q, struct virtio_transport *t, uint16_t idx,
	       struct virtq_mem mem, uint16_t want, uint16_t min_size)
{
	uint32_t max, n, cap;
	uint16_t i;
	int rc;

	if (!q)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	/* Only the bookkeeping that teardown looks at; the per-id tables are
	 * initialised for `size` entries below. */
	q->t = t;
	q->idx = idx;
	q->size = 0;
	q->ready = q->broken = q->peeked = q->in_batch = false;
	q->ring_vaddr[0] = q->ring_vaddr[1] = q->ring_vaddr[2] = NULL;
	q->ind_vaddr = NULL;
	q->desc = q->avail = q->used = NULL;
	if (!t)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (!mem.req || !mem.desc || mem.n == 0)
		/* cov-exempt: api-misuse */
		return init_fail(q, VIRTIO_EINVALID_PARAM);
	if (t->broken)
		return init_fail(q, VIRTIO_EBROKEN); /* cov-exempt: redundant */
	/* 2.8 is VirtIO 1.x only; a legacy layout has no packed form. */
	q->packed = !t->legacy && virtio_has_feature(t, VIRTIO_F_RING_PACKED);
	cap = mem.n;
	if (cap > VIRTQ_PACKED_SIZE_MAX)
		cap = VIRTQ_PACKED_SIZE_MAX; /* cov-exempt: unused */
	if (min_size == 0)
		min_size = 1; /* cov-exempt: unused */
	if (want == 0 || want > cap)
		want = (uint16_t)cap;
	if (t->ops->queue_used(t, idx))
		/* cov-exempt: no-sim-lie */
		return init_fail(q, VIRTIO_EALREADY_USED);
	/* 4.2.3.2 / 4.1.5.1.3: the device's maximum, validated once here. */
	max = t->ops->max_queue_size(t, idx);
	if (max == 0 || max < min_size)
		return init_fail(q, VIRTIO_EBAD_QUEUE_SIZE);
	n = max < want ? max : want;
	/* 2.7: split queue sizes are powers of two; 2.8: packed any size. */
	if (!q->packed)
		n = 1u << (31 - __builtin_clz(n));
	if (n < min_size)
		return init_fail(q, VIRTIO_EBAD_QUEUE_SIZE);

	q->shadow = mem.desc;
	q->req = mem.req;
	q->legacy = t->legacy;
	q->indirect = virtio_has_feature(t, VIRTIO_F_RING_INDIRECT_DESC);
	q->event_idx = virtio_has_feature(t, VIRTIO_F_RING_EVENT_IDX);
	q->in_order = virtio_has_feature(t, VIRTIO_F_IN_ORDER);
	q->no_interrupts = false;
	if (q->indirect) {
		q->ind_pages = pages_for((size_t)n * VIRTQ_IND_TABLE_BYTES);
		if (virtio_dma_alloc(t->hal, q->ind_pages,
				     VIRTIO_DIR_DRIVER_TO_DEVICE, &q->ind_paddr,
				     &q->ind_vaddr) ||
		    !q->ind_vaddr) {
			q->ind_vaddr = NULL;
			return init_fail(q, VIRTIO_EDMA);
		}
	}
	for (i = 0; i < n; i++)
		q->req[i].in_flight = false;
	q->size = (uint16_t)n;
	q->num_free = (uint16_t)n;
	q->n_in_flight = 0;
	q->fifo_head = q->fifo_tail = VIRTQ_NO_ID;
	rc = q->packed ? virtq_packed_init(q) : virtq_split_init(q);
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
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	for (i = 0; i < n; i++)
		if (!b[i].ptr || !b[i].len || b[i].len > UINT32_MAX ||
		    __builtin_add_overflow(*sum, (uint32_t)b[i].len, sum))
			/* cov-exempt: api-misuse */
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
	unsigned n, ndesc, done = 0;
	struct virtq_req *r;
	uint16_t id;
	int rc;

	if (!token || n_out > VIRTQ_MAX_SG || n_in > VIRTQ_MAX_SG ||
	    n_out + n_in == 0 || n_out + n_in > VIRTQ_MAX_SG)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (check_bufs(out, n_out, &readable) ||
	    check_bufs(in, n_in, &writable))
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	n = (unsigned)(n_out + n_in);
	/* 2.7.5.3.1 / 2.8.19: no chain longer than the queue, indirect or
	 * not. */
	if (n > q->size)
		return VIRTIO_EINVALID_PARAM;
	ndesc = q->indirect && n > 1 ? 1 : n;
	if (q->num_free < ndesc)
		return VIRTIO_EQUEUE_FULL;

	id = q->packed ? virtq_packed_next_id(q) : virtq_split_next_id(q);
	r = &q->req[id];
	rc = share_bufs(q, r->bufs, out, n_out, VIRTIO_DIR_DRIVER_TO_DEVICE,
			&done);
	if (!rc)
		rc = share_bufs(q, r->bufs, in, n_in,
				VIRTIO_DIR_DEVICE_TO_DRIVER, &done);
	if (rc) {
		unshare_slots(q, r->bufs, done);
		return rc;
	}
	r->nbufs = (uint8_t)n;
	r->ndesc = (uint16_t)ndesc;
	r->writable = writable;
	r->in_flight = true;
	if (q->in_order) {
		r->fifo_next = VIRTQ_NO_ID;
		if (q->fifo_tail != VIRTQ_NO_ID)
			q->req[q->fifo_tail].fifo_next = id;
		else
			q->fifo_head = id;
		q->fifo_tail = id;
	}
	q->n_in_flight++;
	if (q->packed)
		virtq_packed_publish(q, id, n, (unsigned)n_out, ndesc);
	else
		virtq_split_publish(q, id, n, (unsigned)n_out, ndesc);
	*token = id;
	return VIRTIO_OK;
}

static void kick(struct virtq *q)
{
	if (q->packed)
		virtq_packed_kick(q);
	else
		virtq_split_kick(q);
}

/*
 * 2.7.9 / 2.8.13: an in-order device may report a batch by the entry of
 * its last chain only; every older chain in flight is then used, and used
 * completely (its len is its writable bytes). The entry names a chain in
 * flight (read_used checked); the batch must fit what the device published
 * (split: used idx moved by the batch's size). A chain the device already
 * reported by batch is no longer in flight: naming it again, or any order
 * but the one of the adds, is a lie the next read catches.
 */
static int in_order_entry(struct virtq *q, uint16_t id, uint32_t len,
			  uint16_t pending)
{
	uint16_t c = q->fifo_head, count = 1;

	while (c != id) {
		c = q->req[c].fifo_next;
		count++;
		if (c == VIRTQ_NO_ID)
			return virtq_lie( /* cov-exempt: redundant */
			    q); /* cannot happen: id is in flight */
	}
	if (count > pending)
		return virtq_lie(q);
	q->in_batch = true;
	q->batch_end = id;
	q->batch_len = len;
	return VIRTIO_OK;
}

static int peek(struct virtq *q, uint16_t *token)
{
	uint16_t id, pending;
	uint32_t len;
	int rc;

	if (q->peeked) {
		*token = q->peek_id;
		return VIRTIO_OK;
	}
	if (!q->in_batch) {
		rc = q->packed ? virtq_packed_read_used(q, &id, &len, &pending)
			       : virtq_split_read_used(q, &id, &len, &pending);
		if (rc)
			return rc;
		if (q->in_order) {
			rc = in_order_entry(q, id, len, pending);
			if (rc)
				return rc;
		}
	}
	if (q->in_batch) {
		id = q->fifo_head;
		len = id == q->batch_end ? q->batch_len : q->req[id].writable;
	}
	q->peeked = true;
	q->peek_id = id;
	q->peek_len = len;
	*token = id;
	return VIRTIO_OK;
}

static int pop(struct virtq *q, uint16_t token, uint32_t *len)
{
	struct virtq_req *r;
	uint16_t got;
	int rc;

	rc = peek(q, &got);
	if (rc)
		return rc; /* cov-exempt: redundant */
	if (token != got)
		return VIRTIO_EWRONG_TOKEN; /* cov-exempt: api-misuse */
	r = &q->req[token];
	unshare_slots(q, r->bufs, r->nbufs);
	r->in_flight = false;
	q->n_in_flight--;
	q->peeked = false;
	if (q->in_order) {
		q->fifo_head = r->fifo_next;
		if (q->fifo_head == VIRTQ_NO_ID)
			q->fifo_tail = VIRTQ_NO_ID;
		if (token == q->batch_end)
			q->in_batch = false;
	}
	if (q->packed)
		virtq_packed_release(q, token);
	else
		virtq_split_release(q, token);
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
		return rc; /* cov-exempt: redundant */
	if (q->n_in_flight)
		return VIRTIO_EINVALID_PARAM;
	rc = add(q, out, n_out, in, n_in, &token);
	if (rc)
		return rc;
	kick(q);
	budget = q->t->poll_budget ? q->t->poll_budget : 1;
	for (i = 0; i < budget; i++) {
		rc = peek(q, &got);
		if (rc == VIRTIO_ENOT_READY) {
			/* 2.1.2: a device that needs a reset will not answer;
			 * look now and then (a status read costs an exit). */
			if (i >= 1024 && !(i & (i - 1)) &&
			    virtio_needs_reset(q->t))
				/* cov-exempt: unused */
				return VIRTIO_ENEEDS_RESET;
			continue;
		}
		if (rc)
			return rc;
		/* Ours is the only chain in flight: an entry naming another
		 * id is a lie, never the caller's EWRONG_TOKEN (the caller
		 * would return with its buffers still on loan). */
		if (got != token)
			return virtq_lie(q); /* cov-exempt: redundant */
		return pop(q, token, len);
	}
	return virtio_needs_reset(q->t) ? VIRTIO_ENEEDS_RESET : VIRTIO_ETIMEOUT;
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
		rc = VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
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
		return; /* cov-exempt: redundant */
	q->no_interrupts = !enable;
	if (q->packed)
		virtq_packed_set_interrupts(q, enable);
	else
		virtq_split_set_interrupts(q, enable);
}

bool virtq_is_broken(const struct virtq *q)
{
	return q->broken || (q->t && q->t->broken);
}

uint16_t virtq_size(const struct virtq *q)
{
	return q->ready ? q->size : 0;
}

bool virtq_is_packed(const struct virtq *q)
{
	return q->ready && q->packed;
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
		if (!q->req[i].in_flight)
			continue;
		unshare_slots(q, q->req[i].bufs, q->req[i].nbufs);
		q->req[i].in_flight = false;
	}
	free_memory(q);
	q->size = 0;
	q->ready = false;
	q->peeked = false;
	q->in_batch = false;
	q->n_in_flight = 0;
	q->t = NULL;
}
