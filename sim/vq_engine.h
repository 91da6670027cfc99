/* SPDX-License-Identifier: MIT */
/*
 * Inside the device-side virtqueue (sim/vq.h): what the shared core
 * (sim/vq.c) gives the two ring engines, and what each engine gives the
 * core. Models and fronts never include this; they see sim/vq.h only.
 */
#ifndef SIM_VQ_ENGINE_H
#define SIM_VQ_ENGINE_H

#include "sim/oracle.h"
#include "sim/sim.h"
#include "sim/vq.h"

/* ---- the shared core (sim/vq.c) ------------------------------------------ */

/*
 * Refetch mode rewrote device-writable memory the driver read again: on a
 * packed queue that is the descriptor ring itself, so the driver may have
 * taken a forged used descriptor and given back buffers the device still
 * holds. Nothing says which: the device stops using the ring (lost), the
 * driver is not blamed for it (trusted), and the oracles stop judging.
 * Returns whether the ring is lost. Split syncs instead (sim_split_sync).
 */
static inline bool sim_packed_sync(struct sim_vq *q)
{
	if (q->rewrites_seen != sim_refetch_rewrites() && !q->lost) {
		q->trusted = false;
		q->lost = true;
		q->npending = 0;
		sim_oracle_desync();
		sim_trace("vq %llu: refetch rewrote the packed ring, the device "
			  "stops using it", q->index, 0, 0, 0);
	}
	return q->lost;
}

void sim_vq_pending_push(struct sim_vq *q, uint16_t key);
/* Drop `key` from the pending list; false if it was not there. */
bool sim_vq_pending_drop(struct sim_vq *q, uint16_t key);
/* Start an empty chain, add one buffer to it (inline: once per
 * descriptor of every request). */
static inline void sim_chain_start(struct sim_chain *c, uint16_t head,
				   uint16_t id)
{
	c->head = head;
	c->id = id;
	c->nseg = 0;
	c->ndesc = 0;
	c->readable = c->writable = 0;
	c->truncated = false;
}

static inline void sim_chain_add(struct sim_chain *c, virtio_paddr_t pa,
				 uint32_t len, bool writable)
{
	struct sim_seg *s;

	if (c->nseg == SIM_CHAIN_MAX) {
		/* Keep the last buffer (it holds the status byte of most
		 * requests); drop the one it replaces from the counts. */
		s = &c->seg[SIM_CHAIN_MAX - 1];
		*(s->writable ? &c->writable : &c->readable) -= s->len;
		c->truncated = true;
	} else {
		s = &c->seg[c->nseg++];
	}
	s->paddr = pa;
	s->len = len;
	s->writable = writable;
	*(writable ? &c->writable : &c->readable) += len;
}

/* Report the driver's malformed chain: "msg [queue=] [head=] [an=a]
 * [bn=b]", break the queue, return -1. */
int sim_vq_chain_fail(struct sim_vq *q, enum sim_class cls, const char *msg,
		      uint16_t head, const char *an, uint64_t a,
		      const char *bn, uint64_t b);
/* A queue-config finding: "msg [queue=] [what=v]", returns -1. */
int sim_vq_config_fail(struct sim_vq *q, const char *msg, const char *what,
		       uint64_t v);

static inline bool sim_vq_held(const struct sim_vq *q, uint32_t id)
{
	return q->held[id / 8] >> (id % 8) & 1;
}
static inline void sim_vq_hold(struct sim_vq *q, uint32_t id, bool on)
{
	if (on)
		q->held[id / 8] |= (uint8_t)(1u << (id % 8));
	else
		q->held[id / 8] &= (uint8_t)~(1u << (id % 8));
}

/* ---- the split ring (sim/split.c) ---------------------------------------- */

/* Layout rules of the format, before the queue starts: 0, or -1 after a
 * queue-config finding. */
int sim_split_check(struct sim_vq *q, uint32_t num, virtio_paddr_t desc,
		    virtio_paddr_t avail, virtio_paddr_t used);
int sim_split_fetch(struct sim_vq *q);
/* Before a pick: catch up with a used idx refetch mode moved (-1: broken). */
int sim_split_sync(struct sim_vq *q);
int sim_split_chain(struct sim_vq *q, uint16_t head, struct sim_chain *c);
int sim_split_push(struct sim_vq *q, uint16_t head, uint32_t len);
bool sim_split_need_interrupt(struct sim_vq *q, uint16_t old);

/* ---- the packed ring (sim/packed.c) -------------------------------------- */

int sim_packed_check(struct sim_vq *q, uint32_t num, virtio_paddr_t desc,
		     virtio_paddr_t driver, virtio_paddr_t device);
/* The ring's own state at enable (wrap counters, descriptor pool). */
void sim_packed_start(struct sim_vq *q);
int sim_packed_fetch(struct sim_vq *q);
int sim_packed_chain(struct sim_vq *q, uint16_t key, struct sim_chain *c);
int sim_packed_push(struct sim_vq *q, uint16_t key, uint32_t len);
bool sim_packed_need_interrupt(struct sim_vq *q, uint16_t old);
/* A ring slot's 16 bytes folded into what q->slot_print keeps. */
uint64_t sim_packed_fold(const uint8_t b[16]);
/* 0 if device-owned `slot` (now `print`) holds what the device last saw
 * there; else -1 after a desc-reused finding (2.8.11.2). */
int sim_packed_owned_ok(struct sim_vq *q, uint16_t slot, uint64_t print,
			uint16_t flags);
/* Give buffer `key`'s descriptor copies back to the pool. */
void sim_packed_release(struct sim_vq *q, uint16_t key);

#endif
