/* SPDX-License-Identifier: MIT */
/*
 * virtio-rng driver (VirtIO 1.2, 5.4): one request queue, one writable
 * buffer per request, the count validated. Queue mechanics are in
 * queue/; the status handshake in dev/device.c.
 */
#include "virtio/rng.h"

#include "virtio/device.h"
#include "virtio/spec.h"
#include "virtio/spec/rng.h"

static int setup_queues(void *drv, struct virtio_transport *t)
{
	struct virtio_rng *r = drv;

	return virtq_init(&r->q, t, VIRTIO_RNG_QUEUE_REQUEST,
			  VIRTQ_MEM(&r->q_mem), 0, 1);
}

static const struct virtio_device_desc rng_desc = {
	.device_id = VIRTIO_ID_RNG,
	.setup_queues = setup_queues,
};

int virtio_rng_init(struct virtio_rng *r, struct virtio_transport *t)
{
	int rc;

	if (!r)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	/* What destroy looks at, before anything can fail. */
	r->t = NULL;
	virtq_clear(&r->q);
	rc = virtio_device_check(t, &rng_desc);
	if (rc)
		return rc;
	r->t = t;
	return virtio_device_init(t, &rng_desc, r);
}

int virtio_rng_request(struct virtio_rng *r, void *buf, size_t len,
		       size_t *n)
{
	struct virtq_buf in;
	uint32_t used = 0;
	int rc;

	if (!r || !r->t)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (r->t->broken)
		return VIRTIO_EBROKEN;
	rc = virtq_check(&r->q);
	if (rc)
		return rc; /* cov-exempt: redundant */
	if (!buf || !n || len == 0 || len > UINT32_MAX)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	in = (struct virtq_buf){ buf, len };
	rc = virtq_add_wait(&r->q, NULL, 0, &in, 1, &used);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET || (!rc && !used)) {
		/* The buffer is on loan to the device (or it claimed to have
		 * written nothing, 5.4.6.1): take it back before returning. */
		virtio_device_stop(r->t);
		virtq_destroy(&r->q);
		return rc ? rc : VIRTIO_EBAD_USED;
	}
	if (rc)
		return rc;
	/* The queue checked used <= the buffer's writable bytes (len). */
	*n = used;
	return VIRTIO_OK;
}

void virtio_rng_set_interrupts(struct virtio_rng *r, bool enable)
{
	if (r && r->t && !r->t->broken)
		virtq_set_interrupts(&r->q, enable);
}

uint32_t virtio_rng_ack_interrupt(struct virtio_rng *r)
{
	if (!r || !r->t)
		return 0; /* cov-exempt: api-misuse */
	return virtio_ack_interrupt(r->t);
}

void virtio_rng_destroy(struct virtio_rng *r)
{
	if (!r || !r->t)
		return;
	/* Reset first: only a reset device owns nothing. */
	(void)virtio_reset(r->t);
	virtq_destroy(&r->q);
	r->t = NULL;
}
