/* SPDX-License-Identifier: MIT */
/*
 * virtio-pci front (VirtIO 1.2, 4.1) in front of struct sim_vdev: a host
 * bridge with one ECAM bus of config space (header, BAR sizing, capability
 * list) and one memory window in which each function's BAR decodes its
 * common, ISR, device and notify regions. Not here: device behaviour
 * (vdev.c and the model), the register rules of virtio-mmio (mmio.c).
 *
 * Address map (simulated physical, inside the sim's MMIO span):
 *   ECAM, bus SIM_PCI_BUS only: [SIM_PCI_ECAM_BASE, +1 MiB). The driver
 *     calls virtio_pci_bus_init(bus, hal, SIM_PCI_ECAM_BASE, SIM_PCI_BUS,
 *     SIM_PCI_BUS).
 *   BAR memory: one window [SIM_PCI_MEM_BASE, +SIM_PCI_MEM_SIZE) is
 *     registered up front; an access inside it goes to the function whose
 *     BAR currently decodes that address (memory space enabled), so BARs
 *     may be moved by the driver. An address no BAR decodes is a finding.
 *   With `firmware`, function i's BAR 4 is pre-assigned at
 *     SIM_PCI_MEM_BASE + i * SIM_PCI_BAR_SIZE and memory space is on;
 *     without it, BARs read 0 and the driver assigns them
 *     (virtio_pci_assign_bars from SIM_PCI_MEM_BASE, SIM_PCI_MEM_SIZE).
 *
 * Each function has one 64-bit prefetchable memory BAR (4 and 5) of
 * SIM_PCI_BAR_SIZE laid out as QEMU does: common 0x0000, ISR 0x1000,
 * device config 0x2000, notify 0x3000 (multiplier 4). No MSI-X table.
 *
 * Decision points, met at sim_pci_attach in this order:
 *   pci.device_id   2 bytes  PCI device id (spec 0x1040 + device type)
 *   pci.bar_reg     choice/6 BAR 4 behaviour: 1 IO BAR, 2 reserved memory
 *                            type, 3 not implemented, 4 non-contiguous size
 *                            mask, 5 ignores writes other than all-ones
 *   pci.layout      flag     deviate: decide the capability list below
 *     pci.status    2 bytes  status register (spec 0x0010: cap list)
 *     pci.cap_ptr   1 byte   capabilities pointer (spec 0x40)
 *     per capability, in list order common, isr, device, notify, pci_cfg
 *     (device only when the device has config space):
 *     pci.cfg_type  1 byte   cfg_type (spec 1, 3, 4, 2, 5)
 *     pci.bar       1 byte   bar (spec 4; pci_cfg: 0)
 *     pci.offset    4 bytes  offset in the BAR (pci_cfg: 0)
 *     pci.length    4 bytes  length (pci_cfg: 0)
 *     pci.cap_len   1 byte   cap_len (spec 16; notify and pci_cfg 20)
 *     pci.cap_next  1 byte   cap_next (spec: the next one; last 0)
 *     pci.notify_mult 4 bytes notify cap only (spec 4)
 * and while the driver runs:
 *   pci.num_queues  2 bytes  each read of num_queues (spec: the device's)
 *   pci.notify_off  2 bytes  each read of queue_notify_off (spec: the
 *                            selected queue's index)
 *   pci.msix        2 bytes  each read of msix_config / queue_msix_vector
 *                            (spec 0xffff: no MSI-X, every vector fails)
 * The device decodes its regions where its capabilities say (first cap of
 * each type on BAR 4 that fits), so a list the driver accepts is a
 * consistent device. Once the layout deviates, driver accesses that miss
 * every register in the BAR read 0 instead of being findings: the driver
 * was told to go there.
 */
#ifndef SIM_PCI_H
#define SIM_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"
#include "sim/vdev.h"

#define SIM_PCI_ECAM_BASE (SIM_MMIO_BASE + 0x00800000ull)
#define SIM_PCI_BUS 0u
#define SIM_PCI_MEM_BASE (SIM_MMIO_BASE + 0x00c00000ull)
#define SIM_PCI_MEM_SIZE 0x00400000u
#define SIM_PCI_MAX_FUNCS 4u
#define SIM_PCI_BAR 4u             /* BAR 4 (low) and 5 (high) */
#define SIM_PCI_BAR_SIZE 0x4000u
#define SIM_PCI_COMMON_OFF 0x0000u
#define SIM_PCI_ISR_OFF 0x1000u
#define SIM_PCI_DEVICE_OFF 0x2000u
#define SIM_PCI_NOTIFY_OFF 0x3000u
#define SIM_PCI_REGION_SIZE 0x1000u
#define SIM_PCI_NOTIFY_MULT 4u

/* A region of the BAR as the device decodes it. */
struct sim_pci_region {
	uint32_t off, len; /* len 0: the device has no such region */
};

/* One function. Fields are the front's. */
struct sim_pci_fn {
	struct sim_vdev *dev;
	struct sim_pci *host;
	uint8_t devno, fnno;
	uint8_t bar_kind;          /* pci.bar_reg choice */
	bool lied;                 /* capability layout deviated */
	uint8_t cfg[256];          /* header and capability list, as read */
	uint16_t pci_cfg_cap;      /* offset of the pci_cfg cap, 0: none */
	bool pci_cfg_armed;        /* the driver programmed the pci_cfg window */
	struct sim_pci_region common, isr, device, notify;
	uint32_t notify_mult;
	/* common config state */
	uint32_t dfsel, gfsel;
	uint16_t msix_config, queue_sel;
	uint16_t qsize[SIM_VDEV_MAX_QUEUES];   /* 0: not written */
	uint16_t qmsix[SIM_VDEV_MAX_QUEUES];
	uint16_t qnotify[SIM_VDEV_MAX_QUEUES]; /* queue_notify_off told */
	uint64_t qdesc[SIM_VDEV_MAX_QUEUES], qdriver[SIM_VDEV_MAX_QUEUES],
		qdevice[SIM_VDEV_MAX_QUEUES];
};

struct sim_pci {
	bool firmware;
	unsigned nfn;
	struct sim_pci_fn fn[SIM_PCI_MAX_FUNCS];
};

/*
 * Start an iteration's host bridge (after sim_reset): registers the ECAM
 * and BAR-memory windows. `firmware`: BARs come pre-assigned and enabled.
 * Returns 0, or -1 if the core refused a window.
 */
int sim_pci_init(struct sim_pci *h, bool firmware);

/*
 * Put `dev` (set up by its model: device_id, queues, config_len) at
 * bus SIM_PCI_BUS, device `devno` (0..31), function `fnno` (0..7); takes
 * the attach-time decisions. Returns 0, or -1 when full, out of range or
 * the slot is taken.
 */
int sim_pci_attach(struct sim_pci *h, uint8_t devno, uint8_t fnno,
		   struct sim_vdev *dev);

#endif
