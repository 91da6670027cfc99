/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio register file (VirtIO 1.2, 4.2.2 modern, 4.2.4 legacy) in
 * front of the transport-neutral device core. Register-level rules
 * (4.2.2.2: 32-bit aligned accesses, no writes to read-only or reads of
 * write-only registers, nothing where the table has no register) are
 * checked here; everything else is vdev.c's.
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/device.h"
#include "sim/mmio.h"
#include "virtio/spec.h"

enum { R = 1, W = 2, RW = 3 };          /* directions of the spec's table */
enum { V1 = 1, V2 = 2, V12 = 3 };       /* versions a register exists in */

struct reg {
	const char *name;
	uint8_t dir;
	uint8_t versions;
};

#define REG(off, n, d, v) [(off) / 4] = { n, d, v }
#define SHM_SEL 0x0ac
#define SHM_LEN_LOW 0x0b0
#define SHM_LEN_HIGH 0x0b4
#define SHM_BASE_LOW 0x0b8
#define SHM_BASE_HIGH 0x0bc

static const struct reg regs[VIRTIO_MMIO_CONFIG / 4] = {
	REG(VIRTIO_MMIO_MAGIC_VALUE, "MagicValue", R, V12),
	REG(VIRTIO_MMIO_VERSION, "Version", R, V12),
	REG(VIRTIO_MMIO_DEVICE_ID, "DeviceID", R, V12),
	REG(VIRTIO_MMIO_VENDOR_ID, "VendorID", R, V12),
	REG(VIRTIO_MMIO_DEVICE_FEATURES, "DeviceFeatures", R, V12),
	REG(VIRTIO_MMIO_DEVICE_FEATURES_SEL, "DeviceFeaturesSel", W, V12),
	REG(VIRTIO_MMIO_DRIVER_FEATURES, "DriverFeatures", W, V12),
	REG(VIRTIO_MMIO_DRIVER_FEATURES_SEL, "DriverFeaturesSel", W, V12),
	REG(VIRTIO_MMIO_GUEST_PAGE_SIZE, "GuestPageSize", W, V1),
	REG(VIRTIO_MMIO_QUEUE_SEL, "QueueSel", W, V12),
	REG(VIRTIO_MMIO_QUEUE_NUM_MAX, "QueueNumMax", R, V12),
	REG(VIRTIO_MMIO_QUEUE_NUM, "QueueNum", W, V12),
	REG(VIRTIO_MMIO_QUEUE_ALIGN, "QueueAlign", W, V1),
	REG(VIRTIO_MMIO_QUEUE_PFN, "QueuePFN", RW, V1),
	REG(VIRTIO_MMIO_QUEUE_READY, "QueueReady", RW, V2),
	REG(VIRTIO_MMIO_QUEUE_NOTIFY, "QueueNotify", W, V12),
	REG(VIRTIO_MMIO_INTERRUPT_STATUS, "InterruptStatus", R, V12),
	REG(VIRTIO_MMIO_INTERRUPT_ACK, "InterruptACK", W, V12),
	REG(VIRTIO_MMIO_STATUS, "Status", RW, V12),
	REG(VIRTIO_MMIO_QUEUE_DESC_LOW, "QueueDescLow", W, V2),
	REG(VIRTIO_MMIO_QUEUE_DESC_HIGH, "QueueDescHigh", W, V2),
	REG(VIRTIO_MMIO_QUEUE_DRIVER_LOW, "QueueDriverLow", W, V2),
	REG(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, "QueueDriverHigh", W, V2),
	REG(VIRTIO_MMIO_QUEUE_DEVICE_LOW, "QueueDeviceLow", W, V2),
	REG(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, "QueueDeviceHigh", W, V2),
	REG(SHM_SEL, "SHMSel", W, V2),
	REG(SHM_LEN_LOW, "SHMLenLow", R, V2),
	REG(SHM_LEN_HIGH, "SHMLenHigh", R, V2),
	REG(SHM_BASE_LOW, "SHMBaseLow", R, V2),
	REG(SHM_BASE_HIGH, "SHMBaseHigh", R, V2),
	REG(VIRTIO_MMIO_CONFIG_GENERATION, "ConfigGeneration", R, V2),
};

static const char *mmio_reg_name(void *ctx, uint64_t off)
{
	(void)ctx;
	if (off >= VIRTIO_MMIO_CONFIG)
		return "Config";
	return regs[off / 4].name;
}

