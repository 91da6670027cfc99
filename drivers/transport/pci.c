/* SPDX-License-Identifier: MIT */
/*
 * virtio-pci modern transport (VirtIO 1.2, 4.1): find the virtio
 * capabilities, check each against its BAR, map the common, notify, ISR and
 * device regions, and implement the transport ops over the common config.
 * The status protocol is in transport.c; config space and BARs in ecam.c.
 */
#include "virtio/errors.h"
#include "virtio/pci.h"

static inline struct virtio_pci *to_pci(struct virtio_transport *t)
{
	return (struct virtio_pci *)t; /* t is the first member */
}

/* ---- common config accessors, each field at its natural width ---------- */

static void c_wr32(struct virtio_pci *p, unsigned off, uint32_t v)
{
	virtio_write32(p->common + off, v);
}
static uint16_t c_rd16(struct virtio_pci *p, unsigned off)
{
	return virtio_read16(p->common + off);
}
static void c_wr16(struct virtio_pci *p, unsigned off, uint16_t v)
{
	virtio_write16(p->common + off, v);
}
/* 4.1.3.1: 64-bit fields are written as two 32-bit halves, low first. */
static void c_wr64(struct virtio_pci *p, unsigned off, uint64_t v)
{
	c_wr32(p, off, (uint32_t)v);
	c_wr32(p, off + 4, (uint32_t)(v >> 32));
}

static uint64_t pci_read_device_features(struct virtio_transport *t)
{
	struct virtio_pci *p = to_pci(t);

	return virtio_features_read(
		p->common + VIRTIO_PCI_COMMON_DEVICE_FEATURE_SELECT,
		p->common + VIRTIO_PCI_COMMON_DEVICE_FEATURE);
}

static void pci_write_driver_features(struct virtio_transport *t, uint64_t f)
{
	struct virtio_pci *p = to_pci(t);

	virtio_features_write(p->common + VIRTIO_PCI_COMMON_DRIVER_FEATURE_SELECT,
			      p->common + VIRTIO_PCI_COMMON_DRIVER_FEATURE, f);
}

static uint8_t pci_get_status(struct virtio_transport *t)
{
	return virtio_read8(to_pci(t)->common + VIRTIO_PCI_COMMON_DEVICE_STATUS);
}

static void pci_set_status(struct virtio_transport *t, uint8_t status)
{
	struct virtio_pci *p = to_pci(t);

	/* A reset forgets every queue, and with it its notify address. */
	if (status == 0)
		p->queue_live = 0;
	virtio_write8(p->common + VIRTIO_PCI_COMMON_DEVICE_STATUS, status);
}

static uint32_t pci_max_queue_size(struct virtio_transport *t, uint16_t idx)
{
	struct virtio_pci *p = to_pci(t);

	/* Queues past num_queues do not exist (4.1.4.3); queues past our
	 * table we cannot notify: both are "not available". */
	if (idx >= p->num_queues || idx >= VIRTIO_PCI_MAX_QUEUES)
		return 0;
	c_wr16(p, VIRTIO_PCI_COMMON_QUEUE_SELECT, idx);
	return c_rd16(p, VIRTIO_PCI_COMMON_QUEUE_SIZE);
}

static bool pci_queue_used(struct virtio_transport *t, uint16_t idx)
{
	struct virtio_pci *p = to_pci(t);

	if (idx >= p->num_queues)
		return false;
	c_wr16(p, VIRTIO_PCI_COMMON_QUEUE_SELECT, idx);
	return c_rd16(p, VIRTIO_PCI_COMMON_QUEUE_ENABLE) != 0;
}

/* 4.1.5.1.2: MSI-X is not used; the device must accept NO_VECTOR. */
static int no_vector(struct virtio_pci *p, unsigned off)
{
	c_wr16(p, off, VIRTIO_MSI_NO_VECTOR);
	if (c_rd16(p, off) != VIRTIO_MSI_NO_VECTOR)
		return VIRTIO_EPCI_MSIX;
	return VIRTIO_OK;
}

