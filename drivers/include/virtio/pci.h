/* SPDX-License-Identifier: MIT */
/*
 * PCI for the driver library: config space over ECAM (memory-mapped config),
 * bus enumeration, BAR decoding and sizing, BAR assignment for platforms
 * without firmware, a bounded capability walk (drivers/pci/ecam.c); and the
 * virtio-pci modern transport (VirtIO 1.2, 4.1; drivers/transport/pci.c).
 * Everything read from config space is device input and is validated.
 */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/access.h"
#include "virtio/pci_regs.h"
#include "virtio/transport.h"

/* ---- ECAM and enumeration (drivers/pci/ecam.c) ------------------------- */

/* A mapped ECAM window covering buses [bus_start, bus_end]. */
struct virtio_pci_bus {
	volatile uint8_t *ecam;  /* config space of bus_start, dev 0, fn 0 */
	virtio_paddr_t ecam_paddr;
	uint8_t bus_start, bus_end;
};

/* One present function: its 4 KiB of config space and its identity. */
struct virtio_pci_func {
	volatile uint8_t *cfg;
	uint8_t bus, dev, fn;
	uint8_t header_type;     /* without the multi-function bit */
	uint16_t vendor_id, device_id;
};

/*
 * Map the ECAM window at `ecam_paddr`, which starts with bus `bus_start`'s
 * config space and spans (bus_end - bus_start + 1) MiB.
 * EINVALID_PARAM (bad range) or EMMIO_MAP (mapping refused).
 */
int virtio_pci_bus_init(struct virtio_pci_bus *bus, const struct virtio_hal *hal,
			virtio_paddr_t ecam_paddr, uint8_t bus_start,
			uint8_t bus_end);

/* Open the function at bus/dev/fn; ENO_DEVICE when it is absent. */
int virtio_pci_func_open(const struct virtio_pci_bus *bus, uint8_t b,
			 uint8_t dev, uint8_t fn, struct virtio_pci_func *out);

/*
 * Enumerate: the next present function at or after *pos (start with 0),
 * honouring the multi-function bit of function 0; *pos is advanced past it.
 * ENO_DEVICE when the bus range is exhausted.
 */
int virtio_pci_next(const struct virtio_pci_bus *bus, uint32_t *pos,
		    struct virtio_pci_func *out);

/*
 * The first function of vendor 0x1af4 whose virtio device type is
 * `device_type` (0: any virtio-vendor function, even one whose device id is
 * outside the virtio range, so virtio_pci_init can refuse it by name).
 * ENO_DEVICE when there is none.
 */
int virtio_pci_find(const struct virtio_pci_bus *bus, uint32_t device_type,
		    struct virtio_pci_func *out);

/*
 * Config-space accessors. `off` is trusted here: constants, or offsets the
 * caller validated (a capability walk checks its own).
 */
static inline uint8_t virtio_pci_cfg_read8(const struct virtio_pci_func *f,
					   uint16_t off)
{
	return virtio_read8(f->cfg + off);
}
static inline uint16_t virtio_pci_cfg_read16(const struct virtio_pci_func *f,
					     uint16_t off)
{
	return virtio_read16(f->cfg + off);
}
static inline uint32_t virtio_pci_cfg_read32(const struct virtio_pci_func *f,
					     uint16_t off)
{
	return virtio_read32(f->cfg + off);
}
static inline void virtio_pci_cfg_write16(const struct virtio_pci_func *f,
					  uint16_t off, uint16_t v)
{
	virtio_write16(f->cfg + off, v);
}
static inline void virtio_pci_cfg_write32(const struct virtio_pci_func *f,
					  uint16_t off, uint32_t v)
{
	virtio_write32(f->cfg + off, v);
}

/* A decoded memory BAR. */
struct virtio_pci_bar {
	virtio_paddr_t addr; /* 0: unassigned */
	uint64_t size;       /* power of two >= 16; 0: BAR not implemented */
	bool is64;           /* takes this slot and the next */
	bool prefetch;
	bool io;             /* an IO BAR (refused with EPCI_BAR) */
};

/*
 * Decode and size BAR `idx` (write all-ones, read back, restore; memory
 * decoding is off meanwhile). EPCI_BAR: index past the header's BARs, IO
 * BAR (out->io set), reserved type, 64-bit BAR in the last slot, flags that
 * change under sizing, an old value not kept after sizing, non-contiguous
 * size mask, address not aligned to the size. An unimplemented BAR is success with size 0.
 */
int virtio_pci_bar_probe(const struct virtio_pci_func *f, unsigned idx,
			 struct virtio_pci_bar *out);

/* A memory window BARs are assigned from, for platforms without firmware. */
struct virtio_pci_window {
	virtio_paddr_t next; /* first free address */
	virtio_paddr_t end;  /* one past the window */
};
/* [base, base+size); EINVALID_PARAM if it wraps. */
int virtio_pci_window_init(struct virtio_pci_window *w, virtio_paddr_t base,
			   uint64_t size);
