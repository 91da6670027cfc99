/* SPDX-License-Identifier: MIT */
/*
 * The one attach call (fuzz/device.h): any device's sim model behind any
 * transport front, and the driver's transport probed on top. One static
 * front of each kind: a process runs one iteration at a time. Not here:
 * what the device or its driver does.
 */
#include <string.h>

#include "fuzz/device.h"
#include "sim/mmio.h"
#include "sim/pci.h"
#include "sim/sim.h"
#include "sim/vdev.h"

static struct sim_mmio_dev mmio_front;
static struct sim_pci pci_host;
/* The ring features the input's flags ask for, from fuzz_begin to the
 * next fuzz_attach (which offers them once). */
static unsigned rings_asked;
static bool needs_reset_asked;

const char *const fuzz_transport_name[FUZZ_TRANSPORT_COUNT_] = {
	[FUZZ_MMIO_V2] = "mmio2",
	[FUZZ_MMIO_V1] = "mmio1",
	[FUZZ_PCI_DRIVER_BARS] = "pci",
	[FUZZ_PCI_FIRMWARE_BARS] = "pci-firmware",
	[FUZZ_PCI_UNASSIGNED] = "pci-unassigned",
};

int fuzz_transport_parse(const char *name, enum fuzz_transport *tr)
{
	for (unsigned i = 0; i < FUZZ_TRANSPORT_COUNT_; i++) {
		if (!strcmp(name, fuzz_transport_name[i])) {
			*tr = (enum fuzz_transport)i;
			return 0;
		}
	}
	return -1;
}

void fuzz_begin(const struct fuzz_case *c)
{
	sim_reset(c->decisions, c->ndecisions);
	sim_set_refetch(c->flags & FUZZ_F_REFETCH);
	rings_asked = (c->flags & FUZZ_F_PACKED ? SIM_RING_PACKED : 0) |
		      (c->flags & FUZZ_F_IN_ORDER ? SIM_RING_IN_ORDER : 0);
	needs_reset_asked = c->flags & FUZZ_F_NEEDS_RESET;
}

/*
 * Ring features the driver declines though the decision stream offers
 * them: the ones the sim's device does not offer by spec (its model's and
 * its core's ring features). They change the ring's format or rules
 * (RING_PACKED, IN_ORDER), and the sim plays only what it offers: a
 * decision that adds one must not switch the driver to a ring the device
 * side does not keep.
 */
static uint64_t refused_ring_features(const struct sim_vdev *dev)
{
	uint64_t spec = dev->features_model | dev->features_ring;

	return ((1ull << VIRTIO_F_RING_PACKED) | (1ull << VIRTIO_F_IN_ORDER)) &
	       ~spec;
}

int fuzz_attach_sim(struct sim_vdev *dev, enum fuzz_transport tr)
{
	if (!dev || (unsigned)tr >= FUZZ_TRANSPORT_COUNT_)
		return -1;
	if (!fuzz_transport_is_pci(tr))
		return sim_mmio_attach(&mmio_front, FUZZ_MMIO_BASE,
				       tr == FUZZ_MMIO_V1 ? 1 : 2, dev);
	if (sim_pci_init(&pci_host, tr == FUZZ_PCI_FIRMWARE_BARS))
		return -1;
	return sim_pci_attach(&pci_host, FUZZ_PCI_DEVNO, 0, dev);
}

/* The driver's PCI set-up: enumeration, BARs, capabilities. */
static int probe_pci(enum fuzz_transport tr, const struct virtio_hal *hal,
		     struct fuzz_attached *a)
{
	static struct virtio_pci_bus bus;
	struct virtio_pci_func fn;
	struct virtio_pci_window win;
	int rc;

	a->step = "bus_init";
	rc = virtio_pci_bus_init(&bus, hal, SIM_PCI_ECAM_BASE, SIM_PCI_BUS,
				 SIM_PCI_BUS);
	if (rc)
		return rc;
	/* Any virtio function: a device id outside the virtio range is then
	 * refused by virtio_pci_init, by name. */
	a->step = "find";
	rc = virtio_pci_find(&bus, 0, &fn);
	if (rc)
		return rc;
	if (tr == FUZZ_PCI_DRIVER_BARS) {
		a->step = "assign_bars";
		rc = virtio_pci_window_init(&win, SIM_PCI_MEM_BASE,
					    SIM_PCI_MEM_SIZE);
		if (!rc)
			rc = virtio_pci_assign_bars(&fn, &win);
		if (rc)
			return rc;
	}
	a->step = "pci_init";
	return virtio_pci_init(&a->pci, hal, &fn);
}

int fuzz_attach_dev(struct sim_vdev *dev, enum fuzz_transport tr,
		    const struct virtio_hal *hal, struct fuzz_attached *a)
{
	int rc;

	a->dev = dev;
	a->step = "device";
	a->t = fuzz_transport_is_pci(tr) ? &a->pci.t : &a->mmio.t;
	if (fuzz_attach_sim(dev, tr))
		return VIRTIO_EINVALID_PARAM; /* a harness bug, not the driver's */
	if (fuzz_transport_is_pci(tr)) {
		rc = probe_pci(tr, hal, a);
	} else {
		a->step = "mmio_init";
		rc = virtio_mmio_init(&a->mmio, hal, FUZZ_MMIO_BASE,
				      FUZZ_MMIO_SIZE);
	}
	a->t->poll_budget = FUZZ_POLL_BUDGET;
	a->t->refuse_features = refused_ring_features(dev);
	return rc;
}

int fuzz_attach(const struct fuzz_device *d, const void *opts,
		enum fuzz_transport tr, const struct virtio_hal *hal,
		struct fuzz_attached *a)
{
	struct sim_vdev *dev = d->model(opts);

	if (dev && rings_asked)
		sim_vdev_offer_rings(dev, SIM_RINGS_DEFAULT | rings_asked);
	if (dev)
		sim_vdev_allow_needs_reset(dev, needs_reset_asked);
	rings_asked = 0;
	needs_reset_asked = false;
	if (!dev) {
		a->dev = NULL;
		a->step = "device";
		return VIRTIO_EINVALID_PARAM;
	}
	return fuzz_attach_dev(dev, tr, hal, a);
}
