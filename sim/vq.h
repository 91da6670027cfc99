/* SPDX-License-Identifier: MIT */
/*
 * The device-side virtqueue: one interface over two engines, the split ring
 * (sim/split.c, VirtIO 1.2 2.7) and the packed ring (sim/packed.c, 2.8),
 * picked by VIRTIO_F_RING_PACKED in the driver's features when the queue is
 * enabled. Both read the driver's rings only through sim_dma_read, report
 * its malformed chains, and write used entries with sim_dma_write; the
 * decision stream picks completion order, used id/len and the rest. What
 * both share (the pending list, struct sim_chain and its copies, the
 * oracles' bookkeeping) is written once, in sim/vq.c. Not here: what a
 * request means (sim/dev/), registers (fronts).
 */
#ifndef SIM_VQ_H
#define SIM_VQ_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/hal.h"

/* Avail entries the device holds fetched but not yet used, per queue; when
 * full it simply stops fetching (the rest stays in the avail ring). */
#define SIM_VQ_PENDING_MAX 1024u
/* Buffers a parsed chain keeps; a longer (legal) chain is `truncated`: its
 * first SIM_CHAIN_MAX - 1 buffers and its last one are kept. */
#define SIM_CHAIN_MAX 64u

/* One buffer of a chain, as the descriptor said. */
struct sim_seg {
	virtio_paddr_t paddr;
	uint32_t len;
	bool writable; /* VIRTQ_DESC_F_WRITE: the device writes it */
};

/* A parsed descriptor chain: readable buffers first, then writable. */
struct sim_chain {
	uint16_t head;        /* the queue's key for it (split: head index) */
	uint16_t id;          /* what a used entry names it by (packed: buffer id) */
	uint16_t nseg;        /* kept in seg[] */
	uint32_t ndesc;       /* buffers in the chain (indirect: table entries) */
	uint64_t readable;    /* bytes in readable buffers */
	uint64_t writable;    /* bytes in writable buffers */
	bool truncated;       /* more than SIM_CHAIN_MAX buffers */
	struct sim_seg seg[SIM_CHAIN_MAX];
};

#define SIM_VQ_CREDITS_MAX 16
#define SIM_VQ_BATCH_MAX 16u
/* Largest queue (2.7: a power of two up to 32768; 2.8: up to 32768). */
#define SIM_VQ_SIZE_MAX 32768u

/* A packed-ring descriptor as the device fetched it (sim/packed.c): the
 * ring slot is the driver's again once a used entry covers it, so the
 * device keeps its own copy until it completes the buffer. */
struct sim_pq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;           /* next descriptor of the buffer, or free list */
};

/* Device-side state of one queue. Fields are the engines'; fronts set
 * size/areas through sim_vdev (vdev.h); models read `index`, `ready`,
 * `broken`, `npending` and `used_idx` (as the `old` of
 * sim_vq_need_interrupt) only. */
struct sim_vq {
	uint16_t index;          /* queue number on its device */
	uint16_t size;           /* entries; 0 until the driver sets it */
	bool ready;              /* driver enabled it (QueueReady / PFN) */
	bool broken;             /* malformed ring seen: device stops using it */
	bool lost;               /* the device stopped using the ring: a packed
				  * id lie desynchronised it, or (IN_ORDER) a
				  * buffer will never complete */
	bool event_idx;          /* VIRTIO_F_RING_EVENT_IDX negotiated */
	bool indirect;           /* VIRTIO_F_RING_INDIRECT_DESC negotiated */
	bool packed;             /* VIRTIO_F_RING_PACKED negotiated: 2.8 format */
	bool in_order;           /* VIRTIO_F_IN_ORDER negotiated */
	bool order_lie;          /* in order: the head last picked was not the oldest */
	/* IN_ORDER (2.7.9, 2.8.9): buffers used whole and held back, to be
	 * published by one used entry with the next (sim_vq_flush). */
	uint16_t nbatch;
	uint16_t batch[SIM_VQ_BATCH_MAX];
	uint32_t batch_len[SIM_VQ_BATCH_MAX];
	/* split: avail ring, used ring; packed: driver and device event
	 * suppression areas (2.8.10). */
	virtio_paddr_t desc, avail, used;
	uint16_t last_avail;     /* split: next avail ring slot; packed: next
				  * descriptor slot to fetch */
	uint16_t used_idx;       /* split: used idx; packed: next used slot,
				  * bit 15 the device's used wrap counter */
	uint16_t pend_head;      /* ring buffer of fetched heads */
	uint16_t npending;
	uint16_t pending[SIM_VQ_PENDING_MAX];
	/* Heads a lying used entry returned before they were (re)made
	 * available: the next time one is fetched, the device has already
	 * given it back and must not touch its buffers. */
	uint16_t ncredits;
	uint16_t credit[SIM_VQ_CREDITS_MAX];
	uint32_t rewrites_seen;  /* sim_refetch_rewrites() when last synced */
	/* For the oracles (sim/oracle.h): the chain sim_vq_chain last walked
	 * (what sim_vq_push returns, if it names the same head), and a bit per
	 * head the driver has in flight as far as the device has seen:
	 * fetched, and not yet named by a published used entry. */
	const struct sim_chain *served;
	/* split: a bit per head; packed: a bit per buffer id. */
	uint8_t held[65536 / 8];
	/* packed (sim/packed.c): wrap counters (2.8.1), descriptors the
	 * device owns (fetched, no used entry covers their slots yet), the
	 * fetched descriptors' copies (a pool of `size`; pending[] holds the
	 * pool index of each buffer's first one), per first one its buffer id
	 * and ring slots, and a fingerprint of what each ring slot holds as
	 * far as the device knows (to see a driver rewrite one it owns). */
	bool avail_wrap;
	bool trusted;            /* no refetch rewrite yet: driver faults are its */
	uint16_t owned;
	uint16_t free_desc;      /* head of the pool's free list */
	struct sim_pq_desc pool[SIM_VQ_SIZE_MAX];
	uint16_t buf_id[SIM_VQ_SIZE_MAX];
	uint16_t buf_slots[SIM_VQ_SIZE_MAX];
	uint64_t slot_print[SIM_VQ_SIZE_MAX];
};

