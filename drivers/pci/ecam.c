/* SPDX-License-Identifier: MIT */
/*
 * PCI config space over ECAM: enumeration, BAR decoding and sizing, BAR
 * assignment from a memory window, and a bounded capability walk. Nothing
 * here knows virtio; every value read from config space is checked where it
 * is read. Not here: the virtio-pci capabilities (drivers/transport/pci.c).
 */
#include "virtio/errors.h"
#include "virtio/pci.h"

int virtio_pci_bus_init(struct virtio_pci_bus *bus, const struct virtio_hal *hal,
			virtio_paddr_t ecam_paddr, uint8_t bus_start,
			uint8_t bus_end)
{
	uint64_t size, last;

	if (!bus || !hal || bus_end < bus_start)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	size = (uint64_t)(bus_end - bus_start + 1u) << PCI_ECAM_BUS_SHIFT;
	if (__builtin_add_overflow(ecam_paddr, size - 1, &last))
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	bus->ecam = virtio_mmio_phys_to_virt(hal, ecam_paddr, (size_t)size);
	if (!bus->ecam)
		return VIRTIO_EMMIO_MAP; /* cov-exempt: no-sim-lie */
	bus->ecam_paddr = ecam_paddr;
	bus->bus_start = bus_start;
	bus->bus_end = bus_end;
	return VIRTIO_OK;
}

static volatile uint8_t *func_cfg(const struct virtio_pci_bus *bus, unsigned b,
				  unsigned dev, unsigned fn)
{
	return bus->ecam + ((size_t)(b - bus->bus_start) << PCI_ECAM_BUS_SHIFT) +
	       ((size_t)dev << PCI_ECAM_DEV_SHIFT) +
	       ((size_t)fn << PCI_ECAM_FN_SHIFT);
}

int virtio_pci_func_open(const struct virtio_pci_bus *bus, uint8_t b,
			 uint8_t dev, uint8_t fn, struct virtio_pci_func *out)
{
	if (b < bus->bus_start || b > bus->bus_end || dev >= PCI_MAX_DEV ||
	    fn >= PCI_MAX_FN)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	out->cfg = func_cfg(bus, b, dev, fn);
	out->bus = b;
	out->dev = dev;
	out->fn = fn;
	out->vendor_id = virtio_pci_cfg_read16(out, PCI_VENDOR_ID);
	if (out->vendor_id == PCI_VENDOR_ID_NONE)
		return VIRTIO_ENO_DEVICE;
	out->device_id = virtio_pci_cfg_read16(out, PCI_DEVICE_ID);
	out->header_type = virtio_pci_cfg_read8(out, PCI_HEADER_TYPE) &
			   PCI_HEADER_TYPE_MASK;
	return VIRTIO_OK;
}

int virtio_pci_next(const struct virtio_pci_bus *bus, uint32_t *pos,
		    struct virtio_pci_func *out)
{
	uint32_t end = (uint32_t)(bus->bus_end - bus->bus_start + 1u) << 8;

	while (*pos < end) {
		uint32_t p = *pos;
		uint8_t b = (uint8_t)(bus->bus_start + (p >> 8));
		uint8_t dev = (p >> 3) & 31u, fn = p & 7u;
		int err = virtio_pci_func_open(bus, b, dev, fn, out);

		if (fn == 0) {
			/* Functions 1-7 exist only behind a multi-function
			 * function 0. */
			uint8_t ht = err ? 0 : virtio_pci_cfg_read8(
						       out, PCI_HEADER_TYPE);
			*pos = (ht & PCI_HEADER_TYPE_MULTI_FUNCTION) ? p + 1
								     : p + 8;
		} else { /* cov-exempt: no-sim-lie */
			*pos = p + 1;
		}
		if (!err)
			return VIRTIO_OK;
	}
	return VIRTIO_ENO_DEVICE; /* cov-exempt: no-sim-lie */
}

int virtio_pci_find(const struct virtio_pci_bus *bus, uint32_t device_type,
		    struct virtio_pci_func *out)
{
	uint32_t pos = 0, type;

	while (virtio_pci_next(bus, &pos, out) == VIRTIO_OK) {
		if (out->vendor_id != VIRTIO_PCI_VENDOR_ID)
			continue; /* cov-exempt: no-sim-lie */
		if (device_type == 0)
			return VIRTIO_OK;
		/* cov-exempt: unused */
		if (virtio_pci_device_type(out, &type) == VIRTIO_OK &&
		    type == device_type)
			return VIRTIO_OK;
	} /* cov-exempt: no-sim-lie */
	return VIRTIO_ENO_DEVICE; /* cov-exempt: no-sim-lie */
}