static int pci_queue_set(struct virtio_transport *t, uint16_t idx,
			 uint16_t size, virtio_paddr_t desc,
			 virtio_paddr_t driver_area, virtio_paddr_t device_area)
{
	struct virtio_pci *p = to_pci(t);
	uint32_t off, end;
	int err;

	if (idx >= p->num_queues || idx >= VIRTIO_PCI_MAX_QUEUES)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: redundant */
	err = no_vector(p, VIRTIO_PCI_COMMON_MSIX_CONFIG);
	if (err)
		return err;
	/* 4.1.5.1.3: select, size, vector, the three areas, then enable. */
	c_wr16(p, VIRTIO_PCI_COMMON_QUEUE_SELECT, idx);
	/* 4.1.4.4: the queue's notify address is cap.offset +
	 * queue_notify_off * notify_off_multiplier; its 16-bit write must
	 * land inside the notify region. */
	off = c_rd16(p, VIRTIO_PCI_COMMON_QUEUE_NOTIFY_OFF);
	if (__builtin_mul_overflow(off, p->notify_mult, &off) ||
	    __builtin_add_overflow(off, 2u, &end) || end > p->notify_len)
		return VIRTIO_EPCI_NOTIFY;
	c_wr16(p, VIRTIO_PCI_COMMON_QUEUE_SIZE, size);
	err = no_vector(p, VIRTIO_PCI_COMMON_QUEUE_MSIX_VECTOR);
	if (err)
		return err;
	c_wr64(p, VIRTIO_PCI_COMMON_QUEUE_DESC, desc);
	c_wr64(p, VIRTIO_PCI_COMMON_QUEUE_DRIVER, driver_area);
	c_wr64(p, VIRTIO_PCI_COMMON_QUEUE_DEVICE, device_area);
	p->queue_notify[idx] = off;
	p->queue_live |= 1u << idx;
	c_wr16(p, VIRTIO_PCI_COMMON_QUEUE_ENABLE, 1);
	return VIRTIO_OK;
}

static void pci_queue_unset(struct virtio_transport *t, uint16_t idx)
{
	/* 4.1.4.3.2: the driver must not write 0 to queue_enable; the
	 * device was reset (which disabled the queue). Forget the notify
	 * address so a stray kick cannot reach it. */
	if (idx < VIRTIO_PCI_MAX_QUEUES)
		to_pci(t)->queue_live &= ~(1u << idx);
}

static void pci_notify(struct virtio_transport *t, uint16_t idx)
{
	struct virtio_pci *p = to_pci(t);

	if (idx >= VIRTIO_PCI_MAX_QUEUES || !(p->queue_live & (1u << idx)))
		return; /* cov-exempt: redundant */
	/* 4.1.5.2: without NOTIFICATION_DATA the value is the queue index. */
	virtio_write16(p->notify + p->queue_notify[idx], idx);
}

static uint32_t pci_ack_interrupt(struct virtio_transport *t)
{
	/* 4.1.4.5: reading the ISR clears it. */
	return virtio_read8(to_pci(t)->isr) &
	       (VIRTIO_PCI_ISR_QUEUE | VIRTIO_PCI_ISR_CONFIG);
}

static uint32_t pci_config_generation(struct virtio_transport *t)
{
	return virtio_read8(to_pci(t)->common +
			    VIRTIO_PCI_COMMON_CONFIG_GENERATION);
}

static uint32_t pci_config_read(struct virtio_transport *t, size_t offset,
				unsigned width)
{
	volatile uint8_t *a = to_pci(t)->device + offset;

	if (width == 1)
		return virtio_read8(a);
	if (width == 2)
		return virtio_read16(a);
	return virtio_read32(a);
}

static void pci_config_write(struct virtio_transport *t, size_t offset,
			     unsigned width, uint32_t val)
{
	volatile uint8_t *a = to_pci(t)->device + offset;

	if (width == 1)
		virtio_write8(a, (uint8_t)val);
	else if (width == 2)
		virtio_write16(a, (uint16_t)val); /* cov-exempt: unused */
	else
		virtio_write32(a, val);
}

static const struct virtio_transport_ops pci_ops = {
	.read_device_features = pci_read_device_features,
	.write_driver_features = pci_write_driver_features,
	.get_status = pci_get_status,
	.set_status = pci_set_status,
	.max_queue_size = pci_max_queue_size,
	.queue_used = pci_queue_used,
	.queue_set = pci_queue_set,
	.queue_unset = pci_queue_unset,
	.notify = pci_notify,
	.ack_interrupt = pci_ack_interrupt,
	.config_generation = pci_config_generation,
	.config_read = pci_config_read,
	.config_write = pci_config_write,
};

/* ---- probe --------------------------------------------------------------- */

