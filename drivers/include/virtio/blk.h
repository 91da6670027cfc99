/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk driver (VirtIO 1.2, 5.2) over any transport. Blocking calls
 * and a non-blocking submit/complete API with several requests in flight.
 * Sector numbers and lengths are in 512-byte sectors / bytes; lengths must
 * be non-zero multiples of 512.
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/errors.h"
#include "virtio/spec.h"
#include "virtio/spec/blk.h"
#include "virtio/virtq.h"

/* 5.2.6 request header, as laid out in memory (little-endian fields). */
struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* A caller-owned request for the non-blocking API. Fields are private. */
struct virtio_blk_req {
	struct virtio_blk_req_hdr hdr;
	uint8_t status;
	uint8_t *data;
	size_t len;
	uint32_t type;
};

/* Queue entries: requests in flight at once (the crate uses 16; the
 * bare-metal _q4 build 4). */
#ifndef VIRTIO_BLK_QUEUE_SIZE
#define VIRTIO_BLK_QUEUE_SIZE 256u
#endif

struct virtio_blk {
	struct virtio_transport *t;
	struct virtq q;
	uint64_t capacity;   /* sectors, validated non-zero */
	uint32_t blk_size;   /* validated: power of two, 512..65536 */
	bool read_only;      /* VIRTIO_BLK_F_RO negotiated */
	bool can_flush;      /* VIRTIO_BLK_F_FLUSH negotiated */
	/* PRIVATE: the request each in-flight non-blocking token belongs to */
	struct virtio_blk_req *reqs[VIRTIO_BLK_QUEUE_SIZE];
	VIRTQ_STORAGE(VIRTIO_BLK_QUEUE_SIZE) q_mem;
};

/*
 * Negotiate, validate config, set up the queue, DRIVER_OK. On failure the
 * device is left FAILED and nothing is held; virtio_blk_destroy stays safe.
 * After ETIMEOUT, EBAD_USED or ENEEDS_RESET (the device set
 * DEVICE_NEEDS_RESET) from any call, the device has been reset and every
 * later call returns EBROKEN until destroy and a new init (blocking calls
 * reclaim their own buffers before returning; non-blocking requests come
 * back at destroy). A read succeeds only if the device says it wrote all data and
 * the status byte (used len == len + 1); a shorter used len is EIO.
 */
int virtio_blk_init(struct virtio_blk *b, struct virtio_transport *t);
int virtio_blk_read(struct virtio_blk *b, uint64_t sector, void *buf,
		    size_t len);
int virtio_blk_write(struct virtio_blk *b, uint64_t sector, const void *buf,
		     size_t len);
int virtio_blk_flush(struct virtio_blk *b);
/* The device's id string, VIRTIO_BLK_ID_BYTES bytes, NUL-padded. */
int virtio_blk_get_id(struct virtio_blk *b, uint8_t id[20]);

/* Non-blocking: submit returns a token; complete it when peek says so. */
int virtio_blk_submit_read(struct virtio_blk *b, struct virtio_blk_req *req,
			   uint64_t sector, void *buf, size_t len,
			   uint16_t *token);
int virtio_blk_submit_write(struct virtio_blk *b, struct virtio_blk_req *req,
			    uint64_t sector, const void *buf, size_t len,
			    uint16_t *token);
/* Token of a finished request (ENOT_READY if none). */
int virtio_blk_peek(struct virtio_blk *b, uint16_t *token);
/* Finish `token`, which was submitted with `req`: maps the status byte. */
int virtio_blk_complete(struct virtio_blk *b, uint16_t token,
			struct virtio_blk_req *req);

/* Reset the device, reclaim everything, free the queue. Always safe. */
void virtio_blk_destroy(struct virtio_blk *b);

#endif