static unsigned num_bars(const struct virtio_pci_func *f)
{
	switch (f->header_type) {
	case PCI_HEADER_TYPE_NORMAL: return PCI_STD_NUM_BARS;
	/* cov-exempt: no-sim-lie */
	case PCI_HEADER_TYPE_BRIDGE: return PCI_BRIDGE_NUM_BARS;
	default: return 0; /* cov-exempt: no-sim-lie */
	}
}

/* Write all-ones to the BAR dword at `reg`, read back, restore; false if
 * the device does not take its old value back. */
static bool size_dword(const struct virtio_pci_func *f, uint16_t reg,
		       uint32_t orig, uint32_t *mask)
{
	virtio_pci_cfg_write32(f, reg, 0xffffffffu);
	*mask = virtio_pci_cfg_read32(f, reg);
	virtio_pci_cfg_write32(f, reg, orig);
	return virtio_pci_cfg_read32(f, reg) == orig;
}

int virtio_pci_bar_probe(const struct virtio_pci_func *f, unsigned idx,
			 struct virtio_pci_bar *out)
{
	uint16_t reg = (uint16_t)(PCI_BASE_ADDRESS_0 + 4u * idx), cmd;
	uint32_t lo, hi = 0, lo_mask, hi_mask = 0xffffffffu;
	uint64_t mask, size;
	bool kept;

	__builtin_memset(out, 0, sizeof(*out));
	if (idx >= num_bars(f))
		return VIRTIO_EPCI_BAR; /* cov-exempt: api-misuse */
	lo = virtio_pci_cfg_read32(f, reg);
	if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
		out->io = true;
		return VIRTIO_EPCI_BAR;
	}
	switch (lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) {
	case PCI_BASE_ADDRESS_MEM_TYPE_32:
		break;
	case PCI_BASE_ADDRESS_MEM_TYPE_64:
		if (idx + 1 >= num_bars(f))
			return VIRTIO_EPCI_BAR; /* cov-exempt: no-sim-lie */
		out->is64 = true;
		hi = virtio_pci_cfg_read32(f, reg + 4);
		break;
	default: /* below-1M and the reserved type */
		return VIRTIO_EPCI_BAR;
	}
	out->prefetch = (lo & PCI_BASE_ADDRESS_MEM_PREFETCH) != 0;

	/* Sizing with decoding on would move the BAR under live accesses. */
	cmd = virtio_pci_cfg_read16(f, PCI_COMMAND);
	if (cmd & PCI_COMMAND_MEMORY)
		virtio_pci_cfg_write16(f, PCI_COMMAND,
				       (uint16_t)(cmd & ~PCI_COMMAND_MEMORY));
	kept = size_dword(f, reg, lo, &lo_mask);
	if (out->is64)
		kept &= size_dword(f, reg + 4, hi, &hi_mask);
	if (cmd & PCI_COMMAND_MEMORY)
		virtio_pci_cfg_write16(f, PCI_COMMAND, cmd);

	if (!kept)
		return VIRTIO_EPCI_BAR;
	if ((lo_mask & PCI_BASE_ADDRESS_MEM_FLAGS) !=
	    (lo & PCI_BASE_ADDRESS_MEM_FLAGS))
		return VIRTIO_EPCI_BAR;
	if ((lo_mask & ~PCI_BASE_ADDRESS_MEM_FLAGS) == 0 &&
	    (!out->is64 || hi_mask == 0))
		return VIRTIO_OK; /* not implemented */
	mask = ((uint64_t)hi_mask << 32) | (lo_mask & ~PCI_BASE_ADDRESS_MEM_FLAGS);
	size = ~mask + 1;
	/* The writable bits must be one run from the top: size 2^n >= 16. */
	if (size == 0 || (size & (size - 1)) != 0)
		return VIRTIO_EPCI_BAR;
	out->addr = ((uint64_t)hi << 32) | (lo & ~PCI_BASE_ADDRESS_MEM_FLAGS);
	if (out->addr & (size - 1))
		return VIRTIO_EPCI_BAR; /* cov-exempt: no-sim-lie */
	out->size = size;
	return VIRTIO_OK;
}

int virtio_pci_window_init(struct virtio_pci_window *w, virtio_paddr_t base,
			   uint64_t size)
{
	if (size == 0 || __builtin_add_overflow(base, size, &w->end))
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	w->next = base;
	return VIRTIO_OK;
}