/* Forget everything but `index` (device reset, or queue disabled). */
void sim_vq_clear(struct sim_vq *q);
/*
 * Enable the queue with what the driver set: `features` the driver's
 * (VIRTIO_F_RING_PACKED picks the engine; EVENT_IDX, INDIRECT_DESC,
 * IN_ORDER), `num` entries, the three areas. The engine checks its own
 * layout rules (split: a power of two, 16/2/4 alignment; packed: up to
 * 32768, 16/4/4). Returns 0, or -1 after a queue-config finding.
 */
int sim_vq_enable(struct sim_vq *q, uint64_t features, uint32_t num,
		  virtio_paddr_t desc, virtio_paddr_t driver,
		  virtio_paddr_t device);

/*
 * Fetch newly available buffers into the pending list (decision "vq.never"
 * per buffer may drop one). Split: writes avail_event when event idx is
 * on; packed: publishes the device event suppression area. Returns the
 * number fetched, or -1 if the ring is malformed (finding made, queue
 * broken).
 */
int sim_vq_fetch(struct sim_vq *q);

/* Take the next pending buffer to complete (decision "vq.order"; with
 * IN_ORDER any other than the oldest takes the older ones into its batch,
 * unserved). */
bool sim_vq_pick(struct sim_vq *q, uint16_t *head);

/*
 * Walk and validate the chain starting at `head` into *c. Returns 0, or -1
 * after a finding (the queue is then broken).
 */
int sim_vq_chain(struct sim_vq *q, uint16_t head, struct sim_chain *c);

/*
 * Copy between the chain's readable (resp. writable) bytes, seen as one
 * stream, and host memory. Return bytes copied (short at the stream's end),
 * or -1 if a DMA access was refused (finding already made).
 */
int64_t sim_chain_read(const struct sim_chain *c, uint64_t off, void *dst,
		       uint64_t len);
int64_t sim_chain_write(const struct sim_chain *c, uint64_t off,
			const void *src, uint64_t len);

/*
 * Publish one used entry {head, len} (decisions "vq.used_id", "vq.used_len";
 * split "vq.used_idx", packed "pq.used_flags") and call sim_progress().
 * Tells the oracles what the entry returns and which lies the driver can
 * see in it. Returns 0 or -1 (DMA refused, queue broken).
 */
int sim_vq_push(struct sim_vq *q, uint16_t head, uint32_t len);
/*
 * With IN_ORDER a push may hold a buffer back (decision "vq.batch", when
 * the device wrote all of it and another one is pending): the next push
 * publishes one used entry for the batch, with the last buffer's id, and
 * skips the others (split: used idx moves by the batch's size; packed:
 * past all their slots). Publish what is held back now; call after a run
 * of pushes (sim_vdev_serve does). Returns 0 or -1 as sim_vq_push.
 */
int sim_vq_flush(struct sim_vq *q);

/* Does the driver want an interrupt for used idx (packed: the used slot)
 * moving from `old` to the current value? (2.7.7 flags, 2.7.10 used_event;
 * 2.8.10 driver event suppression; decision "pq.event_ignore".) */
bool sim_vq_need_interrupt(struct sim_vq *q, uint16_t old);

#endif
