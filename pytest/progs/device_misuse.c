/* SPDX-License-Identifier: MIT */
/*
 * Plays a driver by hand against the device side of the sim (vdev.c, mmio.c,
 * pci.c, pci_bar.c, vq.c, dev/blk.c), register by register and descriptor by
 * descriptor, for the pytest suite: each misuse scenario must raise exactly
 * its finding, each "ok-" sequence none (and see the device answer as the
 * spec says). Record mode; prints "findings=<n> last=<class>" on stdout.
 * Not a test of drivers/: no driver code runs here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/blk.h"
#include "sim/mmio.h"
#include "sim/pci.h"
#include "sim/sim.h"
#include "virtio/access.h"
#include "virtio/pci_regs.h"

#define QSIZE 8u
#define BIT(n) (1ull << (n))
#define F_V1 BIT(VIRTIO_F_VERSION_1)
#define F_INDIRECT BIT(VIRTIO_F_RING_INDIRECT_DESC)
#define F_EVENT_IDX BIT(VIRTIO_F_RING_EVENT_IDX)
#define FAIL(...) return printf(__VA_ARGS__), printf("\n"), 1
#define EXPECT(c, ...) do { if (!(c)) FAIL(__VA_ARGS__); } while (0)

/* ---- the machine and the hand-played driver ------------------------------ */

enum tp { MMIO1 = 1, MMIO2 = 2, PCI = 3, PCI_NOFW = 4 };

static struct sim_blk blk;
static struct sim_mmio_dev mdev;
static struct sim_pci host;
static volatile uint8_t *win;  /* virtio-mmio window, or the PCI BAR */
static volatile uint8_t *ecam; /* PCI config space of bus 0 */
static enum tp tp;

/* The driver's queue 0: ring page (descriptors at 0, avail at 128), used
 * ring (legacy: the next page of the same allocation), a 4-page buffer. */
static struct {
	virtio_paddr_t ring_pa, used_pa, buf_pa;
	uint8_t *ring, *used, *buf;
	uint16_t avail_idx;
} drv;
#define AVAIL (drv.ring + 16 * QSIZE)
#define AVAIL_PA (drv.ring_pa + 16 * QSIZE)
/* Buffer layout: header at 0, status at 64, indirect tables at 2048,
 * data from 4096. */
#define HDR 0
#define STATUS 64
#define ITAB 2048
#define DATA 4096

static void *alloc(size_t pages, enum virtio_dir dir, virtio_paddr_t *pa)
{
	void *va = NULL;

	if (virtio_dma_alloc(&sim_hal, pages, dir, pa, &va) != 0) {
		fprintf(stderr, "device_misuse: dma_alloc(%zu) failed\n", pages);
		exit(3);
	}
	return va;
}

static volatile uint8_t *map(virtio_paddr_t pa, size_t len)
{
	volatile uint8_t *p = virtio_mmio_phys_to_virt(&sim_hal, pa, len);

	if (!p) {
		fprintf(stderr, "device_misuse: cannot map 0x%llx\n",
			(unsigned long long)pa);
		exit(3);
	}
	return p;
}

static bool legacy(void) { return tp == MMIO1; }
static bool is_pci(void) { return tp == PCI || tp == PCI_NOFW; }

static void setup(enum tp t, virtio_paddr_t mmio_base)
{
	tp = t;
	if (sim_blk_create(&blk, NULL))
		exit(3);
	if (is_pci()) {
		if (sim_pci_init(&host, t == PCI) ||
		    sim_pci_attach(&host, 0, 0, &blk.dev))
			exit(3);
		ecam = map(SIM_PCI_ECAM_BASE, PCI_ECAM_BUS_SIZE);
		if (t == PCI)
			win = map(SIM_PCI_MEM_BASE, SIM_PCI_BAR_SIZE);
	} else {
		if (sim_mmio_attach(&mdev, mmio_base, t, &blk.dev))
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

static void teardown(void)
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
static uint32_t rd(unsigned off) { return virtio_read32(win + off); }
static void wr(unsigned off, uint32_t v) { virtio_write32(win + off, v); }
static uint8_t c8(unsigned off) { return virtio_read8(win + off); }
static uint16_t c16(unsigned off) { return virtio_read16(win + off); }
static uint32_t c32(unsigned off) { return virtio_read32(win + off); }
static void w8(unsigned off, uint8_t v) { virtio_write8(win + off, v); }
static void w16(unsigned off, uint16_t v) { virtio_write16(win + off, v); }
static void w32(unsigned off, uint32_t v) { virtio_write32(win + off, v); }
#define CC(r) (SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_##r)

/* ---- the transport, as a driver drives it -------------------------------- */

static void status_set(uint8_t v)
{
	if (is_pci())
		w8(CC(DEVICE_STATUS), v);
	else
		wr(VIRTIO_MMIO_STATUS, v);
}

static uint8_t status_get(void)
{
	return is_pci() ? c8(CC(DEVICE_STATUS)) : (uint8_t)rd(VIRTIO_MMIO_STATUS);
}

static uint64_t features_get(void)
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

static void features_set_word(uint32_t sel, uint32_t v)
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
static uint64_t negotiate(uint64_t want)
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
static void queue_program(uint32_t qi, uint32_t num, virtio_paddr_t desc,
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

static void queue_enable(uint32_t qi)
{
	if (is_pci())
		w16(CC(QUEUE_ENABLE), 1);
	else if (legacy())
		wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(drv.ring_pa >> 12));
	else
		wr(VIRTIO_MMIO_QUEUE_READY, 1);
	(void)qi;
}

static void queue_up(void)
{
	if (!is_pci()) {
		wr(VIRTIO_MMIO_QUEUE_SEL, 0);
		(void)rd(VIRTIO_MMIO_QUEUE_NUM_MAX);
	}
	queue_program(0, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa);
	queue_enable(0);
}

static uint64_t bring_up(uint64_t want)
{
	uint64_t got = negotiate(want | F_V1);

	queue_up();
	status_set(legacy() ? 0x7 : 0xf);
	return got;
}

static void notify(uint16_t qi)
{
	if (is_pci())
		w16(SIM_PCI_NOTIFY_OFF + SIM_PCI_NOTIFY_MULT * qi, qi);
	else
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, qi);
}

/* Interrupt status, acknowledged (PCI: reading clears it). */
static uint32_t isr(void)
{
	uint32_t v;

	if (is_pci())
		return c8(SIM_PCI_ISR_OFF);
	v = rd(VIRTIO_MMIO_INTERRUPT_STATUS);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, v);
	return v;
}

static volatile uint8_t *config(void)
{
	return win + (is_pci() ? SIM_PCI_DEVICE_OFF : VIRTIO_MMIO_CONFIG);
}

