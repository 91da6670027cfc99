/* SPDX-License-Identifier: MIT */
/*
 * PCI set-up for the harness: the sim's blk device behind its virtio-pci
 * host bridge, and the driver's side on top (ECAM enumeration, BAR
 * assignment when there is no firmware, capability parsing). Not here: the
 * workloads, which only see the resulting struct virtio_transport.
 */
#include "fuzz/harness.h"

#include "sim/dev/blk.h"
#include "sim/pci.h"
#include "sim/sim.h"

static struct sim_blk blk_dev;
static struct sim_pci host;
static struct virtio_pci_bus bus;

int fuzz_blk_pci_setup(const struct fuzz_case *c, const struct virtio_hal *hal,
		       bool firmware_bars, struct virtio_pci *p)
{
	struct virtio_pci_func fn;
	struct virtio_pci_window win;
	int rc;

	sim_reset(c->decisions, c->ndecisions);
	sim_set_refetch(c->flags & FUZZ_F_REFETCH);
	if (sim_blk_create(&blk_dev, &fuzz_blk_config) != 0 ||
	    sim_pci_init(&host, firmware_bars) != 0 ||
	    sim_pci_attach(&host, FUZZ_PCI_DEVNO, 0, &blk_dev.dev) != 0)
		return VIRTIO_EINVALID_PARAM; /* a harness bug, not the driver's */
	fuzz_blk_disk = &blk_dev;
	rc = virtio_pci_bus_init(&bus, hal, SIM_PCI_ECAM_BASE, SIM_PCI_BUS,
				 SIM_PCI_BUS);
	/* Any virtio function: a device id outside the virtio range is then
	 * refused by virtio_pci_init, by name. */
	if (!rc)
		rc = virtio_pci_find(&bus, 0, &fn);
	if (!rc && !firmware_bars) {
		rc = virtio_pci_window_init(&win, SIM_PCI_MEM_BASE,
					    SIM_PCI_MEM_SIZE);
		if (!rc)
			rc = virtio_pci_assign_bars(&fn, &win);
	}
	if (!rc)
		rc = virtio_pci_init(p, hal, &fn);
	p->t.poll_budget = FUZZ_POLL_BUDGET;
	return rc;
}