/* Program BAR `idx` to `addr` and check the device kept it. */
static int bar_set(const struct virtio_pci_func *f, unsigned idx,
		   const struct virtio_pci_bar *bar, virtio_paddr_t addr)
{
	uint16_t reg = (uint16_t)(PCI_BASE_ADDRESS_0 + 4u * idx);
	uint32_t lo = virtio_pci_cfg_read32(f, reg) & PCI_BASE_ADDRESS_MEM_FLAGS;

	virtio_pci_cfg_write32(f, reg, lo | (uint32_t)addr);
	if (bar->is64)
		virtio_pci_cfg_write32(f, reg + 4, (uint32_t)(addr >> 32));
	lo = virtio_pci_cfg_read32(f, reg) & ~PCI_BASE_ADDRESS_MEM_FLAGS;
	if (lo != (uint32_t)addr)
		return VIRTIO_EPCI_BAR; /* cov-exempt: no-sim-lie */
	if (bar->is64 &&
	    virtio_pci_cfg_read32(f, reg + 4) != (uint32_t)(addr >> 32))
		return VIRTIO_EPCI_BAR; /* cov-exempt: no-sim-lie */
	return VIRTIO_OK;
}

int virtio_pci_assign_bars(const struct virtio_pci_func *f,
			   struct virtio_pci_window *w)
{
	uint16_t cmd = virtio_pci_cfg_read16(f, PCI_COMMAND);
	unsigned idx;
	int err;

	virtio_pci_cfg_write16(f, PCI_COMMAND,
			       (uint16_t)(cmd & ~(PCI_COMMAND_IO |
						  PCI_COMMAND_MEMORY)));
	for (idx = 0; idx < num_bars(f); idx++) {
		struct virtio_pci_bar bar;
		virtio_paddr_t addr, end;

		err = virtio_pci_bar_probe(f, idx, &bar);
		if (err == VIRTIO_EPCI_BAR && bar.io)
			continue; /* no IO space here; decoding stays off */
		if (err)
			return err;
		if (bar.size == 0) {
			idx += bar.is64;
			continue;
		}
		/* Natural alignment: round next up to a multiple of size. */
		if (__builtin_add_overflow(w->next, bar.size - 1, &addr))
			return VIRTIO_EPCI_RANGE; /* cov-exempt: no-sim-lie */
		addr &= ~(bar.size - 1);
		if (__builtin_add_overflow(addr, bar.size, &end) ||
		    end > w->end)
			return VIRTIO_EPCI_RANGE; /* cov-exempt: no-sim-lie */
		if (!bar.is64 && end > 0x100000000ull)
			return VIRTIO_EPCI_RANGE; /* cov-exempt: no-sim-lie */
		err = bar_set(f, idx, &bar, addr);
		if (err)
			return err; /* cov-exempt: no-sim-lie */
		w->next = end;
		idx += bar.is64;
	}
	cmd = (uint16_t)((cmd & ~PCI_COMMAND_IO) | PCI_COMMAND_MEMORY |
			 PCI_COMMAND_MASTER);
	virtio_pci_cfg_write16(f, PCI_COMMAND, cmd);
	return VIRTIO_OK;
}

/* A capability pointer must be dword-aligned, past the header, in 0..0xff. */
static bool cap_ptr_ok(uint8_t p)
{
	return p >= PCI_STD_HEADER_SIZE && p <= 0xfcu && (p & 3u) == 0;
}

int virtio_pci_cap_next(const struct virtio_pci_func *f,
			struct virtio_pci_cap_iter *it)
{
	uint8_t next;

	if (!it->started) {
		it->started = true;
		it->count = 0;
		if (!(virtio_pci_cfg_read16(f, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
			it->off = 0;
			return VIRTIO_OK;
		}
		next = virtio_pci_cfg_read8(f, PCI_CAPABILITY_LIST);
	} else {
		if (it->off == 0)
			return VIRTIO_OK; /* cov-exempt: api-misuse */
		next = virtio_pci_cfg_read8(f, (uint16_t)(it->off +
							  PCI_CAP_LIST_NEXT));
	}
	if (next == 0) {
		it->off = 0;
		return VIRTIO_OK;
	}
	if (!cap_ptr_ok(next) || it->count >= PCI_CAP_MAX_WALK) {
		it->off = 0;
		return VIRTIO_EPCI_CAP;
	}
	it->count++;
	it->off = next;
	it->id = virtio_pci_cfg_read8(f, next);
	return VIRTIO_OK;
}
