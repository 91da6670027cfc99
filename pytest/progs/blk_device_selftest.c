/* SPDX-License-Identifier: MIT */
/*
 * Self test of the device side (sim/vdev.c, mmio.c, vq.c, dev/blk.c): plays
 * a driver by hand, register by register and descriptor by descriptor, over
 * virtio-mmio v1 and v2, checks the device's answers and that each driver
 * misuse raises exactly its one finding. Record mode; prints "ok" or the
 * failed checks, exit status 0 or 1. Not a test of drivers/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/blk.h"
#include "sim/mmio.h"
#include "sim/sim.h"
#include "virtio/access.h"

#define QSIZE 8u
#define BIT(n) (1ull << (n))

static struct sim_blk blk;
static struct sim_mmio_dev mdev;
static volatile uint8_t *regs;
static int failures;
static const char *scenario = "";

/* The hand-played driver's queue and buffers (simulated + host views). */
static struct {
	uint32_t version;
	virtio_paddr_t ring_pa, used_pa, buf_pa;
	uint8_t *ring, *used, *buf;
	uint16_t avail_idx;
} drv;

#define CHECK(c, ...)                                                          \
	do {                                                                   \
		if (!(c)) {                                                    \
			failures++;                                            \
			printf("FAIL [%s] line %d: ", scenario, __LINE__);    \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
		}                                                              \
	} while (0)

static uint32_t rd(unsigned off) { return virtio_read32(regs + off); }
static void wr(unsigned off, uint32_t v) { virtio_write32(regs + off, v); }

static void *alloc(size_t pages, enum virtio_dir dir, virtio_paddr_t *pa)
{
	void *va = NULL;

	if (virtio_dma_alloc(&sim_hal, pages, dir, pa, &va) != 0) {
		printf("dma_alloc failed\n");
		exit(2);
	}
	return va;
}

static void start(uint32_t version, const char *script,
		  const struct sim_blk_config *cfg)
{
	sim_reset(NULL, 0);
	if (script && sim_decide_script(script) != 0)
		exit(2);
	if (sim_blk_create(&blk, cfg) || sim_mmio_attach(&mdev, SIM_MMIO_BASE,
							  version, &blk.dev))
		exit(2);
	regs = virtio_mmio_phys_to_virt(&sim_hal, SIM_MMIO_BASE,
					SIM_MMIO_WINDOW_SIZE);
	memset(&drv, 0, sizeof(drv));
	drv.version = version;
	if (version == 1) {
		drv.ring = alloc(2, VIRTIO_DIR_BOTH, &drv.ring_pa);
		drv.used = drv.ring + 4096;
		drv.used_pa = drv.ring_pa + 4096;
	} else {
		drv.ring = alloc(1, VIRTIO_DIR_DRIVER_TO_DEVICE, &drv.ring_pa);
		drv.used = alloc(1, VIRTIO_DIR_DEVICE_TO_DRIVER, &drv.used_pa);
	}
	drv.buf = alloc(4, VIRTIO_DIR_BOTH, &drv.buf_pa);
}

static void finish(void)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	if (drv.version == 1)
		virtio_dma_dealloc(&sim_hal, drv.ring_pa, drv.ring, 2);
	else {
		virtio_dma_dealloc(&sim_hal, drv.ring_pa, drv.ring, 1);
		virtio_dma_dealloc(&sim_hal, drv.used_pa, drv.used, 1);
	}
	virtio_dma_dealloc(&sim_hal, drv.buf_pa, drv.buf, 4);
	sim_audit();
}

/* 3.1.1 up to FEATURES_OK, accepting `want` & offered. */
static uint64_t negotiate(uint64_t want)
{
	uint64_t offered;

	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered = (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered |= rd(VIRTIO_MMIO_DEVICE_FEATURES);
	want &= offered;
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)want);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(want >> 32));
	if (drv.version == 2)
		wr(VIRTIO_MMIO_STATUS, 0xb);
	return offered;
}