int virtio_pci_device_type(const struct virtio_pci_func *f, uint32_t *type)
{
	uint16_t id = f->device_id;

	if (f->vendor_id != VIRTIO_PCI_VENDOR_ID)
		return VIRTIO_EBAD_VENDOR; /* cov-exempt: no-sim-lie */
	if (id > VIRTIO_PCI_DEVICE_ID_MODERN && id <= VIRTIO_PCI_DEVICE_ID_MAX) {
		*type = id - VIRTIO_PCI_DEVICE_ID_MODERN;
		return VIRTIO_OK;
	}
	if (id >= VIRTIO_PCI_DEVICE_ID_TRANS_MIN &&
	    id <= VIRTIO_PCI_DEVICE_ID_TRANS_MAX) {
		/* 4.1.2.1: transitional devices carry the type in the
		 * subsystem id; 0 and ids past the modern range are lies. */
		uint16_t sub = virtio_pci_cfg_read16(f, PCI_SUBSYSTEM_ID);

		if (sub == 0 || sub > VIRTIO_PCI_DEVICE_ID_MAX -
					      VIRTIO_PCI_DEVICE_ID_MODERN)
			/* cov-exempt: no-sim-lie */
			return VIRTIO_EBAD_DEVICE_ID;
		*type = sub;
		return VIRTIO_OK;
	}
	return VIRTIO_EBAD_DEVICE_ID;
}

int virtio_pci_vcap_read(const struct virtio_pci_func *f, uint16_t off,
			 struct virtio_pci_vcap *out)
{
	unsigned min = VIRTIO_PCI_CAP_SIZE;

