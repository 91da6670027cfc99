/* SPDX-License-Identifier: MIT */
/*
 * The virtio device core every transport front shares (VirtIO 1.2, 2-3):
 * device status with the driver's protocol checked, 64-bit feature
 * negotiation, per-queue set-up, config space with its generation, the
 * interrupt status, reset. A device model (sim/dev/) plugs in through
 * struct sim_vdev_ops. Not here: register layouts (sim/mmio.c, sim/pci.c),
 * ring formats (sim/vq.c, split.c, packed.c).
 *
 * Storage belongs to the harness (static); sim_vdev_init touches only
 * scalars, so calling it every iteration is cheap.
 */
#ifndef SIM_VDEV_H
#define SIM_VDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/vq.h"

#define SIM_VDEV_MAX_QUEUES 8u
#define SIM_VDEV_CONFIG_MAX 256u

struct sim_vdev;

/* What a device model provides. Only `handle` is required. */
struct sim_vdev_ops {
	/* Device reset (status written 0): drop in-flight state. */
	void (*reset)(void *model);
	/* Serve one validated chain of queue `q`; returns the used len (bytes
	 * written into the chain). Status-byte style decisions are the
	 * model's. */
	uint32_t (*handle)(void *model, struct sim_vq *q,
			   const struct sim_chain *c);
	/* Decision point name and natural width (1, 2, 4, 8) of the config
	 * field holding byte `off`; NULL: "vdev.config", width unchecked. */
	const char *(*config_field)(void *model, uint32_t off, unsigned *width);
	/* Driver writes config; return 0 if the field is writable (the model
	 * updates dev->config), -1 if read-only. NULL: all read-only. */
	int (*config_write)(void *model, uint32_t off, unsigned width,
			    uint32_t val);
	/* Optional: replaces the generic notify handling (fetch, then serve
	 * unless "vq.defer"). */
	void (*notify)(void *model, struct sim_vdev *d, struct sim_vq *q);
	/* Optional: extra deferred work at every driver poll. */
	void (*poll)(void *model, struct sim_vdev *d);
};

struct sim_vdev {
	const struct sim_vdev_ops *ops;
	void *model;
	uint32_t device_id;          /* VIRTIO_ID_* */
	uint16_t nqueues;            /* queues the device has */
	uint16_t num_max;            /* spec QueueNumMax of each */
	bool legacy;                 /* legacy interface (no VERSION_1) */
	uint64_t features_model;     /* model's feature bits, sans VERSION_1 */
	uint64_t features_ring;      /* ring features the core offers */
	uint64_t features;           /* offered, once decided */
	bool features_decided;
	bool features_refused;       /* device cleared FEATURES_OK */
	uint64_t driver_features;
	uint8_t status;
	uint8_t isr;                 /* bit 0 used ring, bit 1 config */
	bool maybe_pending;          /* some queue may hold fetched heads */
	bool may_need_reset;         /* meet "vdev.needs_reset" at notifies */
	bool in_poll;
	uint32_t config_gen;
	uint32_t config_len;         /* bytes of config space */
	uint8_t config[SIM_VDEV_CONFIG_MAX]; /* little-endian, model-owned */
	uint16_t num_max_told[SIM_VDEV_MAX_QUEUES]; /* last QueueNumMax read */
	/* The front's register state to clear at device reset. */
	void (*front_reset)(void *front);
	void *front;
	struct sim_vq q[SIM_VDEV_MAX_QUEUES];
	struct sim_chain chain;      /* scratch for the chain being served */
};

/* For models: set up the core (status 0, nothing decided yet). `features`
 * are the model's device-specific bits; the core adds VERSION_1 (modern
 * transports) and the ring features (sim_vdev_offer_rings). */
void sim_vdev_init(struct sim_vdev *d, uint32_t device_id, uint64_t features,
		   uint16_t nqueues, uint16_t num_max,
		   const struct sim_vdev_ops *ops, void *model);

/* Ring features every device offers unless a harness says otherwise (after
 * the model's create, before the driver reads features): by default both
 * RING_INDIRECT_DESC and RING_EVENT_IDX, as QEMU's devices do; RING_PACKED
 * and IN_ORDER when a harness asks. A set of SIM_RING_* bits. */
