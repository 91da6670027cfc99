/* SPDX-License-Identifier: MIT */
/*
 * The device-side split ring engine (VirtIO 1.2, 2.7), behind sim/vq.h.
 * Every ring and descriptor read goes through sim_dma_read, so the sim
 * checks the device only touches what the driver gave it; malformed chains
 * and layouts are the driver's findings. Not here: what both formats share
 * (vq.c), request semantics (models), queue set-up order (vdev.c).
 */
#include "sim/decide.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "sim/vq_engine.h"
#include "virtio/le.h"
#include "virtio/spec.h"

static int read16(virtio_paddr_t pa, uint16_t *v)
{
	uint8_t b[2];

	if (sim_dma_read(pa, b, 2))
		return -1;
	*v = virtio_get_le16(b);
	return 0;
}

int sim_split_check(struct sim_vq *q, uint32_t num, virtio_paddr_t desc,
		    virtio_paddr_t avail, virtio_paddr_t used)
{
	/* 2.7: split queue sizes are powers of two. */
	if (num & (num - 1))
		return sim_vq_config_fail(q, "driver sets a queue size that is "
					  "not a power of two",
					  "num", num);
	/* 2.7 table: descriptor 16, available 2, used 4 bytes alignment. */
	if (desc & 15)
		return sim_vq_config_fail(q, "driver gives a descriptor table "
					  "not 16-byte aligned",
					  "desc", desc);
	if (avail & 1)
		return sim_vq_config_fail(q, "driver gives an available ring "
					  "not 2-byte aligned",
					  "avail", avail);
	if (used & 3)
		return sim_vq_config_fail(q, "driver gives a used ring not "
					  "4-byte aligned",
					  "used", used);
	if (desc + 16ull * num < desc || avail + VIRTQ_AVAIL_SIZE(num) < avail ||
	    used + VIRTQ_USED_SIZE(num) < used)
		return sim_vq_config_fail(q, "driver gives a queue area that "
					  "wraps the address space",
					  "desc", desc);
	return 0;
}

static bool take_credit(struct sim_vq *q, uint16_t head)
{
	for (unsigned i = 0; i < q->ncredits; i++) {
		if (q->credit[i] == head) {
			q->credit[i] = q->credit[--q->ncredits];
			return true;
		}
	}
	return false;
}

/*
 * A used entry the device publishes names head `id`, whatever the chain it
 * served: from then on the driver may take that head's buffers back, so the
 * device must not touch them. A pending `id` is dropped; one not made
 * available yet is served in advance (a credit). Lies are the device's;
 * this keeps the sim from blaming the driver for trusting them.
 */
static void returned(struct sim_vq *q, uint32_t id)
{
	if (id >= q->size)
		return; /* no such head: the driver refuses the entry */
	if (sim_vq_pending_drop(q, (uint16_t)id))
		return;
	if (q->ncredits == SIM_VQ_CREDITS_MAX)
		q->broken = true; /* too many lies to track: stop using it */
	else
		q->credit[q->ncredits++] = (uint16_t)id;
}


#define NO_HEAD 0x10000u /* no head was served for a used entry */

/* Does the driver have head `id` in flight, as far as the device can tell:
 * fetched and not returned since, or made available and not fetched yet? */
static bool held(struct sim_vq *q, uint32_t id)
{
	uint16_t avail_idx, head;

	if (id >= q->size)
		return false;
	if (q->held[id / 8] >> (id % 8) & 1)
		return true;
	if (read16(q->avail + 2, &avail_idx))
		return false;
	for (uint16_t i = q->last_avail;
	     i != avail_idx && (uint16_t)(i - q->last_avail) < q->size; i++)
		if (!read16(q->avail + 4 + 2u * (i % q->size), &head) &&
		    head == id)
			return true;
	return false;
}

/*
 * The oracles' view of a published used entry {id, len} (sim/oracle.h).
 * `head`, `served`: the head the device served for it and its chain (NO_HEAD
 * and NULL: an entry a used idx jump published; NULL alone: a malformed
 * chain); `honest`: the entry is the model's answer to it. A
 * driver can see an id it does not have in flight and a len past the
 * writable bytes of the chain the id names; any other deviation it cannot.
 */
