/* SPDX-License-Identifier: MIT */
/*
 * Private to drivers/queue/: what the shared queue core (core.c) asks of
 * each format (split.c, packed.c). The core owns buffer ids, sharing,
 * in-order batches, waiting and teardown; a format owns its ring memory,
 * how a chain is written and published, how a used entry is read and
 * checked against the ring's rules, and event suppression.
 */
#ifndef VIRTIO_QUEUE_H
#define VIRTIO_QUEUE_H

#include "virtio/virtq.h"

/* One VIRTQ_MAX_SG-entry indirect table per id; both formats' descriptors
 * are 16 bytes. */
#define VIRTQ_IND_TABLE_BYTES (VIRTQ_MAX_SG * 16u)
#define VIRTQ_NO_ID 0xffffu

/* Mark the queue and its transport broken; returns EBAD_USED. */
int virtq_lie(struct virtq *q);
/* dma_alloc `bytes` into ring region `which` (0..2). */
int virtq_alloc_region(struct virtq *q, unsigned which, size_t bytes,
		       enum virtio_dir dir);

/*
 * Per format: init sets the format's state for q->size entries, allocates
 * the rings and gives them to the transport. next_id is the id the next
 * add uses (num_free >= ndesc checked). publish writes the chain of
 * req[id] (n buffers, the first n_out readable; ndesc 1 and n > 1: through
 * its indirect table) and makes it available. read_used reads the next used
 * entry once and checks it: ENOT_READY, EBAD_USED (via virtq_lie) or 0 with
 * *id in flight and *len within its writable bytes; *pending is how many
 * used entries the device published (split; packed: n_in_flight). release
 * gives id's ring descriptors back after its pop.
 */
int virtq_split_init(struct virtq *q);
uint16_t virtq_split_next_id(const struct virtq *q);
void virtq_split_publish(struct virtq *q, uint16_t id, unsigned n,
			 unsigned n_out, unsigned ndesc);
void virtq_split_kick(struct virtq *q);
int virtq_split_read_used(struct virtq *q, uint16_t *id, uint32_t *len,
			  uint16_t *pending);
void virtq_split_release(struct virtq *q, uint16_t id);
void virtq_split_set_interrupts(struct virtq *q, bool enable);

int virtq_packed_init(struct virtq *q);
uint16_t virtq_packed_next_id(const struct virtq *q);
void virtq_packed_publish(struct virtq *q, uint16_t id, unsigned n,
			  unsigned n_out, unsigned ndesc);
void virtq_packed_kick(struct virtq *q);
int virtq_packed_read_used(struct virtq *q, uint16_t *id, uint32_t *len,
			   uint16_t *pending);
void virtq_packed_release(struct virtq *q, uint16_t id);
void virtq_packed_set_interrupts(struct virtq *q, bool enable);

#endif