#define SIM_RING_INDIRECT 0x1u  /* VIRTIO_F_RING_INDIRECT_DESC */
#define SIM_RING_EVENT_IDX 0x2u /* VIRTIO_F_RING_EVENT_IDX */
#define SIM_RING_PACKED 0x4u    /* VIRTIO_F_RING_PACKED */
#define SIM_RING_IN_ORDER 0x8u  /* VIRTIO_F_IN_ORDER */
#define SIM_RINGS_DEFAULT (SIM_RING_INDIRECT | SIM_RING_EVENT_IDX)
void sim_vdev_offer_rings(struct sim_vdev *d, unsigned rings);

/* PCI class code (base class << 8 | subclass) of a virtio device type, as
 * QEMU's virtio-pci devices report it: 0xff00 (other) when it has none. */
uint16_t sim_vdev_pci_class(uint32_t device_id);

/* For fronts: attach to a transport (registers the poller). */
void sim_vdev_plug(struct sim_vdev *d, bool legacy, void (*front_reset)(void *),
		   void *front);
/* The transport says it is legacy after all (e.g. a decided version). */
void sim_vdev_set_legacy(struct sim_vdev *d, bool legacy);

/* Status (2.1). Writing 0 resets the device. */
uint8_t sim_vdev_status(const struct sim_vdev *d);
void sim_vdev_set_status(struct sim_vdev *d, uint8_t status);

/* Features (2.2), by 32-bit word as both transports select them. */
uint64_t sim_vdev_device_features(struct sim_vdev *d);
uint32_t sim_vdev_device_features_word(struct sim_vdev *d, uint32_t sel);
void sim_vdev_set_driver_features_word(struct sim_vdev *d, uint32_t sel,
				       uint32_t val);

/* Queues. QueueNumMax of `qi` (a decision); 0 if it does not exist. */
uint16_t sim_vdev_num_max(struct sim_vdev *d, uint32_t qi);
/* Before the driver changes a queue's size or area: 0 if allowed now,
 * -1 after a protocol finding. `reg` names the register for the report. */
int sim_vdev_queue_may_change(struct sim_vdev *d, uint32_t qi,
			      const char *reg);
/* Enable queue `qi` with what the driver set (QueueReady=1 / PFN write):
 * checks and starts it, or returns -1 after a finding. */
int sim_vdev_queue_enable(struct sim_vdev *d, uint32_t qi, uint32_t num,
			  virtio_paddr_t desc, virtio_paddr_t avail,
			  virtio_paddr_t used);
void sim_vdev_queue_disable(struct sim_vdev *d, uint32_t qi);
bool sim_vdev_queue_ready(const struct sim_vdev *d, uint32_t qi);
/* Available buffer notification for queue `qi`. */
void sim_vdev_notify(struct sim_vdev *d, uint32_t qi);

/* Interrupt status: read (a decision; not cleared), acknowledge, raise. */
uint32_t sim_vdev_isr(struct sim_vdev *d);
void sim_vdev_isr_ack(struct sim_vdev *d, uint32_t bits);
void sim_vdev_interrupt(struct sim_vdev *d, uint32_t bits);
/* Enter an error state (2.1.2 DEVICE_NEEDS_RESET). */
void sim_vdev_needs_reset(struct sim_vdev *d);
/* Let the decision stream put the device in that state when it serves a
 * notification (decision "vdev.needs_reset"); off by default, so inputs
 * made before the point existed keep their meaning. Until reset the
 * device then serves nothing. */
void sim_vdev_allow_needs_reset(struct sim_vdev *d, bool on);

/* Config space (2.5). Width and bounds are checked here (4.2.2.2 /
 * 4.1.3.1 rules, relaxed for legacy); `off` is relative to its start. */
uint32_t sim_vdev_config_generation(struct sim_vdev *d);
uint64_t sim_vdev_config_read(struct sim_vdev *d, uint32_t off, unsigned width);
void sim_vdev_config_write(struct sim_vdev *d, uint32_t off, unsigned width,
			   uint64_t val);

/* Complete pending chains of `q` now (for models' notify/poll hooks). */
void sim_vdev_serve(struct sim_vdev *d, struct sim_vq *q);

#endif