static void published(struct sim_vq *q, uint32_t id, uint32_t len,
		      uint32_t head, const struct sim_chain *served, bool honest)
{
	static struct sim_chain other;
	const struct sim_chain *x = served;

	if (!held(q, id)) {
		/* Counted for a call's window (with one chain in flight the
		 * driver reads this entry). The served chain's answer went out
		 * under that id; whether the driver ever reads the entry is
		 * not known here (a later used idx jump can wrap past it), and
		 * a later entry may name the chain as the driver expects: its
		 * answer is not the model's, but not a lie it must see. */
		sim_oracle_lie(NULL, SIM_LIE_USED_ID, id);
		if (served)
			sim_oracle_untrue(served);
		return;
	}
	q->held[id / 8] &= (uint8_t)~(1u << (id % 8));
	if (id == head && !served)
		return; /* its chain was malformed: reported already */
	if (!x || x->head != id) {
		x = &other;
		if (sim_split_chain(q, (uint16_t)id, &other))
			return; /* the driver's malformed chain: reported */
	}
	if (!x->writable)
		len = 0; /* the driver takes it so (drivers/queue/split.c) */
	if (len > x->writable)
		sim_oracle_lie(x, SIM_LIE_USED_LEN, len);
	else
		sim_oracle_used(x, len, honest);
}

/* A used idx the driver reads as `now`: past what was made available (or
 * moved back) is a lie it can see. */
static void check_used_idx(struct sim_vq *q, uint16_t now, uint16_t step)
{
	uint16_t avail_idx;

	if (step > q->size ||
	    (!read16(q->avail + 2, &avail_idx) && (int16_t)(avail_idx - now) < 0))
		sim_oracle_lie(NULL, SIM_LIE_USED_IDX, now);
}

/* The n used entries from used idx `from` are published: each returns the
 * head it names, whatever the engine wrote there (or did not). */
static int return_published(struct sim_vq *q, uint16_t from, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++) {
		uint8_t e[8];
		if (sim_dma_read(q->used + 4 + 8u * ((uint16_t)(from + k) % q->size),
				 e, 8))
			return -1;
		published(q, virtio_get_le32(e), virtio_get_le32(e + 4), NO_HEAD,
			  NULL, false);
		returned(q, virtio_get_le32(e));
	}
	return 0;
}

/*
 * Refetch mode may have moved the used idx behind the engine's back (a
 * lie). Entries it published count as the engine's own, as with a
 * "vq.used_idx" jump, so the driver that trusted them is not blamed when it
 * takes those buffers back.
 */
int sim_split_sync(struct sim_vq *q)
{
	uint16_t now, step;

	if (q->rewrites_seen == sim_refetch_rewrites())
		return 0;
	q->rewrites_seen = sim_refetch_rewrites();
	if (read16(q->used + 2, &now))
		return -1;
	step = (uint16_t)(now - q->used_idx);
	if (step) {
		check_used_idx(q, now, step);
		sim_oracle_desync();
	}
	if (step == 0 || step > q->size)
		return 0; /* backwards or past size: the driver refuses it */
	if (return_published(q, q->used_idx, step))
		return -1;
	q->used_idx = now;
	return 0;
}