/* ---- rings ---------------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

/* Descriptor i of the ring (table == NULL) or of an indirect table. */
static void desc(uint8_t *table, unsigned i, virtio_paddr_t a, uint32_t len,
		 uint16_t flags, uint16_t next)
{
	uint8_t *d = (table ? table : drv.ring) + 16 * i;

	put64(d, a);
	put32(d + 8, len);
	put16(d + 12, flags);
	put16(d + 14, next);
}

static void make_avail(uint16_t head)
{
	put16(AVAIL + 4 + 2 * (drv.avail_idx % QSIZE), head);
	drv.avail_idx++;
	put16(AVAIL + 2, drv.avail_idx);
	notify(0);
}

static uint16_t used_idx(void) { return get16(drv.used + 2); }
static uint32_t used_id(unsigned n) { return get32(drv.used + 4 + 8 * (n % QSIZE)); }
static uint32_t used_len(unsigned n) { return get32(drv.used + 8 + 8 * (n % QSIZE)); }
static uint16_t avail_event(void) { return get16(drv.used + 4 + 8 * QSIZE); }

static void blk_header(uint32_t type, uint64_t sector)
{
	put32(drv.buf + HDR, type);
	put32(drv.buf + HDR + 4, 0);
	put64(drv.buf + HDR + 8, sector);
	drv.buf[STATUS] = 0xee;
}

/* hdr, data (readable for OUT, else writable), status: ring descriptors
 * `first`.. (len 0: no data descriptor). */
static void blk_request_at(uint16_t first, uint32_t type, uint64_t sector,
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

static void blk_request(uint32_t type, uint64_t sector, uint32_t len)
{
	blk_request_at(0, type, sector, len);
}

/* ---- misuse: status and features (vdev.c) ---------------------------------- */

static int driver_without_ack(void) { status_set(VIRTIO_STATUS_DRIVER); return 0; }
static int features_ok_without_driver(void) { status_set(1); status_set(1 | 8); return 0; }
static int features_ok_without_version_1(void) { negotiate(0); return 0; }
static int driver_ok_without_driver(void) { status_set(1); status_set(1 | 4); return 0; }
static int driver_ok_before_features_ok(void) { status_set(1); status_set(3); status_set(7); return 0; }
static int driver_ok_after_refusal(void)
{
	negotiate(F_V1);
	/* The device cleared FEATURES_OK; the driver goes on regardless. */
	status_set(status_get() | VIRTIO_STATUS_DRIVER_OK);
	return 0;
}
static int driver_ok_over_refusal(void)
{
	negotiate(F_V1);
	/* The driver ignores the refusal and writes the status it meant. */
	status_set(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	return 0;
}
static int status_bits_cleared(void) { negotiate(F_V1); status_set(3); return 0; }
static int features_before_driver(void) { status_set(1); features_set_word(0, 0); return 0; }
static int features_after_features_ok(void) { negotiate(F_V1); features_set_word(1, 1); return 0; }
static int features_after_driver_ok(void) { bring_up(0); features_set_word(0, 0); return 0; }
static int feature_not_offered(void)
{
	status_set(1);
	status_set(3);
	(void)features_get();
	features_set_word(0, 1u << VIRTIO_BLK_F_RO);
	return 0;
}
static int config_write_read_only(void) { virtio_write32(config(), 5); return 0; }
static int config_past_end(void) { (void)virtio_read32(config() + SIM_BLK_CONFIG_LEN); return 0; }
static int config_field_width(void) { (void)virtio_read8(config() + VIRTIO_BLK_CFG_BLK_SIZE); return 0; }
static int config_8_byte(void) { (void)virtio_read64(config()); return 0; }
/* Reachable only when the device config region itself starts misaligned (its
 * PCI capability says 0x2002); the driver reads 4 bytes at config offset 2. */
static int config_misaligned(void) { (void)virtio_read32(win + 0x2002 + 2); return 0; }

/* ---- misuse: queue set-up (vdev.c, mmio.c legacy) ------------------------- */

static int qenable(uint32_t qi, uint32_t num, virtio_paddr_t desc_pa,
		   virtio_paddr_t avail, virtio_paddr_t used)
{
	negotiate(F_V1);
	queue_program(qi, num, desc_pa, avail, used);
	if (is_pci())
		w16(CC(QUEUE_ENABLE), 1);
	else if (legacy())
		wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(desc_pa >> 12));
	else
		wr(VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}
static int queue_num_zero(void) { return qenable(0, 0, drv.ring_pa, AVAIL_PA, drv.used_pa); }
static int queue_num_not_pow2(void) { return qenable(0, 6, drv.ring_pa, AVAIL_PA, drv.used_pa); }
static int queue_num_above_max(void) { return qenable(0, 512, drv.ring_pa, AVAIL_PA, drv.used_pa); }
static int queue_max_zero(void) { return qenable(1, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa); }
static int queue_not_exist(void) { return qenable(8, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa); }
static int queue_desc_misaligned(void) { return qenable(0, QSIZE, drv.ring_pa + 8, AVAIL_PA, drv.used_pa); }
static int queue_avail_misaligned(void) { return qenable(0, QSIZE, drv.ring_pa, AVAIL_PA + 1, drv.used_pa); }
static int queue_used_misaligned(void) { return qenable(0, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa + 2); }
static int queue_area_wraps(void) { return qenable(0, QSIZE, 0xfffffffffffffff0ull, AVAIL_PA, drv.used_pa); }
static int queue_enable_before_features_ok(void)
{
	status_set(1);
	status_set(3);
	queue_program(0, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa);
	queue_enable(0);
	return 0;
}
static int queue_enable_legacy_before_driver(void)
{
	status_set(1);
	queue_program(0, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa);
	queue_enable(0);
	return 0;
}
static int queue_change_while_enabled(void)
{
	negotiate(F_V1);
	queue_up();
	if (is_pci())
		w16(CC(QUEUE_SIZE), 4);
	else
		wr(VIRTIO_MMIO_QUEUE_NUM, 4);
	return 0;
}
static int queue_change_after_driver_ok(void)
{
	bring_up(0);
	if (is_pci()) {
		w16(CC(QUEUE_SELECT), 0);
		w32(CC(QUEUE_DESC), (uint32_t)drv.ring_pa);
	} else {
		wr(VIRTIO_MMIO_QUEUE_SEL, 0);
		wr(VIRTIO_MMIO_QUEUE_NUM, 4);
	}
	return 0;
}
static int legacy_pfn_without_page_size(void)
{
	negotiate(0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_ALIGN, 4096);
	wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(drv.ring_pa >> 12));
	return 0;
}
static int legacy_page_size_not_pow2(void)
{
	negotiate(0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 3000);
	wr(VIRTIO_MMIO_QUEUE_ALIGN, 4096);
	wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(drv.ring_pa >> 12));
	return 0;
}
static int legacy_pfn_without_align(void)
{
	negotiate(0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
	wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(drv.ring_pa >> 12));
	return 0;
}
static int notify_before_driver_ok(void) { negotiate(F_V1); queue_up(); notify(0); return 0; }
static int notify_unready_queue(void) { bring_up(0); notify(1); return 0; }

