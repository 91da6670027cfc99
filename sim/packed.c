/* SPDX-License-Identifier: MIT */
/*
 * The device-side packed ring engine (VirtIO 1.2, 2.8), behind sim/vq.h.
 * One descriptor ring both sides write: the device fetches the driver's
 * descriptors in ring order while their AVAIL/USED bits say available for
 * its avail wrap counter, keeps its own copy of each buffer's descriptors
 * (a used entry hands its ring slots back to the driver before the other
 * buffers fetched with them are done), and writes used descriptors with
 * both bits equal to its used wrap counter, skipping the buffer's slots.
 * The driver area is the driver's event suppression (read before each
 * interrupt), the device area the device's (published at each fetch).
 * Every ring access goes through sim_dma_read/sim_dma_write. Not here: what
 * both formats share (vq.c), request semantics (models).
 */
#include "sim/decide.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "sim/vq_engine.h"
#include "virtio/le.h"
#include "virtio/spec.h"

#define F_AVAIL VIRTQ_PACKED_DESC_F_AVAIL
#define F_USED VIRTQ_PACKED_DESC_F_USED
#define NO_DESC 0xffffu
#define WRAP_BIT 0x8000u

struct ring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t id, flags;
	uint64_t print; /* the slot's 16 bytes, folded */
};

uint64_t sim_packed_fold(const uint8_t b[16])
{
	uint64_t lo = virtio_get_le64(b), hi = virtio_get_le64(b + 8);

	return lo ^ (hi * 0x9e3779b97f4a7c15ull) ^ (hi >> 29);
}

static int read_slot(struct sim_vq *q, uint16_t slot, uint8_t b[16],
		     struct ring_desc *d)
{
	if (sim_dma_read(q->desc + 16u * slot, b, 16))
		return -1;
	d->addr = virtio_get_le64(b);
	d->len = virtio_get_le32(b + 8);
	d->id = virtio_get_le16(b + 12);
	d->flags = virtio_get_le16(b + 14);
	d->print = sim_packed_fold(b);
	return 0;
}

/* 2.8.1: available for wrap counter w: AVAIL equal to w, USED not. */
static bool is_avail(uint16_t flags, bool w)
{
	return !(flags & F_AVAIL) == !w && !(flags & F_USED) != !w;
}

/*
 * The driver broke a rule of the ring: the finding (unless refetch mode
 * has rewritten ring memory this iteration: then the driver may have read
 * a forged entry and acted on it, and it is not blamed), then the device
 * stops using the queue.
 */
static int fault(struct sim_vq *q, enum sim_class cls, const char *msg,
		 uint16_t slot, const char *an, uint64_t a, const char *bn,
		 uint64_t b)
{
	if (q->trusted)
		sim_report(cls, NULL, NULL,
			   "%s [queue=%u] [slot=%u] [%s=%llu] [%s=%llu]", msg,
			   q->index, slot, an, (unsigned long long)a, bn,
			   (unsigned long long)b);
	q->broken = true;
	return -1;
}

int sim_packed_check(struct sim_vq *q, uint32_t num, virtio_paddr_t desc,
		     virtio_paddr_t driver, virtio_paddr_t device)
{
	/* 2.8: up to 2^15 entries, any size; 2.8.10.1 alignment 16/4/4. */
	if (num > VIRTQ_PACKED_SIZE_MAX)
		return sim_vq_config_fail(q, "driver sets a packed queue size "
					  "above 32768",
					  "num", num);
	if (desc & 15)
		return sim_vq_config_fail(q, "driver gives a descriptor ring "
					  "not 16-byte aligned",
					  "desc", desc);
	if (driver & 3)
		return sim_vq_config_fail(q, "driver gives a driver event "
					  "suppression area not 4-byte aligned",
					  "driver", driver);
	if (device & 3)
		return sim_vq_config_fail(q, "driver gives a device event "
					  "suppression area not 4-byte aligned",
					  "device", device);
	if (desc + 16ull * num < desc ||
	    driver + VIRTQ_PACKED_EVENT_SIZE < driver ||
	    device + VIRTQ_PACKED_EVENT_SIZE < device)
		return sim_vq_config_fail(q, "driver gives a queue area that "
					  "wraps the address space",
					  "desc", desc);
	return 0;
}

