/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio transport (VirtIO 1.2, 4.2): probe of the register window and
 * the register-level transport ops for version 1 (legacy: one page-aligned
 * queue region given by PFN) and version 2 (modern: three queue areas and
 * QueueReady). The status protocol itself is in transport.c.
 */
#include "virtio/access.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"
#include "virtio/spec.h"

/* 4.2.4 legacy: the driver's page size, used to scale QueuePFN. */
#define LEGACY_PAGE_SHIFT 12
#define LEGACY_PAGE_SIZE (1u << LEGACY_PAGE_SHIFT)

static inline struct virtio_mmio *to_mmio(struct virtio_transport *t)
{
	return (struct virtio_mmio *)t; /* t is the first member */
}

static uint32_t rd(struct virtio_mmio *m, size_t off)
{
	return virtio_read32(m->base + off);
}

static void wr(struct virtio_mmio *m, size_t off, uint32_t v)
{
	virtio_write32(m->base + off, v);
}

static uint64_t mmio_read_device_features(struct virtio_transport *t)
{
	struct virtio_mmio *m = to_mmio(t);

	return virtio_features_read(m->base + VIRTIO_MMIO_DEVICE_FEATURES_SEL,
				    m->base + VIRTIO_MMIO_DEVICE_FEATURES);
}

static void mmio_write_driver_features(struct virtio_transport *t, uint64_t f)
{
	struct virtio_mmio *m = to_mmio(t);

	virtio_features_write(m->base + VIRTIO_MMIO_DRIVER_FEATURES_SEL,
			      m->base + VIRTIO_MMIO_DRIVER_FEATURES, f);
}

static uint8_t mmio_get_status(struct virtio_transport *t)
{
	return (uint8_t)rd(to_mmio(t), VIRTIO_MMIO_STATUS);
}

static void mmio_set_status(struct virtio_transport *t, uint8_t status)
{
	wr(to_mmio(t), VIRTIO_MMIO_STATUS, status);
}

