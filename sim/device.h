/* SPDX-License-Identifier: MIT */
/*
 * What the sim core offers the device side (transport fronts, the
 * device-side queue engine and device models): checked DMA accessors, MMIO
 * windows, and polling hooks. The virtio device core that fronts share
 * (status, features, queues, config) is in sim/vdev.h.
 */
#ifndef SIM_DEVICE_H
#define SIM_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

/*
 * The device reads/writes simulated physical memory. Checks that the range
 * is inside one live DMA allocation or share, and that a write is allowed by
 * its direction; otherwise reports SIM_DEVICE_UNOWNED / SIM_DEVICE_WRONG_DIR
 * (the driver gave that address away) and returns -1 (record mode) so the
 * device model abandons the request. Returns 0 on success.
 */
int sim_dma_read(virtio_paddr_t pa, void *dst, size_t len);
int sim_dma_write(virtio_paddr_t pa, const void *src, size_t len);

/* An MMIO window of a device: register file callbacks. */
struct sim_window_ops {
	/* width is 1, 2, 4 or 8; off is inside the window. The front checks
	 * widths and alignment per register and reports SIM_MMIO_WIDTH /
	 * SIM_MMIO_MISALIGNED itself. */
	uint64_t (*read)(void *ctx, uint64_t off, unsigned width);
	void (*write)(void *ctx, uint64_t off, unsigned width, uint64_t val);
	/* Register name for the trace, e.g. "QueueNumMax"; NULL if unknown. */
	const char *(*reg_name)(void *ctx, uint64_t off);
};

/*
 * Add a device window at simulated physical [base, base+size), inside
 * [SIM_MMIO_BASE, SIM_MMIO_BASE+SIM_MMIO_SPAN). mmio_phys_to_virt accepts
 * ranges inside a window; accesses through the accessors are dispatched to
 * `ops`; raw dereferences fault and are reported. Windows are forgotten by
 * sim_reset. Returns 0, or -1 if it overlaps another window or is outside.
 */
int sim_window_add(virtio_paddr_t base, size_t size,
		   const struct sim_window_ops *ops, void *ctx,
		   const char *name);

/*
 * Deferred device work. `poll` runs whenever the driver loads from memory
 * the device may write (the driver is waiting on a ring), so a device can
 * complete requests later than when they were notified. Forgotten by
 * sim_reset; at most SIM_MAX_POLLERS.
 */
#define SIM_MAX_POLLERS 8
void sim_poller_add(void (*poll)(void *ctx), void *ctx);

/* The device made progress (wrote a used entry, changed config): resets the
 * hang counter. */
void sim_progress(void);

/* How many times, this iteration, refetch mode (sim/refetch.c) rewrote
 * device-writable memory behind the device model's back: when it moves, the
 * queue engine re-reads its used idx. */
uint32_t sim_refetch_rewrites(void);

/* Driver polls (ring loads, register reads) with no device progress and no
 * driver register write in between before SIM_HANG is reported. */
#define SIM_HANG_BUDGET 200000u

#endif
