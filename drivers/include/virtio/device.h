/* SPDX-License-Identifier: MIT */
/*
 * The driver skeleton every device driver shares, like the virtio-drivers
 * crate's begin_init/finish_init: a driver describes itself once (device
 * id, feature bits, how it reads its config and sets up its queues) and
 * virtio_device_init runs VirtIO 1.2, 3.1.1 around that. Also the one way
 * a driver stops a device caught lying after init. Not here: the status
 * and feature mechanics (transport.c) and what a device does with its
 * queues (dev/<device>.c).
 */
#ifndef VIRTIO_DEVICE_H
#define VIRTIO_DEVICE_H

#include <stdint.h>

#include "virtio/transport.h"

/* One device driver, described once (a const in its dev/<device>.c). */
struct virtio_device_desc {
	uint32_t device_id; /* VIRTIO_ID_*: the one type the driver drives */
	uint64_t wanted;    /* device feature bits accepted when offered */
	uint64_t required;  /* bits the device must offer, or EFEATURES */
	/*
	 * After FEATURES_OK (t->features holds what was negotiated): read
	 * the device config into the driver's state `drv`, checking each
	 * value as it is read. NULL: the driver needs no config.
	 */
	int (*read_config)(void *drv, struct virtio_transport *t);
	/* After read_config: set up the driver's queues. NULL: none. */
	int (*setup_queues)(void *drv, struct virtio_transport *t);
};

/*
 * Can the driver `desc` drive `t`: a transport with ops, to a device of
 * desc->device_id? EINVALID_PARAM or EBAD_DEVICE_ID otherwise. Reads no
 * register: the device is not touched. A driver calls it before it takes
 * `t` as the device its destroy resets.
 */
int virtio_device_check(const struct virtio_transport *t,
			const struct virtio_device_desc *desc);

/*
 * 3.1.1 for the driver `desc` with state `drv`: virtio_device_check, then
 * virtio_negotiate(desc->wanted, desc->required), read_config,
 * setup_queues, DRIVER_OK. 0: the device is live. Otherwise the first
 * error: after an error of virtio_device_check the device is untouched,
 * after any later one it is FAILED (3.1.1 step 8). What setup_queues
 * allocated before failing stays for the driver's destroy to free.
 */
int virtio_device_init(struct virtio_transport *t,
		       const struct virtio_device_desc *desc, void *drv);

/*
 * The device broke the protocol after init (a used entry it cannot have
 * written, no answer within the poll budget): reset it, so that it owns
 * nothing the driver gave it, and mark the transport broken, so that every
 * later call returns EBROKEN until the driver's destroy or a new init.
 */
void virtio_device_stop(struct virtio_transport *t);

#endif
