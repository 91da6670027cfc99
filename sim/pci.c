/* SPDX-License-Identifier: MIT */
/*
 * virtio-pci front, config-space half: the ECAM window (type 0 header,
 * command register, BAR sizing protocol, capability list built from
 * decisions, the pci_cfg access window) and the BAR-memory window's
 * address decoding. The registers inside a BAR are in pci_bar.c.
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/device.h"
#include "sim/pci.h"
#include "sim/pci_bar.h"
#include "virtio/le.h"
#include "virtio/pci_regs.h"

/* ---- BAR registers ------------------------------------------------------ */

enum bar_kind {
	BAR_SPEC, BAR_IO, BAR_RESERVED, BAR_NONE, BAR_HOLEY, BAR_STICKY,
	BAR_KINDS_,
};

/* Writable bits and read-only flags of BAR dword `i` (0..5). */
static void bar_bits(const struct sim_pci_fn *f, unsigned i, uint32_t *mask,
		     uint32_t *flags)
{
	uint32_t size_mask = ~(SIM_PCI_BAR_SIZE - 1u);

	*mask = 0;
	*flags = 0;
	if (i == SIM_PCI_BAR) {
		switch (f->bar_kind) {
		case BAR_IO: *mask = size_mask; *flags = 0x1; break;
		case BAR_RESERVED: *mask = size_mask; *flags = 0xe; break;
		case BAR_NONE: break;
		case BAR_HOLEY: *mask = size_mask & 0xff0fffffu; *flags = 0xc; break;
		default: *mask = size_mask; *flags = 0xc; break;
		}
	} else if (i == SIM_PCI_BAR + 1 && f->bar_kind != BAR_IO &&
		   f->bar_kind != BAR_NONE) {
		*mask = 0xffffffffu;
	}
}

static void bar_write(struct sim_pci_fn *f, unsigned i, uint32_t v)
{
	uint32_t mask, flags;

	bar_bits(f, i, &mask, &flags);
	if (f->bar_kind == BAR_STICKY && mask && v != 0xffffffffu)
		return;
	virtio_put_le(f->cfg + PCI_BASE_ADDRESS_0 + 4 * i, (v & mask) | flags, 4);
}

bool sim_pci_bar_decodes(const struct sim_pci_fn *f, virtio_paddr_t pa,
			 uint64_t *off)
{
	uint64_t base;

	if (!(f->cfg[PCI_COMMAND] & PCI_COMMAND_MEMORY) ||
	    (f->bar_kind != BAR_SPEC && f->bar_kind != BAR_HOLEY &&
	     f->bar_kind != BAR_STICKY))
		return false;
	base = (uint64_t)virtio_get_le32(f->cfg + PCI_BASE_ADDRESS_0 + 4 * (SIM_PCI_BAR + 1))
		       << 32 |
	       (virtio_get_le32(f->cfg + PCI_BASE_ADDRESS_0 + 4 * SIM_PCI_BAR) & ~0xfu);
	if (base == 0 || pa < base || pa - base >= SIM_PCI_BAR_SIZE)
		return false;
	*off = pa - base;
	return true;
}

/* ---- capability list ---------------------------------------------------- */

struct cap_spec {
	uint8_t type, len;
	uint8_t bar;
	uint32_t off, length;
};