/* ---- misuse: virtio-mmio registers (mmio.c) -------------------------------- */

static int mmio_width_16(void) { (void)virtio_read16(win + VIRTIO_MMIO_STATUS); return 0; }
static int mmio_width_8_write(void) { virtio_write8(win + VIRTIO_MMIO_STATUS, 1); return 0; }
static int mmio_width_64(void) { (void)virtio_read64(win + VIRTIO_MMIO_QUEUE_DESC_LOW); return 0; }
static int mmio_misaligned(void) { (void)virtio_read32(win + VIRTIO_MMIO_STATUS + 2); return 0; }
static int mmio_read_write_only(void) { (void)rd(VIRTIO_MMIO_QUEUE_SEL); return 0; }
static int mmio_write_read_only(void) { wr(VIRTIO_MMIO_MAGIC_VALUE, 1); return 0; }
static int mmio_no_register(void) { (void)rd(0x018); return 0; }
static int mmio_no_register_write(void) { wr(0x0c0, 1); return 0; }
static int mmio_legacy_reg_on_v2(void) { wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096); return 0; }
static int mmio_v2_reg_on_v1(void) { wr(VIRTIO_MMIO_QUEUE_READY, 1); return 0; }

/* ---- misuse: descriptor chains and the avail ring (vq.c, dev/blk.c) ------- */

