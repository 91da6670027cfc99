/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueue (VirtIO 1.2, 2.7), driver side. Rings live in dma_alloc'd
 * memory; every descriptor the driver writes is also kept in a private
 * shadow, and nothing the driver relies on is read back from memory the
 * device can write. Buffers are shared on add and unshared on pop. Every
 * used entry is validated before use: a lying device yields EBAD_USED and
 * marks the queue broken, never a crash.
 *
 * The struct is public only so callers can own its storage (no malloc);
 * its fields are private to drivers/queue/split.c.
 */
#ifndef VIRTIO_VIRTQ_H
#define VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/transport.h"

#ifndef VIRTQ_MAX_SIZE
#define VIRTQ_MAX_SIZE 256u /* largest queue the driver will use */
#endif
#define VIRTQ_MAX_SG 8u     /* buffers in one chain */

/* One buffer of a request: host memory owned by the caller. */
struct virtq_buf {
	void *ptr;
	size_t len;
};

/* PRIVATE: fields below belong to drivers/queue/split.c. */
struct virtq_slot {
	void *buf;               /* caller's buffer */
	virtio_paddr_t paddr;    /* what share() returned */
	uint32_t len;
	uint8_t dir;             /* enum virtio_dir */
};
struct virtq_desc_shadow {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
struct virtq {
	struct virtio_transport *t;
	uint16_t idx;            /* queue index on the device */
	uint16_t size;           /* entries, power of two */
	bool indirect;           /* RING_INDIRECT_DESC negotiated */
	bool event_idx;          /* RING_EVENT_IDX negotiated */
	bool legacy;             /* one Both allocation, legacy layout */
	bool ready;
	bool broken;             /* device lied: only virtq_destroy remains */
	bool peeked;             /* peek_id/peek_len hold a validated entry */
	bool no_interrupts;      /* the driver asked for no used interrupts */
	uint16_t peek_id;        /* head of the validated, not yet popped entry */
	uint32_t peek_len;       /* its used len, already checked */
	uint16_t n_in_flight;    /* chains added and not yet popped */
	uint16_t num_free;
	uint16_t free_head;
	uint16_t avail_idx;      /* next avail idx we publish (shadow) */
	uint16_t last_used;      /* next used idx we consume */
	uint16_t used_seen;      /* the device's used idx when last read */
	uint16_t avail_idx_at_kick; /* avail idx at the last kick (2.7.10) */
	/* ring memory: [0] desc+avail (or all, legacy), [1] used (modern) */
	virtio_paddr_t ring_paddr[2];
	void *ring_vaddr[2];
	size_t ring_pages[2];
	volatile uint8_t *desc, *avail, *used;
	/* indirect tables: one VIRTQ_MAX_SG-entry table per slot */
	virtio_paddr_t ind_paddr;
	void *ind_vaddr;
	size_t ind_pages;
	struct virtq_desc_shadow shadow[VIRTQ_MAX_SIZE];
	/* per head: buffers in flight and their writable capacity */
	struct {
		struct virtq_slot bufs[VIRTQ_MAX_SG];
		uint8_t nbufs;
		bool in_flight;
		uint16_t ndesc;      /* ring descriptors the chain holds */
		uint32_t writable;   /* bytes the device may write */
		uint16_t min_used;   /* used entries before this were written
				      * before the chain was added */
	} head[VIRTQ_MAX_SIZE];
};

/*
 * Set up queue `idx`: read and validate the device's max size (0 or below
 * `min_size` is EBAD_QUEUE_SIZE), use min(max, want, VIRTQ_MAX_SIZE) rounded
 * down to a power of two, dma_alloc the rings (modern: desc+avail
 * DRIVER_TO_DEVICE, used DEVICE_TO_DRIVER; legacy: one BOTH region), and
 * give them to the transport. Indirect and event idx follow t->features.
 */
int virtq_init(struct virtq *q, struct virtio_transport *t, uint16_t idx,
	       uint16_t want, uint16_t min_size);
/*
 * Queue a chain: `out` buffers the device reads, then `in` buffers it writes.
 * Shares each buffer. Uses an indirect table when negotiated and the chain
 * has more than one buffer. *token is the head id for pop. The chain is
 * published in the avail ring at once; virtq_kick notifies.
 */
int virtq_add(struct virtq *q, const struct virtq_buf *out, size_t n_out,
	      const struct virtq_buf *in, size_t n_in, uint16_t *token);
/* Notify the device of chains added (add publishes them at once) if it
 * wants it (event idx / NO_NOTIFY). */
void virtq_kick(struct virtq *q);
/*
 * If the device has used a chain: validate the entry (id in range and in
 * flight, len within the chain's writable bytes, used idx advanced by at most
 * size) and return its token. ENOT_READY when nothing is used; EBAD_USED
 * when the device lied (the queue is then broken).
 */
int virtq_peek_used(struct virtq *q, uint16_t *token);
/* Pop the used chain `token` (must be what peek returned): unshare its
 * buffers and return the len the device wrote. */
int virtq_pop_used(struct virtq *q, uint16_t token, uint32_t *len);
/*
 * add + kick + poll (bounded by t->poll_budget, ETIMEOUT) + pop. Refuses
 * (EINVALID_PARAM) while other chains are in flight, so the used entry it
 * waits for can only be its own. On ETIMEOUT the buffers stay shared (the
 * device still owns them): reset the device, then virtq_destroy.
 */
int virtq_add_wait(struct virtq *q, const struct virtq_buf *out, size_t n_out,
		   const struct virtq_buf *in, size_t n_in, uint32_t *len);
/* 0 when the queue is set up and its device has not been caught lying;
 * EINVALID_PARAM when it is not set up (or torn down), EBROKEN when the
 * queue or its transport is broken. Every virtq_* entry starts with it. */
int virtq_check(const struct virtq *q);
bool virtq_is_broken(const struct virtq *q);
/*
 * Ask the device for used-buffer interrupts, or not (the crate's
 * set_dev_notify). 2.7.7: without event idx, the avail ring's NO_INTERRUPT
 * flag; with it (2.7.10), used_event one behind what we consumed and no
 * longer following it. Only a hint: a device may interrupt anyway, and
 * polling works either way.
 */
void virtq_set_interrupts(struct virtq *q, bool enable);
uint16_t virtq_size(const struct virtq *q);
/*
 * Tear down. Call only after the device is reset (it no longer owns
 * anything): unshares every buffer still in flight, frees the rings, and
 * unsets the queue on the transport.
 */
void virtq_destroy(struct virtq *q);

#endif
