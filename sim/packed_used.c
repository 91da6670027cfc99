/* SPDX-License-Identifier: MIT */
/*
 * The packed ring's way back (VirtIO 1.2, 2.8), behind sim/vq.h: used
 * descriptors written in completion order, each skipping its buffer's
 * slots (2.8.6), what each tells the oracles, and the driver's event
 * suppression read before an interrupt (2.8.10). Fetching and the layout
 * rules are in packed.c.
 */
#include "sim/decide.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "sim/vq_engine.h"
#include "virtio/le.h"
#include "virtio/spec.h"

#define F_AVAIL VIRTQ_PACKED_DESC_F_AVAIL
#define F_USED VIRTQ_PACKED_DESC_F_USED
#define WRAP_BIT 0x8000u

/* The pending buffer the driver knows by `id`, other than `key`. */
static bool find_pending(struct sim_vq *q, uint32_t id, uint16_t key,
			 uint16_t *found)
{
	for (unsigned i = 0; i < q->npending; i++) {
		uint16_t k = q->pending[(q->pend_head + i) % SIM_VQ_PENDING_MAX];

		if (k != key && q->buf_id[k] == id) {
			*found = k;
			return true;
		}
	}
	return false;
}

/*
 * The oracles' view of a used descriptor {id, len} the driver can see
 * (sim/oracle.h). `served`: the chain the device served for it (NULL:
 * malformed, reported); `honest`: the entry is the model's answer. An id
 * the driver does not have in flight, or one of another buffer, leaves the
 * two sides disagreeing about which slots are whose: the device stops
 * using the queue (lost), so the driver is never blamed for acting on it.
 */
static void published(struct sim_vq *q, uint16_t key, uint32_t id,
		      uint32_t len, const struct sim_chain *served, bool honest)
{
	static struct sim_chain other;
	const struct sim_chain *x = served;
	uint16_t k;

	if (!sim_vq_held(q, id)) {
		/* An id past the ring is no buffer the driver has in flight: a
		 * lie it can see. A smaller one may name a buffer it made
		 * available that the device has not fetched yet (its bytes
		 * never written): which, the engine does not track, so
		 * nothing more is judged. */
		if (id >= q->size)
			sim_oracle_lie(NULL, SIM_LIE_USED_ID, id);
		else
			sim_oracle_desync();
		if (served)
			sim_oracle_untrue(served);
		q->lost = true;
		return;
	}
	sim_vq_hold(q, id, false);
	if (id != q->buf_id[key]) {
		/* Another buffer the device holds goes back in its place
		 * (under IN_ORDER with every older one, as a batch). */
		q->lost = true;
		if (q->in_order)
			sim_oracle_desync();
		if (served)
			sim_oracle_untrue(served);
		x = NULL;
		if (find_pending(q, id, key, &k) &&
		    !sim_packed_chain(q, k, &other))
			x = &other;
		else
			sim_oracle_desync(); /* held but not pending (vq.never):
					      * a buffer the engine cannot mark */
	}
	if (!x)
		return;
	if (!x->writable)
		len = 0; /* the driver takes it so (drivers/queue/split.c) */
	if (len > x->writable)
		sim_oracle_lie(x, SIM_LIE_USED_LEN, len);
	else
		sim_oracle_used(x, len, honest);
}

/* Slots [slot, slot + n) go back to the driver: each must still hold what
 * the device last saw there. Slot `slot` is read into b. */
static int take_back(struct sim_vq *q, uint16_t slot, uint16_t n, uint8_t b[16])
{
	for (uint16_t k = 0, s = slot; k < n; k++) {
		uint8_t t[16];
		uint8_t *p = k ? t : b;

		if (sim_dma_read(q->desc + 16u * s, p, 16))
			return -1;
		if (sim_packed_owned_ok(q, s, sim_packed_fold(p),
					virtio_get_le16(p + 14)))
			return -1;
		if (++s == q->size)
			s = 0;
	}
	return 0;
}

