/* SPDX-License-Identifier: MIT */
/*
 * The driver skeleton (device.h): one init sequence and one "device lied"
 * stop for every device driver. The handshake steps themselves are in
 * transport/transport.c; each device's config and queues in its own file.
 */
#include "virtio/device.h"
#include "virtio/errors.h"

int virtio_device_check(const struct virtio_transport *t,
			const struct virtio_device_desc *desc)
{
	if (!t || !t->ops || !desc)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (t->device_id != desc->device_id)
		return VIRTIO_EBAD_DEVICE_ID;
	return VIRTIO_OK;
}

int virtio_device_init(struct virtio_transport *t,
		       const struct virtio_device_desc *desc, void *drv)
{
	int rc = virtio_device_check(t, desc);

	if (rc)
		/* cov-exempt: redundant */
		return rc; /* not our device: leave it alone */
	rc = virtio_negotiate(t, desc->wanted, desc->required);
	if (rc)
		return rc; /* negotiate set FAILED */
	if (desc->read_config)
		rc = desc->read_config(drv, t);
	if (!rc && desc->setup_queues)
		rc = desc->setup_queues(drv, t);
	if (rc) {
		virtio_fail(t);
		return rc;
	}
	virtio_finish_init(t);
	return VIRTIO_OK;
}

void virtio_device_stop(struct virtio_transport *t)
{
	/* A device that never reads back 0 is broken all the same. */
	(void)virtio_reset(t);
	t->broken = true;
}
