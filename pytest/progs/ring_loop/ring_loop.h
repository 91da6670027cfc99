/* SPDX-License-Identifier: MIT */
/*
 * ring_loop's two halves (see main.c): the device played by hand
 * (device.c: a fake transport and the device side of VirtIO 1.2 2.7 and
 * 2.8 through the sim's checked DMA) and the driver-side scenarios
 * (main.c).
 */
#ifndef RING_LOOP_H
#define RING_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/virtq.h"

#define BIT(n) (1ull << (n))
#define QMAX 512u
#define MAXP 64u /* chains the device holds */

struct dev {
	struct virtio_transport t;
	uint64_t offered, accepted;
	uint8_t status;
	bool needs_reset, deaf; /* deaf: ignores notifications */
	bool answer;		/* uses every chain as soon as notified */
	uint16_t qmax, n;
	virtio_paddr_t desc, drv, devarea;
	unsigned notifies;
	/* split device state */
	uint16_t last_avail, used_idx;
	/* packed device state */
	uint16_t apos, upos;
	bool awrap, uwrap;
	/* chains fetched, not yet used */
	struct pend {
		uint16_t id, ndesc;
		unsigned nel;
		struct el {
			uint64_t a;
			uint32_t l;
			bool w;
		} el[VIRTQ_MAX_SG];
	} p[MAXP];
	unsigned np;
	unsigned seq; /* pattern seed of the next completion */
};
extern struct dev D;

extern const struct virtio_transport_ops fops;
extern unsigned seq_of[QMAX]; /* id -> pattern seed the device used */

/* Lies a completion can tell. */
enum lie { HONEST, BAD_ID, FREE_ID, LONG_LEN, WRAP_BITS, NO_ADVANCE };

/* Device memory, through sim_dma_read/write (exit 4 if the sim refuses). */
uint64_t rd(virtio_paddr_t pa, unsigned w);
void wr(virtio_paddr_t pa, unsigned w, uint64_t v);
bool packed_mode(void);
/* Read every chain made available. */
void fetch(void);
/* The pattern byte i of the chain served with seed seq. */
uint8_t pattern(unsigned seq, uint32_t i);
/* Use the k-th fetched chain, or (batch > 1, in order) the first `batch`
 * with one entry naming the last; `lie` bends the entry. */
void complete(unsigned k, unsigned batch, enum lie lie, uint16_t lie_id);
/* A used entry naming `id`, written by hand: no buffer is touched. */
void write_used(uint16_t id);

#endif