/* 4.2.2.2: the one rule per access; returns the register or NULL after a
 * finding. */
static const struct reg *check(struct sim_mmio_dev *m, uint64_t off,
			       unsigned width, uint8_t dir)
{
	const struct reg *r;

	if (off & (width - 1)) { /* widths are 1, 2, 4, 8 */
		sim_report(SIM_MMIO_MISALIGNED, NULL, NULL,
			   "driver accesses a virtio-mmio register misaligned "
			   "[offset=0x%llx] [width=%u]",
			   (unsigned long long)off, width);
		return NULL;
	}
	if (width != 4) {
		sim_report(SIM_MMIO_WIDTH, NULL, NULL,
			   "driver accesses a virtio-mmio register with a "
			   "%u-byte access, not 32-bit [offset=0x%llx]",
			   width, (unsigned long long)off);
		return NULL;
	}
	r = &regs[off / 4];
	if (!r->name || !(r->versions & m->version)) {
		sim_report(SIM_MMIO_OUTSIDE, NULL, NULL,
			   "driver accesses an offset with no register "
			   "[offset=0x%llx] [version=%u]",
			   (unsigned long long)off, m->version);
		return NULL;
	}
	if (!(r->dir & dir)) {
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   dir == R ? "driver reads a write-only register "
				      "[register=%s] [offset=0x%llx]"
				    : "driver writes a read-only register "
				      "[register=%s] [offset=0x%llx]",
			   r->name, (unsigned long long)off);
		return NULL;
	}
	return r;
}

static bool queue_sel_ok(const struct sim_mmio_dev *m)
{
	return m->queue_sel < SIM_VDEV_MAX_QUEUES;
}

static uint64_t mmio_read(void *ctx, uint64_t off, unsigned width)
{
	struct sim_mmio_dev *m = ctx;
	struct sim_vdev *d = m->dev;
	uint32_t v;

	if (off >= VIRTIO_MMIO_CONFIG)
		return sim_vdev_config_read(d, (uint32_t)(off - VIRTIO_MMIO_CONFIG),
					    width);
	if (!check(m, off, width, R))
		return 0;
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return (uint32_t)sim_decide("mmio.magic", VIRTIO_MMIO_MAGIC, 4);
	case VIRTIO_MMIO_VERSION:
		v = (uint32_t)sim_decide("mmio.version", m->version, 4);
		/* A device that says it is the other version before the driver
		 * started behaves as that version, so the driver is judged by
		 * what it was told. */
		if (v != m->version && (v == 1 || v == 2) && d->status == 0) {
			m->version = v;
			sim_vdev_set_legacy(d, v == 1);
		}
		return v;
	case VIRTIO_MMIO_DEVICE_ID:
		return (uint32_t)sim_decide("mmio.device_id", d->device_id, 4);
	case VIRTIO_MMIO_VENDOR_ID:
		return (uint32_t)sim_decide("mmio.vendor", SIM_MMIO_VENDOR, 4);
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return sim_vdev_device_features_word(d, m->dev_features_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return sim_vdev_num_max(d, m->queue_sel);
	case VIRTIO_MMIO_QUEUE_PFN:
		return sim_vdev_queue_ready(d, m->queue_sel) ? m->pfn[m->queue_sel]
							    : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return sim_vdev_queue_ready(d, m->queue_sel);
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return sim_vdev_isr(d);
	case VIRTIO_MMIO_STATUS:
		return sim_vdev_status(d);
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return sim_vdev_config_generation(d);
	case SHM_LEN_LOW:
	case SHM_LEN_HIGH:
	case SHM_BASE_LOW:
	case SHM_BASE_HIGH:
		return 0xffffffffu; /* 4.2.2: no shared memory regions */
	}
	return 0;
}

/* 2.7.2 legacy: desc at PFN * GuestPageSize, avail after it, used at the
 * next QueueAlign boundary. */
