/* SPDX-License-Identifier: MIT */
/*
 * The transport interface every device driver talks to. A device driver
 * never knows whether it runs over virtio-mmio or virtio-pci: it holds a
 * struct virtio_transport * and calls the functions below. Each transport
 * (mmio.h, pci.h) embeds struct virtio_transport first and fills its ops.
 *
 * The common protocol (status handshake, feature negotiation with FEATURES_OK
 * read back, bounded config-generation retries, bounded polling) lives in
 * drivers/transport/transport.c, once for all transports.
 */
#ifndef VIRTIO_TRANSPORT_H
#define VIRTIO_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/hal.h"

struct virtio_transport;

/* Raw per-transport operations. Device drivers use the wrappers below. */
struct virtio_transport_ops {
	uint64_t (*read_device_features)(struct virtio_transport *t);
	void (*write_driver_features)(struct virtio_transport *t, uint64_t f);
	uint8_t (*get_status)(struct virtio_transport *t);
	void (*set_status)(struct virtio_transport *t, uint8_t status);
	/* Device's maximum size for queue `idx` (0: queue not available). */
	uint32_t (*max_queue_size)(struct virtio_transport *t, uint16_t idx);
	/* Is queue `idx` already set up (ready / PFN != 0)? */
	bool (*queue_used)(struct virtio_transport *t, uint16_t idx);
	/*
	 * Give the device the queue's areas. Legacy layouts pass one
	 * contiguous region: desc at `desc`, avail right after it, used at the
	 * next VIRTQ_LEGACY_ALIGN boundary.
	 */
	int (*queue_set)(struct virtio_transport *t, uint16_t idx, uint16_t size,
			 virtio_paddr_t desc, virtio_paddr_t driver_area,
			 virtio_paddr_t device_area);
	void (*queue_unset)(struct virtio_transport *t, uint16_t idx);
	void (*notify)(struct virtio_transport *t, uint16_t idx);
	/* Reads and clears the interrupt status (bit 0: used ring, bit 1: config). */
	uint32_t (*ack_interrupt)(struct virtio_transport *t);
	uint32_t (*config_generation)(struct virtio_transport *t);
	/* One config access of width 1/2/4 at `offset`; bounds already checked. */
	uint32_t (*config_read)(struct virtio_transport *t, size_t offset,
				unsigned width);
	void (*config_write)(struct virtio_transport *t, size_t offset,
			     unsigned width, uint32_t val);
};

struct virtio_transport {
	const struct virtio_transport_ops *ops;
	const struct virtio_hal *hal;
	uint32_t device_id;      /* virtio device type (VIRTIO_ID_*) */
	size_t config_size;      /* bytes of device config space (0: none) */
	bool legacy;             /* needs the legacy single-region queue layout */
	uint64_t features;       /* negotiated, valid after virtio_negotiate */
	uint32_t poll_budget;    /* polls before a blocking wait gives up */
	/* Transport feature bits the driver declines though the device
	 * offers them, e.g. BIT(VIRTIO_F_RING_PACKED) to keep split rings.
	 * 0 after the transport's init (accept all); set it before the
	 * device's init. */
	uint64_t refuse_features;
	bool broken;             /* the device lied; only reset and teardown remain */
};

/* Default polls of the used ring before a blocking call returns ETIMEOUT. */
#define VIRTIO_POLL_BUDGET_DEFAULT 1000000u
/* Config generation re-reads before giving up with ECONFIG_UNSTABLE. */
#define VIRTIO_CONFIG_RETRIES 8u

/*
 * 3.1.1 Driver initialization, up to and including FEATURES_OK:
 * reset, ACKNOWLEDGE, DRIVER, read features, accept `wanted` & offered plus
 * the transport features we support (VERSION_1 when not legacy,
 * RING_INDIRECT_DESC, RING_EVENT_IDX, IN_ORDER, and when not legacy
 * ACCESS_PLATFORM and RING_PACKED, when offered and not in
 * t->refuse_features), write,
 * set FEATURES_OK and read it back. `required` bits must be offered or the
 * result is EFEATURES. On any error the status is set to FAILED.
 * Negotiated features land in t->features.
 */
int virtio_negotiate(struct virtio_transport *t, uint64_t wanted,
		     uint64_t required);
/* Has the device set DEVICE_NEEDS_RESET (2.1.2)? One status read. */
bool virtio_needs_reset(struct virtio_transport *t);
/* Set DRIVER_OK: the device is live. */
void virtio_finish_init(struct virtio_transport *t);
/* Reset the device (status 0) and wait, bounded, for it to read back 0. */
int virtio_reset(struct virtio_transport *t);
/* Tell the device we gave up: set FAILED. */
void virtio_fail(struct virtio_transport *t);
static inline bool virtio_has_feature(const struct virtio_transport *t,
				      unsigned bit)
{
	return (t->features >> bit) & 1u;
}

/*
 * Read `len` bytes of config space at `offset` into `buf`, retrying while
 * the config generation changes (at most VIRTIO_CONFIG_RETRIES). Bounded by
 * t->config_size: ECONFIG_MISSING when there is none, ECONFIG_TOO_SMALL
 * when offset+len passes its end. Uses the widest naturally aligned access.
 */
int virtio_config_read(struct virtio_transport *t, size_t offset, void *buf,
		       size_t len);
int virtio_config_write(struct virtio_transport *t, size_t offset,
			const void *buf, size_t len);

/*
 * For transports: the 64 feature bits through a 32-bit select register and
 * a 32-bit window register (4.1.4.3 common cfg, 4.2.2 MMIO): word 1 then 0
 * on read, 0 then 1 on write.
 */
uint64_t virtio_features_read(volatile uint8_t *select, volatile uint8_t *window);
void virtio_features_write(volatile uint8_t *select, volatile uint8_t *window,
			   uint64_t features);

/* Thin wrappers so device drivers never touch ops. */
static inline void virtio_notify(struct virtio_transport *t, uint16_t idx)
{
	t->ops->notify(t, idx);
}
static inline uint32_t virtio_ack_interrupt(struct virtio_transport *t)
{
	return t->ops->ack_interrupt(t);
}
/* 2.5.1 config generation, for a driver that reads several fields as one
 * snapshot (virtio_config_read makes each call consistent on its own, and
 * modern devices need every field read at its own width). */
static inline uint32_t virtio_config_generation(struct virtio_transport *t)
{
	return t->ops->config_generation(t);
}

#endif
