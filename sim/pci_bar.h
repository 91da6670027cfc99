/* SPDX-License-Identifier: MIT */
/*
 * Between the two halves of the virtio-pci front: pci.c (config space and
 * address decoding) hands accesses inside a function's BAR to pci_bar.c
 * (common, ISR, device and notify registers). Not for harnesses.
 */
#ifndef SIM_PCI_BAR_H
#define SIM_PCI_BAR_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/pci.h"

/* Does `f`'s BAR decode physical `pa` now? *off: offset in the BAR. */
bool sim_pci_bar_decodes(const struct sim_pci_fn *f, virtio_paddr_t pa,
			 uint64_t *off);
/* An access at `off` in the BAR, of `width` bytes. */
uint64_t sim_pci_bar_read(struct sim_pci_fn *f, uint32_t off, unsigned width);
void sim_pci_bar_write(struct sim_pci_fn *f, uint32_t off, unsigned width,
		       uint64_t v);
/* Register name for the trace ("common.queue_select", "isr", ...). */
const char *sim_pci_bar_reg_name(struct sim_pci_fn *f, uint32_t off);

#endif