static void legacy_enable(struct sim_mmio_dev *m, uint32_t qi, uint32_t pfn)
{
	uint64_t ps = m->guest_page_size, al = m->align[qi], num = m->num[qi];
	virtio_paddr_t desc, avail, used;

	if (ps == 0 || (ps & (ps - 1))) {
		sim_report(SIM_QUEUE_CONFIG, NULL, NULL,
			   "driver sets QueuePFN without a power-of-two "
			   "GuestPageSize [queue=%u] [page_size=%llu]",
			   qi, (unsigned long long)ps);
		return;
	}
	if (al == 0 || (al & (al - 1))) {
		sim_report(SIM_QUEUE_CONFIG, NULL, NULL,
			   "driver sets QueuePFN without a power-of-two "
			   "QueueAlign [queue=%u] [align=%llu]",
			   qi, (unsigned long long)al);
		return;
	}
	desc = (uint64_t)pfn * ps;
	avail = desc + 16 * num;
	used = (avail + VIRTQ_AVAIL_SIZE(num) + al - 1) & ~(al - 1);
	if (sim_vdev_queue_enable(m->dev, qi, m->num[qi], desc, avail, used) ==
	    0)
		m->pfn[qi] = pfn;
}

static void set_half(virtio_paddr_t *a, bool high, uint32_t v)
{
	if (high)
		*a = (*a & 0xffffffffull) | (uint64_t)v << 32;
	else
		*a = (*a & ~0xffffffffull) | v;
}

static void mmio_write(void *ctx, uint64_t off, unsigned width, uint64_t val)
{
	struct sim_mmio_dev *m = ctx;
	struct sim_vdev *d = m->dev;
	const struct reg *r;
	uint32_t v = (uint32_t)val, qi = m->queue_sel;

	if (off >= VIRTIO_MMIO_CONFIG) {
		sim_vdev_config_write(d, (uint32_t)(off - VIRTIO_MMIO_CONFIG),
				      width, val);
		return;
	}
	r = check(m, off, width, W);
	if (!r)
		return;
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->dev_features_sel = v;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		sim_vdev_set_driver_features_word(d, m->drv_features_sel, v);
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		m->drv_features_sel = v;
		return;
	case VIRTIO_MMIO_GUEST_PAGE_SIZE:
		m->guest_page_size = v;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		m->queue_sel = v;
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		sim_vdev_notify(d, v);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		sim_vdev_isr_ack(d, v);
		return;
	case VIRTIO_MMIO_STATUS:
		sim_vdev_set_status(d, (uint8_t)v);
		return;
	case SHM_SEL:
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		if (v == 0)
			sim_vdev_queue_disable(d, qi);
		else if (queue_sel_ok(m))
			sim_vdev_queue_enable(d, qi, m->num[qi], m->desc[qi],
					      m->avail[qi], m->used[qi]);
		else
			sim_vdev_queue_enable(d, qi, 0, 0, 0, 0);
		return;
	case VIRTIO_MMIO_QUEUE_PFN:
		if (v == 0)
			sim_vdev_queue_disable(d, qi);
		else if (queue_sel_ok(m))
			legacy_enable(m, qi, v);
		else
			sim_vdev_queue_enable(d, qi, 0, 0, 0, 0);
		return;
	}
	/* The rest set up the selected queue. */
	if (sim_vdev_queue_may_change(d, qi, r->name) || !queue_sel_ok(m))
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		m->num[qi] = v;
		return;
	case VIRTIO_MMIO_QUEUE_ALIGN:
		m->align[qi] = v;
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&m->desc[qi], off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		return;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(&m->avail[qi], off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, v);
		return;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		set_half(&m->used[qi], off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, v);
		return;
	}
}

/* Device reset: the front's per-queue registers go back to 0. */
static void mmio_front_reset(void *ctx)
{
	struct sim_mmio_dev *m = ctx;

	memset(m->num, 0, sizeof(m->num));
	memset(m->align, 0, sizeof(m->align));
	memset(m->pfn, 0, sizeof(m->pfn));
	memset(m->desc, 0, sizeof(m->desc));
	memset(m->avail, 0, sizeof(m->avail));
	memset(m->used, 0, sizeof(m->used));
}

static const struct sim_window_ops mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
	.reg_name = mmio_reg_name,
};

int sim_mmio_attach(struct sim_mmio_dev *m, virtio_paddr_t base,
		    uint32_t version, struct sim_vdev *dev)
{
	if (version != 1 && version != 2)
		return -1;
	m->dev = dev;
	m->base = base;
	m->version = version;
	m->dev_features_sel = m->drv_features_sel = m->queue_sel = 0;
	m->guest_page_size = 0;
	mmio_front_reset(m);
	if (sim_window_add(base, SIM_MMIO_WINDOW_SIZE, &mmio_ops, m,
			   version == 1 ? "virtio-mmio-v1" : "virtio-mmio-v2"))
		return -1;
	sim_vdev_plug(dev, version == 1, mmio_front_reset, m);
	return 0;
}
