/* SPDX-License-Identifier: MIT */
/*
 * The transport-independent half of device initialisation (VirtIO 1.2,
 * 3.1.1): reset, status handshake, feature negotiation, and config-space
 * access with generation retries. Register layouts live in mmio.c / pci.c.
 */
#include "virtio/access.h"
#include "virtio/errors.h"
#include "virtio/le.h"
#include "virtio/spec.h"
#include "virtio/transport.h"

#define BIT(n) (1ull << (n))

/* Status bits a driver may set (2.1); DEVICE_NEEDS_RESET is the device's. */
#define DRIVER_STATUS_BITS                                                     \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |                    \
	 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK)

static uint32_t poll_budget(const struct virtio_transport *t)
{
	return t->poll_budget ? t->poll_budget : 1u;
}

int virtio_reset(struct virtio_transport *t)
{
	uint32_t i, budget = poll_budget(t);

	/* 2.4.1: after writing 0 the driver waits for status to read 0. */
	t->ops->set_status(t, 0);
	for (i = 0; i < budget; i++)
		if (t->ops->get_status(t) == 0)
			return VIRTIO_OK;
	return VIRTIO_ETIMEOUT; /* cov-exempt: no-sim-lie */
}

void virtio_fail(struct virtio_transport *t)
{
	uint8_t s = t->ops->get_status(t);

	/* Keep the driver's bits (the spec's add-a-status-bit), drop any
	 * device-only bit the device reported, add FAILED. */
	t->ops->set_status(t, (uint8_t)((s & DRIVER_STATUS_BITS) |
					 VIRTIO_STATUS_FAILED));
}

static int negotiate_fail(struct virtio_transport *t, int err)
{
	virtio_fail(t);
	return err;
}

int virtio_negotiate(struct virtio_transport *t, uint64_t wanted,
		     uint64_t required)
{
	uint8_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	uint64_t offered, accept, ours;
	int rc;

	t->features = 0;
	rc = virtio_reset(t);
	if (rc)
		return negotiate_fail(t, rc); /* cov-exempt: no-sim-lie */
	t->broken = false; /* a reset device starts a new, trusted session */

	t->ops->set_status(t, VIRTIO_STATUS_ACKNOWLEDGE);
	t->ops->set_status(t, status);

	offered = t->ops->read_device_features(t);
	ours = BIT(VIRTIO_F_RING_INDIRECT_DESC) | BIT(VIRTIO_F_RING_EVENT_IDX) |
	       BIT(VIRTIO_F_IN_ORDER);
	if (t->legacy) {
		/* Legacy devices have 32 feature bits and no VERSION_1. */
		offered &= 0xffffffffull;
	} else {
		/* 6.1: a modern driver must not accept a device without
		 * VERSION_1 (it would be a legacy device behind a modern
		 * interface). */
		if (!(offered & BIT(VIRTIO_F_VERSION_1)))
			return negotiate_fail(t, VIRTIO_EFEATURES);
		/* 2.8: the packed ring is a VirtIO 1.x feature. */
		ours |= BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ACCESS_PLATFORM) |
			BIT(VIRTIO_F_RING_PACKED);
	}
	/* Ring features the caller declines (never VERSION_1: that is what
	 * makes the device modern). */
	ours &= ~(t->refuse_features & ~BIT(VIRTIO_F_VERSION_1));
	if ((required & offered) != required)
		return negotiate_fail(t, VIRTIO_EFEATURES);
	accept = (wanted | required | ours) & offered;
	t->ops->write_driver_features(t, accept);

	/* Legacy devices have no FEATURES_OK step (3.1.2). */
	if (!t->legacy) {
		status |= VIRTIO_STATUS_FEATURES_OK;
		t->ops->set_status(t, status);
		/* 3.1.1 step 6: re-read; the device may refuse our subset. */
		if (!(t->ops->get_status(t) & VIRTIO_STATUS_FEATURES_OK))
			return negotiate_fail(t, VIRTIO_EFEATURES);
	}
	t->features = accept;
	return VIRTIO_OK;
}

bool virtio_needs_reset(struct virtio_transport *t)
{
	/* 2.1.2: the device's bit; a device that lies about it only stops
	 * its own driver. */
	return t->ops->get_status(t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

void virtio_finish_init(struct virtio_transport *t)
{
	uint8_t s = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		    VIRTIO_STATUS_DRIVER_OK;

	if (!t->legacy)
		s |= VIRTIO_STATUS_FEATURES_OK;
	t->ops->set_status(t, s);
}

/* Widest naturally aligned access (config_read offers 1/2/4) for `left`
 * bytes at `off`. 64-bit fields are read as two halves; the generation
 * counter (2.5.1) is what makes that safe. */
static unsigned access_width(size_t off, size_t left)
{
	if (!(off & 3) && left >= 4)
		return 4;
	if (!(off & 1) && left >= 2)
		return 2;
	return 1;
}

static void read_once(struct virtio_transport *t, size_t off, uint8_t *p,
		      size_t len)
{
	while (len) {
		unsigned w = access_width(off, len);

		/* Config fields are little-endian (2.5); keep bytes in order. */
		virtio_put_le(p, t->ops->config_read(t, off, w), w);
		off += w;
		p += w;
		len -= w;
	}
}

static int check_range(const struct virtio_transport *t, size_t offset,
		       size_t len)
{
	size_t end;

	if (t->config_size == 0)
		return VIRTIO_ECONFIG_MISSING;
	if (__builtin_add_overflow(offset, len, &end) || end > t->config_size)
		return VIRTIO_ECONFIG_TOO_SMALL;
	return VIRTIO_OK;
}

int virtio_config_read(struct virtio_transport *t, size_t offset, void *buf,
		       size_t len)
{
	unsigned tries;
	int rc;

	if (!buf && len)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	rc = check_range(t, offset, len);
	if (rc)
		return rc;
	/* 2.5.1: retry until the generation is the same before and after. */
	for (tries = 0; tries < VIRTIO_CONFIG_RETRIES; tries++) {
		uint32_t before = t->ops->config_generation(t);

		read_once(t, offset, buf, len);
		if (t->ops->config_generation(t) == before)
			return VIRTIO_OK;
	}
	return VIRTIO_ECONFIG_UNSTABLE;
}

int virtio_config_write(struct virtio_transport *t, size_t offset,
			const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int rc;

	if (!buf && len)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	rc = check_range(t, offset, len);
	if (rc)
		return rc;
	while (len) {
		unsigned w = access_width(offset, len);

		t->ops->config_write(t, offset, w, (uint32_t)virtio_get_le(p, w));
		offset += w;
		p += w;
		len -= w;
	}
	return VIRTIO_OK;
}

uint64_t virtio_features_read(volatile uint8_t *select, volatile uint8_t *window)
{
	uint64_t hi, lo;

	virtio_write32(select, 1);
	hi = virtio_read32(window);
	virtio_write32(select, 0);
	lo = virtio_read32(window);
	return hi << 32 | lo;
}

void virtio_features_write(volatile uint8_t *select, volatile uint8_t *window,
			   uint64_t features)
{
	virtio_write32(select, 0);
	virtio_write32(window, (uint32_t)features);
	virtio_write32(select, 1);
	virtio_write32(window, (uint32_t)(features >> 32));
}
