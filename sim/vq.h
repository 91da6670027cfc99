/* SPDX-License-Identifier: MIT */
/*
 * Device-side split virtqueue engine (VirtIO 1.2, 2.7): reads the avail ring
 * and descriptor chains through sim_dma_read only, validates them (findings
 * for loops, bad next, nested indirect, ...), and writes used entries with
 * sim_dma_write. The decision stream picks completion order, used id/len and
 * used idx. Not here: what a request means (sim/dev/), registers (fronts).
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
	uint16_t head;
	uint16_t nseg;        /* kept in seg[] */
	uint32_t ndesc;       /* buffers in the chain (indirect: table entries) */
	uint64_t readable;    /* bytes in readable buffers */
	uint64_t writable;    /* bytes in writable buffers */
	bool truncated;       /* more than SIM_CHAIN_MAX buffers */
	struct sim_seg seg[SIM_CHAIN_MAX];
};

#define SIM_VQ_CREDITS_MAX 16
/* Largest split queue (2.7: a power of two up to 32768). */
#define SIM_VQ_SIZE_MAX 32768u

/* Device-side state of one split queue. Fields are the engine's; fronts set
 * size/areas through sim_vdev (vdev.h), models only read `index`. */
struct sim_vq {
	uint16_t index;          /* queue number on its device */
	uint16_t size;           /* entries; 0 until the driver sets it */
	bool ready;              /* driver enabled it (QueueReady / PFN) */
	bool broken;             /* malformed ring seen: device stops using it */
	bool event_idx;          /* VIRTIO_F_RING_EVENT_IDX negotiated */
	bool indirect;           /* VIRTIO_F_RING_INDIRECT_DESC negotiated */
	virtio_paddr_t desc, avail, used;
	uint16_t last_avail;     /* next avail ring slot to fetch */
	uint16_t used_idx;       /* device's used idx (what it last wrote) */
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
	uint8_t held[SIM_VQ_SIZE_MAX / 8];
};

/* Forget everything but `index` (device reset, or queue disabled). */
void sim_vq_clear(struct sim_vq *q);
/* Start using the queue with its areas and size already set. */
void sim_vq_start(struct sim_vq *q, bool event_idx, bool indirect);

/*
 * Fetch new avail entries into the pending list (decision "vq.never" per
 * head may drop one). Writes avail_event when event idx is on. Returns the
 * number fetched, or -1 if the ring is malformed (finding made, queue
 * broken).
 */
int sim_vq_fetch(struct sim_vq *q);

/* Take the next pending head to complete (decision "vq.order"). */
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
 * Publish one used entry {head, len} (decisions "vq.used_id", "vq.used_len",
 * "vq.used_idx") and call sim_progress(). Tells the oracles what the entry
 * returns and which lies the driver can see in it. Returns 0 or -1 (DMA
 * refused).
 */
int sim_vq_push(struct sim_vq *q, uint16_t head, uint32_t len);

/* Does the driver want an interrupt for used idx moving from `old` to the
 * current value? (2.7.7 flags, 2.7.10 used_event.) */
bool sim_vq_need_interrupt(struct sim_vq *q, uint16_t old);

#endif
