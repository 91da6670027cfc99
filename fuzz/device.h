/* SPDX-License-Identifier: MIT */
/*
 * The device seam: one descriptor per device (fuzz/devices.def lists them)
 * and one attach call that puts any device's sim model on any transport and
 * probes the driver's transport on top. Fuzz targets, the tests' C
 * programs, the benchmark and the QEMU helpers all start here, so a new
 * device is its own files plus one line of the table.
 *
 * Not here: what a device does (sim/dev/<name>.c), its driver
 * (drivers/dev/<name>.c), its workload (fuzz/dev_<name>.c).
 */
#ifndef FUZZ_DEVICE_H
#define FUZZ_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz/harness.h"
#include "sim/vdev.h"
#include "virtio/mmio.h"
#include "virtio/pci.h"
#include "virtio/spec.h"

/* The transports one attach call serves. */
enum fuzz_transport {
	FUZZ_MMIO_V2,            /* virtio-mmio version 2 (modern) */
	FUZZ_MMIO_V1,            /* virtio-mmio version 1 (legacy) */
	FUZZ_PCI_DRIVER_BARS,    /* virtio-pci, BARs assigned by the driver */
	FUZZ_PCI_FIRMWARE_BARS,  /* virtio-pci, BARs pre-assigned by firmware */
	FUZZ_PCI_UNASSIGNED,     /* tests: nobody assigns the BARs */
	FUZZ_TRANSPORT_COUNT_,
};
/* "mmio2", "mmio1", "pci", "pci-firmware", "pci-unassigned" */
extern const char *const fuzz_transport_name[FUZZ_TRANSPORT_COUNT_];
/* By name; returns 0, or -1 for an unknown name. */
int fuzz_transport_parse(const char *name, enum fuzz_transport *tr);
static inline bool fuzz_transport_is_pci(enum fuzz_transport tr)
{
	return tr >= FUZZ_PCI_DRIVER_BARS;
}
/* A fuzz target's transport from its input's flags byte (bit 0: MMIO
 * version 1, or PCI BARs pre-assigned by firmware). */
static inline enum fuzz_transport fuzz_transport_of(bool pci, uint8_t flags)
{
	if (pci)
		return (flags & 1) ? FUZZ_PCI_FIRMWARE_BARS : FUZZ_PCI_DRIVER_BARS;
	return (flags & 1) ? FUZZ_MMIO_V1 : FUZZ_MMIO_V2;
}

/* A seed: a workload (fuzz/harness.h layout, without flags and length),
 * written for every transport variant of the device's targets. */
struct fuzz_seed {
	const char *name;        /* what it reaches, e.g. "write-read-8-sectors" */
	const uint8_t *work;
	size_t len;
};

struct fuzz_device {
	const char *name;        /* "blk": targets blk_mmio and blk_pci */
	uint32_t device_id;      /* VIRTIO_ID_* */
	/* (Re)create the device's sim model for an iteration, after sim_reset;
	 * `opts` is the model's own config struct, NULL for the harness's
	 * defaults. Returns its device core, or NULL if refused. */
	struct sim_vdev *(*model)(const void *opts);
	/* Init the driver on `t`, run the operations `work` names (none: the
	 * device's default workload), destroy; returns the operations run. */
	unsigned (*workload)(struct virtio_transport *t, struct fuzz_in *work);
	const struct fuzz_seed *seeds; /* ends with a { NULL } entry */
	/* QEMU arguments (see fuzz/devices.def). */
	const char *qemu;
};

/* The table, in fuzz/devices.def order. */
extern const struct fuzz_device *const fuzz_devices[];
extern const size_t fuzz_ndevices;
/* By name ("blk"), or NULL. */
const struct fuzz_device *fuzz_device_find(const char *name);

/* Each device's file defines these (fuzz/harness_devices.c declares them
 * from the table): fuzz_<name>_model, fuzz_<name>_workload,
 * and fuzz_<name>_seeds. */
#define VFUZZ_DEVICE(name, id, qemu)                                           \
	struct sim_vdev *fuzz_##name##_model(const void *opts);                \
	unsigned fuzz_##name##_workload(struct virtio_transport *t,            \
					struct fuzz_in *work);                 \
	extern const struct fuzz_seed fuzz_##name##_seeds[];                   \
	extern const struct fuzz_device fuzz_device_##name;
#include "fuzz/devices.def"
#undef VFUZZ_DEVICE

/* The driver's side of an attached device; caller-owned storage. */
struct fuzz_attached {
	struct virtio_mmio mmio;
	struct virtio_pci pci;
	struct virtio_transport *t; /* &mmio.t or &pci.t */
	struct sim_vdev *dev;       /* the model's device core */
	const char *step;           /* the set-up step that failed */
};

/* Start an iteration: sim_reset with the case's decisions, refetch mode
 * from its flags; the next fuzz_attach's device also offers the packed
 * ring (FUZZ_F_PACKED) and IN_ORDER (FUZZ_F_IN_ORDER), and may need a
 * reset (FUZZ_F_NEEDS_RESET), when they say so. */
void fuzz_begin(const struct fuzz_case *c);

/*
 * The sim's side only: `dev` behind the transport's front (an MMIO window
 * at FUZZ_MMIO_BASE, or function FUZZ_PCI_DEVNO behind the sim's PCI host
 * bridge). For hand-played drivers. Returns 0, or -1 (a harness bug).
 */
int fuzz_attach_sim(struct sim_vdev *dev, enum fuzz_transport tr);

/*
 * Both sides, after fuzz_begin (or sim_reset and a script): create `d`'s
 * model with `opts` (NULL: defaults), put it on `tr`, then probe the
 * driver's transport over `hal` (MMIO: virtio_mmio_init; PCI: bus init,
 * find, BAR assignment unless firmware did it, virtio_pci_init), with
 * FUZZ_POLL_BUDGET. Returns 0 or the first virtio_err (a->step names the
 * call); VIRTIO_EINVALID_PARAM with step "device" if the sim refused.
 */
int fuzz_attach(const struct fuzz_device *d, const void *opts,
		enum fuzz_transport tr, const struct virtio_hal *hal,
		struct fuzz_attached *a);

/* fuzz_attach for a model the caller created (test programs). */
int fuzz_attach_dev(struct sim_vdev *dev, enum fuzz_transport tr,
		    const struct virtio_hal *hal, struct fuzz_attached *a);

#endif
