/* SPDX-License-Identifier: MIT */
/*
 * The hand-played driver (hand.h): machine set-up and teardown, the
 * transport as a driver drives it, and queue 0's rings.
 */
#include <stdlib.h>

#include "fuzz/device.h"
#include "hand.h"
#include "sim/sim.h"
#include "virtio/access.h"

struct sim_blk *blk;
volatile uint8_t *win;
volatile uint8_t *ecam;
enum tp tp;
struct hand_drv drv;

/* ---- the machine ---------------------------------------------------------- */

void *alloc(size_t pages, enum virtio_dir dir, virtio_paddr_t *pa)
{
	void *va = NULL;

	if (virtio_dma_alloc(&sim_hal, pages, dir, pa, &va) != 0) {
		fprintf(stderr, "device_misuse: dma_alloc(%zu) failed\n", pages);
		exit(3);
	}
	return va;
}

volatile uint8_t *map(virtio_paddr_t pa, size_t len)
{
	volatile uint8_t *p = virtio_mmio_phys_to_virt(&sim_hal, pa, len);

	if (!p) {
		fprintf(stderr, "device_misuse: cannot map 0x%llx\n",
			(unsigned long long)pa);
		exit(3);
	}
	return p;
}

bool legacy(void) { return tp == MMIO1; }
bool is_pci(void) { return tp == PCI || tp == PCI_NOFW; }

void setup(enum tp t, virtio_paddr_t mmio_base)
{
	static const enum fuzz_transport seam[] = {
		[MMIO1] = FUZZ_MMIO_V1, [MMIO2] = FUZZ_MMIO_V2,
		[PCI] = FUZZ_PCI_FIRMWARE_BARS, [PCI_NOFW] = FUZZ_PCI_UNASSIGNED,
	};
	static struct sim_mmio_dev off_base; /* a window the seam never uses */
	static const struct sim_blk_config sim_defaults; /* not the harness's */
	struct sim_vdev *d = fuzz_device_blk.model(&sim_defaults);

	tp = t;
	if (!d)
		exit(3);
	blk = d->model;
	if (is_pci()) {
		if (fuzz_attach_sim(d, seam[t]))
			exit(3);
		ecam = map(SIM_PCI_ECAM_BASE, PCI_ECAM_BUS_SIZE) +
		       ((size_t)FUZZ_PCI_DEVNO << PCI_ECAM_DEV_SHIFT);
		if (t == PCI)
			win = map(SIM_PCI_MEM_BASE, SIM_PCI_BAR_SIZE);
	} else {
		/* Scenarios about the window itself put it elsewhere. */
		if (mmio_base == FUZZ_MMIO_BASE ? fuzz_attach_sim(d, seam[t])
		    : sim_mmio_attach(&off_base, mmio_base, t, d))
			exit(3);
		win = map(mmio_base, SIM_MMIO_WINDOW_SIZE);
	}
	if (legacy()) {
		drv.ring = alloc(2, VIRTIO_DIR_BOTH, &drv.ring_pa);
		drv.used = drv.ring + 4096;
		drv.used_pa = drv.ring_pa + 4096;
	} else {
		drv.ring = alloc(1, VIRTIO_DIR_DRIVER_TO_DEVICE, &drv.ring_pa);
		drv.used = alloc(1, VIRTIO_DIR_DEVICE_TO_DRIVER, &drv.used_pa);
	}
	drv.buf = alloc(4, VIRTIO_DIR_BOTH, &drv.buf_pa);
}

void teardown(void)
{
	if (legacy()) {
		virtio_dma_dealloc(&sim_hal, drv.ring_pa, drv.ring, 2);
	} else {
		virtio_dma_dealloc(&sim_hal, drv.ring_pa, drv.ring, 1);
		virtio_dma_dealloc(&sim_hal, drv.used_pa, drv.used, 1);
	}
	virtio_dma_dealloc(&sim_hal, drv.buf_pa, drv.buf, 4);
}

/* virtio-mmio registers, PCI common config (c*), ECAM (e*). */
uint32_t rd(unsigned off) { return virtio_read32(win + off); }
void wr(unsigned off, uint32_t v) { virtio_write32(win + off, v); }
uint8_t c8(unsigned off) { return virtio_read8(win + off); }
uint16_t c16(unsigned off) { return virtio_read16(win + off); }
uint32_t c32(unsigned off) { return virtio_read32(win + off); }
void w8(unsigned off, uint8_t v) { virtio_write8(win + off, v); }
void w16(unsigned off, uint16_t v) { virtio_write16(win + off, v); }
void w32(unsigned off, uint32_t v) { virtio_write32(win + off, v); }

/* ---- the transport, as a driver drives it -------------------------------- */

void status_set(uint8_t v)
{
	if (is_pci())
		w8(CC(DEVICE_STATUS), v);
	else
		wr(VIRTIO_MMIO_STATUS, v);
}

uint8_t status_get(void)
{
	return is_pci() ? c8(CC(DEVICE_STATUS)) : (uint8_t)rd(VIRTIO_MMIO_STATUS);
}

uint64_t features_get(void)
{
	uint64_t f;

	if (is_pci()) {
		w32(CC(DEVICE_FEATURE_SELECT), 1);
		f = (uint64_t)c32(CC(DEVICE_FEATURE)) << 32;
		w32(CC(DEVICE_FEATURE_SELECT), 0);
		return f | c32(CC(DEVICE_FEATURE));
	}
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | rd(VIRTIO_MMIO_DEVICE_FEATURES);
}

