/* SPDX-License-Identifier: MIT */
/*
 * virtio-pci front, BAR half: the common configuration structure (each
 * field at its natural width, 64-bit fields as two 32-bit halves, 4.1.3.1),
 * the ISR byte (read clears), the device config (sim_vdev) and queue
 * notifications, at the offsets the function's capabilities give. Not
 * here: config space and BAR decoding (pci.c).
 */
#include "sim/decide.h"
#include "sim/device.h"
#include "sim/pci_bar.h"
#include "virtio/pci_regs.h"

/* 4.1.4.3 struct virtio_pci_common_cfg, one row per access unit. */
static const struct creg {
	uint8_t off, width;
	bool ro;
	const char *name;
} cregs[] = {
	{ VIRTIO_PCI_COMMON_DEVICE_FEATURE_SELECT, 4, false, "common.device_feature_select" },
	{ VIRTIO_PCI_COMMON_DEVICE_FEATURE, 4, true, "common.device_feature" },
	{ VIRTIO_PCI_COMMON_DRIVER_FEATURE_SELECT, 4, false, "common.driver_feature_select" },
	{ VIRTIO_PCI_COMMON_DRIVER_FEATURE, 4, false, "common.driver_feature" },
	{ VIRTIO_PCI_COMMON_MSIX_CONFIG, 2, false, "common.msix_config" },
	{ VIRTIO_PCI_COMMON_NUM_QUEUES, 2, true, "common.num_queues" },
	{ VIRTIO_PCI_COMMON_DEVICE_STATUS, 1, false, "common.device_status" },
	{ VIRTIO_PCI_COMMON_CONFIG_GENERATION, 1, true, "common.config_generation" },
	{ VIRTIO_PCI_COMMON_QUEUE_SELECT, 2, false, "common.queue_select" },
	{ VIRTIO_PCI_COMMON_QUEUE_SIZE, 2, false, "common.queue_size" },
	{ VIRTIO_PCI_COMMON_QUEUE_MSIX_VECTOR, 2, false, "common.queue_msix_vector" },
	{ VIRTIO_PCI_COMMON_QUEUE_ENABLE, 2, false, "common.queue_enable" },
	{ VIRTIO_PCI_COMMON_QUEUE_NOTIFY_OFF, 2, true, "common.queue_notify_off" },
	{ VIRTIO_PCI_COMMON_QUEUE_DESC, 4, false, "common.queue_desc_lo" },
	{ VIRTIO_PCI_COMMON_QUEUE_DESC + 4, 4, false, "common.queue_desc_hi" },
	{ VIRTIO_PCI_COMMON_QUEUE_DRIVER, 4, false, "common.queue_driver_lo" },
	{ VIRTIO_PCI_COMMON_QUEUE_DRIVER + 4, 4, false, "common.queue_driver_hi" },
	{ VIRTIO_PCI_COMMON_QUEUE_DEVICE, 4, false, "common.queue_device_lo" },
	{ VIRTIO_PCI_COMMON_QUEUE_DEVICE + 4, 4, false, "common.queue_device_hi" },
	{ VIRTIO_PCI_COMMON_QUEUE_NOTIFY_DATA, 2, true, "common.queue_notify_data" },
	{ VIRTIO_PCI_COMMON_QUEUE_RESET, 2, false, "common.queue_reset" },
};
#define NCREGS (sizeof(cregs) / sizeof(cregs[0]))

static const struct creg *creg_at(uint32_t rel)
{
	for (unsigned i = 0; i < NCREGS; i++)
		if (rel >= cregs[i].off && rel < cregs[i].off + cregs[i].width)
			return &cregs[i];
	return NULL;
}

static bool in(const struct sim_pci_region *r, uint32_t off, uint32_t *rel)
{
	if (r->len == 0 || off < r->off || off - r->off >= r->len)
		return false;
	*rel = off - r->off;
	return true;
}

/* Findings about where or how wide the driver accesses the BAR hold only
 * while the capabilities tell the truth; otherwise the device sent it. */
static void misuse(struct sim_pci_fn *f, enum sim_class c, const char *what,
		   const char *op, uint32_t off, unsigned width)
{
	if (!f->lied)
		sim_report(c, NULL, NULL, "driver %s %s [bar_offset=0x%x] [width=%u]",
			   op, what, off, width);
}

/* Common config: 0 and a finding if the access is not exactly one field. */
static const struct creg *common_reg(struct sim_pci_fn *f, uint32_t rel,
				     uint32_t off, unsigned width,
				     const char *op)
{
	const struct creg *r = creg_at(rel);

	if (!r) {
		misuse(f, SIM_MMIO_OUTSIDE,
		       "common config past its last field", op, off, width);
		return NULL;
	}
	if (r->off != rel || r->width != width) {
		/* 4.1.3.1: natural width; 64-bit fields as 32-bit halves. */
		misuse(f, SIM_MMIO_WIDTH,
		       "a common config field at the wrong width or offset", op,
		       off, width);
		return NULL;
	}
	return r;
}

