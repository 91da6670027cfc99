/* SPDX-License-Identifier: MIT */
/*
 * A virtqueue, driver side, in either format: split (VirtIO 1.2, 2.7) or
 * packed (2.8), chosen at init from what was negotiated (RING_PACKED). One
 * interface for both; device drivers never see the format. Rings live in
 * dma_alloc'd memory; nothing the driver relies on is read back from memory
 * the device can write, and every value the device writes is read once and
 * validated before use: a lying device yields EBAD_USED and marks the queue
 * broken, never a crash. Buffers are shared on add and unshared on pop.
 *
 * Storage follows each queue (like the Rust crate's VirtQueue<H, SIZE>):
 * the caller declares VIRTQ_STORAGE(n) beside its struct virtq and passes
 * VIRTQ_MEM(&storage) to virtq_init; no malloc. struct virtq and the
 * storage are public only so callers can own them; their fields are
 * private to drivers/queue/.
 */
#ifndef VIRTIO_VIRTQ_H
#define VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/transport.h"

#define VIRTQ_MAX_SG 8u /* buffers in one chain */

/* One buffer of a request: host memory owned by the caller. */
struct virtq_buf {
	void *ptr;
	size_t len;
};

/* PRIVATE: fields below belong to drivers/queue/. */
struct virtq_slot {
	void *buf;               /* caller's buffer */
	virtio_paddr_t paddr;    /* what share() returned */
	uint32_t len;
	uint8_t dir;             /* enum virtio_dir */
};
/* Split only: the driver's copy of a descriptor (its free-list link). */
struct virtq_desc_shadow {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
/* One request (buffer id; split: its head descriptor) in flight. */
struct virtq_req {
	struct virtq_slot bufs[VIRTQ_MAX_SG];
	uint8_t nbufs;
	bool in_flight;
	uint16_t ndesc;      /* ring descriptors the chain holds */
	uint32_t writable;   /* bytes the device may write */
	uint16_t seq;        /* split: used idx seen when added (stale entries);
			      * packed: the next free id while not in flight */
	uint16_t fifo_next;  /* IN_ORDER: the chain added after this one */
};
/* A queue's storage for up to `n` entries (1..32768), caller-owned. */
#define VIRTQ_STORAGE(n)                                                       \
	struct {                                                               \
		struct virtq_desc_shadow desc[n];                              \
		struct virtq_req req[n];                                       \
	}
struct virtq_mem {
	struct virtq_desc_shadow *desc;
	struct virtq_req *req;
	uint16_t n;              /* entries both arrays hold */
};
/* The virtq_mem naming a VIRTQ_STORAGE(n) object `s` (a pointer). */
#define VIRTQ_MEM(s)                                                           \
	((struct virtq_mem){ (s)->desc, (s)->req,                              \
			     (uint16_t)(sizeof((s)->req) / sizeof((s)->req[0])) })

struct virtq {
	struct virtio_transport *t;
	struct virtq_desc_shadow *shadow; /* split: per descriptor */
	struct virtq_req *req;   /* per buffer id */
	uint16_t idx;            /* queue index on the device */
	uint16_t size;           /* entries (split: a power of two) */
	bool packed;             /* RING_PACKED negotiated: 2.8 */
	bool indirect;           /* RING_INDIRECT_DESC negotiated */
	bool event_idx;          /* RING_EVENT_IDX negotiated */
	bool in_order;           /* IN_ORDER negotiated */
	bool legacy;             /* one Both allocation, legacy layout */
	bool ready;
	bool broken;             /* device lied: only virtq_destroy remains */
	bool peeked;             /* peek_id/peek_len hold a validated entry */
	bool no_interrupts;      /* the driver asked for no used interrupts */
	bool avail_wrap;         /* packed: driver ring wrap counter */
	bool used_wrap;          /* packed: used wrap counter we expect */
	uint16_t peek_id;        /* id of the validated, not yet popped entry */
	uint32_t peek_len;       /* its used len, already checked */
	uint16_t n_in_flight;    /* chains added and not yet popped */
	uint16_t num_free;       /* free ring descriptors */
	uint16_t free_head;      /* split: free descriptor; packed: free id */
	uint16_t avail_idx;      /* split: next avail idx (shadow);
				  * packed: next ring position we fill */
	uint16_t last_used;      /* split: next used idx we consume;
				  * packed: ring position of the next used */
	uint16_t used_seen;      /* split: the device's used idx when last read */
	uint16_t avail_idx_at_kick; /* split: avail idx at the last kick;
				     * packed: descriptors added since it */
	/* IN_ORDER (2.7.9, 2.8.13): chains in flight in the order added,
	 * and a batch the device reported by its last chain's entry */
	uint16_t fifo_head, fifo_tail;
	bool in_batch;           /* chains up to batch_end count as used */
	uint16_t batch_end;      /* id the device's entry named */
	uint32_t batch_len;      /* its used len, already checked */
	/* ring memory. split: [0] desc+avail (or all, legacy), [1] used.
	 * packed: [0] descriptor ring, [1] driver event, [2] device event. */
	virtio_paddr_t ring_paddr[3];
	void *ring_vaddr[3];
	size_t ring_pages[3];
	volatile uint8_t *desc, *avail, *used; /* packed: ring, driver, device */
	/* indirect tables: one VIRTQ_MAX_SG-entry table per id */
	virtio_paddr_t ind_paddr;
	void *ind_vaddr;
	size_t ind_pages;
};

/*
 * Set up queue `idx` in `mem` (VIRTQ_MEM of the caller's VIRTQ_STORAGE):
 * read and validate the device's max size (0 or below `min_size` is
 * EBAD_QUEUE_SIZE), use min(max, want, mem.n) entries (want 0: mem.n;
 * split: rounded down to a power of two), dma_alloc the rings and give them
 * to the transport. The format (packed when RING_PACKED was negotiated),
 * indirect, event idx and in-order follow t->features.
 */
int virtq_init(struct virtq *q, struct virtio_transport *t, uint16_t idx,
	       struct virtq_mem mem, uint16_t want, uint16_t min_size);
/*
 * Queue a chain: `out` buffers the device reads, then `in` buffers it writes.
 * Shares each buffer. Uses an indirect table when negotiated and the chain
 * has more than one buffer. *token is the buffer id for pop (below the
 * queue size). The chain is published at once; virtq_kick notifies.
 */
int virtq_add(struct virtq *q, const struct virtq_buf *out, size_t n_out,
	      const struct virtq_buf *in, size_t n_in, uint16_t *token);
/* Notify the device of chains added (add publishes them at once) if it
 * wants it (event suppression). */
void virtq_kick(struct virtq *q);
/*
 * If the device has used a chain: validate the entry (id in range and in
 * flight, used once, len within the chain's writable bytes; split: used idx
 * advanced by at most what is in flight; packed: wrap bits consistent;
 * in-order: the oldest chain first) and return its token. ENOT_READY when
 * nothing is used; EBAD_USED when the device lied (the queue is then broken).
 */
int virtq_peek_used(struct virtq *q, uint16_t *token);
/* Pop the used chain `token` (must be what peek returned): unshare its
 * buffers and return the len the device wrote. */
int virtq_pop_used(struct virtq *q, uint16_t token, uint32_t *len);
/*
 * add + kick + poll (bounded by t->poll_budget, ETIMEOUT) + pop. Refuses
 * (EINVALID_PARAM) while other chains are in flight, so the used entry it
 * waits for can only be its own. While it waits it looks at the device
 * status now and then: ENEEDS_RESET when the device set DEVICE_NEEDS_RESET.
 * On ETIMEOUT or ENEEDS_RESET the buffers stay shared (the device still
 * owns them): reset the device, then virtq_destroy.
 */
int virtq_add_wait(struct virtq *q, const struct virtq_buf *out, size_t n_out,
		   const struct virtq_buf *in, size_t n_in, uint32_t *len);
/* 0 when the queue is set up and its device has not been caught lying;
 * EINVALID_PARAM when it is not set up (or torn down), EBROKEN when the
 * queue or its transport is broken. Every virtq_* entry starts with it. */
int virtq_check(const struct virtq *q);
bool virtq_is_broken(const struct virtq *q);
/* Mark a queue not set up, before a virtq_init that may never run:
 * virtq_check then says EINVALID_PARAM and virtq_destroy does nothing. */
void virtq_clear(struct virtq *q);
/*
 * Ask the device for used-buffer interrupts, or not (the crate's
 * set_dev_notify). Split (2.7.7, 2.7.10): the avail ring's NO_INTERRUPT
 * flag, or used_event. Packed (2.8.10): the driver event suppression
 * structure, ENABLE/DISABLE, or DESC at the next used position with event
 * idx. Only a hint: a device may interrupt anyway, and polling works.
 */
void virtq_set_interrupts(struct virtq *q, bool enable);
uint16_t virtq_size(const struct virtq *q);
bool virtq_is_packed(const struct virtq *q);
/*
 * Tear down. Call only after the device is reset (it no longer owns
 * anything): unshares every buffer still in flight, frees the rings, and
 * unsets the queue on the transport.
 */
void virtq_destroy(struct virtq *q);

#endif