void sim_packed_start(struct sim_vq *q)
{
	q->avail_wrap = true; /* 2.8.1: both counters start at 1 */
	q->used_idx = WRAP_BIT;
	q->owned = 0;
	q->lost = false;
	q->trusted = true;
	for (unsigned i = 0; i < q->size; i++) {
		q->pool[i].next = (uint16_t)(i + 1 < q->size ? i + 1 : NO_DESC);
		/* 2.8.11: the ring starts zeroed; 0 is the fold of 16 zeroes */
		((volatile uint64_t *)q->slot_print)[i] = 0;
	}
	q->free_desc = 0;
}

void sim_packed_release(struct sim_vq *q, uint16_t key)
{
	uint16_t e = key, next;

	for (unsigned n = q->buf_slots[key]; n-- && e != NO_DESC; e = next) {
		next = q->pool[e].next;
		q->pool[e].next = q->free_desc;
		q->free_desc = e;
	}
}

/*
 * 0 if a device-owned slot still holds what the device last saw there: the
 * driver may change a descriptor only after a used entry gave its slot
 * back (2.8.11.2). `print` is what the slot holds now. Else -1 after a
 * finding.
 */
int sim_packed_owned_ok(struct sim_vq *q, uint16_t slot, uint64_t print,
			uint16_t flags)
{
	if (print == q->slot_print[slot])
		return 0;
	return fault(q, SIM_DESC_REUSED,
		     "driver rewrites a descriptor the device owns (no used "
		     "entry has given its slot back)",
		     slot, "owned", q->owned, "flags", flags);
}

/* The next buffer in the ring, if the driver made one available: 1, 0 for
 * none, -1 after a finding. */
static int fetch_one(struct sim_vq *q)
{
	uint16_t head = q->last_avail, slot = head, first = NO_DESC;
	uint16_t prev = NO_DESC;
	bool wrap = q->avail_wrap;
	uint32_t n = 0;
	struct ring_desc d;
	uint8_t b[16];

	for (;;) {
		uint16_t e;

		if (read_slot(q, slot, b, &d)) {
			q->broken = true;
			return -1;
		}
		if (n == 0 && q->owned == q->size)
			/* A full ring: this slot is the device's. */
			return sim_packed_owned_ok(q, slot, d.print, d.flags);
		if (n == 0 && (d.print == q->slot_print[slot] ||
			       !(d.flags & F_AVAIL) != !wrap))
			return 0; /* nothing new here */
		if (q->owned + n >= q->size)
			return fault(q, SIM_DESC_MALFORMED,
				     n >= q->size
					     ? "driver makes a chain longer "
					       "than the queue size"
					     : "driver makes a chain longer "
					       "than the free part of the ring",
				     slot, "buffers", n + 1, "free",
				     q->size - q->owned);
		if (!is_avail(d.flags, wrap))
			return fault(q, SIM_DESC_AVAIL_FLAGS,
				     n ? "driver chains to a descriptor whose "
					 "AVAIL/USED bits do not say available"
				       : "driver makes a descriptor available "
					 "with USED equal to AVAIL (or enables "
					 "a ring it did not zero)",
				     slot, "flags", d.flags, "wrap", wrap);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			const char *bad = NULL;

			if (!q->indirect)
				bad = "driver uses an indirect descriptor "
				      "without negotiating RING_INDIRECT_DESC";
			else if (d.flags & VIRTQ_DESC_F_NEXT)
				bad = "driver sets both INDIRECT and NEXT in a "
				      "descriptor";
			else if (n)
				bad = "driver puts an indirect descriptor in a "
				      "chain";
			else if (d.len == 0 || d.len % 16)
				bad = "driver gives an indirect table whose "
				      "length is not a non-zero multiple of 16";
			if (bad)
				return fault(q, SIM_DESC_MALFORMED, bad, slot,
					     "flags", d.flags, "len", d.len);
		}
		e = q->free_desc;
		q->free_desc = q->pool[e].next;
		q->pool[e].addr = d.addr;
		q->pool[e].len = d.len;
		q->pool[e].flags = d.flags;
		q->pool[e].next = NO_DESC;
		if (prev == NO_DESC)
			first = e;
		else
			q->pool[prev].next = e;
		prev = e;
		q->slot_print[slot] = d.print;
		n++;
		if (++slot == q->size) {
			slot = 0;
			wrap = !wrap;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
	}
	q->last_avail = slot;
	q->avail_wrap = wrap;
	q->owned = (uint16_t)(q->owned + n);
	/* 2.8.6: the buffer id is in its last descriptor. */
	q->buf_id[first] = d.id;
	q->buf_slots[first] = (uint16_t)n;
	if (sim_vq_held(q, d.id))
		return fault(q, SIM_BUFFER_ID_TWICE,
			     "driver makes a buffer available under an id "
			     "already in flight",
			     head, "id", d.id, "descs", n);
	sim_vq_hold(q, d.id, true);
	if (sim_decide_flag("vq.never")) {
		sim_trace("vq %llu: buffer id %llu never completes", q->index,
			  d.id, 0, 0);
		/* In order, nothing after it may complete either: the driver
		 * would take it for used (2.8.9). */
		q->lost = q->in_order;
		return 1;
	}
	sim_vq_pending_push(q, first);
	return 1;
}