	out->cap_len = virtio_pci_cfg_read8(f, off + VIRTIO_PCI_CAP_LEN);
	out->cfg_type = virtio_pci_cfg_read8(f, off + VIRTIO_PCI_CAP_CFG_TYPE);
	if (out->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		min = VIRTIO_PCI_NOTIFY_CAP_SIZE;
	else if (out->cfg_type == VIRTIO_PCI_CAP_PCI_CFG)
		min = VIRTIO_PCI_CFG_CAP_SIZE;
	if (out->cap_len < min || off + out->cap_len > PCI_CFG_STD_SIZE)
		return VIRTIO_EPCI_CAP;
	out->bar = virtio_pci_cfg_read8(f, off + VIRTIO_PCI_CAP_BAR);
	out->offset = virtio_pci_cfg_read32(f, off + VIRTIO_PCI_CAP_OFFSET);
	out->length = virtio_pci_cfg_read32(f, off + VIRTIO_PCI_CAP_LENGTH);
	out->notify_mult = 0;
	if (out->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		out->notify_mult = virtio_pci_cfg_read32(
			f, off + VIRTIO_PCI_NOTIFY_CAP_MULT);
	return VIRTIO_OK;
}

/* What each region must satisfy: 4.1.4.3 / .4 / .5 / .7. */
static const struct {
	uint32_t min_len; /* bytes the driver accesses */
	uint32_t align;   /* offset alignment */
} region_rule[] = {
	[VIRTIO_PCI_CAP_COMMON_CFG] = { VIRTIO_PCI_COMMON_CFG_MIN, 4 },
	[VIRTIO_PCI_CAP_NOTIFY_CFG] = { 2, 2 },
	[VIRTIO_PCI_CAP_ISR_CFG] = { 1, 1 },
	[VIRTIO_PCI_CAP_DEVICE_CFG] = { 0, 4 },
};

/* Probe state: BARs decoded once, and the first usable cap of each type. */
struct probe {
	struct virtio_pci_bar bar[PCI_STD_NUM_BARS];
	uint8_t bar_done;             /* bit i: bar[i] probed */
	int bar_err[PCI_STD_NUM_BARS];
	struct virtio_pci_vcap cap[VIRTIO_PCI_CAP_DEVICE_CFG + 1];
	bool have[VIRTIO_PCI_CAP_DEVICE_CFG + 1];
	int skipped[VIRTIO_PCI_CAP_DEVICE_CFG + 1]; /* why one was passed over */
};

static int bar_of(const struct virtio_pci_func *f, struct probe *pr,
		  unsigned idx, const struct virtio_pci_bar **out)
{
	if (!(pr->bar_done & (1u << idx))) {
		pr->bar_err[idx] = virtio_pci_bar_probe(f, idx, &pr->bar[idx]);
		pr->bar_done |= (uint8_t)(1u << idx);
	}
	*out = &pr->bar[idx];
	return pr->bar_err[idx];
}

/* Check cap `c` of a region type against its BAR; 0 when usable. */
static int region_check(const struct virtio_pci_func *f, struct probe *pr,
			const struct virtio_pci_vcap *c)
{
	const struct virtio_pci_bar *bar;
	uint32_t end;
	int err;

	if (c->bar > VIRTIO_PCI_CAP_BAR_MAX)
		return VIRTIO_EPCI_BAR;
	err = bar_of(f, pr, c->bar, &bar);
	if (err)
		return err;
	if (bar->size == 0 || bar->addr == 0)
		return VIRTIO_EPCI_BAR;
	if (__builtin_add_overflow(c->offset, c->length, &end) ||
	    end > bar->size)
		return VIRTIO_EPCI_RANGE;
	if (c->length < region_rule[c->cfg_type].min_len ||
	    (c->offset & (region_rule[c->cfg_type].align - 1)))
		return VIRTIO_EPCI_RANGE;
	if (c->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG && c->notify_mult != 0 &&
	    (c->notify_mult < 2 || (c->notify_mult & (c->notify_mult - 1))))
		return VIRTIO_EPCI_NOTIFY; /* 4.1.4.4: even power of 2 or 0 */
	return VIRTIO_OK;
}

/*
 * 4.1.4.1: use the first capability of each type the driver can use and
 * ignore ones with a reserved BAR. A cap passed over for its BAR (reserved
 * index, IO BAR...) is remembered: if no usable one follows, that is the
 * error. Other malformations end the walk.
 */
static int scan_caps(struct virtio_pci *p, struct probe *pr)
{
	struct virtio_pci_cap_iter it = { 0 };
	int err;

	for (;;) {
		struct virtio_pci_vcap c;

		err = virtio_pci_cap_next(&p->fn, &it);
		if (err)
			return err;
		if (it.off == 0)
			return VIRTIO_OK;
		if (it.id != PCI_CAP_ID_VNDR)
			continue;
		err = virtio_pci_vcap_read(&p->fn, it.off, &c);
		if (err)
			return err;
		if (c.cfg_type == VIRTIO_PCI_CAP_PCI_CFG) {
			if (!p->pci_cfg_off)
				p->pci_cfg_off = it.off;
			continue;
		}
		if (c.cfg_type < VIRTIO_PCI_CAP_COMMON_CFG ||
		    c.cfg_type > VIRTIO_PCI_CAP_DEVICE_CFG ||
		    pr->have[c.cfg_type])
			continue; /* other types: not ours to use */
		err = region_check(&p->fn, pr, &c);
		if (err == VIRTIO_EPCI_BAR) {
			pr->skipped[c.cfg_type] = err;
			continue;
		}
		if (err)
			return err;
		pr->cap[c.cfg_type] = c;
		pr->have[c.cfg_type] = true;
	}
}

/*
 * The regions must not overlap: a notify write landing on common config
 * (queue_enable, say) or device config would reprogram the device behind
 * the driver's back. Compared by bus address, so BARs that alias count.
 */
static int regions_disjoint(const struct probe *pr)
{
	for (unsigned i = VIRTIO_PCI_CAP_COMMON_CFG;
	     i <= VIRTIO_PCI_CAP_DEVICE_CFG; i++) {
		const struct virtio_pci_vcap *a = &pr->cap[i];

		if (!pr->have[i] || a->length == 0)
			continue; /* an absent cap's fields are not set */
		uint64_t a0 = pr->bar[a->bar].addr + a->offset;
		for (unsigned j = i + 1; j <= VIRTIO_PCI_CAP_DEVICE_CFG; j++) {
			const struct virtio_pci_vcap *b = &pr->cap[j];

			if (!pr->have[j] || b->length == 0)
				continue;
			uint64_t b0 = pr->bar[b->bar].addr + b->offset;
			if (a0 < b0 + b->length && b0 < a0 + a->length)
				return VIRTIO_EPCI_RANGE;
		}
	}
	return VIRTIO_OK;
}

static int map_region(const struct virtio_hal *hal, const struct probe *pr,
		      unsigned type, volatile uint8_t **base, uint32_t *len)
{
	const struct virtio_pci_vcap *c = &pr->cap[type];

	*len = c->length;
	if (c->length == 0) { /* an empty device config: nothing to map */
		*base = NULL;
		return VIRTIO_OK;
	}
	*base = virtio_mmio_phys_to_virt(hal, pr->bar[c->bar].addr + c->offset,
					 c->length);
	return *base ? VIRTIO_OK : VIRTIO_EMMIO_MAP;
}

int virtio_pci_init(struct virtio_pci *p, const struct virtio_hal *hal,
		    const struct virtio_pci_func *fn)
{
	static const uint8_t required[] = { VIRTIO_PCI_CAP_COMMON_CFG,
					    VIRTIO_PCI_CAP_NOTIFY_CFG,
					    VIRTIO_PCI_CAP_ISR_CFG };
	struct virtio_transport *t = &p->t;
	struct probe pr;
	uint32_t type;
	uint16_t cmd;
	unsigned i;
	int err;

	if (!p || !hal || !fn || !fn->cfg)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	p->fn = *fn;
	/* Re-read the identity: the caller's copy may be stale. */
	p->fn.vendor_id = virtio_pci_cfg_read16(fn, PCI_VENDOR_ID);
	p->fn.device_id = virtio_pci_cfg_read16(fn, PCI_DEVICE_ID);
	err = virtio_pci_device_type(&p->fn, &type);
	if (err)
		return err;
	p->fn.header_type = virtio_pci_cfg_read8(fn, PCI_HEADER_TYPE) &
			    PCI_HEADER_TYPE_MASK;
	if (p->fn.header_type != PCI_HEADER_TYPE_NORMAL)
		/* cov-exempt: no-sim-lie */
		return VIRTIO_EBAD_DEVICE_ID; /* 4.1.2: an endpoint */

	/* The regions need memory decoding, the rings bus mastering. */
	cmd = virtio_pci_cfg_read16(fn, PCI_COMMAND);
	if ((cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) !=
	    (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER))
		/* cov-exempt: no-sim-lie */
		virtio_pci_cfg_write16(fn, PCI_COMMAND,
				       (uint16_t)(cmd | PCI_COMMAND_MEMORY |
						  PCI_COMMAND_MASTER));

	pr.bar_done = 0;
	for (i = 0; i <= VIRTIO_PCI_CAP_DEVICE_CFG; i++) {
		pr.have[i] = false;
		pr.skipped[i] = 0;
	}
	p->pci_cfg_off = 0;
	err = scan_caps(p, &pr);
	if (err)
		return err;
	for (i = 0; i < sizeof(required); i++)
		if (!pr.have[required[i]])
			return pr.skipped[required[i]]
				       ? pr.skipped[required[i]]
				       : VIRTIO_EPCI_CAP_MISSING;
	if (!pr.have[VIRTIO_PCI_CAP_DEVICE_CFG]) {
		if (pr.skipped[VIRTIO_PCI_CAP_DEVICE_CFG])
			return pr.skipped[VIRTIO_PCI_CAP_DEVICE_CFG];
		/* No config space: config_size 0. Whether the device needs
		 * one is its driver's to say (virtio_config_read gives it
		 * ECONFIG_MISSING); the transport knows no device types. */
		pr.cap[VIRTIO_PCI_CAP_DEVICE_CFG].length = 0;
	}
	err = regions_disjoint(&pr);
	if (err)
		return err;

	err = map_region(hal, &pr, VIRTIO_PCI_CAP_COMMON_CFG, &p->common,
			 &p->common_len);
	if (!err)
		err = map_region(hal, &pr, VIRTIO_PCI_CAP_NOTIFY_CFG,
				 &p->notify, &p->notify_len);
	if (!err)
		err = map_region(hal, &pr, VIRTIO_PCI_CAP_ISR_CFG, &p->isr,
				 &p->isr_len);
	if (!err)
		err = map_region(hal, &pr, VIRTIO_PCI_CAP_DEVICE_CFG,
				 &p->device, &p->device_len);
	if (err)
		return err; /* cov-exempt: no-sim-lie */
	p->notify_mult = pr.cap[VIRTIO_PCI_CAP_NOTIFY_CFG].notify_mult;
	p->num_queues = c_rd16(p, VIRTIO_PCI_COMMON_NUM_QUEUES);
	p->queue_live = 0;

	t->ops = &pci_ops;
	t->hal = hal;
	t->device_id = type;
	t->config_size = p->device_len;
	t->legacy = false;
	t->features = 0;
	t->poll_budget = VIRTIO_POLL_BUDGET_DEFAULT;
	t->refuse_features = 0;
	t->broken = false;
	return VIRTIO_OK;
}