static uint64_t *qaddr(struct sim_pci_fn *f, unsigned reg, uint16_t qs)
{
	if (reg < VIRTIO_PCI_COMMON_QUEUE_DRIVER)
		return &f->qdesc[qs];
	if (reg < VIRTIO_PCI_COMMON_QUEUE_DEVICE)
		return &f->qdriver[qs];
	return &f->qdevice[qs];
}

static uint64_t common_read(struct sim_pci_fn *f, const struct creg *r)
{
	struct sim_vdev *d = f->dev;
	uint16_t qs = f->queue_sel;
	bool q_ok = qs < SIM_VDEV_MAX_QUEUES;

	switch (r->off) {
	case VIRTIO_PCI_COMMON_DEVICE_FEATURE_SELECT: return f->dfsel;
	case VIRTIO_PCI_COMMON_DEVICE_FEATURE:
		return sim_vdev_device_features_word(d, f->dfsel);
	case VIRTIO_PCI_COMMON_DRIVER_FEATURE_SELECT: return f->gfsel;
	case VIRTIO_PCI_COMMON_DRIVER_FEATURE:
		return f->gfsel > 1 ? 0
				    : (uint32_t)(d->driver_features >> (32 * f->gfsel));
	case VIRTIO_PCI_COMMON_MSIX_CONFIG:
	case VIRTIO_PCI_COMMON_QUEUE_MSIX_VECTOR:
		/* No MSI-X capability: mapping any vector fails (4.1.5.1.2). */
		return sim_decide("pci.msix", VIRTIO_MSI_NO_VECTOR, 2);
	case VIRTIO_PCI_COMMON_NUM_QUEUES:
		return sim_decide("pci.num_queues", d->nqueues, 2);
	case VIRTIO_PCI_COMMON_DEVICE_STATUS: return sim_vdev_status(d);
	case VIRTIO_PCI_COMMON_CONFIG_GENERATION:
		return sim_vdev_config_generation(d) & 0xffu;
	case VIRTIO_PCI_COMMON_QUEUE_SELECT: return qs;
	case VIRTIO_PCI_COMMON_QUEUE_SIZE:
		/* Reads the maximum until the driver writes a size. */
		if (q_ok && f->qsize[qs])
			return f->qsize[qs];
		return sim_vdev_num_max(d, qs);
	case VIRTIO_PCI_COMMON_QUEUE_ENABLE: return sim_vdev_queue_ready(d, qs);
	case VIRTIO_PCI_COMMON_QUEUE_NOTIFY_OFF: {
		uint16_t v = (uint16_t)sim_decide("pci.notify_off", qs, 2);

		if (q_ok)
			f->qnotify[qs] = v;
		return v;
	}
	case VIRTIO_PCI_COMMON_QUEUE_DESC:
	case VIRTIO_PCI_COMMON_QUEUE_DRIVER:
	case VIRTIO_PCI_COMMON_QUEUE_DEVICE:
		return q_ok ? (uint32_t)*qaddr(f, r->off, qs) : 0;
	case VIRTIO_PCI_COMMON_QUEUE_DESC + 4:
	case VIRTIO_PCI_COMMON_QUEUE_DRIVER + 4:
	case VIRTIO_PCI_COMMON_QUEUE_DEVICE + 4:
		return q_ok ? (uint32_t)(*qaddr(f, r->off, qs) >> 32) : 0;
	default: return 0; /* queue_notify_data, queue_reset */
	}
}

static void common_write(struct sim_pci_fn *f, const struct creg *r,
			 uint32_t off, uint64_t v)
{
	struct sim_vdev *d = f->dev;
	uint16_t qs = f->queue_sel;
	bool q_ok = qs < SIM_VDEV_MAX_QUEUES;

	if (r->ro) {
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "driver writes a read-only register [register=%s] [bar_offset=0x%x] [value=0x%llx]",
			   r->name, off, (unsigned long long)v);
		return;
	}
	switch (r->off) {
	case VIRTIO_PCI_COMMON_DEVICE_FEATURE_SELECT: f->dfsel = (uint32_t)v; break;
	case VIRTIO_PCI_COMMON_DRIVER_FEATURE_SELECT: f->gfsel = (uint32_t)v; break;
	case VIRTIO_PCI_COMMON_DRIVER_FEATURE:
		sim_vdev_set_driver_features_word(d, f->gfsel, (uint32_t)v);
		break;
	case VIRTIO_PCI_COMMON_MSIX_CONFIG: f->msix_config = (uint16_t)v; break;
	case VIRTIO_PCI_COMMON_DEVICE_STATUS:
		sim_vdev_set_status(d, (uint8_t)v);
		break;
	case VIRTIO_PCI_COMMON_QUEUE_SELECT: f->queue_sel = (uint16_t)v; break;
	case VIRTIO_PCI_COMMON_QUEUE_SIZE:
		if (q_ok && !sim_vdev_queue_may_change(d, qs, r->name))
			f->qsize[qs] = (uint16_t)v;
		break;
	case VIRTIO_PCI_COMMON_QUEUE_MSIX_VECTOR:
		if (q_ok)
			f->qmsix[qs] = (uint16_t)v;
		break;
	case VIRTIO_PCI_COMMON_QUEUE_ENABLE:
		/* 4.1.4.3.2: the driver writes only 1 (disable is reset). */
		if (v != 1) {
			sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
				   "driver writes queue_enable with a value other than 1 [queue=%u] [value=0x%llx]",
				   qs, (unsigned long long)v);
			break;
		}
		sim_vdev_queue_enable(d, qs,
				      q_ok && f->qsize[qs] ? f->qsize[qs]
					   : q_ok ? d->num_max_told[qs] : 0,
				      q_ok ? f->qdesc[qs] : 0,
				      q_ok ? f->qdriver[qs] : 0,
				      q_ok ? f->qdevice[qs] : 0);
		break;
	case VIRTIO_PCI_COMMON_QUEUE_RESET:
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "driver resets a queue without VIRTIO_F_RING_RESET [queue=%u]",
			   qs);
		break;
	default: { /* the six queue address halves */
		unsigned lo = r->off & ~7u, shift = (r->off & 4u) * 8;
		uint64_t *a;

		if (!q_ok || sim_vdev_queue_may_change(d, qs, r->name))
			break;
		a = qaddr(f, lo, qs);
		*a = (*a & ~(0xffffffffull << shift)) |
		     ((v & 0xffffffffull) << shift);
		break;
	}
	}
}

