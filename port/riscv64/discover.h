/* SPDX-License-Identifier: MIT */
/*
 * Finding virtio devices on the virt machine: the 8 virtio-mmio slots and
 * bus 0 of the PCIe ECAM, and opening them with the driver library's
 * transports. PCI BARs are assigned here (there is no firmware) from the
 * 32-bit PCI memory window.
 */
#ifndef PORT_DISCOVER_H
#define PORT_DISCOVER_H

#include <stddef.h>
#include <stdint.h>

#include "virtio/mmio.h"
#include "virtio/pci.h"

#define BOARD_DEVS_MAX 16u

enum board_bus { BOARD_BUS_MMIO, BOARD_BUS_PCI };

struct board_dev {
	enum board_bus bus;
	uint64_t paddr;      /* MMIO: window base; PCI: function's ECAM base */
	uint32_t device_id;  /* virtio device type */
	uint32_t version;    /* MMIO: 1 legacy, 2 modern; PCI: 0 */
	uint8_t slot;        /* MMIO slot or PCI device number */
	uint8_t fn;          /* PCI function */
};

/* MMIO slots whose magic is right and device id non-zero (raw reads). */
size_t board_find_mmio(struct board_dev *devs, size_t max);
/* Virtio-vendor functions on PCI bus 0 with a valid virtio device type. */
size_t board_find_pci(struct board_dev *devs, size_t max);

/* virtio_mmio_init on the device's slot. */
int board_open_mmio(const struct board_dev *d, struct virtio_mmio *m);
/* Assign its BARs (once per function), then virtio_pci_init. */
int board_open_pci(const struct board_dev *d, struct virtio_pci *p);

#endif