int sim_split_fetch(struct sim_vq *q)
{
	uint16_t avail_idx, n;
	int fetched = 0;

	if (sim_split_sync(q))
		goto broken;
	if (read16(q->avail + 2, &avail_idx))
		goto broken;
	n = (uint16_t)(avail_idx - q->last_avail);
	/* 2.7.6: the driver cannot have more than size entries available,
	 * plus one per head a lying used entry gave back before the device
	 * fetched it (the driver may make it available again meanwhile). */
	if (n > q->size + q->ncredits) {
		sim_report(SIM_AVAIL_JUMP, NULL, NULL,
			   "driver moves avail idx past the queue size "
			   "[queue=%u] [avail_idx=%u] [last_seen=%u] [size=%u]",
			   q->index, avail_idx, q->last_avail, q->size);
		goto broken;
	}
	while (n-- && q->npending < SIM_VQ_PENDING_MAX) {
		uint16_t head;
		virtio_paddr_t slot = q->avail + 4 + 2u * (q->last_avail % q->size);

		if (read16(slot, &head))
			goto broken;
		if (head >= q->size) {
			sim_report(SIM_DESC_NEXT_RANGE, NULL, NULL,
				   "driver makes a head available past the "
				   "descriptor table [queue=%u] [head=%u] "
				   "[size=%u]",
				   q->index, head, q->size);
			goto broken;
		}
		q->last_avail++;
		fetched++;
		q->held[head / 8] |= (uint8_t)(1u << (head % 8));
		if (take_credit(q, head)) {
			sim_trace("vq %llu: head %llu was returned in advance by "
				  "a lying used entry; not served",
				  q->index, head, 0, 0);
			continue;
		}
		if (sim_decide_flag("vq.never")) {
			sim_trace("vq %llu: head %llu never completes", q->index,
				  head, 0, 0);
			/* In order, nothing after it may complete either:
			 * the driver would take it for used (2.7.9). */
			if (q->in_order) {
				q->lost = true;
				break;
			}
			continue;
		}
		sim_vq_pending_push(q, head);
	}
	/* 2.7.10: ask to be notified as soon as anything new is added. */
	if (q->event_idx) {
		uint8_t b[2];

		virtio_put_le16(b, q->last_avail);
		if (sim_dma_write(q->used + 4 + 8u * q->size, b, 2))
			goto broken;
	}
	return fetched;
broken:
	q->broken = true;
	return -1;
}

/*
 * 2.7.5: follow NEXT through the ring's table and at most one indirect
 * table. Each finding names the rule from 2.7.5.3.1 / 2.7.4.2 it breaks.
 */
int sim_split_chain(struct sim_vq *q, uint16_t head, struct sim_chain *c)
{
	virtio_paddr_t table = q->desc;
	uint32_t tsize = q->size, steps = 0, i = head;
	uint64_t total = 0;
	bool in_indirect = false, seen_writable = false;

	sim_chain_start(c, head, head);
	for (;;) {
		uint8_t d[16];
		virtio_paddr_t addr;
		uint32_t len;
		uint16_t flags, next;

		if (i >= tsize)
			return sim_vq_chain_fail(q, SIM_DESC_NEXT_RANGE,
					  "driver chains to a descriptor past "
					  "the end of its table",
					  head, "next", i, "table_size", tsize);
		/* More steps than entries: some entry was visited twice. */
		if (++steps > tsize)
			return sim_vq_chain_fail(q, SIM_DESC_LOOP,
					  "driver makes a descriptor chain "
					  "that loops",
					  head, "steps", steps, "table_size",
					  tsize);
		if (sim_dma_read(table + 16u * i, d, 16)) {
			q->broken = true;
			return -1;
		}
		addr = virtio_get_le64(d);
		len = virtio_get_le32(d + 8);
		flags = virtio_get_le16(d + 12);
		next = virtio_get_le16(d + 14);
		if (flags & VIRTQ_DESC_F_INDIRECT) {
			if (in_indirect)
				return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
						  "driver puts an indirect "
						  "descriptor inside an "
						  "indirect table",
						  head, "index", i, "len", len);
			if (!q->indirect)
				return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
						  "driver uses an indirect "
						  "descriptor without "
						  "negotiating "
						  "RING_INDIRECT_DESC",
						  head, "index", i, "flags",
						  flags);
			if (flags & VIRTQ_DESC_F_NEXT)
				return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
						  "driver sets both INDIRECT "
						  "and NEXT in a descriptor",
						  head, "index", i, "flags",
						  flags);
			if (len == 0 || len % 16)
				return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
						  "driver gives an indirect "
						  "table whose length is not a "
						  "non-zero multiple of 16",
						  head, "index", i, "len", len);
			table = addr;
			tsize = len / 16;
			in_indirect = true;
			steps = 0;
			i = 0;
			continue;
		}
		if (flags & VIRTQ_DESC_F_WRITE)
			seen_writable = true;
		else if (seen_writable)
			return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
					  "driver puts a device-readable "
					  "descriptor after a writable one",
					  head, "index", i, "flags", flags);
		if (++c->ndesc > q->size)
			return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
					  "driver makes a chain longer than "
					  "the queue size",
					  head, "buffers", c->ndesc, "size",
					  q->size);
		total += len;
		if (total > UINT32_MAX)
			return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
					  "driver makes a chain longer than "
					  "4 GiB in total",
					  head, "index", i, "bytes", total);
		sim_chain_add(c, addr, len, flags & VIRTQ_DESC_F_WRITE);
		if (!(flags & VIRTQ_DESC_F_NEXT))
			break;
		i = next;
	}
	return 0;
}