/* 4.1.5.2: a 16-bit write of the queue index at its notify address. */
static void notify_write(struct sim_pci_fn *f, uint32_t rel, uint32_t off,
			 unsigned width, uint64_t v)
{
	uint16_t qi = (uint16_t)v;

	if (width != 2) {
		misuse(f, SIM_MMIO_WIDTH, "notifies with an access not 16 bits wide",
		       "writes", off, width);
		return;
	}
	if (qi >= SIM_VDEV_MAX_QUEUES ||
	    (uint64_t)f->qnotify[qi] * f->notify_mult != rel) {
		if (!f->lied)
			sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
				   "driver notifies a queue at another notify address [queue=%u] [notify_offset=0x%x]",
				   qi, rel);
		return;
	}
	sim_vdev_notify(f->dev, qi);
}

uint64_t sim_pci_bar_read(struct sim_pci_fn *f, uint32_t off, unsigned width)
{
	struct sim_vdev *d = f->dev;
	uint32_t rel;

	if (in(&f->common, off, &rel)) {
		const struct creg *r = common_reg(f, rel, off, width, "reads");

		return r ? common_read(f, r) : 0;
	}
	if (in(&f->isr, off, &rel)) {
		uint32_t v;

		if (rel != 0 || width != 1) {
			misuse(f, SIM_MMIO_WIDTH, "the ISR other than as one byte",
			       "reads", off, width);
			return 0;
		}
		v = sim_vdev_isr(d); /* 4.1.4.5.1: reading clears it */
		sim_vdev_isr_ack(d, v);
		return v & 0xffu;
	}
	if (in(&f->device, off, &rel)) {
		if (f->lied && (uint64_t)rel + width > d->config_len)
			return 0;
		return sim_vdev_config_read(d, rel, width);
	}
	if (in(&f->notify, off, &rel))
		return 0; /* notify addresses read as 0 */
	misuse(f, SIM_MMIO_OUTSIDE, "a BAR offset outside every virtio region",
	       "reads", off, width);
	return 0;
}

void sim_pci_bar_write(struct sim_pci_fn *f, uint32_t off, unsigned width,
		       uint64_t v)
{
	struct sim_vdev *d = f->dev;
	uint32_t rel;

	if (in(&f->common, off, &rel)) {
		const struct creg *r = common_reg(f, rel, off, width, "writes");

		if (r)
			common_write(f, r, off, v);
		return;
	}
	if (in(&f->isr, off, &rel)) {
		misuse(f, SIM_STATUS_PROTOCOL, "the read-only ISR", "writes", off,
		       width);
		return;
	}
	if (in(&f->device, off, &rel)) {
		if (f->lied && (uint64_t)rel + width > d->config_len)
			return;
		sim_vdev_config_write(d, rel, width, v);
		return;
	}
	if (in(&f->notify, off, &rel)) {
		notify_write(f, rel, off, width, v);
		return;
	}
	misuse(f, SIM_MMIO_OUTSIDE, "a BAR offset outside every virtio region",
	       "writes", off, width);
}

const char *sim_pci_bar_reg_name(struct sim_pci_fn *f, uint32_t off)
{
	uint32_t rel;

	if (in(&f->common, off, &rel)) {
		const struct creg *r = creg_at(rel);

		return r ? r->name : "common";
	}
	if (in(&f->isr, off, &rel))
		return "isr";
	if (in(&f->device, off, &rel))
		return "device.config";
	if (in(&f->notify, off, &rel))
		return "notify";
	return NULL;
}
