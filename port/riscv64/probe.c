/* SPDX-License-Identifier: MIT */
/*
 * Smoke program: boots, prints, lists the virtio devices found on MMIO and
 * PCI with their identification registers, and exits through the finisher.
 * The first thing to run when the port or QEMU changes.
 */
#include "board.h"
#include "discover.h"

int main(void);

int main(void)
{
	struct board_dev devs[BOARD_DEVS_MAX];
	size_t n;

	kprintf("vfuzz riscv64 probe: hello from M-mode\n");
	n = board_find_mmio(devs, BOARD_DEVS_MAX);
	for (size_t i = 0; i < n; i++)
		kprintf("DEVICE bus=mmio slot=%u base=0x%llx version=%u id=%u\n",
			devs[i].slot, (unsigned long long)devs[i].paddr,
			devs[i].version, devs[i].device_id);
	n = board_find_pci(devs, BOARD_DEVS_MAX);
	for (size_t i = 0; i < n; i++)
		kprintf("DEVICE bus=pci slot=%u ecam=0x%llx id=%u\n", devs[i].slot,
			(unsigned long long)devs[i].paddr, devs[i].device_id);
	kprintf("DONE pass=0 fail=0\n");
	return 0;
}