static int avail_jump(void)
{
	bring_up(0);
	put16(AVAIL + 2, QSIZE + 1);
	notify(0);
	return 0;
}
static int head_out_of_range(void) { bring_up(0); make_avail(QSIZE); return 0; }
static int chain_loop(void)
{
	bring_up(0);
	desc(NULL, 0, drv.buf_pa, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa, 16, VIRTQ_DESC_F_NEXT, 0);
	make_avail(0);
	return 0;
}
static int chain_next_out_of_range(void)
{
	bring_up(0);
	desc(NULL, 0, drv.buf_pa, 16, VIRTQ_DESC_F_NEXT, QSIZE);
	make_avail(0);
	return 0;
}
static int indirect_loop(void)
{
	bring_up(F_INDIRECT);
	desc(drv.buf + ITAB, 0, drv.buf_pa, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(drv.buf + ITAB, 1, drv.buf_pa, 16, VIRTQ_DESC_F_NEXT, 0);
	desc(NULL, 0, drv.buf_pa + ITAB, 32, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	return 0;
}
static int indirect_next_out_of_range(void)
{
	bring_up(F_INDIRECT);
	desc(drv.buf + ITAB, 0, drv.buf_pa, 16, VIRTQ_DESC_F_NEXT, 2);
	desc(drv.buf + ITAB, 1, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	desc(NULL, 0, drv.buf_pa + ITAB, 32, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	return 0;
}
static int indirect_nested(void)
{
	bring_up(F_INDIRECT);
	desc(drv.buf + ITAB, 0, drv.buf_pa + ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc(NULL, 0, drv.buf_pa + ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	return 0;
}
static int indirect_not_negotiated(void)
{
	bring_up(0);
	desc(NULL, 0, drv.buf_pa + ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	return 0;
}
static int indirect_with_next(void)
{
	bring_up(F_INDIRECT);
	desc(drv.buf + ITAB, 0, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	desc(NULL, 0, drv.buf_pa + ITAB, 16,
	     VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(0);
	return 0;
}
static int indirect_len(uint32_t len)
{
	bring_up(F_INDIRECT);
	desc(NULL, 0, drv.buf_pa + ITAB, len, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	return 0;
}
static int indirect_len_24(void) { return indirect_len(24); }
static int indirect_len_0(void) { return indirect_len(0); }
static int readable_after_writable(void)
{
	bring_up(0);
	desc(NULL, 0, drv.buf_pa, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa, 16, 0, 0);
	make_avail(0);
	return 0;
}
static int chain_longer_than_queue(void)
{
	bring_up(F_INDIRECT);
	for (unsigned i = 0; i <= QSIZE; i++)
		desc(drv.buf + ITAB, i, drv.buf_pa + HDR, 16,
		     i < QSIZE ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	desc(NULL, 0, drv.buf_pa + ITAB, 16 * (QSIZE + 1), VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	return 0;
}
static int chain_over_4gib(void)
{
	bring_up(0);
	desc(NULL, 0, drv.buf_pa, 0x80000000u, VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa, 0x80000000u, VIRTQ_DESC_F_WRITE, 0);
	make_avail(0);
	return 0;
}
static int blk_without_status(void)
{
	bring_up(0);
	blk_header(VIRTIO_BLK_T_IN, 0);
	desc(NULL, 0, drv.buf_pa + HDR, 16, 0, 0);
	make_avail(0);
	return 0;
}
static int blk_short_header(void)
{
	bring_up(0);
	blk_header(VIRTIO_BLK_T_IN, 0);
	desc(NULL, 0, drv.buf_pa + HDR, 8, VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(0);
	return 0;
}
/* The device, told by a descriptor, reaches memory (core checks, sim/mem.c). */
static int desc_unowned(void)
{
	bring_up(0);
	desc(NULL, 0, SIM_DMA_BASE_DEFAULT + 0x100000, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(0);
	return 0;
}
static int desc_write_read_only(void)
{
	static uint8_t data[512];
	virtio_paddr_t pa;

	bring_up(0);
	if (virtio_share(&sim_hal, data, sizeof data, VIRTIO_DIR_DRIVER_TO_DEVICE,
			 &pa))
		exit(3);
	blk_header(VIRTIO_BLK_T_IN, 0);
	desc(NULL, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, pa, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	desc(NULL, 2, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(0);
	virtio_unshare(&sim_hal, pa, data, sizeof data, VIRTIO_DIR_DRIVER_TO_DEVICE);
	return 0;
}
static int ring_unowned(void)
{
	negotiate(F_V1);
	queue_program(0, QSIZE, drv.ring_pa, AVAIL_PA, SIM_DMA_BASE_DEFAULT + 0x100000);
	queue_enable(0);
	status_set(0xf);
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	return 0;
}

/* ---- misuse: virtio-pci (pci.c, pci_bar.c) ----------------------------------- */

static int pci_ecam_read_64(void) { (void)virtio_read64(ecam + PCI_VENDOR_ID); return 0; }
static int pci_ecam_write_64(void) { virtio_write64(ecam + PCI_BASE_ADDRESS_0 + 16, ~0ull); return 0; }
static int pci_memory_disabled(void)
{
	virtio_write16(ecam + PCI_COMMAND, 0);
	(void)c8(CC(DEVICE_STATUS));
	return 0;
}
static int pci_unassigned_bar_write(void)
{
	virtio_write16(ecam + PCI_COMMAND, PCI_COMMAND_MEMORY);
	win = map(SIM_PCI_MEM_BASE, SIM_PCI_BAR_SIZE);
	w8(CC(DEVICE_STATUS), 0);
	return 0;
}
static int pci_common_width(void) { (void)c16(CC(DEVICE_FEATURE)); return 0; }
static int pci_common_64(void) { (void)virtio_read64(win + CC(QUEUE_DESC)); return 0; }
static int pci_common_past_end(void) { (void)c16(CC(QUEUE_RESET) + 2); return 0; }
static int pci_common_write_ro(void) { w16(CC(NUM_QUEUES), 4); return 0; }
static int pci_device_feature_write(void) { w32(CC(DEVICE_FEATURE), 0); return 0; }
static int pci_isr_width(void) { (void)c32(SIM_PCI_ISR_OFF); return 0; }
static int pci_isr_write(void) { w8(SIM_PCI_ISR_OFF, 0); return 0; }
static int pci_outside_regions_read(void) { (void)c32(SIM_PCI_DEVICE_OFF + SIM_BLK_CONFIG_LEN); return 0; }
static int pci_outside_regions_write(void) { w32(SIM_PCI_DEVICE_OFF + SIM_BLK_CONFIG_LEN + 4, 0); return 0; }
static int pci_notify_width(void) { bring_up(0); w32(SIM_PCI_NOTIFY_OFF, 0); return 0; }
static int pci_notify_wrong_address(void)
{
	bring_up(0);
	w16(SIM_PCI_NOTIFY_OFF + SIM_PCI_NOTIFY_MULT, 0);
	return 0;
}
static int pci_queue_enable_0(void)
{
	negotiate(F_V1);
	queue_program(0, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa);
	w16(CC(QUEUE_ENABLE), 0);
	return 0;
}
static int pci_queue_reset(void) { bring_up(0); w16(CC(QUEUE_RESET), 1); return 0; }

/* ---- correct use ------------------------------------------------------------ */

/* Every readable register read, every writable one written, at 32 bits. */
static int ok_mmio_registers(void)
{
	uint32_t v2 = tp == MMIO2;

	EXPECT(rd(VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC, "magic");
	EXPECT(rd(VIRTIO_MMIO_VERSION) == (uint32_t)tp, "version");
	EXPECT(rd(VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK, "device id");
	EXPECT(rd(VIRTIO_MMIO_VENDOR_ID) == SIM_MMIO_VENDOR, "vendor");
	EXPECT(!(features_get() & F_V1) == !v2, "VERSION_1 offered iff modern");
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_NUM_MAX) == SIM_BLK_DEFAULT_QUEUE_MAX, "num max");
	if (v2) {
		EXPECT(rd(VIRTIO_MMIO_QUEUE_READY) == 0, "queue ready");
		wr(0x0ac, 0); /* SHMSel */
		EXPECT(rd(0x0b0) == 0xffffffffu && rd(0x0b4) == 0xffffffffu,
		       "no shared memory");
		(void)rd(0x0b8);
		(void)rd(0x0bc);
		(void)rd(VIRTIO_MMIO_CONFIG_GENERATION);
	} else {
		EXPECT(rd(VIRTIO_MMIO_QUEUE_PFN) == 0, "pfn");
	}
	EXPECT(isr() == 0, "isr");
	bring_up(0);
	EXPECT(status_get() == (v2 ? 0xf : 0x7), "status");
	status_set(0);
	return 0;
}

/* The blk workload: write, read back (direct or indirect), get_id, flush,
 * unknown type, past capacity; checks data, used entries, status bytes. */
static int blk_io(bool indirect)
{
	uint8_t back[1024];
	unsigned n = 0;

	EXPECT(virtio_read32(config()) == SIM_BLK_DEFAULT_SECTORS, "capacity");
	EXPECT(virtio_read32(config() + VIRTIO_BLK_CFG_BLK_SIZE) == 512, "blk_size");
	memset(drv.buf + DATA, 0xa5, 1024);
	blk_request(VIRTIO_BLK_T_OUT, 3, 1024);
	EXPECT(used_idx() == ++n && used_id(0) == 0 && used_len(0) == 1,
	       "write: used idx=%u id=%u len=%u", used_idx(), used_id(0), used_len(0));
	EXPECT(drv.buf[STATUS] == VIRTIO_BLK_S_OK, "write status %u", drv.buf[STATUS]);
	EXPECT(sim_blk_disk_read(&blk, 3, back, 1024) == 0 && back[0] == 0xa5 &&
	       back[1023] == 0xa5, "disk after write");
	EXPECT(isr() & 1, "no used-ring interrupt after write");
	memset(drv.buf + DATA, 0, 1024);
	blk_header(VIRTIO_BLK_T_IN, 2);
	if (indirect) {
		desc(drv.buf + ITAB, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
		desc(drv.buf + ITAB, 1, drv.buf_pa + DATA, 1024,
		     VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
		desc(drv.buf + ITAB, 2, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
		desc(NULL, 0, drv.buf_pa + ITAB, 48, VIRTQ_DESC_F_INDIRECT, 0);
		make_avail(0);
	} else {
		blk_request(VIRTIO_BLK_T_IN, 2, 1024);
	}
	EXPECT(used_idx() == ++n && used_len(1) == 1025, "read: used len %u",
	       used_len(1));
	EXPECT(drv.buf[DATA] == sim_blk_pattern(2, 0) &&
	       drv.buf[DATA + 511] == sim_blk_pattern(2, 511) &&
	       drv.buf[DATA + 512] == 0xa5, "read data");
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(used_len(n++) == 21 && !memcmp(drv.buf + DATA, "vfuzz-blk", 10) &&
	       drv.buf[STATUS] == 0, "get_id");
	blk_request(VIRTIO_BLK_T_FLUSH, 0, 0);
	n++;
	EXPECT(drv.buf[STATUS] == VIRTIO_BLK_S_UNSUPP, "flush without F_FLUSH");
	blk_request(77, 0, 0);
	n++;
	EXPECT(drv.buf[STATUS] == VIRTIO_BLK_S_UNSUPP, "unknown type");
	blk_request(VIRTIO_BLK_T_IN, SIM_BLK_DEFAULT_SECTORS - 1, 1024);
	EXPECT(drv.buf[STATUS] == VIRTIO_BLK_S_IOERR && used_len(n++) == 1,
	       "read past capacity");
	EXPECT(used_idx() == n, "used idx %u, want %u", used_idx(), n);
	EXPECT(sim_decide_consumed() == 0, "the empty input consumed bytes");
	return 0;
}

static int ok_io(void) { bring_up(0); if (blk_io(false)) return 1; status_set(0); return 0; }
static int ok_io_indirect(void)
{
	EXPECT(bring_up(F_INDIRECT) & F_INDIRECT, "indirect offered");
	if (blk_io(true))
		return 1;
	status_set(0);
	return 0;
}

/* Longest legal chains: QSIZE ring descriptors, QSIZE indirect entries; the
 * header split over two descriptors and data sharing the status's buffer
 * (2.6.4: no framing assumption); 3 laps of the rings. */
static int ok_chains(void)
{
	bring_up(F_INDIRECT);
	for (unsigned lap = 0; lap < 3 * QSIZE; lap++) {
		uint16_t n0 = used_idx();

		blk_header(VIRTIO_BLK_T_IN, lap);
		if (lap % 3 == 0) {
			desc(NULL, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
			for (unsigned i = 1; i < QSIZE - 1; i++)
				desc(NULL, i, drv.buf_pa + DATA + 512 * (i - 1), 512,
				     VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
				     (uint16_t)(i + 1));
			desc(NULL, QSIZE - 1, drv.buf_pa + STATUS, 1,
			     VIRTQ_DESC_F_WRITE, 0);
		} else if (lap % 3 == 1) {
			uint8_t *t = drv.buf + ITAB;

			desc(t, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
			for (unsigned i = 1; i < QSIZE - 1; i++)
				desc(t, i, drv.buf_pa + DATA + 512 * (i - 1), 512,
				     VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
				     (uint16_t)(i + 1));
			desc(t, QSIZE - 1, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
			desc(NULL, 0, drv.buf_pa + ITAB, 16 * QSIZE,
			     VIRTQ_DESC_F_INDIRECT, 0);
		} else {
			desc(NULL, 0, drv.buf_pa + HDR, 10, VIRTQ_DESC_F_NEXT, 1);
			desc(NULL, 1, drv.buf_pa + HDR + 10, 6, VIRTQ_DESC_F_NEXT, 2);
			/* 512 data bytes and the status byte in one buffer */
			desc(NULL, 2, drv.buf_pa + DATA, 513, VIRTQ_DESC_F_WRITE, 0);
		}
		make_avail(0);
		EXPECT(used_idx() == (uint16_t)(n0 + 1) && used_id(n0) == 0,
		       "lap %u: used idx %u id %u", lap, used_idx(), used_id(n0));
		EXPECT(drv.buf[DATA] == sim_blk_pattern(lap, 0), "lap %u: data", lap);
		EXPECT(lap % 3 != 2 || drv.buf[DATA + 512] == VIRTIO_BLK_S_OK,
		       "lap %u: status in the data buffer", lap);
	}
	status_set(0);
	return 0;
}

/* 2.7.10: avail_event follows the driver; used_event suppresses interrupts. */
static int ok_event_idx(void)
{
	EXPECT(bring_up(F_EVENT_IDX) & F_EVENT_IDX, "event idx offered");
	put16(AVAIL + 4 + 2 * QSIZE, 0); /* used_event: after the first */
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(avail_event() == 1, "avail_event %u", avail_event());
	EXPECT(isr() & 1, "interrupt for used_event 0");
	put16(AVAIL + 4 + 2 * QSIZE, 2); /* wake me once entry 2 is used */
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(!(isr() & 1), "interrupt before used_event");
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(isr() & 1, "no interrupt when entry used_event was used");
	put16(AVAIL + 4 + 2 * QSIZE, 10);
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(!(isr() & 1), "interrupt long before used_event");
	EXPECT(avail_event() == 4 && used_idx() == 4, "avail_event %u used %u",
	       avail_event(), used_idx());
	status_set(0);
	return 0;
}

static int ok_no_interrupt_flag(void)
{
	bring_up(0);
	put16(AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(used_idx() == 1 && !(isr() & 1), "interrupt despite NO_INTERRUPT");
	status_set(0);
	return 0;
}

/* Queue set-up changed while allowed: disabled before DRIVER_OK, after a
 * reset; reading registers in between is always fine. */
static int ok_queue_reprogram(void)
{
	negotiate(F_V1);
	queue_up();
	if (is_pci()) {
		EXPECT(c16(CC(QUEUE_ENABLE)) == 1, "queue_enable reads 1");
		status_set(0); /* 4.1.4.3.2: disabling is a reset */
		negotiate(F_V1);
	} else if (legacy()) {
		EXPECT(rd(VIRTIO_MMIO_QUEUE_PFN) != 0, "QueuePFN reads back");
		wr(VIRTIO_MMIO_QUEUE_PFN, 0);
	} else {
		EXPECT(rd(VIRTIO_MMIO_QUEUE_READY) == 1, "QueueReady reads 1");
		wr(VIRTIO_MMIO_QUEUE_READY, 0);
	}
	queue_program(0, 4, drv.ring_pa, AVAIL_PA, drv.used_pa);
	queue_program(0, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa);
	queue_enable(0);
	status_set(0xf);
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	status_set(0);
	drv.avail_idx = 0;
	memset(drv.used, 0, 4096);
	bring_up(0);
	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	EXPECT(used_idx() == 1, "after reset: used idx %u", used_idx());
	status_set(0);
	return 0;
}

static int ok_legacy(void)
{
	uint64_t cap = 0;

	bring_up(F_INDIRECT | F_EVENT_IDX);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_PFN) == (uint32_t)(drv.ring_pa >> 12), "pfn");
	/* legacy config may be read bytewise or 64-bit (no 4.2.2.2 rule) */
	for (unsigned i = 0; i < 8; i++)
		cap |= (uint64_t)virtio_read8(config() + i) << (8 * i);
	EXPECT(cap == SIM_BLK_DEFAULT_SECTORS && virtio_read64(config()) == cap,
	       "capacity %llu", (unsigned long long)cap);
	if (blk_io(true))
		return 1;
	EXPECT(avail_event() == 6, "legacy avail_event %u", avail_event());
	status_set(0);
	return 0;
}

/* The device lies as scripted; the driver notices. No finding. */
static int ok_num_max_lie(void)
{
	negotiate(F_V1);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	EXPECT(rd(VIRTIO_MMIO_QUEUE_NUM_MAX) == 3, "num_max lie");
	status_set(0); /* not a power of two: the driver gives up */
	return 0;
}

static int ok_device_lies(void)
{
	bring_up(0);
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	EXPECT(drv.buf[STATUS] == 1, "status lie");
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	EXPECT(used_len(1) == 4096, "used len lie");
	status_set(0);
	return 0;
}

static int ok_features_refused(void)
{
	negotiate(F_V1);
	EXPECT(!(status_get() & VIRTIO_STATUS_FEATURES_OK), "FEATURES_OK refused");
	status_set(status_get() | VIRTIO_STATUS_FAILED);
	status_set(0);
	return 0;
}

static int ok_deferred(void)
{
	uint16_t before;

	bring_up(0);
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	before = used_idx();
	(void)virtio_load_le16(drv.used + 2); /* the driver polls */
	EXPECT(before == 0 && used_idx() == 1, "defer: before %u after %u", before,
	       used_idx());
	status_set(0);
	return 0;
}

static int ok_out_of_order(void)
{
	bring_up(0);
	blk_header(VIRTIO_BLK_T_GET_ID, 0);
	desc(NULL, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	desc(NULL, 2, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 3);
	desc(NULL, 3, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(0);
	make_avail(2);
	EXPECT(used_idx() == 2 && used_id(0) == 2 && used_id(1) == 0,
	       "order: idx %u ids %u %u", used_idx(), used_id(0), used_id(1));
	status_set(0);
	return 0;
}

/* Once the capabilities lie, the driver goes where it was told: an access
 * outside every region the device decodes is then not the driver's fault.
 * (Script: common config only 0x20 bytes long.) */
static int ok_pci_layout_lie(void)
{
	EXPECT(c32(CC(QUEUE_DESC)) == 0, "undecoded BAR offset reads 0");
	w32(CC(QUEUE_DESC), 0);
	(void)c32(SIM_PCI_DEVICE_OFF + SIM_BLK_CONFIG_LEN);
	return 0;
}

/* The next iteration's disk is fresh again: sim_blk_create restores the
 * sectors the last one wrote. */
static int ok_disk_restored(void)
{
	uint8_t back[2];

	bring_up(0);
	memset(drv.buf + DATA, 0xa5, 512);
	blk_request(VIRTIO_BLK_T_OUT, 3, 512);
	EXPECT(sim_blk_disk_read(&blk, 3, back, 2) == 0 && back[1] == 0xa5,
	       "write did not land");
	status_set(0);
	teardown();
	sim_audit();
	sim_reset(NULL, 0);
	setup(tp, SIM_MMIO_BASE);
	EXPECT(sim_blk_disk_read(&blk, 3, back, 2) == 0 &&
	       back[1] == sim_blk_pattern(3, 1), "disk not restored");
	return 0;
}

/* PCI: enumerate, (size and assign the BAR), walk the capabilities, use
 * the pci_cfg window, bring up, I/O, reset. */
static int ok_pci(void)
{
	unsigned p, seen = 0;

	EXPECT(virtio_read16(ecam + PCI_VENDOR_ID) == VIRTIO_PCI_VENDOR_ID, "vendor");
	EXPECT(virtio_read16(ecam + PCI_DEVICE_ID) ==
	       VIRTIO_PCI_DEVICE_ID_MODERN + VIRTIO_ID_BLOCK, "device id");
	EXPECT(virtio_read32(ecam + 0x100 * 16) == 0xffffffffu, "function 1 answers");
	if (tp == PCI_NOFW) {
		volatile uint8_t *bar = ecam + PCI_BASE_ADDRESS_0 + 4 * SIM_PCI_BAR;

		virtio_write32(bar, 0xffffffffu);
		EXPECT((virtio_read32(bar) & ~0xfu) == ~(SIM_PCI_BAR_SIZE - 1u),
		       "BAR size mask 0x%x", virtio_read32(bar));
		virtio_write32(bar + 4, 0xffffffffu);
		EXPECT(virtio_read32(bar + 4) == 0xffffffffu, "BAR high mask");
		virtio_write32(bar, (uint32_t)SIM_PCI_MEM_BASE);
		virtio_write32(bar + 4, (uint32_t)(SIM_PCI_MEM_BASE >> 32));
		virtio_write16(ecam + PCI_COMMAND,
			       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
		win = map(SIM_PCI_MEM_BASE, SIM_PCI_BAR_SIZE);
	}
	EXPECT(virtio_read16(ecam + PCI_STATUS) & PCI_STATUS_CAP_LIST, "cap list");
	for (p = virtio_read8(ecam + PCI_CAPABILITY_LIST); p;
	     p = virtio_read8(ecam + p + VIRTIO_PCI_CAP_NEXT)) {
		uint8_t t = virtio_read8(ecam + p + VIRTIO_PCI_CAP_CFG_TYPE);

		EXPECT(seen++ < 8, "capability list does not end");
		(void)virtio_read8(ecam + p + VIRTIO_PCI_CAP_BAR);
		(void)virtio_read32(ecam + p + VIRTIO_PCI_CAP_OFFSET);
		(void)virtio_read32(ecam + p + VIRTIO_PCI_CAP_LENGTH);
		if (t == VIRTIO_PCI_CAP_NOTIFY_CFG)
			EXPECT(virtio_read32(ecam + p + VIRTIO_PCI_NOTIFY_CAP_MULT) ==
			       SIM_PCI_NOTIFY_MULT, "notify multiplier");
		if (t == VIRTIO_PCI_CAP_PCI_CFG) { /* 4.1.4.9: num_queues via the window */
			virtio_write8(ecam + p + VIRTIO_PCI_CAP_BAR, SIM_PCI_BAR);
			virtio_write32(ecam + p + VIRTIO_PCI_CAP_OFFSET,
				       SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_NUM_QUEUES);
			virtio_write32(ecam + p + VIRTIO_PCI_CAP_LENGTH, 2);
			EXPECT((virtio_read32(ecam + p + VIRTIO_PCI_CFG_CAP_DATA) &
				0xffff) == 1, "num_queues through pci_cfg");
		}
	}
	EXPECT(seen == 5, "%u capabilities", seen);
	negotiate(F_V1 | F_EVENT_IDX);
	EXPECT(status_get() == 0xb, "FEATURES_OK kept");
	EXPECT(c16(CC(NUM_QUEUES)) == 1, "num_queues");
	(void)c16(CC(MSIX_CONFIG));
	w16(CC(MSIX_CONFIG), VIRTIO_MSI_NO_VECTOR);
	(void)c8(CC(CONFIG_GENERATION));
	w16(CC(QUEUE_SELECT), 0);
	EXPECT(c16(CC(QUEUE_SIZE)) == SIM_BLK_DEFAULT_QUEUE_MAX, "queue size max");
	EXPECT(c16(CC(QUEUE_NOTIFY_OFF)) == 0, "notify off");
	w16(CC(QUEUE_MSIX_VECTOR), VIRTIO_MSI_NO_VECTOR);
	(void)c16(CC(QUEUE_MSIX_VECTOR));
	queue_program(0, QSIZE, drv.ring_pa, AVAIL_PA, drv.used_pa);
	EXPECT(c32(CC(QUEUE_DESC)) == (uint32_t)drv.ring_pa &&
	       c32(CC(QUEUE_DEVICE) + 4) == (uint32_t)(drv.used_pa >> 32), "queue addrs");
	queue_enable(0);
	status_set(0xf);
	(void)c32(CC(DRIVER_FEATURE));
	(void)c16(CC(QUEUE_NOTIFY_DATA));
	(void)c16(CC(QUEUE_RESET));
	(void)c32(SIM_PCI_NOTIFY_OFF); /* notify addresses read as 0 */
	if (blk_io(false))
		return 1;
	EXPECT(avail_event() == 6, "avail_event %u", avail_event());
	status_set(0);
	return 0;
}

/* ---- the table ------------------------------------------------------------ */

static const struct scenario {
	const char *name;
	enum tp tp;
	int (*run)(void);
	const char *script;     /* decisions, or NULL: a spec device */
	virtio_paddr_t base;    /* virtio-mmio window, 0: SIM_MMIO_BASE */
} scenarios[] = {
	/* status / features */
	{ "status-driver-without-acknowledge", MMIO2, driver_without_ack, 0, 0 },
	{ "status-features-ok-without-driver", MMIO1, features_ok_without_driver, 0, 0 },
	{ "status-features-ok-without-version-1", MMIO2, features_ok_without_version_1, 0, 0 },
	{ "status-features-ok-without-version-1-pci", PCI, features_ok_without_version_1, 0, 0 },
	{ "status-driver-ok-without-driver", MMIO1, driver_ok_without_driver, 0, 0 },
	{ "status-driver-ok-before-features-ok", MMIO2, driver_ok_before_features_ok, 0, 0 },
	{ "status-driver-ok-after-features-refused", MMIO2, driver_ok_after_refusal, "vdev.features_ok@1=1", 0 },
	{ "status-driver-ok-over-features-refused", MMIO2, driver_ok_over_refusal, "vdev.features_ok@1=1", 0 },
	{ "status-bits-cleared", MMIO2, status_bits_cleared, 0, 0 },
	{ "status-bits-cleared-pci", PCI, status_bits_cleared, 0, 0 },
	{ "features-before-driver", MMIO2, features_before_driver, 0, 0 },
	{ "features-after-features-ok", MMIO2, features_after_features_ok, 0, 0 },
	{ "features-after-driver-ok-legacy", MMIO1, features_after_driver_ok, 0, 0 },
	{ "features-not-offered", MMIO2, feature_not_offered, 0, 0 },
	{ "features-not-offered-pci", PCI, feature_not_offered, 0, 0 },
	{ "config-write-read-only", MMIO2, config_write_read_only, 0, 0 },
	{ "config-write-read-only-pci", PCI, config_write_read_only, 0, 0 },
	{ "config-past-end", MMIO2, config_past_end, 0, 0 },
	{ "config-field-width", MMIO2, config_field_width, 0, 0 },
	{ "config-field-width-pci", PCI, config_field_width, 0, 0 },
	{ "config-8-byte-access", MMIO2, config_8_byte, 0, 0 },
	{ "config-misaligned", PCI, config_misaligned, "pci.layout@1=1,pci.offset@3=0x2002", 0 },
	/* queue set-up */
	{ "queue-size-zero", MMIO2, queue_num_zero, 0, 0 },
	{ "queue-size-not-power-of-2", MMIO2, queue_num_not_pow2, 0, 0 },
	{ "queue-size-not-power-of-2-pci", PCI, queue_num_not_pow2, 0, 0 },
	{ "queue-size-above-max", MMIO2, queue_num_above_max, 0, 0 },
	{ "queue-size-zero-legacy", MMIO1, queue_num_zero, 0, 0 },
	{ "queue-max-zero", MMIO2, queue_max_zero, 0, 0 },
	{ "queue-does-not-exist", MMIO2, queue_not_exist, 0, 0 },
	{ "queue-does-not-exist-legacy", MMIO1, queue_not_exist, 0, 0 },
	{ "queue-desc-misaligned", MMIO2, queue_desc_misaligned, 0, 0 },
	{ "queue-avail-misaligned", MMIO2, queue_avail_misaligned, 0, 0 },
	{ "queue-used-misaligned", MMIO2, queue_used_misaligned, 0, 0 },
	{ "queue-used-misaligned-pci", PCI, queue_used_misaligned, 0, 0 },
	{ "queue-area-wraps", MMIO2, queue_area_wraps, 0, 0 },
	{ "queue-enable-before-features-ok", MMIO2, queue_enable_before_features_ok, 0, 0 },
	{ "queue-enable-before-driver-legacy", MMIO1, queue_enable_legacy_before_driver, 0, 0 },
	{ "queue-change-while-enabled", MMIO2, queue_change_while_enabled, 0, 0 },
	{ "queue-change-after-driver-ok", MMIO2, queue_change_after_driver_ok, 0, 0 },
	{ "queue-change-after-driver-ok-pci", PCI, queue_change_after_driver_ok, 0, 0 },
	{ "legacy-pfn-without-page-size", MMIO1, legacy_pfn_without_page_size, 0, 0 },
	{ "legacy-page-size-not-power-of-2", MMIO1, legacy_page_size_not_pow2, 0, 0 },
	{ "legacy-pfn-without-queue-align", MMIO1, legacy_pfn_without_align, 0, 0 },
	{ "notify-before-driver-ok", MMIO2, notify_before_driver_ok, 0, 0 },
	{ "notify-unready-queue", MMIO2, notify_unready_queue, 0, 0 },
	/* virtio-mmio registers */
	{ "mmio-register-16-bit", MMIO2, mmio_width_16, 0, 0 },
	{ "mmio-register-8-bit-write", MMIO2, mmio_width_8_write, 0, 0 },
	{ "mmio-register-64-bit", MMIO2, mmio_width_64, 0, 0 },
	{ "mmio-register-misaligned", MMIO2, mmio_misaligned, 0, 0 },
	{ "mmio-register-misaligned-window", MMIO2, mmio_misaligned, 0, SIM_MMIO_BASE + 2 },
	{ "mmio-read-write-only", MMIO2, mmio_read_write_only, 0, 0 },
	{ "mmio-write-read-only", MMIO2, mmio_write_read_only, 0, 0 },
	{ "mmio-no-register", MMIO2, mmio_no_register, 0, 0 },
	{ "mmio-no-register-write", MMIO1, mmio_no_register_write, 0, 0 },
	{ "mmio-legacy-register-on-v2", MMIO2, mmio_legacy_reg_on_v2, 0, 0 },
	{ "mmio-v2-register-on-legacy", MMIO1, mmio_v2_reg_on_v1, 0, 0 },
	/* descriptor chains, avail ring, requests */
	{ "avail-idx-jump", MMIO2, avail_jump, 0, 0 },
	{ "avail-head-out-of-range", MMIO2, head_out_of_range, 0, 0 },
	{ "chain-loop", MMIO2, chain_loop, 0, 0 },
	{ "chain-loop-legacy", MMIO1, chain_loop, 0, 0 },
	{ "chain-loop-pci", PCI, chain_loop, 0, 0 },
	{ "chain-loop-indirect", MMIO2, indirect_loop, 0, 0 },
	{ "chain-next-out-of-range", MMIO2, chain_next_out_of_range, 0, 0 },
	{ "chain-next-out-of-range-indirect", MMIO2, indirect_next_out_of_range, 0, 0 },
	{ "indirect-nested", MMIO2, indirect_nested, 0, 0 },
	{ "indirect-not-negotiated", MMIO2, indirect_not_negotiated, 0, 0 },
	{ "indirect-with-next", MMIO2, indirect_with_next, 0, 0 },
	{ "indirect-len-not-multiple-of-16", MMIO2, indirect_len_24, 0, 0 },
	{ "indirect-len-zero", MMIO2, indirect_len_0, 0, 0 },
	{ "chain-readable-after-writable", MMIO2, readable_after_writable, 0, 0 },
	{ "chain-longer-than-queue", MMIO2, chain_longer_than_queue, 0, 0 },
	{ "chain-over-4gib", MMIO2, chain_over_4gib, 0, 0 },
	{ "blk-request-without-status", MMIO2, blk_without_status, 0, 0 },
	{ "blk-request-short-header", MMIO2, blk_short_header, 0, 0 },
	{ "desc-buffer-unowned", MMIO2, desc_unowned, 0, 0 },
	{ "desc-write-read-only-share", MMIO2, desc_write_read_only, 0, 0 },
	{ "queue-used-ring-unowned", MMIO2, ring_unowned, 0, 0 },
	/* virtio-pci */
	{ "pci-ecam-read-64-bit", PCI, pci_ecam_read_64, 0, 0 },
	{ "pci-ecam-write-64-bit", PCI, pci_ecam_write_64, 0, 0 },
	{ "pci-bar-memory-disabled", PCI, pci_memory_disabled, 0, 0 },
	{ "pci-bar-unassigned-write", PCI_NOFW, pci_unassigned_bar_write, 0, 0 },
	{ "pci-common-wrong-width", PCI, pci_common_width, 0, 0 },
	{ "pci-common-64-bit-field-as-64", PCI, pci_common_64, 0, 0 },
	{ "pci-common-past-last-field", PCI, pci_common_past_end, 0, 0 },
	{ "pci-common-write-read-only", PCI, pci_common_write_ro, 0, 0 },
	{ "pci-common-write-device-feature", PCI, pci_device_feature_write, 0, 0 },
	{ "pci-isr-wrong-width", PCI, pci_isr_width, 0, 0 },
	{ "pci-isr-write", PCI, pci_isr_write, 0, 0 },
	{ "pci-bar-outside-regions-read", PCI, pci_outside_regions_read, 0, 0 },
	{ "pci-bar-outside-regions-write", PCI, pci_outside_regions_write, 0, 0 },
	{ "pci-notify-wrong-width", PCI, pci_notify_width, 0, 0 },
	{ "pci-notify-wrong-address", PCI, pci_notify_wrong_address, 0, 0 },
	{ "pci-notify-before-driver-ok", PCI, notify_before_driver_ok, 0, 0 },
	{ "pci-queue-enable-0", PCI, pci_queue_enable_0, 0, 0 },
	{ "pci-queue-reset", PCI, pci_queue_reset, 0, 0 },
	/* correct use */
	{ "ok-mmio-v2-registers", MMIO2, ok_mmio_registers, 0, 0 },
	{ "ok-mmio-v1-registers", MMIO1, ok_mmio_registers, 0, 0 },
	{ "ok-mmio-v2-io", MMIO2, ok_io, 0, 0 },
	{ "ok-mmio-v2-io-indirect", MMIO2, ok_io_indirect, 0, 0 },
	{ "ok-mmio-v1-io", MMIO1, ok_legacy, 0, 0 },
	{ "ok-mmio-v2-queue-reprogram", MMIO2, ok_queue_reprogram, 0, 0 },
	{ "ok-mmio-v1-queue-reprogram", MMIO1, ok_queue_reprogram, 0, 0 },
	{ "ok-pci", PCI, ok_pci, 0, 0 },
	{ "ok-pci-assign-bar", PCI_NOFW, ok_pci, 0, 0 },
	{ "ok-pci-queue-reprogram", PCI, ok_queue_reprogram, 0, 0 },
	{ "ok-pci-layout-lie", PCI, ok_pci_layout_lie, "pci.layout@1=1,pci.length@1=0x20", 0 },
	{ "ok-blk-disk-restored", MMIO2, ok_disk_restored, 0, 0 },
	{ "ok-vq-chains", MMIO2, ok_chains, 0, 0 },
	{ "ok-vq-event-idx", MMIO2, ok_event_idx, 0, 0 },
	{ "ok-vq-event-idx-pci", PCI, ok_event_idx, 0, 0 },
	{ "ok-vq-no-interrupt-flag", MMIO2, ok_no_interrupt_flag, 0, 0 },
	{ "ok-device-lies", MMIO2, ok_device_lies, "blk.status@1=1,vq.used_len@2=4096", 0 },
	{ "ok-device-lies-num-max", MMIO2, ok_num_max_lie, "vdev.num_max@1=3", 0 },
	{ "ok-features-refused", MMIO2, ok_features_refused, "vdev.features_ok@1=1", 0 },
	{ "ok-vq-deferred-completion", MMIO2, ok_deferred, "vq.defer@1=1", 0 },
	{ "ok-vq-out-of-order", MMIO2, ok_out_of_order, "vq.defer@1=1,vq.order@1=1", 0 },
};

int main(int argc, char **argv)
{
	const struct scenario *s = NULL;
	struct sim_config cfg = {
		.dma_base = SIM_DMA_BASE_DEFAULT,
		.dma_pages = SIM_DMA_PAGES_DEFAULT,
		.max_alloc_pages = SIM_MAX_ALLOC_PAGES_DEFAULT,
		.record = true,
	};
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: device_misuse SCENARIO | --list\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (!strcmp(argv[1], "--list"))
			printf("%s\n", scenarios[i].name);
		else if (!strcmp(argv[1], scenarios[i].name))
			s = &scenarios[i];
	}
	if (!strcmp(argv[1], "--list"))
		return 0;
	if (!s) {
		fprintf(stderr, "device_misuse: unknown scenario '%s'\n", argv[1]);
		return 2;
	}
	sim_init(&cfg);
	sim_reset(NULL, 0);
	if (s->script && sim_decide_script(s->script))
		return 3;
	setup(s->tp, s->base ? s->base : SIM_MMIO_BASE);
	rc = s->run();
	if (rc)
		return rc;
	teardown();
	sim_audit();
	printf("findings=%u last=%s\n", sim_finding_count(),
	       sim_class_name(sim_last_finding()));
	return 0;
}
