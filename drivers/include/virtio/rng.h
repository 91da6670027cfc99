/* SPDX-License-Identifier: MIT */
/*
 * virtio-rng driver (VirtIO 1.2, 5.4) over any transport, with the API of
 * the virtio-drivers crate's VirtIORng: request entropy, interrupt control
 * and acknowledgement. Unlike the crate it checks the count the device
 * returns: 5.4.6.1 has the device write one byte or more and never past
 * the buffer, so 0 or a count past the buffer is a lie (EBAD_USED).
 */
#ifndef VIRTIO_RNG_H
#define VIRTIO_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/errors.h"
#include "virtio/virtq.h"

#define VIRTIO_RNG_QUEUE_SIZE 8u /* as the crate: requests are one buffer */

struct virtio_rng {
	struct virtio_transport *t;
	struct virtq q;
	VIRTQ_STORAGE(VIRTIO_RNG_QUEUE_SIZE) q_mem; /* PRIVATE */
};

/*
 * Negotiate and set up the request queue, DRIVER_OK. On failure the device
 * is left FAILED and nothing is held; virtio_rng_destroy stays safe.
 */
int virtio_rng_init(struct virtio_rng *r, struct virtio_transport *t);
/*
 * Fill `buf` with up to `len` bytes of entropy (1 <= len <= UINT32_MAX);
 * *n gets how many the device wrote (1..len); nothing past them is the
 * device's. After ETIMEOUT, EBAD_USED or ENEEDS_RESET the device has been
 * reset and every later call returns EBROKEN until destroy and a new init.
 */
int virtio_rng_request(struct virtio_rng *r, void *buf, size_t len,
		       size_t *n);
/* Ask for used-buffer interrupts, or not (virtq_set_interrupts). */
void virtio_rng_set_interrupts(struct virtio_rng *r, bool enable);
/* Read and acknowledge the interrupt status (bit 0: used buffer). */
uint32_t virtio_rng_ack_interrupt(struct virtio_rng *r);
/* Reset the device, reclaim everything, free the queue. Always safe. */
void virtio_rng_destroy(struct virtio_rng *r);

#endif