/* Build the list; with `lie`, every field is a decision. */
static void build_caps(struct sim_pci_fn *f, bool lie)
{
	struct cap_spec caps[5];
	unsigned n = 0, at = PCI_STD_HEADER_SIZE;
	uint8_t *c = f->cfg;

	caps[n++] = (struct cap_spec){ VIRTIO_PCI_CAP_COMMON_CFG, 16, SIM_PCI_BAR,
				       SIM_PCI_COMMON_OFF, SIM_PCI_REGION_SIZE };
	caps[n++] = (struct cap_spec){ VIRTIO_PCI_CAP_ISR_CFG, 16, SIM_PCI_BAR,
				       SIM_PCI_ISR_OFF, SIM_PCI_REGION_SIZE };
	if (f->dev->config_len)
		caps[n++] = (struct cap_spec){ VIRTIO_PCI_CAP_DEVICE_CFG, 16,
					       SIM_PCI_BAR, SIM_PCI_DEVICE_OFF,
					       f->dev->config_len };
	caps[n++] = (struct cap_spec){ VIRTIO_PCI_CAP_NOTIFY_CFG, 20, SIM_PCI_BAR,
				       SIM_PCI_NOTIFY_OFF, SIM_PCI_REGION_SIZE };
	caps[n++] = (struct cap_spec){ VIRTIO_PCI_CAP_PCI_CFG, 20, 0, 0, 0 };

	virtio_put_le(c + PCI_STATUS, lie ? sim_decide("pci.status", PCI_STATUS_CAP_LIST, 2)
				: PCI_STATUS_CAP_LIST, 2);
	c[PCI_CAPABILITY_LIST] =
		(uint8_t)(lie ? sim_decide("pci.cap_ptr", at, 1) : at);
	f->pci_cfg_cap = 0;
	f->pci_cfg_armed = false;
	for (unsigned i = 0; i < n; i++) {
		struct cap_spec s = caps[i];
		unsigned next = i + 1 < n ? at + s.len : 0;
		uint32_t mult = SIM_PCI_NOTIFY_MULT;

		if (lie) {
			s.type = (uint8_t)sim_decide("pci.cfg_type", s.type, 1);
			s.bar = (uint8_t)sim_decide("pci.bar", s.bar, 1);
			s.off = (uint32_t)sim_decide("pci.offset", s.off, 4);
			s.length = (uint32_t)sim_decide("pci.length", s.length, 4);
			s.len = (uint8_t)sim_decide("pci.cap_len", s.len, 1);
			next = (unsigned)sim_decide("pci.cap_next", next, 1);
			if (caps[i].type == VIRTIO_PCI_CAP_NOTIFY_CFG)
				mult = (uint32_t)sim_decide("pci.notify_mult",
							    mult, 4);
		}
		c[at + VIRTIO_PCI_CAP_VNDR] = PCI_CAP_ID_VNDR;
		c[at + VIRTIO_PCI_CAP_NEXT] = (uint8_t)next;
		c[at + VIRTIO_PCI_CAP_LEN] = s.len;
		c[at + VIRTIO_PCI_CAP_CFG_TYPE] = s.type;
		c[at + VIRTIO_PCI_CAP_BAR] = s.bar;
		virtio_put_le(c + at + VIRTIO_PCI_CAP_OFFSET, s.off, 4);
		virtio_put_le(c + at + VIRTIO_PCI_CAP_LENGTH, s.length, 4);
		if (caps[i].type == VIRTIO_PCI_CAP_NOTIFY_CFG)
			virtio_put_le(c + at + VIRTIO_PCI_NOTIFY_CAP_MULT, mult, 4);
		if (caps[i].type == VIRTIO_PCI_CAP_PCI_CFG)
			f->pci_cfg_cap = (uint16_t)at;
		at += caps[i].len;
	}
}

/*
 * Where the device decodes each region: the first cap of each type on our
 * BAR that fits it, found by the same bounded walk a driver does.
 */