int sim_split_push(struct sim_vq *q, uint16_t head, uint32_t spec_len)
{
	uint8_t e[8], b[2];
	uint32_t id = (uint32_t)sim_decide("vq.used_id", head, 4), len;
	const struct sim_chain *served =
		q->served && q->served->head == head ? q->served : NULL;
	/* 2.7.9: one entry for an IN_ORDER batch moves used idx past it. */
	uint16_t spec_step = (uint16_t)(1 + q->nbatch), step;

	len = (uint32_t)sim_decide("vq.used_len", spec_len, 4);
	step = (uint16_t)sim_decide("vq.used_idx", spec_step, 2);
	virtio_put_le32(e, id);
	virtio_put_le32(e + 4, len);
	/* 2.7.8: the element first, then the index that publishes it. */
	if (sim_dma_write(q->used + 4 + 8u * (q->used_idx % q->size), e, 8))
		goto broken;
	if (step != 0 && id == head && len == spec_len && served &&
	    len == served->writable)
		/* The usual answer: the chain back, all it wrote counting. */
		q->held[id / 8] &= (uint8_t)~(1u << (id % 8));
	else if (step != 0)
		published(q, id, len, head, served,
			  id == head && len == spec_len);
	if (step != 0 && id != head)
		returned(q, id);
	/* Under IN_ORDER an entry naming another chain gives every older one
	 * back with it (a batch, to the driver), which this engine does not
	 * follow: stop judging. */
	if (q->in_order && id != head)
		sim_oracle_desync();
	/* The batch's other buffers come back whole, with no entry. */
	for (unsigned k = 0; step != 0 && k < q->nbatch; k++)
		q->held[q->batch[k] / 8] &= (uint8_t)~(1u << (q->batch[k] % 8));
	q->nbatch = 0;
	/* A jump publishes stale entries too. */
	if (step > spec_step &&
	    return_published(q, (uint16_t)(q->used_idx + spec_step),
			     step - spec_step < q->size ? step - spec_step
							: q->size))
		goto broken;
	if (step != spec_step) {
		check_used_idx(q, (uint16_t)(q->used_idx + step), step);
		/* A step short of the spec's or back lets a later entry
		 * overwrite this one before the driver may have read it (and
		 * under IN_ORDER that later entry gives this chain back as
		 * part of a batch); a jump forward publishes what it passes
		 * (return_published). */
		if (step < spec_step || (int16_t)step < 0)
			sim_oracle_desync();
	}
	q->used_idx = (uint16_t)(q->used_idx + step);
	virtio_put_le16(b, q->used_idx);
	if (sim_dma_write(q->used + 2, b, 2))
		goto broken;
	sim_trace("vq %llu: used id=%llu len=%llu idx=%llu", q->index, id, len,
		  q->used_idx);
	sim_progress();
	return 0;
broken:
	q->broken = true;
	return -1;
}

bool sim_split_need_interrupt(struct sim_vq *q, uint16_t old)
{
	uint16_t v;

	if (q->event_idx) {
		/* 2.7.10: vring_need_event(used_event, new, old). */
		if (read16(q->avail + 4 + 2u * q->size, &v))
			return false;
		return (uint16_t)(q->used_idx - v - 1) <
		       (uint16_t)(q->used_idx - old);
	}
	if (read16(q->avail, &v))
		return false;
	return !(v & VIRTQ_AVAIL_F_NO_INTERRUPT);
}
