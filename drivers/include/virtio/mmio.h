/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio transport (VirtIO 1.2, 4.2): legacy (version 1) and modern
 * (version 2) register layouts.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#include "virtio/transport.h"

#define VIRTIO_MMIO_WINDOW_MIN 0x100u /* registers, without config space */

struct virtio_mmio {
	struct virtio_transport t; /* first: device drivers see only this */
	volatile uint8_t *base;
	size_t size;              /* window bytes; config space is the rest */
	uint32_t version;         /* 1 legacy, 2 modern */
	uint32_t vendor_id;
};

/*
 * Map and probe the window at `paddr` of `size` bytes: magic, version (1 or
 * 2), device id (non-zero) and vendor, each with its own error. Does not
 * reset or touch the status; virtio_negotiate does that.
 */
int virtio_mmio_init(struct virtio_mmio *m, const struct virtio_hal *hal,
		     virtio_paddr_t paddr, size_t size);

#endif