static void decode_caps(struct sim_pci_fn *f)
{
	struct sim_pci_region *r[] = {
		[VIRTIO_PCI_CAP_COMMON_CFG] = &f->common,
		[VIRTIO_PCI_CAP_NOTIFY_CFG] = &f->notify,
		[VIRTIO_PCI_CAP_ISR_CFG] = &f->isr,
		[VIRTIO_PCI_CAP_DEVICE_CFG] = &f->device,
	};
	bool seen[VIRTIO_PCI_CAP_DEVICE_CFG + 1] = { false };
	unsigned p = f->cfg[PCI_CAPABILITY_LIST], walk = 0;

	f->common.len = f->notify.len = f->isr.len = f->device.len = 0;
	f->notify_mult = 0;
	if (!(f->cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return;
	while (p >= PCI_STD_HEADER_SIZE && p <= 0xfcu - VIRTIO_PCI_CAP_SIZE + 4 &&
	       !(p & 3) && walk++ < PCI_CAP_MAX_WALK) {
		const uint8_t *c = f->cfg + p;
		uint8_t t = c[VIRTIO_PCI_CAP_CFG_TYPE];
		uint32_t off = virtio_get_le32(c + VIRTIO_PCI_CAP_OFFSET),
			 len = virtio_get_le32(c + VIRTIO_PCI_CAP_LENGTH);

		if (c[0] == PCI_CAP_ID_VNDR && t >= VIRTIO_PCI_CAP_COMMON_CFG &&
		    t <= VIRTIO_PCI_CAP_DEVICE_CFG && !seen[t] &&
		    c[VIRTIO_PCI_CAP_BAR] == SIM_PCI_BAR && off < SIM_PCI_BAR_SIZE &&
		    len <= SIM_PCI_BAR_SIZE - off) {
			seen[t] = true;
			r[t]->off = off;
			r[t]->len = len;
			if (t == VIRTIO_PCI_CAP_NOTIFY_CFG && p + 20 <= 0x100)
				f->notify_mult = virtio_get_le32(c + VIRTIO_PCI_NOTIFY_CAP_MULT);
		}
		p = c[VIRTIO_PCI_CAP_NEXT];
	}
}

/* ---- config space ------------------------------------------------------- */

static struct sim_pci_fn *fn_at(struct sim_pci *h, unsigned devno,
				unsigned fnno)
{
	for (unsigned i = 0; i < h->nfn; i++)
		if (h->fn[i].devno == devno && h->fn[i].fnno == fnno)
			return &h->fn[i];
	return NULL;
}

/* The pci_cfg capability's window into the BAR (4.1.4.9). */
static uint64_t pci_cfg_access(struct sim_pci_fn *f, bool write, uint64_t v)
{
	const uint8_t *c = f->cfg + f->pci_cfg_cap;
	uint32_t off = virtio_get_le32(c + VIRTIO_PCI_CAP_OFFSET),
		 len = virtio_get_le32(c + VIRTIO_PCI_CAP_LENGTH);

	/* Only a window the driver set up itself does anything: with a lied
	 * capability layout, a driver walking the list may read these bytes
	 * as another capability's fields. */
	if (!f->pci_cfg_armed || c[VIRTIO_PCI_CAP_BAR] != SIM_PCI_BAR ||
	    (len != 1 && len != 2 && len != 4) || off % len ||
	    off + len > SIM_PCI_BAR_SIZE)
		return 0; /* 4.1.4.9.2: nothing happens */
	if (write) {
		sim_pci_bar_write(f, off, len, v);
		return 0;
	}
	return sim_pci_bar_read(f, off, len);
}

static uint64_t ecam_read(void *ctx, uint64_t off, unsigned width)
{
	struct sim_pci_fn *f = fn_at(ctx, (unsigned)(off >> PCI_ECAM_DEV_SHIFT) & 31,
				     (unsigned)(off >> PCI_ECAM_FN_SHIFT) & 7);
	unsigned reg = off & (PCI_CFG_SPACE_SIZE - 1);
	uint64_t v = 0;

	if (width == 8) {
		sim_report(SIM_MMIO_WIDTH, NULL, NULL,
			   "driver reads PCI config space with an 8-byte access [offset=0x%x]",
			   reg);
		return ~0ull;
	}
	if (!f)
		return ~0ull >> (64 - 8 * width); /* no function: master abort */
	if (reg >= PCI_CFG_STD_SIZE)
		return 0; /* no extended capabilities */
	if (f->pci_cfg_cap &&
	    reg >= (unsigned)f->pci_cfg_cap + VIRTIO_PCI_CFG_CAP_DATA &&
	    reg < (unsigned)f->pci_cfg_cap + VIRTIO_PCI_CFG_CAP_SIZE) {
		v = pci_cfg_access(f, false, 0);
		virtio_put_le(f->cfg + f->pci_cfg_cap + VIRTIO_PCI_CFG_CAP_DATA, v, 4);
	}
	return virtio_get_le(f->cfg + reg, width);
}

static void ecam_write(void *ctx, uint64_t off, unsigned width, uint64_t v)
{
	struct sim_pci_fn *f = fn_at(ctx, (unsigned)(off >> PCI_ECAM_DEV_SHIFT) & 31,
				     (unsigned)(off >> PCI_ECAM_FN_SHIFT) & 7);
	unsigned reg = off & (PCI_CFG_SPACE_SIZE - 1);
	unsigned cap = f ? f->pci_cfg_cap : 0;

	if (width == 8) {
		sim_report(SIM_MMIO_WIDTH, NULL, NULL,
			   "driver writes PCI config space with an 8-byte access [offset=0x%x]",
			   reg);
		return;
	}
	if (!f || reg >= PCI_CFG_STD_SIZE)
		return;
	if (reg >= PCI_BASE_ADDRESS_0 && reg < PCI_BASE_ADDRESS_0 + 24) {
		unsigned i = (reg - PCI_BASE_ADDRESS_0) / 4, at = reg & 3;
		uint8_t d[4];

		memcpy(d, f->cfg + PCI_BASE_ADDRESS_0 + 4 * i, 4);
		virtio_put_le(d + at, v, width);
		bar_write(f, i, virtio_get_le32(d));
	} else if (reg == PCI_COMMAND || reg == PCI_COMMAND + 1) {
		uint16_t cmd = (uint16_t)(f->cfg[PCI_COMMAND] |
					  f->cfg[PCI_COMMAND + 1] << 8);
		uint16_t w = reg == PCI_COMMAND ? (uint16_t)v : (uint16_t)(v << 8);
		uint16_t keep = reg == PCI_COMMAND && width == 1 ? 0xff00 : 0;

		if (reg == PCI_COMMAND + 1)
			keep = 0x00ff;
		cmd = (uint16_t)((cmd & keep) |
				 (w & ~keep & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
					       PCI_COMMAND_MASTER |
					       PCI_COMMAND_INTX_DISABLE)));
		virtio_put_le(f->cfg + PCI_COMMAND, cmd, 2);
	} else if (cap && reg >= cap + VIRTIO_PCI_CAP_BAR &&
		   reg < cap + VIRTIO_PCI_CFG_CAP_DATA) {
		virtio_put_le(f->cfg + reg, v, width); /* bar, offset, length: RW */
		f->pci_cfg_armed = true;
	} else if (cap && reg >= cap + VIRTIO_PCI_CFG_CAP_DATA &&
		   reg < cap + VIRTIO_PCI_CFG_CAP_SIZE) {
		virtio_put_le(f->cfg + reg, v, width);
		pci_cfg_access(f, true,
			       virtio_get_le32(f->cfg + cap + VIRTIO_PCI_CFG_CAP_DATA));
	}
	/* everything else is read-only (status bits are RW1C: none set) */
}

static const char *ecam_reg_name(void *ctx, uint64_t off)
{
	(void)ctx;
	switch (off & (PCI_CFG_SPACE_SIZE - 1)) {
	case PCI_VENDOR_ID: return "pci.vendor_id";
	case PCI_DEVICE_ID: return "pci.device_id";
	case PCI_COMMAND: return "pci.command";
	case PCI_STATUS: return "pci.status";
	case PCI_HEADER_TYPE: return "pci.header_type";
	case PCI_SUBSYSTEM_ID: return "pci.subsystem_id";
	case PCI_CAPABILITY_LIST: return "pci.cap_ptr";
	default:
		if ((off & 0xfff) >= PCI_BASE_ADDRESS_0 &&
		    (off & 0xfff) < PCI_BASE_ADDRESS_0 + 24)
			return "pci.bar";
		return (off & 0xfff) >= PCI_STD_HEADER_SIZE ? "pci.cap" : "pci.cfg";
	}
}

static const struct sim_window_ops ecam_ops = {
	.read = ecam_read, .write = ecam_write, .reg_name = ecam_reg_name,
};

/* ---- the BAR memory window ---------------------------------------------- */

static struct sim_pci_fn *decoder(struct sim_pci *h, uint64_t off,
				  uint64_t *bar_off)
{
	for (unsigned i = 0; i < h->nfn; i++)
		if (sim_pci_bar_decodes(&h->fn[i], SIM_PCI_MEM_BASE + off, bar_off))
			return &h->fn[i];
	return NULL;
}

static void undecoded(uint64_t off, unsigned width, const char *op)
{
	sim_report(SIM_MMIO_OUTSIDE, NULL, NULL,
		   "driver %s PCI memory that no enabled BAR decodes [paddr=0x%llx] [width=%u]",
		   op, (unsigned long long)(SIM_PCI_MEM_BASE + off), width);
}

static uint64_t mem_read(void *ctx, uint64_t off, unsigned width)
{
	uint64_t bo;
	struct sim_pci_fn *f = decoder(ctx, off, &bo);

	if (!f) {
		undecoded(off, width, "reads");
		return ~0ull >> (64 - 8 * width);
	}
	return sim_pci_bar_read(f, (uint32_t)bo, width);
}

static void mem_write(void *ctx, uint64_t off, unsigned width, uint64_t v)
{
	uint64_t bo;
	struct sim_pci_fn *f = decoder(ctx, off, &bo);

	if (!f) {
		undecoded(off, width, "writes");
		return;
	}
	sim_pci_bar_write(f, (uint32_t)bo, width, v);
}

static const char *mem_reg_name(void *ctx, uint64_t off)
{
	uint64_t bo;
	struct sim_pci_fn *f = decoder(ctx, off, &bo);

	return f ? sim_pci_bar_reg_name(f, (uint32_t)bo) : NULL;
}

static const struct sim_window_ops mem_ops = {
	.read = mem_read, .write = mem_write, .reg_name = mem_reg_name,
};

/* ---- set-up ------------------------------------------------------------- */

int sim_pci_init(struct sim_pci *h, bool firmware)
{
	h->firmware = firmware;
	h->nfn = 0;
	if (sim_window_add(SIM_PCI_ECAM_BASE, PCI_ECAM_BUS_SIZE, &ecam_ops, h,
			   "pci-ecam") ||
	    sim_window_add(SIM_PCI_MEM_BASE, SIM_PCI_MEM_SIZE, &mem_ops, h,
			   "pci-mem"))
		return -1;
	return 0;
}

static void front_reset(void *ctx)
{
	struct sim_pci_fn *f = ctx;

	f->dfsel = f->gfsel = 0;
	f->msix_config = VIRTIO_MSI_NO_VECTOR;
	f->queue_sel = 0;
	for (unsigned i = 0; i < SIM_VDEV_MAX_QUEUES; i++) {
		f->qsize[i] = 0;
		f->qmsix[i] = VIRTIO_MSI_NO_VECTOR;
		f->qnotify[i] = (uint16_t)i;
		f->qdesc[i] = f->qdriver[i] = f->qdevice[i] = 0;
	}
}

int sim_pci_attach(struct sim_pci *h, uint8_t devno, uint8_t fnno,
		   struct sim_vdev *dev)
{
	struct sim_pci_fn *f;
	uint8_t *c;
	uint16_t id;

	if (h->nfn == SIM_PCI_MAX_FUNCS || devno >= PCI_MAX_DEV ||
	    fnno >= PCI_MAX_FN || fn_at(h, devno, fnno))
		return -1;
	f = &h->fn[h->nfn];
	c = f->cfg;
	memset(c, 0, sizeof(f->cfg));
	f->dev = dev;
	f->host = h;
	f->devno = devno;
	f->fnno = fnno;

	/* 4.1.2: vendor 0x1af4, device 0x1040 + type, revision >= 1. */
	id = (uint16_t)sim_decide("pci.device_id",
				  VIRTIO_PCI_DEVICE_ID_MODERN + dev->device_id, 2);
	f->bar_kind = (uint8_t)sim_decide_choice("pci.bar_reg", BAR_KINDS_);
	f->lied = sim_decide_flag("pci.layout");
	virtio_put_le(c + PCI_VENDOR_ID, VIRTIO_PCI_VENDOR_ID, 2);
	virtio_put_le(c + PCI_DEVICE_ID, id, 2);
	c[PCI_REVISION_ID] = 1;
	virtio_put_le(c + PCI_CLASS_DEVICE, sim_vdev_pci_class(dev->device_id), 2);
	virtio_put_le(c + PCI_SUBSYSTEM_VENDOR_ID, VIRTIO_PCI_VENDOR_ID, 2);
	virtio_put_le(c + PCI_SUBSYSTEM_ID, dev->device_id, 2);
	c[PCI_INTERRUPT_PIN] = 1;
	for (unsigned i = 0; i < PCI_STD_NUM_BARS; i++)
		bar_write(f, i, 0);
	if (h->firmware) {
		virtio_paddr_t a = SIM_PCI_MEM_BASE +
				   (virtio_paddr_t)h->nfn * SIM_PCI_BAR_SIZE;
		uint8_t k = f->bar_kind;

		/* Firmware's writes land even on a BAR that ignores ours. */
		f->bar_kind = k == BAR_STICKY ? BAR_SPEC : k;
		bar_write(f, SIM_PCI_BAR, (uint32_t)a);
		bar_write(f, SIM_PCI_BAR + 1, (uint32_t)(a >> 32));
		f->bar_kind = k;
		c[PCI_COMMAND] = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	}
	build_caps(f, f->lied);
	decode_caps(f);
	front_reset(f);
	h->nfn++;
	/* Function 0 says whether functions 1-7 of its device exist. */
	for (unsigned i = 0; i < h->nfn; i++)
		if (h->fn[i].fnno == 0)
			for (unsigned j = 0; j < h->nfn; j++)
				if (h->fn[j].devno == h->fn[i].devno &&
				    h->fn[j].fnno)
					h->fn[i].cfg[PCI_HEADER_TYPE] =
						PCI_HEADER_TYPE_MULTI_FUNCTION;
	sim_vdev_plug(dev, false, front_reset, f);
	return 0;
}
