/* SPDX-License-Identifier: MIT */
/*
 * The device-side virtqueue's shared core (sim/vq.h): one interface over
 * the split (split.c) and packed (packed.c) engines, and what both use
 * once: the pending list and its completion order, struct sim_chain and
 * the copies between a chain and host memory. Not here: any ring layout.
 */
#include "sim/decide.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "sim/vq_engine.h"
#include "virtio/spec.h"

#define BIT(n) (1ull << (n))

/* Forget every buffer in flight: a few bytes, stored one by one (volatile:
 * a memset call would be ASan's interceptor in the fuzz build). A packed
 * queue's bits are by buffer id, any of 65536. */
static void forget_held(struct sim_vq *q)
{
	unsigned n = q->packed ? sizeof(q->held) : (q->size + 7u) / 8;

	for (unsigned i = 0; i < n; i++)
		((volatile uint8_t *)q->held)[i] = 0;
}

static void restart(struct sim_vq *q)
{
	forget_held(q);
	q->served = NULL;
	q->broken = false;
	q->order_lie = false;
	q->lost = false;
	q->trusted = true;
	q->nbatch = 0;
	q->last_avail = 0;
	q->used_idx = 0;
	q->pend_head = 0;
	q->npending = 0;
	q->ncredits = 0;
	q->rewrites_seen = sim_refetch_rewrites();
}

void sim_vq_clear(struct sim_vq *q)
{
	restart(q);
	q->size = 0;
	q->ready = false;
	q->event_idx = false;
	q->indirect = false;
	q->packed = false;
	q->in_order = false;
	q->desc = q->avail = q->used = 0;
}

int sim_vq_enable(struct sim_vq *q, uint64_t features, uint32_t num,
		  virtio_paddr_t desc, virtio_paddr_t driver,
		  virtio_paddr_t device)
{
	bool packed = features & BIT(VIRTIO_F_RING_PACKED);

	if (packed ? sim_packed_check(q, num, desc, driver, device)
		   : sim_split_check(q, num, desc, driver, device))
		return -1;
	forget_held(q); /* what the last format left, by its own rules */
	q->packed = packed;
	q->size = (uint16_t)num;
	q->desc = desc;
	q->avail = driver;
	q->used = device;
	q->event_idx = features & BIT(VIRTIO_F_RING_EVENT_IDX);
	q->indirect = features & BIT(VIRTIO_F_RING_INDIRECT_DESC);
	q->in_order = features & BIT(VIRTIO_F_IN_ORDER);
	restart(q);
	if (packed)
		sim_packed_start(q);
	q->ready = true;
	return 0;
}

int sim_vq_config_fail(struct sim_vq *q, const char *msg, const char *what,
		       uint64_t v)
{
	sim_report(SIM_QUEUE_CONFIG, NULL, NULL, "%s [queue=%u] [%s=0x%llx]", msg,
		   q->index, what, (unsigned long long)v);
	return -1;
}

/* ---- the pending list ----------------------------------------------------- */

void sim_vq_pending_push(struct sim_vq *q, uint16_t key)
{
	unsigned slot = (q->pend_head + q->npending) % SIM_VQ_PENDING_MAX;

	q->pending[slot] = key;
	q->npending++;
}

bool sim_vq_pending_drop(struct sim_vq *q, uint16_t key)
{
	for (unsigned i = 0; i < q->npending; i++) {
		unsigned a = (q->pend_head + i) % SIM_VQ_PENDING_MAX;
		if (q->pending[a] != key)
			continue;
		for (unsigned j = i + 1; j < q->npending; j++) {
			unsigned b = (q->pend_head + j) % SIM_VQ_PENDING_MAX;
			q->pending[a] = q->pending[b];
			a = b;
		}
		q->npending--;
		return true;
	}
	return false;
}

/*
 * IN_ORDER, and the device completes the i-th pending buffer first: its
 * used entry tells the driver that every older one is used too (2.7.9,
 * 2.8.9), so the device gives them back with it, as an IN_ORDER batch,
 * and keeps no buffer the driver has taken back. They were never served:
 * each is marked with the lie (a success on one accepted it). Returns how
 * many went (as many as the batch has room for).
 */
static uint32_t swallow_older(struct sim_vq *q, uint32_t i)
{
	static struct sim_chain older;
	uint32_t room = q->nbatch < SIM_VQ_BATCH_MAX ? SIM_VQ_BATCH_MAX - q->nbatch
						      : 0;

	if (i > room)
		i = room; /* the batch's room */
	for (uint32_t k = 0; k < i; k++) {
		uint16_t key = q->pending[q->pend_head];

		q->pend_head = (uint16_t)((q->pend_head + 1) % SIM_VQ_PENDING_MAX);
		q->npending--;
		/* The entry claims it used whole, and to the driver that is
		 * a batch like any other (2.7.9, 2.8.9): not a lie it can
		 * see. Its answer is not the model's, its bytes count as
		 * written. */
		if ((q->packed ? sim_packed_chain(q, key, &older)
			       : sim_split_chain(q, key, &older)) == 0)
			sim_oracle_used(&older, (uint32_t)older.writable, false);
		q->batch_len[q->nbatch] = 0;
		q->batch[q->nbatch++] = key;
	}
	return i;
}