void features_set_word(uint32_t sel, uint32_t v)
{
	if (is_pci()) {
		w32(CC(DRIVER_FEATURE_SELECT), sel);
		w32(CC(DRIVER_FEATURE), v);
	} else {
		wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
		wr(VIRTIO_MMIO_DRIVER_FEATURES, v);
	}
}

/* 3.1.1 up to FEATURES_OK (modern) or DRIVER (legacy), accepting `want`
 * & offered. Returns what was accepted. */
uint64_t negotiate(uint64_t want)
{
	status_set(0);
	status_set(VIRTIO_STATUS_ACKNOWLEDGE);
	status_set(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	want &= features_get();
	features_set_word(0, (uint32_t)want);
	features_set_word(1, (uint32_t)(want >> 32));
	if (!legacy())
		status_set(0xb);
	return want;
}

/* Program queue `qi` without enabling it. */
void queue_program(uint32_t qi, uint32_t num, virtio_paddr_t desc,
			  virtio_paddr_t avail, virtio_paddr_t used)
{
	if (is_pci()) {
		w16(CC(QUEUE_SELECT), (uint16_t)qi);
		w16(CC(QUEUE_SIZE), (uint16_t)num);
		w32(CC(QUEUE_DESC), (uint32_t)desc);
		w32(CC(QUEUE_DESC) + 4, (uint32_t)(desc >> 32));
		w32(CC(QUEUE_DRIVER), (uint32_t)avail);
		w32(CC(QUEUE_DRIVER) + 4, (uint32_t)(avail >> 32));
		w32(CC(QUEUE_DEVICE), (uint32_t)used);
		w32(CC(QUEUE_DEVICE) + 4, (uint32_t)(used >> 32));
		return;
	}
	wr(VIRTIO_MMIO_QUEUE_SEL, qi);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	if (legacy()) {
		wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
		wr(VIRTIO_MMIO_QUEUE_ALIGN, 4096);
		return;
	}
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
}

void queue_enable(uint32_t qi)
{
	if (is_pci())
		w16(CC(QUEUE_ENABLE), 1);
	else if (legacy())
		wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(drv.ring_pa >> 12));
	else
		wr(VIRTIO_MMIO_QUEUE_READY, 1);
	(void)qi;
}

void queue_up(void)
{
	if (!is_pci()) {
		wr(VIRTIO_MMIO_QUEUE_SEL, 0);
		(void)rd(VIRTIO_MMIO_QUEUE_NUM_MAX);
	}
	queue_program(0, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa);
	queue_enable(0);
}

uint64_t bring_up(uint64_t want)
{
	uint64_t got = negotiate(want | F_V1);

	queue_up();
	status_set(legacy() ? 0x7 : 0xf);
	return got;
}

void notify(uint16_t qi)
{
	if (is_pci())
		w16(SIM_PCI_NOTIFY_OFF + SIM_PCI_NOTIFY_MULT * qi, qi);
	else
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, qi);
}

/* Interrupt status, acknowledged (PCI: reading clears it). */
uint32_t isr(void)
{
	uint32_t v;

	if (is_pci())
		return c8(SIM_PCI_ISR_OFF);
	v = rd(VIRTIO_MMIO_INTERRUPT_STATUS);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, v);
	return v;
}

volatile uint8_t *config(void)
{
	return win + (is_pci() ? SIM_PCI_DEVICE_OFF : VIRTIO_MMIO_CONFIG);
}

/* ---- rings ---------------------------------------------------------------- */

/* Descriptor i of the ring (table == NULL) or of an indirect table. */
void desc(uint8_t *table, unsigned i, virtio_paddr_t a, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	uint8_t *d = (table ? table : drv.ring) + 16 * i;

	virtio_put_le64(d, a);
	virtio_put_le32(d + 8, len);
	virtio_put_le16(d + 12, flags);
	virtio_put_le16(d + 14, next);
}

void make_avail(uint16_t head)
{
	virtio_put_le16(AVAIL + 4 + 2 * (drv.avail_idx % QSIZE), head);
	drv.avail_idx++;
	virtio_put_le16(AVAIL + 2, drv.avail_idx);
	notify(0);
}

uint16_t used_idx(void) { return virtio_get_le16(drv.used + 2); }
uint32_t used_id(unsigned n) { return virtio_get_le32(drv.used + 4 + 8 * (n % QSIZE)); }
uint32_t used_len(unsigned n) { return virtio_get_le32(drv.used + 8 + 8 * (n % QSIZE)); }
uint16_t avail_event(void) { return virtio_get_le16(drv.used + 4 + 8 * QSIZE); }

void blk_header(uint32_t type, uint64_t sector)
{
	virtio_put_le32(drv.buf + HDR, type);
	virtio_put_le32(drv.buf + HDR + 4, 0);
	virtio_put_le64(drv.buf + HDR + 8, sector);
	drv.buf[STATUS] = 0xee;
}

/* hdr, data (readable for OUT, else writable), status: ring descriptors
 * `first`.. (len 0: no data descriptor). */
void blk_request_at(uint16_t first, uint32_t type, uint64_t sector,
			   uint32_t len)
{
	uint16_t wflag = type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE;
	uint16_t d = first;

	blk_header(type, sector);
	desc(NULL, d, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, (uint16_t)(d + 1));
	d++;
	if (len) {
		desc(NULL, d, drv.buf_pa + DATA, len, wflag | VIRTQ_DESC_F_NEXT,
		     (uint16_t)(d + 1));
		d++;
	}
	desc(NULL, d, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(first);
}

void blk_request(uint32_t type, uint64_t sector, uint32_t len)
{
	blk_request_at(0, type, sector, len);
}