static uint32_t mmio_max_queue_size(struct virtio_transport *t, uint16_t idx)
{
	struct virtio_mmio *m = to_mmio(t);

	wr(m, VIRTIO_MMIO_QUEUE_SEL, idx);
	return rd(m, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

static bool mmio_queue_used(struct virtio_transport *t, uint16_t idx)
{
	struct virtio_mmio *m = to_mmio(t);

	wr(m, VIRTIO_MMIO_QUEUE_SEL, idx);
	if (m->version == 1)
		return rd(m, VIRTIO_MMIO_QUEUE_PFN) != 0;
	return rd(m, VIRTIO_MMIO_QUEUE_READY) != 0;
}

static int legacy_queue_set(struct virtio_mmio *m, uint16_t idx, uint16_t size,
			    virtio_paddr_t desc, virtio_paddr_t avail,
			    virtio_paddr_t used)
{
	virtio_paddr_t used_want;
	uint64_t pfn = desc >> LEGACY_PAGE_SHIFT;

	/* 2.7.2 legacy layout: the device derives avail and used from PFN,
	 * so the areas must sit exactly where it will look. PFN 0 means
	 * "no queue". */
	used_want = (avail + VIRTQ_AVAIL_SIZE(size) + VIRTQ_LEGACY_ALIGN - 1) &
		    ~(virtio_paddr_t)(VIRTQ_LEGACY_ALIGN - 1);
	if ((desc & (LEGACY_PAGE_SIZE - 1)) || pfn == 0 || pfn > UINT32_MAX ||
	    avail != desc + (virtio_paddr_t)VIRTQ_DESC_SIZE * size ||
	    used != used_want)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: redundant */
	wr(m, VIRTIO_MMIO_QUEUE_SEL, idx);
	wr(m, VIRTIO_MMIO_QUEUE_NUM, size);
	wr(m, VIRTIO_MMIO_QUEUE_ALIGN, VIRTQ_LEGACY_ALIGN);
	wr(m, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)pfn);
	return VIRTIO_OK;
}

static int mmio_queue_set(struct virtio_transport *t, uint16_t idx,
			  uint16_t size, virtio_paddr_t desc,
			  virtio_paddr_t driver_area,
			  virtio_paddr_t device_area)
{
	struct virtio_mmio *m = to_mmio(t);

	if (m->version == 1)
		return legacy_queue_set(m, idx, size, desc, driver_area,
					device_area);
	/* 4.2.3.2: select, size, the three areas, then ready. */
	wr(m, VIRTIO_MMIO_QUEUE_SEL, idx);
	wr(m, VIRTIO_MMIO_QUEUE_NUM, size);
	wr(m, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(m, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(m, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)driver_area);
	wr(m, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(driver_area >> 32));
	wr(m, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)device_area);
	wr(m, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(device_area >> 32));
	wr(m, VIRTIO_MMIO_QUEUE_READY, 1);
	return VIRTIO_OK;
}

static void mmio_queue_unset(struct virtio_transport *t, uint16_t idx)
{
	struct virtio_mmio *m = to_mmio(t);

	wr(m, VIRTIO_MMIO_QUEUE_SEL, idx);
	if (m->version == 1) {
		wr(m, VIRTIO_MMIO_QUEUE_PFN, 0);
	} else {
		wr(m, VIRTIO_MMIO_QUEUE_READY, 0);
		/* 4.2.2.2: read back to synchronise; the value is not used
		 * (the device has been reset and owns nothing). */
		(void)rd(m, VIRTIO_MMIO_QUEUE_READY);
	}
}

static void mmio_notify(struct virtio_transport *t, uint16_t idx)
{
	wr(to_mmio(t), VIRTIO_MMIO_QUEUE_NOTIFY, idx);
}

static uint32_t mmio_ack_interrupt(struct virtio_transport *t)
{
	struct virtio_mmio *m = to_mmio(t);
	uint32_t s = rd(m, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (s)
		wr(m, VIRTIO_MMIO_INTERRUPT_ACK, s);
	return s;
}

static uint32_t mmio_config_generation(struct virtio_transport *t)
{
	struct virtio_mmio *m = to_mmio(t);

	/* Legacy has no ConfigGeneration register: constant 0. */
	if (m->version == 1)
		return 0;
	return rd(m, VIRTIO_MMIO_CONFIG_GENERATION);
}

static uint32_t mmio_config_read(struct virtio_transport *t, size_t offset,
				 unsigned width)
{
	volatile uint8_t *p = to_mmio(t)->base + VIRTIO_MMIO_CONFIG + offset;

	if (width == 1)
		return virtio_read8(p);
	if (width == 2)
		return virtio_read16(p);
	return virtio_read32(p);
}

static void mmio_config_write(struct virtio_transport *t, size_t offset,
			      unsigned width, uint32_t val)
{
	volatile uint8_t *p = to_mmio(t)->base + VIRTIO_MMIO_CONFIG + offset;

	if (width == 1)
		virtio_write8(p, (uint8_t)val);
	else if (width == 2)
		virtio_write16(p, (uint16_t)val); /* cov-exempt: unused */
	else
		virtio_write32(p, val);
}

static const struct virtio_transport_ops mmio_ops = {
	.read_device_features = mmio_read_device_features,
	.write_driver_features = mmio_write_driver_features,
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.max_queue_size = mmio_max_queue_size,
	.queue_used = mmio_queue_used,
	.queue_set = mmio_queue_set,
	.queue_unset = mmio_queue_unset,
	.notify = mmio_notify,
	.ack_interrupt = mmio_ack_interrupt,
	.config_generation = mmio_config_generation,
	.config_read = mmio_config_read,
	.config_write = mmio_config_write,
};

int virtio_mmio_init(struct virtio_mmio *m, const struct virtio_hal *hal,
		     virtio_paddr_t paddr, size_t size)
{
	struct virtio_transport *t;
	uint32_t device_id;

	if (!m || !hal || size < VIRTIO_MMIO_WINDOW_MIN)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	t = &m->t;
	m->base = virtio_mmio_phys_to_virt(hal, paddr, size);
	if (!m->base)
		return VIRTIO_EMMIO_MAP; /* cov-exempt: no-sim-lie */
	m->size = size;

	/* 4.2.2.2: check magic and version before anything else. */
	if (rd(m, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
		return VIRTIO_EBAD_MAGIC;
	m->version = rd(m, VIRTIO_MMIO_VERSION);
	if (m->version != 1 && m->version != 2)
		return VIRTIO_EBAD_VERSION;
	/* Device ID 0 is a placeholder window with no device behind it. */
	device_id = rd(m, VIRTIO_MMIO_DEVICE_ID);
	if (device_id == 0)
		return VIRTIO_EBAD_DEVICE_ID;
	/* Any vendor is valid except all-ones, a bus that decodes nothing. */
	m->vendor_id = rd(m, VIRTIO_MMIO_VENDOR_ID);
	if (m->vendor_id == UINT32_MAX)
		return VIRTIO_EBAD_VENDOR;

	t->ops = &mmio_ops;
	t->hal = hal;
	t->device_id = device_id;
	t->config_size = size - VIRTIO_MMIO_CONFIG;
	t->legacy = m->version == 1;
	t->features = 0;
	t->poll_budget = VIRTIO_POLL_BUDGET_DEFAULT;
	t->refuse_features = 0;
	t->broken = false;
	/* 4.2.4: legacy drivers tell the device their page size once, before
	 * any queue is set up; QueuePFN is in these units. */
	if (t->legacy)
		wr(m, VIRTIO_MMIO_GUEST_PAGE_SIZE, LEGACY_PAGE_SIZE);
	return VIRTIO_OK;
}
