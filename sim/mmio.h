/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio register file (VirtIO 1.2, 4.2), version 1 (legacy) and 2
 * (modern), in front of a struct sim_vdev. Checks every register access
 * against the spec's table: 32-bit aligned accesses only, no reads of
 * write-only or writes of read-only registers, no offsets without a
 * register. Not here: device behaviour (vdev.c and the model).
 */
#ifndef SIM_MMIO_H
#define SIM_MMIO_H

#include <stdint.h>

#include "sim/vdev.h"

/* Window size a harness maps and passes to virtio_mmio_init (registers
 * 0x000-0x0ff, config space from 0x100). */
#define SIM_MMIO_WINDOW_SIZE 0x200u
/* VendorID the device reports by default ("QEMU", as QEMU does). */
#define SIM_MMIO_VENDOR 0x554d4551u

struct sim_mmio_dev {
	struct sim_vdev *dev;
	virtio_paddr_t base;
	uint32_t version;             /* 1 legacy, 2 modern */
	uint32_t dev_features_sel;
	uint32_t drv_features_sel;
	uint32_t queue_sel;
	uint32_t guest_page_size;     /* legacy */
	/* what the driver wrote per queue, applied at QueueReady / PFN */
	uint32_t num[SIM_VDEV_MAX_QUEUES];
	uint32_t align[SIM_VDEV_MAX_QUEUES];  /* legacy */
	uint32_t pfn[SIM_VDEV_MAX_QUEUES];    /* legacy */
	virtio_paddr_t desc[SIM_VDEV_MAX_QUEUES];
	virtio_paddr_t avail[SIM_VDEV_MAX_QUEUES];
	virtio_paddr_t used[SIM_VDEV_MAX_QUEUES];
};

/*
 * Put `dev` behind a virtio-mmio window of SIM_MMIO_WINDOW_SIZE bytes at
 * `base` (sim_window_add), as `version` 1 or 2. Call after sim_reset and
 * the model's create, every iteration. Returns 0, or -1 for a bad version
 * or a window the core refused.
 */
int sim_mmio_attach(struct sim_mmio_dev *m, virtio_paddr_t base,
		    uint32_t version, struct sim_vdev *dev);

#endif