int sim_packed_push(struct sim_vq *q, uint16_t key, uint32_t spec_len)
{
	const struct sim_chain *served =
		q->served && q->served->head == key ? q->served : NULL;
	uint16_t slot = q->used_idx & ~WRAP_BIT, n = q->buf_slots[key];
	uint16_t spec_id = q->buf_id[key], spec_flags, flags;
	bool wrap = q->used_idx & WRAP_BIT;
	uint32_t id, len;
	uint8_t b[16];

	/* 2.8.1: AVAIL and USED both equal to the used wrap counter; 2.8.4:
	 * WRITE when the device wrote into the buffer. */
	if (sim_packed_sync(q))
		return 0; /* no used entry on a ring the device left */
	spec_flags = (uint16_t)((wrap ? F_AVAIL | F_USED : 0) |
				(spec_len ? VIRTQ_DESC_F_WRITE : 0));
	/* vq.used_id keeps the split ring's width; the ring holds 16 bits. */
	id = (uint16_t)sim_decide("vq.used_id", spec_id, 4);
	len = (uint32_t)sim_decide("vq.used_len", spec_len, 4);
	flags = (uint16_t)sim_decide("pq.used_flags", spec_flags, 2);
	/* 2.8.9: one entry for an IN_ORDER batch skips all its slots; the
	 * batch's other buffers come back whole. */
	for (unsigned k = 0; k < q->nbatch; k++) {
		uint16_t bk = q->batch[k];

		n = (uint16_t)(n + q->buf_slots[bk]);
		sim_vq_hold(q, q->buf_id[bk], false);
		sim_packed_release(q, bk);
	}
	q->nbatch = 0;
	if (take_back(q, slot, n, b))
		goto broken;
	virtio_put_le32(b + 8, len);
	virtio_put_le16(b + 12, (uint16_t)id);
	virtio_put_le16(b + 14, flags);
	/* 2.8.11.2: id and len, then the flags that publish them; one
	 * write in this single-threaded machine. */
	if (sim_dma_write(q->desc + 16u * slot + 8, b + 8, 8))
		goto broken;
	q->slot_print[slot] = sim_packed_fold(b);
	if (!(flags & F_AVAIL) == !wrap && !(flags & F_USED) == !wrap) {
		if (id == spec_id && len == spec_len && served &&
		    len == served->writable)
			sim_vq_hold(q, id, false); /* the usual answer */
		else
			published(q, key, id, len, served,
				  id == spec_id && len == spec_len);
	} else if (served) {
		/* The driver cannot see the entry: nothing comes back. */
		sim_oracle_untrue(served);
	}
	sim_packed_release(q, key);
	q->owned = (uint16_t)(q->owned - n);
	slot = (uint16_t)(slot + n);
	if (slot >= q->size) {
		slot = (uint16_t)(slot - q->size);
		wrap = !wrap;
	}
	q->used_idx = (uint16_t)(slot | (wrap ? WRAP_BIT : 0));
	if (q->lost)
		q->npending = 0;
	sim_trace("vq %llu: used id=%llu len=%llu next=0x%llx", q->index, id,
		  len, q->used_idx);
	sim_progress();
	return 0;
broken:
	q->broken = true;
	return -1;
}

/* A used position as a count modulo 2 * size (wrap counter 1: first lap). */
static uint32_t lap_pos(const struct sim_vq *q, uint16_t p)
{
	return (p & ~WRAP_BIT) + (p & WRAP_BIT ? 0u : q->size);
}

bool sim_packed_need_interrupt(struct sim_vq *q, uint16_t old)
{
	uint8_t ev[VIRTQ_PACKED_EVENT_SIZE];
	uint16_t off, flags;
	bool want = true;

	if (sim_dma_read(q->avail, ev, sizeof(ev)))
		return false;
	off = virtio_get_le16(ev);
	flags = virtio_get_le16(ev + 2) & 3u;
	if (flags == VIRTQ_RING_EVENT_FLAGS_DISABLE) {
		want = false;
	} else if (flags == VIRTQ_RING_EVENT_FLAGS_DESC && q->event_idx) {
		/* 2.8.10: only when the descriptor at off (with its wrap
		 * counter) was used since `old`. */
		uint32_t span = 2u * q->size, o = lap_pos(q, old);

		want = (lap_pos(q, off) + span - o) % span <
		       (lap_pos(q, q->used_idx) + span - o) % span;
	}
	/* A lie: interrupt although the driver suppressed it. */
	if (!want && sim_decide_flag("pq.event_ignore"))
		want = true;
	return want;
}
