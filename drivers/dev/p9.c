/* SPDX-License-Identifier: MIT */
/*
 * virtio-9p driver (device id 9, the 9P transport): the mount tag from the
 * config space under one generation, and blocking requests of one 9P
 * message each, whose answers are checked at the transport's level (the 9P
 * header). Where the virtio-drivers crate and Linux's trans_virtio take
 * tag_len and the answer as given, this driver checks, and stops a device
 * that lies. Queue mechanics are in queue/; the init sequence in
 * dev/device.c. Not here: building or parsing 9P bodies (the caller's).
 */
#include <string.h>

#include "virtio/device.h"
#include "virtio/errors.h"
#include "virtio/le.h"
#include "virtio/p9.h"
#include "virtio/spec.h"
#include "virtio/spec/p9.h"

#define BIT(n) (1ull << (n))

/* The tag from one config generation. tag_len is a le16 (one 2-byte
 * read), the tag u8[] (byte by byte, 4.1.3.1: each field at its own
 * width). */
static int read_tag(struct virtio_9p *p, struct virtio_transport *t)
{
	uint8_t raw[2];
	unsigned tries;
	int rc;

	for (tries = 0; tries < VIRTIO_CONFIG_RETRIES; tries++) {
		uint32_t gen = virtio_config_generation(t);
		uint16_t len;

		rc = virtio_config_read(t, VIRTIO_9P_CFG_TAG_LEN, raw, 2);
		if (rc)
			return rc;
		len = virtio_get_le16(raw);
		/* The tag names the export: none is no tag; past QEMU's
		 * limit or the config space it is a lie (read nothing of it:
		 * past the config space is no register of the device). */
		if (len == 0 || len > VIRTIO_9P_MAX_TAG_LEN ||
		    VIRTIO_9P_CFG_TAG + (size_t)len > t->config_size)
			return VIRTIO_EBAD_CONFIG;
		for (uint16_t i = 0; i < len; i++) {
			rc = virtio_config_read(t, VIRTIO_9P_CFG_TAG + i,
						&p->tag[i], 1);
			if (rc)
				return rc;
		}
		if (virtio_config_generation(t) != gen)
			continue;
		p->tag_len = len;
		return VIRTIO_OK;
	}
	return VIRTIO_ECONFIG_UNSTABLE;
}

static int read_config(void *drv, struct virtio_transport *t)
{
	/* MOUNT_TAG is required: negotiated here. */
	return read_tag(drv, t);
}

static int setup_queues(void *drv, struct virtio_transport *t)
{
	struct virtio_9p *p = drv;

	/* A request is two buffers (T-message, R-message room). */
	return virtq_init(&p->q, t, VIRTIO_9P_REQUESTQ, VIRTQ_MEM(&p->q_mem),
			  0, 2);
}

static const struct virtio_device_desc p9_device = {
	.device_id = VIRTIO_ID_9P,
	.wanted = BIT(VIRTIO_9P_MOUNT_TAG),
	.required = BIT(VIRTIO_9P_MOUNT_TAG),
	.read_config = read_config,
	.setup_queues = setup_queues,
};

int virtio_9p_init(struct virtio_9p *p, struct virtio_transport *t)
{
	int rc;

	if (!p)
		return VIRTIO_EINVALID_PARAM;
	/* What destroy looks at, before anything can fail. */
	p->t = NULL;
	p->tag_len = 0;
	virtq_clear(&p->q);
	rc = virtio_device_check(t, &p9_device);
	if (rc)
		return rc;
	p->t = t; /* ours from here: destroy resets it */
	rc = virtio_device_init(t, &p9_device, p);
	if (rc)
		p->tag_len = 0;
	return rc;
}

int virtio_9p_mount_tag(const struct virtio_9p *p, char *buf, size_t cap,
			size_t *len)
{
	if (!p || !p->t || !p->tag_len || !buf || !len || cap < p->tag_len)
		return VIRTIO_EINVALID_PARAM;
	memcpy(buf, p->tag, p->tag_len);
	if (cap > p->tag_len)
		buf[p->tag_len] = '\0';
	*len = p->tag_len;
	return VIRTIO_OK;
}

/* The answer's header, read once from the driver's buffer (the device
 * has given it back): size, tag and type must be the answer to `t`. */
static bool answer_ok(const uint8_t *t, const uint8_t *r, uint32_t used)
{
	uint8_t ttype = t[P9_HDR_OFF_TYPE], rtype = r[P9_HDR_OFF_TYPE];

	if (virtio_get_le32(r + P9_HDR_OFF_SIZE) != used)
		return false;
	if (virtio_get_le16(r + P9_HDR_OFF_TAG) !=
	    virtio_get_le16(t + P9_HDR_OFF_TAG))
		return false;
	/* An answer is R = T + 1, or an error (Rlerror in 9P2000.L,
	 * Rerror in the older dialects). ttype 255 has no R. */
	return (ttype != 0xff && rtype == (uint8_t)(ttype + 1)) ||
	       rtype == P9_RLERROR || rtype == P9_RERROR;
}

int virtio_9p_request(struct virtio_9p *p, const void *tmsg, size_t tlen,
		      void *rbuf, size_t rcap, size_t *rlen)
{
	struct virtq_buf out, in;
	uint32_t used = 0;
	int rc;

	if (!p || !p->t)
		return VIRTIO_EINVALID_PARAM;
	if (p->t->broken)
		return VIRTIO_EBROKEN;
	rc = virtq_check(&p->q);
	if (rc)
		return rc; /* cov-exempt: redundant */
	if (!tmsg || !rbuf || !rlen || tlen < P9_HDR_SIZE ||
	    tlen > UINT32_MAX || rcap < P9_HDR_SIZE || rcap > UINT32_MAX ||
	    virtio_get_le32((const uint8_t *)tmsg + P9_HDR_OFF_SIZE) != tlen)
		return VIRTIO_EINVALID_PARAM;
	/* The device only reads tmsg. */
	out = (struct virtq_buf){ (void *)tmsg, tlen };
	in = (struct virtq_buf){ rbuf, rcap };
	rc = virtq_add_wait(&p->q, &out, 1, &in, 1, &used);
	/* The queue checked the used id and used <= rcap. A 9P answer is at
	 * least its header, and says its own length. */
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET ||
	    (!rc && (used < P9_HDR_SIZE || !answer_ok(tmsg, rbuf, used)))) {
		/* The buffers may be on loan to the device: take them back
		 * (reset, then destroy the queue) before returning. */
		virtio_device_stop(p->t);
		virtq_destroy(&p->q);
		return rc ? rc : VIRTIO_EBAD_USED;
	}
	if (rc)
		return rc;
	*rlen = used;
	return VIRTIO_OK;
}

void virtio_9p_set_interrupts(struct virtio_9p *p, bool enable)
{
	if (p && p->t && !p->t->broken)
		virtq_set_interrupts(&p->q, enable);
}

uint32_t virtio_9p_ack_interrupt(struct virtio_9p *p)
{
	if (!p || !p->t)
		return 0;
	return virtio_ack_interrupt(p->t);
}

void virtio_9p_destroy(struct virtio_9p *p)
{
	if (!p || !p->t)
		return;
	/* Reset first: only a reset device owns nothing. */
	(void)virtio_reset(p->t);
	virtq_destroy(&p->q);
	p->t = NULL;
	p->tag_len = 0;
}