bool sim_vq_pick(struct sim_vq *q, uint16_t *head)
{
	uint32_t i = 0;

	if (!q->packed && sim_split_sync(q)) {
		q->broken = true;
		return false;
	}
	if (q->packed && sim_packed_sync(q))
		return false;
	if (!q->npending)
		return false;
	if (q->npending > 1)
		i = sim_decide_choice("vq.order", q->npending);
	/* 2.7.9 / 2.8.9: with IN_ORDER the device uses buffers in the order
	 * they were made available. Completing a later one first, its entry
	 * gives the older ones back with it: the driver reads a batch. */
	q->order_lie = false;
	if (i && q->in_order) {
		q->order_lie = swallow_older(q, i) != 0;
		i = 0;
	}
	if (i) {
		/* Out of order: swap the chosen one to the front. */
		unsigned a = q->pend_head, b = (q->pend_head + i) % SIM_VQ_PENDING_MAX;
		uint16_t t = q->pending[a];

		q->pending[a] = q->pending[b];
		q->pending[b] = t;
	}
	*head = q->pending[q->pend_head];
	q->pend_head = (uint16_t)((q->pend_head + 1) % SIM_VQ_PENDING_MAX);
	q->npending--;
	return true;
}

/* ---- the engines, behind one interface ------------------------------------ */

int sim_vq_fetch(struct sim_vq *q)
{
	if (!q->ready || q->broken || q->lost)
		return 0;
	return q->packed ? sim_packed_fetch(q) : sim_split_fetch(q);
}

int sim_vq_chain(struct sim_vq *q, uint16_t head, struct sim_chain *c)
{
	int rc = q->packed ? sim_packed_chain(q, head, c)
			   : sim_split_chain(q, head, c);

	q->served = rc ? NULL : c;
	if (rc == 0)
		sim_trace("vq %llu: chain head=%llu descs=%llu bytes=%llu",
			  q->index, head, c->ndesc, c->readable + c->writable);
	return rc;
}

int sim_vq_push(struct sim_vq *q, uint16_t head, uint32_t len)
{
	const struct sim_chain *served =
		q->served && q->served->head == head ? q->served : NULL;

	bool lie = q->order_lie;

	q->order_lie = false;
	/* 2.7.9 / 2.8.9: a batch only of buffers the device used whole (the
	 * driver assumes the skipped ones were), in order. */
	if (q->in_order && !lie && q->npending && served &&
	    len == served->writable && q->nbatch < SIM_VQ_BATCH_MAX &&
	    sim_decide_flag("vq.batch")) {
		q->batch_len[q->nbatch] = len;
		q->batch[q->nbatch++] = head;
		sim_trace("vq %llu: head %llu held back for a batch of %llu",
			  q->index, head, q->nbatch, 0);
		return 0;
	}
	return q->packed ? sim_packed_push(q, head, len)
			 : sim_split_push(q, head, len);
}

int sim_vq_flush(struct sim_vq *q)
{
	uint16_t last;

	if (!q->nbatch)
		return 0;
	/* The last one held back becomes the entry; it was used whole. */
	last = q->batch[--q->nbatch];
	q->served = NULL;
	return q->packed ? sim_packed_push(q, last, q->batch_len[q->nbatch])
			 : sim_split_push(q, last, q->batch_len[q->nbatch]);
}

bool sim_vq_need_interrupt(struct sim_vq *q, uint16_t old)
{
	return q->packed ? sim_packed_need_interrupt(q, old)
			 : sim_split_need_interrupt(q, old);
}

/* ---- chains --------------------------------------------------------------- */

int sim_vq_chain_fail(struct sim_vq *q, enum sim_class cls, const char *msg,
		      uint16_t head, const char *an, uint64_t a,
		      const char *bn, uint64_t b)
{
	sim_report(cls, NULL, NULL, "%s [queue=%u] [head=%u] [%s=%llu] [%s=%llu]",
		   msg, q->index, head, an, (unsigned long long)a, bn,
		   (unsigned long long)b);
	q->broken = true;
	return -1;
}

/* Walk the kept buffers of one direction as a single byte stream. */
static int64_t chain_copy(const struct sim_chain *c, bool writable,
			  uint64_t off, uint8_t *host, uint64_t len)
{
	uint64_t done = 0;

	for (unsigned s = 0; s < c->nseg && done < len; s++) {
		const struct sim_seg *g = &c->seg[s];
		uint64_t n;

		if (g->writable != writable)
			continue;
		if (off >= g->len) {
			off -= g->len;
			continue;
		}
		n = g->len - off;
		if (n > len - done)
			n = len - done;
		if (writable ? sim_dma_write(g->paddr + off, host + done, n)
			     : sim_dma_read(g->paddr + off, host + done, n))
			return -1;
		done += n;
		off = 0;
	}
	return (int64_t)done;
}

int64_t sim_chain_read(const struct sim_chain *c, uint64_t off, void *dst,
		       uint64_t len)
{
	return chain_copy(c, false, off, dst, len);
}

int64_t sim_chain_write(const struct sim_chain *c, uint64_t off,
			const void *src, uint64_t len)
{
	return chain_copy(c, true, off, (uint8_t *)(uintptr_t)src, len);
}
