/* SPDX-License-Identifier: MIT */
/*
 * The bare-metal HAL for the virt machine: identity mapping (paddr ==
 * vaddr), DMA pages from a pool in RAM, and share/unshare through a
 * bounce-buffer pool so the same copy-in/copy-back paths as the sim run
 * against real devices. It checks every dealloc/unshare against what it
 * handed out (like dma-debug) and counts misuse instead of crashing.
 */
#ifndef PORT_HAL_H
#define PORT_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "virtio/hal.h"

extern const struct virtio_hal board_hal;

struct board_hal_stats {
	size_t dma_live_pages;   /* pages allocated and not yet freed */
	size_t dma_live_allocs;
	size_t shares_live;      /* shares not yet unshared */
	size_t misuse;           /* rejected dealloc/unshare/share calls */
	size_t mmio_refused;     /* mmio_phys_to_virt outside known windows */
	size_t dma_allocs, shares; /* totals since boot */
};

void board_hal_stats(struct board_hal_stats *s);

/* Byte written into device-writable bounce buffers before the device runs. */
#define BOARD_BOUNCE_POISON 0xa5u

#endif
