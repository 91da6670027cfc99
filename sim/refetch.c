/* SPDX-License-Identifier: MIT */
/*
 * Double fetches: in refetch mode (sim_set_refetch) the device may change
 * device-writable memory between two driver reads of it. The sim marks
 * every byte the driver reads through the ring accessors; a read that
 * meets a byte already read since the device last wrote it is a decision
 * point, "ring.refetch": on a deviation the device has rewritten the
 * field, and the driver sees (and memory holds) the decided value. A
 * driver that validates a value and then reads it again to use it is
 * caught by whatever the second value breaks. Not here: the accessors
 * themselves (access.c) and MMIO config reads (the fronts decide those).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/decide.h"
#include "sim/internal.h"

#define PAGE_BITS_BYTES (VIRTIO_PAGE_SIZE / 8)

bool sim_refetch_on;
static uint8_t *fetched;  /* one bit per byte of the DMA window */
static uint32_t *dirty;   /* pages with a bit set this iteration */
static uint8_t *is_dirty; /* per page: listed in dirty[] */
static size_t ndirty;
static uint32_t rewrites; /* deviations this iteration */

void sim_refetch_init(void)
{
	fetched = calloc(sim_dma_npages, PAGE_BITS_BYTES);
	dirty = calloc(sim_dma_npages, sizeof *dirty);
	is_dirty = calloc(sim_dma_npages, 1);
	if (!fetched || !dirty || !is_dirty) {
		fprintf(stderr, "sim: cannot allocate the refetch bitmap\n");
		exit(2);
	}
}

void sim_refetch_reset(void)
{
	for (size_t i = 0; i < ndirty; i++) {
		memset(fetched + (size_t)dirty[i] * PAGE_BITS_BYTES, 0,
		       PAGE_BITS_BYTES);
		is_dirty[dirty[i]] = 0;
	}
	ndirty = 0;
	rewrites = 0;
	sim_refetch_on = false;
}

uint32_t sim_refetch_rewrites(void)
{
	return rewrites;
}

void sim_set_refetch(bool on)
{
	sim_refetch_on = on;
}

/* Mark the bytes [off, off + width) of the window read; were any already? */
static bool mark(size_t off, unsigned width)
{
	bool seen = false;
	for (size_t i = off; i < off + width; i++) {
		uint8_t bit = (uint8_t)(1u << (i % 8));
		size_t pg = i / VIRTIO_PAGE_SIZE;
		seen = seen || (fetched[i / 8] & bit);
		fetched[i / 8] |= bit;
		if (!is_dirty[pg]) {
			is_dirty[pg] = 1;
			dirty[ndirty++] = (uint32_t)pg;
		}
	}
	return seen;
}

uint64_t sim_refetch_load(volatile void *addr, unsigned width, uint64_t v)
{
	size_t off = (size_t)((volatile uint8_t *)addr - sim_dma_host);
	if (off + width > sim_dma_npages * VIRTIO_PAGE_SIZE ||
	    !mark(off, width))
		return v; /* a first read since the device wrote it */
	uint64_t now = sim_decide("ring.refetch", v, width);
	if (now == v)
		return v;
	/* The device rewrote the field since the driver's last read. */
	rewrites++;
	for (unsigned i = 0; i < width; i++)
		((volatile uint8_t *)addr)[i] = (uint8_t)(now >> (8 * i));
	sim_trace("ring refetch paddr=0x%llx w%llu 0x%llx -> 0x%llx",
		  sim_dma_base + off, width, v, now);
	return now;
}

void sim_refetch_device_wrote(size_t off, size_t len)
{
	/* Most device writes land in bounce buffers the driver never reads
	 * through the accessors: pages without marks are skipped whole. */
	for (size_t i = off; i < off + len; i++) {
		if (!is_dirty[i / VIRTIO_PAGE_SIZE]) {
			i |= VIRTIO_PAGE_SIZE - 1; /* to the page's last byte */
			continue;
		}
		fetched[i / 8] &= (uint8_t)~(1u << (i % 8));
	}
}