/*
 * Assign every implemented memory BAR of `f` from `w` at its natural
 * alignment (32-bit BARs below 4 GiB), check the device kept each address,
 * then enable memory space and bus mastering. IO BARs and unimplemented
 * BARs are left alone. EPCI_RANGE: a BAR does not fit the window;
 * EPCI_BAR: as virtio_pci_bar_probe, or the device did not keep the address.
 */
int virtio_pci_assign_bars(const struct virtio_pci_func *f,
			   struct virtio_pci_window *w);

/*
 * Bounded capability walk. Zero-initialise, then call virtio_pci_cap_next
 * until it gives it->off == 0 (end of list). EPCI_CAP: a pointer below 0x40,
 * above 0xfc or not dword-aligned, or more than PCI_CAP_MAX_WALK entries
 * (a loop). A function without PCI_STATUS_CAP_LIST has an empty list.
 */
struct virtio_pci_cap_iter {
	uint16_t off;    /* current capability (0: end) */
	uint8_t id;      /* its capability id */
	uint8_t count;   /* capabilities visited */
	bool started;
};
int virtio_pci_cap_next(const struct virtio_pci_func *f,
			struct virtio_pci_cap_iter *it);

/* ---- virtio-pci transport (drivers/transport/pci.c) -------------------- */

/* A virtio_pci_cap (4.1.4) as read, before validation against its BAR. */
struct virtio_pci_vcap {
	uint8_t cfg_type;    /* VIRTIO_PCI_CAP_* */
	uint8_t bar;
	uint8_t cap_len;
	uint32_t offset;
	uint32_t length;
	uint32_t notify_mult; /* NOTIFY_CFG only */
};
/*
 * Read the vendor capability at config offset `off` (from a walk).
 * EPCI_CAP: cap_len below 16 (20 for notify and pci_cfg) or running past
 * the 256-byte config header.
 */
int virtio_pci_vcap_read(const struct virtio_pci_func *f, uint16_t off,
			 struct virtio_pci_vcap *out);

/*
 * Device type of a virtio-pci function, 4.1.2: modern ids 0x1041..0x107f
 * are 0x1040 + type; transitional 0x1000..0x103f take the type from the
 * subsystem id. EBAD_VENDOR / EBAD_DEVICE_ID otherwise.
 */
int virtio_pci_device_type(const struct virtio_pci_func *f, uint32_t *type);

/* Queues this transport can hold a notify address for. */
#ifndef VIRTIO_PCI_MAX_QUEUES
#define VIRTIO_PCI_MAX_QUEUES 16u
#endif

struct virtio_pci {
	struct virtio_transport t; /* first: device drivers see only this */
	struct virtio_pci_func fn;
	volatile uint8_t *common;  /* mapped regions, each checked in its BAR */
	volatile uint8_t *notify;
	volatile uint8_t *isr;
	volatile uint8_t *device;  /* NULL when there is no DEVICE_CFG */
	uint32_t common_len, notify_len, isr_len, device_len;
	uint32_t notify_mult;      /* 0 or a power of two >= 2 */
	uint16_t num_queues;       /* as read at init */
	uint16_t pci_cfg_off;      /* VIRTIO_PCI_CAP_PCI_CFG cap, 0: none */
	/* per queue: byte offset of its notify address, checked at queue_set */
	uint32_t queue_notify[VIRTIO_PCI_MAX_QUEUES];
	uint32_t queue_live;       /* bit i: queue i set up */
};

/*
 * Probe a virtio-pci function: vendor and device id, header type 0, walk
 * the capability list, find and validate COMMON/NOTIFY/ISR and DEVICE, map
 * each region with mmio_phys_to_virt. Without a DEVICE capability the
 * transport's config_size is 0 (a driver that needs config then gets
 * ECONFIG_MISSING from virtio_config_read).
 * Memory BARs must already be assigned (firmware or
 * virtio_pci_assign_bars); memory decoding and bus mastering are turned on
 * here if they are off. Does not reset or touch the status;
 * virtio_negotiate does that.
 * Errors: EBAD_VENDOR, EBAD_DEVICE_ID, EPCI_CAP, EPCI_BAR, EPCI_RANGE,
 * EPCI_NOTIFY (bad multiplier), EPCI_CAP_MISSING (no COMMON, NOTIFY or
 * ISR capability), EMMIO_MAP.
 * queue_set adds EPCI_NOTIFY (queue notify address past the region) and
 * EPCI_MSIX (vector NO_VECTOR not kept).
 */
int virtio_pci_init(struct virtio_pci *p, const struct virtio_hal *hal,
		    const struct virtio_pci_func *fn);

#endif