static void queue_setup(void)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK(rd(VIRTIO_MMIO_QUEUE_NUM_MAX) == SIM_BLK_DEFAULT_QUEUE_MAX,
	      "QueueNumMax");
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	if (drv.version == 1) {
		wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
		wr(VIRTIO_MMIO_QUEUE_ALIGN, 4096);
		wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(drv.ring_pa >> 12));
		return;
	}
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)drv.ring_pa);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(drv.ring_pa >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(drv.ring_pa + 16 * QSIZE));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(drv.ring_pa >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)drv.used_pa);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(drv.used_pa >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void bring_up(uint64_t want)
{
	negotiate(want | BIT(VIRTIO_F_VERSION_1));
	queue_setup();
	wr(VIRTIO_MMIO_STATUS, drv.version == 1 ? 0x7 : 0xf);
}

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
	uint8_t *avail = drv.ring + 16 * QSIZE;

	put16(avail + 4 + 2 * (drv.avail_idx % QSIZE), head);
	drv.avail_idx++;
	put16(avail + 2, drv.avail_idx);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static uint16_t used_idx(void) { return get16(drv.used + 2); }
static uint32_t used_id(unsigned n) { return get32(drv.used + 4 + 8 * (n % QSIZE)); }
static uint32_t used_len(unsigned n) { return get32(drv.used + 8 + 8 * (n % QSIZE)); }

/* Buffer layout in drv.buf: header at 0, status at 64, data from 512. */
#define HDR 0
#define STATUS 64
#define DATA 512

/* hdr, data (readable or writable), status: three ring descriptors. */
static void blk_request(uint32_t type, uint64_t sector, uint32_t len)
{
	uint16_t wflag = type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE;

	put32(drv.buf + HDR, type);
	put32(drv.buf + HDR + 4, 0);
	put64(drv.buf + HDR + 8, sector);
	drv.buf[STATUS] = 0xee;
	desc(NULL, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	if (len) {
		desc(NULL, 1, drv.buf_pa + DATA, len, wflag | VIRTQ_DESC_F_NEXT, 2);
		desc(NULL, 2, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	} else {
		desc(NULL, 1, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	}
	make_avail(0);
}

static void expect_findings(unsigned n)
{
	CHECK(sim_finding_count() == n, "expected %u findings, got %u (last %s)",
	      n, sim_finding_count(), sim_class_name(sim_last_finding()));
}

static void test_io(uint32_t version)
{
	uint8_t back[1024];

	scenario = version == 1 ? "io-v1" : "io-v2";
	start(version, NULL, NULL);
	CHECK(rd(VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC, "magic");
	CHECK(rd(VIRTIO_MMIO_VERSION) == version, "version");
	CHECK(rd(VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK, "device id");
	bring_up(BIT(VIRTIO_F_RING_INDIRECT_DESC) | BIT(VIRTIO_F_RING_EVENT_IDX));
	CHECK(virtio_read32(regs + 0x100) == SIM_BLK_DEFAULT_SECTORS,
	      "capacity");
	CHECK(virtio_read32(regs + 0x100 + VIRTIO_BLK_CFG_BLK_SIZE) == 512,
	      "blk_size");

	/* write sectors 3-4 */
	memset(drv.buf + DATA, 0xa5, 1024);
	blk_request(VIRTIO_BLK_T_OUT, 3, 1024);
	CHECK(used_idx() == 1 && used_id(0) == 0 && used_len(0) == 1,
	      "write used idx=%u id=%u len=%u", used_idx(), used_id(0),
	      used_len(0));
	CHECK(drv.buf[STATUS] == VIRTIO_BLK_S_OK, "write status %u",
	      drv.buf[STATUS]);
	CHECK(sim_blk_disk_read(&blk, 3, back, 1024) == 0 && back[0] == 0xa5 &&
	      back[1023] == 0xa5, "disk after write");
	CHECK(sim_vdev_isr(&blk.dev) & 1, "ISR after write");
	/* event idx: the device asked for the next notification */
	CHECK(get16(drv.used + 4 + 8 * QSIZE) == 1, "avail_event");

	/* read sector 2-3 back through an indirect table */
	memset(drv.buf + DATA, 0, 1024);
	put32(drv.buf + HDR, VIRTIO_BLK_T_IN);
	put64(drv.buf + HDR + 8, 2);
	desc(drv.buf + 2048, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(drv.buf + 2048, 1, drv.buf_pa + DATA, 1024,
	     VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	desc(drv.buf + 2048, 2, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	desc(NULL, 0, drv.buf_pa + 2048, 48, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	CHECK(used_idx() == 2 && used_len(1) == 1025, "read used len %u",
	      used_len(1));
	CHECK(drv.buf[DATA] == sim_blk_pattern(2, 0) &&
	      drv.buf[DATA + 511] == sim_blk_pattern(2, 511) &&
	      drv.buf[DATA + 512] == 0xa5, "read data");

	blk_request(VIRTIO_BLK_T_GET_ID, 0, 20);
	CHECK(used_len(2) == 21 && !memcmp(drv.buf + DATA, "vfuzz-blk", 10) &&
	      drv.buf[STATUS] == 0, "get_id");
	blk_request(VIRTIO_BLK_T_FLUSH, 0, 0);
	CHECK(drv.buf[STATUS] == VIRTIO_BLK_S_UNSUPP, "flush without F_FLUSH");
	blk_request(77, 0, 0);
	CHECK(drv.buf[STATUS] == VIRTIO_BLK_S_UNSUPP, "unknown type");
	blk_request(VIRTIO_BLK_T_IN, SIM_BLK_DEFAULT_SECTORS - 1, 1024);
	CHECK(drv.buf[STATUS] == VIRTIO_BLK_S_IOERR && used_len(5) == 1,
	      "read past capacity");
	CHECK(used_idx() == 6, "used idx %u", used_idx());
	expect_findings(0);
	CHECK(sim_decide_consumed() == 0, "empty input consumed bytes");
	finish();
	expect_findings(0);

	/* the next iteration's disk is fresh again */
	start(version, NULL, NULL);
	CHECK(sim_blk_disk_read(&blk, 3, back, 1) == 0 &&
	      back[0] == sim_blk_pattern(3, 0), "disk restored");
	finish();
}

static void test_decisions(void)
{
	uint16_t before;

	scenario = "decisions";
	start(2, "blk.status@1=1,vq.used_len@2=4096,vdev.num_max@1=3", NULL);
	negotiate(BIT(VIRTIO_F_VERSION_1));
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK(rd(VIRTIO_MMIO_QUEUE_NUM_MAX) == 3, "num_max lie");
	finish();
	start(2, "blk.status@1=1,vq.used_len@2=4096", NULL);
	bring_up(0);
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	CHECK(drv.buf[STATUS] == 1, "status lie");
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	CHECK(used_len(1) == 4096, "used len lie");
	finish();

	/* deferred completion: nothing at notify, done at the next poll */
	start(2, "vq.defer@1=1", NULL);
	bring_up(0);
	blk_request(VIRTIO_BLK_T_IN, 0, 512);
	before = used_idx();
	(void)virtio_load_le16(drv.used + 2); /* the driver polls */
	CHECK(before == 0 && used_idx() == 1, "defer: before %u after %u",
	      before, used_idx());
	finish();

	/* out of order: two requests, the second completes first */
	start(2, "vq.defer@1=1,vq.order@1=1", NULL);
	bring_up(0);
	put32(drv.buf + HDR, VIRTIO_BLK_T_GET_ID);
	desc(NULL, 0, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	desc(NULL, 2, drv.buf_pa + HDR, 16, VIRTQ_DESC_F_NEXT, 3);
	desc(NULL, 3, drv.buf_pa + STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(0);
	make_avail(2);
	CHECK(used_idx() == 2 && used_id(0) == 2 && used_id(1) == 0,
	      "order: idx %u ids %u %u", used_idx(), used_id(0), used_id(1));
	finish();

	start(2, "vdev.features_ok@1=1", NULL);
	negotiate(BIT(VIRTIO_F_VERSION_1));
	CHECK(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK),
	      "FEATURES_OK refused");
	finish();
	expect_findings(0);
}

/* One misuse each; every one must raise exactly its class, once. */
static void m_width(void) { (void)virtio_read16(regs + VIRTIO_MMIO_STATUS); }
static void m_read_wo(void) { (void)rd(VIRTIO_MMIO_QUEUE_SEL); }
static void m_write_ro(void) { wr(VIRTIO_MMIO_MAGIC_VALUE, 1); }
static void m_no_reg(void) { (void)rd(0x018); }
static void m_legacy_reg_on_v2(void) { wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096); }
static void m_cfg_past_end(void) { (void)virtio_read32(regs + 0x100 + SIM_BLK_CONFIG_LEN); }
static void m_cfg_field_width(void) { (void)virtio_read8(regs + 0x100 + VIRTIO_BLK_CFG_BLK_SIZE); }
static void m_cfg_write(void) { virtio_write32(regs + 0x100, 5); }
static void m_driver_ok_early(void)
{
	wr(VIRTIO_MMIO_STATUS, 1);
	wr(VIRTIO_MMIO_STATUS, 3);
	wr(VIRTIO_MMIO_STATUS, 7);
}
static void m_no_version_1(void) { negotiate(0); }
static void m_unoffered(void)
{
	wr(VIRTIO_MMIO_STATUS, 1);
	wr(VIRTIO_MMIO_STATUS, 3);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_BLK_F_RO);
}
static void m_features_late(void)
{
	negotiate(BIT(VIRTIO_F_VERSION_1));
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
}
static void m_clear_bits(void) { negotiate(BIT(VIRTIO_F_VERSION_1)); wr(VIRTIO_MMIO_STATUS, 3); }
static void m_num_not_pow2(void)
{
	negotiate(BIT(VIRTIO_F_VERSION_1));
	wr(VIRTIO_MMIO_QUEUE_NUM, 6);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)drv.ring_pa);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}
static void m_desc_misaligned(void)
{
	negotiate(BIT(VIRTIO_F_VERSION_1));
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)drv.ring_pa + 8);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}
static void m_setup_while_ready(void) { bring_up(0); wr(VIRTIO_MMIO_QUEUE_NUM, 4); }
static void m_notify_early(void) { negotiate(BIT(VIRTIO_F_VERSION_1)); wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0); }
static void m_notify_unready(void) { bring_up(0); wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1); }
static void m_loop(void)
{
	bring_up(0);
	desc(NULL, 0, drv.buf_pa, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa, 16, VIRTQ_DESC_F_NEXT, 0);
	make_avail(0);
}
static void m_next_range(void)
{
	bring_up(0);
	desc(NULL, 0, drv.buf_pa, 16, VIRTQ_DESC_F_NEXT, QSIZE);
	make_avail(0);
}
static void m_nested_indirect(void)
{
	bring_up(BIT(VIRTIO_F_RING_INDIRECT_DESC));
	desc(drv.buf + 2048, 0, drv.buf_pa + 2048, 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc(NULL, 0, drv.buf_pa + 2048, 16, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
}
static void m_indirect_len(void)
{
	bring_up(BIT(VIRTIO_F_RING_INDIRECT_DESC));
	desc(NULL, 0, drv.buf_pa + 2048, 24, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
}
static void m_indirect_unnegotiated(void)
{
	bring_up(0);
	desc(NULL, 0, drv.buf_pa + 2048, 16, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
}
static void m_write_before_read(void)
{
	bring_up(0);
	desc(NULL, 0, drv.buf_pa, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc(NULL, 1, drv.buf_pa, 16, 0, 0);
	make_avail(0);
}
static void m_avail_jump(void)
{
	bring_up(0);
	put16(drv.ring + 16 * QSIZE + 2, QSIZE + 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}
static void m_legacy_no_page_size(void)
{
	negotiate(0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_ALIGN, 4096);
	wr(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(drv.ring_pa >> 12));
}
static void m_legacy_cfg_gen(void) { (void)rd(VIRTIO_MMIO_CONFIG_GENERATION); }

static const struct misuse {
	const char *name;
	void (*run)(void);
	enum sim_class cls;
	uint32_t version;
} misuses[] = {
	{ "register-width", m_width, SIM_MMIO_WIDTH, 2 },
	{ "read-write-only", m_read_wo, SIM_STATUS_PROTOCOL, 2 },
	{ "write-read-only", m_write_ro, SIM_STATUS_PROTOCOL, 2 },
	{ "no-register", m_no_reg, SIM_MMIO_OUTSIDE, 2 },
	{ "legacy-register-on-v2", m_legacy_reg_on_v2, SIM_MMIO_OUTSIDE, 2 },
	{ "v2-register-on-legacy", m_legacy_cfg_gen, SIM_MMIO_OUTSIDE, 1 },
	{ "config-past-end", m_cfg_past_end, SIM_MMIO_OUTSIDE, 2 },
	{ "config-field-width", m_cfg_field_width, SIM_MMIO_WIDTH, 2 },
	{ "config-write-read-only", m_cfg_write, SIM_STATUS_PROTOCOL, 2 },
	{ "driver-ok-before-features-ok", m_driver_ok_early, SIM_STATUS_PROTOCOL, 2 },
	{ "features-ok-without-version-1", m_no_version_1, SIM_STATUS_PROTOCOL, 2 },
	{ "feature-not-offered", m_unoffered, SIM_STATUS_PROTOCOL, 2 },
	{ "features-after-features-ok", m_features_late, SIM_STATUS_PROTOCOL, 2 },
	{ "status-bits-cleared", m_clear_bits, SIM_STATUS_PROTOCOL, 2 },
	{ "queue-size-not-power-of-2", m_num_not_pow2, SIM_QUEUE_CONFIG, 2 },
	{ "desc-misaligned", m_desc_misaligned, SIM_QUEUE_CONFIG, 2 },
	{ "queue-set-up-while-ready", m_setup_while_ready, SIM_STATUS_PROTOCOL, 2 },
	{ "notify-before-driver-ok", m_notify_early, SIM_STATUS_PROTOCOL, 2 },
	{ "notify-unready-queue", m_notify_unready, SIM_STATUS_PROTOCOL, 2 },
	{ "chain-loop", m_loop, SIM_DESC_LOOP, 2 },
	{ "chain-next-range", m_next_range, SIM_DESC_NEXT_RANGE, 2 },
	{ "nested-indirect", m_nested_indirect, SIM_DESC_MALFORMED, 2 },
	{ "indirect-len", m_indirect_len, SIM_DESC_MALFORMED, 2 },
	{ "indirect-not-negotiated", m_indirect_unnegotiated, SIM_DESC_MALFORMED, 2 },
	{ "writable-before-readable", m_write_before_read, SIM_DESC_MALFORMED, 2 },
	{ "avail-jump", m_avail_jump, SIM_AVAIL_JUMP, 2 },
	{ "legacy-pfn-without-page-size", m_legacy_no_page_size, SIM_QUEUE_CONFIG, 1 },
	{ "legacy-chain-loop", m_loop, SIM_DESC_LOOP, 1 },
};

int main(void)
{
	struct sim_config cfg = {
		.dma_base = SIM_DMA_BASE_DEFAULT,
		.dma_pages = SIM_DMA_PAGES_DEFAULT,
		.max_alloc_pages = SIM_MAX_ALLOC_PAGES_DEFAULT,
		.record = true,
	};

	sim_init(&cfg);
	test_io(2);
	test_io(1);
	test_decisions();
	for (size_t i = 0; i < sizeof(misuses) / sizeof(misuses[0]); i++) {
		const struct misuse *m = &misuses[i];

		scenario = m->name;
		start(m->version, NULL, NULL);
		m->run();
		CHECK(sim_finding_count() == 1 && sim_last_finding() == m->cls,
		      "expected one %s, got %u findings, last %s",
		      sim_class_name(m->cls), sim_finding_count(),
		      sim_class_name(sim_last_finding()));
	}
	printf(failures ? "%d failed\n" : "ok\n", failures);
	return failures != 0;
}
