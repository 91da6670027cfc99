/* SPDX-License-Identifier: MIT */
/*
 * virtio-9p driver (the 9P transport, device id 9) over any transport: the
 * mount tag and a blocking request that carries one 9P message to the
 * device and its answer back. A transport only: the caller builds its
 * T-messages and parses its R-messages (9P2000.L or any dialect); this
 * driver checks only the 9P header of each answer. The API is the
 * virtio-drivers crate's VirtIO9p (new, mount_tag, request) with
 * interrupts and destroy as its other devices have them.
 *
 * The crate neither negotiates MOUNT_TAG nor bounds tag_len (only 0 is
 * refused), and of an answer checks only that its size field equals the
 * used len (a used len under 4 compares bytes the device never wrote),
 * never its tag or type.
 * Where a device can lie, this driver checks: MOUNT_TAG must be offered
 * (EFEATURES), tag_len must be 1..VIRTIO_9P_MAX_TAG_LEN and the tag within
 * the config space (EBAD_CONFIG), both read under one config generation
 * (ECONFIG_UNSTABLE); an answer's used len must cover the 9P header and
 * fit the caller's buffer, its size field must be the used len, its tag
 * the request's tag, its type the request's type + 1 or an error
 * (Rlerror, Rerror). Anything else is EBAD_USED; after EBAD_USED,
 * ETIMEOUT or ENEEDS_RESET the device has been reset and every call
 * returns EBROKEN until destroy.
 */
#ifndef VIRTIO_P9_H
#define VIRTIO_P9_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/errors.h"
#include "virtio/spec/p9.h"
#include "virtio/virtq.h"

/* Entries of the request queue at most (requests are blocking and two
 * buffers each, so a few suffice; QEMU offers 128). */
#ifndef VIRTIO_9P_QUEUE_SIZE
#define VIRTIO_9P_QUEUE_SIZE 8u
#endif

struct virtio_9p {
	struct virtio_transport *t;
	uint16_t tag_len;                    /* 1..VIRTIO_9P_MAX_TAG_LEN */
	uint8_t tag[VIRTIO_9P_MAX_TAG_LEN];  /* the mount tag, as read */
	/* PRIVATE: fields below belong to drivers/dev/p9.c. */
	struct virtq q;
	VIRTQ_STORAGE(VIRTIO_9P_QUEUE_SIZE) q_mem;
};

/*
 * Negotiate (MOUNT_TAG required, the ring features), read and check the
 * mount tag, set up the request queue, DRIVER_OK. On failure nothing is
 * held and the device is left FAILED; virtio_9p_destroy stays safe.
 */
int virtio_9p_init(struct virtio_9p *p, struct virtio_transport *t);

/*
 * Copy the mount tag (read at init) into buf: *len gets its length, and a
 * NUL follows it when cap leaves room. EINVALID_PARAM when cap is smaller
 * than the tag.
 */
int virtio_9p_mount_tag(const struct virtio_9p *p, char *buf, size_t cap,
			size_t *len);

/*
 * Blocking: give the device the 9P message tmsg[0, tlen) (its size field
 * must be tlen, at least the 7-byte header: EINVALID_PARAM otherwise) and
 * room for the answer, rbuf[0, rcap) (rcap >= 7); wait (bounded by
 * t->poll_budget). On success *rlen is the answer's length (its size
 * field), the answer is rbuf[0, *rlen) with the request's tag and the type
 * tmsg's + 1, Rlerror or Rerror; nothing past *rlen is the device's. Both
 * buffers are the caller's again whatever the result.
 */
int virtio_9p_request(struct virtio_9p *p, const void *tmsg, size_t tlen,
		      void *rbuf, size_t rcap, size_t *rlen);

/* Ask for used-buffer interrupts, or not (only a hint to the device). */
void virtio_9p_set_interrupts(struct virtio_9p *p, bool enable);
/* Read and acknowledge the interrupt status (bit 0: used buffer). */
uint32_t virtio_9p_ack_interrupt(struct virtio_9p *p);
/* Reset the device, reclaim everything, free the queue. Always safe, also
 * after a failed init. */
void virtio_9p_destroy(struct virtio_9p *p);

#endif
