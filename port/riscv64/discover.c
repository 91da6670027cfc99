/* SPDX-License-Identifier: MIT */
/*
 * Device discovery for the virt machine. MMIO: slots at 0x10001000 +
 * i * 0x1000 with the "virt" magic and a non-zero device id (QEMU leaves
 * empty slots with id 0). PCI: enumeration of bus 0 of the ECAM through the
 * driver library, BARs assigned from 0x40000000..0x7fffffff.
 */
#include "discover.h"

#include "board.h"
#include "hal.h"
#include "virtio/access.h"
#include "virtio/errors.h"
#include "virtio/spec.h"

size_t board_find_mmio(struct board_dev *devs, size_t max)
{
	size_t n = 0;

	for (unsigned i = 0; i < BOARD_MMIO_SLOTS && n < max; i++) {
		uint64_t pa = BOARD_MMIO_BASE + i * BOARD_MMIO_SLOT_SIZE;
		volatile uint8_t *r = (volatile uint8_t *)(uintptr_t)pa;
		uint32_t id;

		if (virtio_read32(r + VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
			continue;
		id = virtio_read32(r + VIRTIO_MMIO_DEVICE_ID);
		if (id == 0)
			continue;
		devs[n++] = (struct board_dev){
			.bus = BOARD_BUS_MMIO,
			.paddr = pa,
			.device_id = id,
			.version = virtio_read32(r + VIRTIO_MMIO_VERSION),
			.slot = (uint8_t)i,
		};
	}
	return n;
}

int board_open_mmio(const struct board_dev *d, struct virtio_mmio *m)
{
	return virtio_mmio_init(m, &board_hal, d->paddr, BOARD_MMIO_SLOT_SIZE);
}

static struct virtio_pci_bus pci_bus;
static struct virtio_pci_window pci_window;
static uint32_t pci_assigned[8]; /* bit devfn: BARs assigned */

static int pci_setup(void)
{
	static int done, err;

	if (!done) {
		done = 1;
		err = virtio_pci_bus_init(&pci_bus, &board_hal, BOARD_ECAM_BASE,
					  0, 0);
		if (!err)
			err = virtio_pci_window_init(&pci_window,
						     BOARD_PCI_MMIO_BASE,
						     BOARD_PCI_MMIO_SIZE);
	}
	return err;
}

size_t board_find_pci(struct board_dev *devs, size_t max)
{
	struct virtio_pci_func f;
	uint32_t pos = 0, type;
	size_t n = 0;

	if (pci_setup())
		return 0;
	while (n < max && virtio_pci_next(&pci_bus, &pos, &f) == VIRTIO_OK) {
		if (f.vendor_id != VIRTIO_PCI_VENDOR_ID ||
		    virtio_pci_device_type(&f, &type) != VIRTIO_OK)
			continue;
		devs[n++] = (struct board_dev){
			.bus = BOARD_BUS_PCI,
			.paddr = BOARD_ECAM_BASE + (uintptr_t)(f.cfg - pci_bus.ecam),
			.device_id = type,
			.slot = f.dev,
			.fn = f.fn,
		};
	}
	return n;
}

int board_open_pci(const struct board_dev *d, struct virtio_pci *p)
{
	struct virtio_pci_func f;
	int rc = pci_setup();
	unsigned devfn = (unsigned)d->slot << 3 | d->fn;

	if (!rc)
		rc = virtio_pci_func_open(&pci_bus, 0, d->slot, d->fn, &f);
	if (!rc && !(pci_assigned[devfn / 32] & (1u << devfn % 32))) {
		rc = virtio_pci_assign_bars(&f, &pci_window);
		if (!rc)
			pci_assigned[devfn / 32] |= 1u << devfn % 32;
	}
	if (!rc)
		rc = virtio_pci_init(p, &board_hal, &f);
	return rc;
}