int sim_packed_fetch(struct sim_vq *q)
{
	uint8_t ev[VIRTQ_PACKED_EVENT_SIZE];
	uint32_t v;
	int fetched = 0, rc = 0;

	if (sim_packed_sync(q))
		return 0;
	while (!q->lost && q->npending < SIM_VQ_PENDING_MAX &&
	       (rc = fetch_one(q)) > 0)
		fetched++;
	if (rc < 0)
		return -1;
	/* 2.8.10: the device event suppression area; the spec device wants
	 * every notification (RING_EVENT_FLAGS_ENABLE). */
	v = (uint32_t)sim_decide("pq.device_event",
				 VIRTQ_RING_EVENT_FLAGS_ENABLE << 16, 4);
	virtio_put_le16(ev, (uint16_t)v);
	virtio_put_le16(ev + 2, (uint16_t)(v >> 16));
	if (sim_dma_write(q->used, ev, sizeof(ev))) {
		q->broken = true;
		return -1;
	}
	return fetched;
}

/* One buffer of an indirect table into c (2.8.8: only WRITE may be set). */
static int add_buffer(struct sim_vq *q, struct sim_chain *c, uint64_t addr,
		      uint32_t len, bool writable, bool *seen_writable,
		      uint64_t *total)
{
	if (writable)
		*seen_writable = true;
	else if (*seen_writable)
		return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
					 "driver puts a device-readable "
					 "descriptor after a writable one",
					 c->head, "id", c->id, "len", len);
	if (++c->ndesc > q->size)
		return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
					 "driver makes a chain longer than "
					 "the queue size",
					 c->head, "buffers", c->ndesc, "size",
					 q->size);
	*total += len;
	if (*total > UINT32_MAX)
		return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
					 "driver makes a chain longer than "
					 "4 GiB in total",
					 c->head, "id", c->id, "bytes", *total);
	sim_chain_add(c, addr, len, writable);
	return 0;
}

static int walk_table(struct sim_vq *q, struct sim_chain *c,
		      const struct sim_pq_desc *t, bool *seen_writable,
		      uint64_t *total)
{
	for (uint32_t i = 0; i < t->len / 16; i++) {
		uint8_t b[16];
		uint16_t flags;

		if (sim_dma_read(t->addr + 16u * i, b, 16)) {
			q->broken = true;
			return -1;
		}
		flags = virtio_get_le16(b + 14);
		if (flags & VIRTQ_DESC_F_INDIRECT)
			return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
						 "driver puts an indirect "
						 "descriptor inside an "
						 "indirect table",
						 c->head, "index", i, "flags",
						 flags);
		if (flags & ~VIRTQ_DESC_F_WRITE)
			return sim_vq_chain_fail(q, SIM_DESC_MALFORMED,
						 "driver sets a flag other than "
						 "WRITE in an indirect table",
						 c->head, "index", i, "flags",
						 flags);
		if (add_buffer(q, c, virtio_get_le64(b), virtio_get_le32(b + 8),
			       flags & VIRTQ_DESC_F_WRITE, seen_writable, total))
			return -1;
	}
	return 0;
}

int sim_packed_chain(struct sim_vq *q, uint16_t key, struct sim_chain *c)
{
	bool seen_writable = false;
	uint64_t total = 0;
	uint16_t e = key;

	sim_chain_start(c, key, q->buf_id[key]);
	for (unsigned n = q->buf_slots[key]; n--; e = q->pool[e].next) {
		const struct sim_pq_desc *p = &q->pool[e];

		if (p->flags & VIRTQ_DESC_F_INDIRECT
			    ? walk_table(q, c, p, &seen_writable, &total)
			    : add_buffer(q, c, p->addr, p->len,
					 p->flags & VIRTQ_DESC_F_WRITE,
					 &seen_writable, &total))
			return -1;
	}
	return 0;
}
