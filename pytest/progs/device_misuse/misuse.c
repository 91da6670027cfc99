/* SPDX-License-Identifier: MIT */
/*
 * device_misuse scenarios: each misuse must raise exactly its finding.
 */
#include <stdlib.h>

#include "hand.h"
#include "sim/sim.h"
#include "virtio/access.h"

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
	virtio_put_le16(AVAIL + 2, QSIZE + 1);
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

/* ---- the table ------------------------------------------------------------ */

const struct scenario misuse_scenarios[] = {
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
};
const size_t misuse_scenario_count = sizeof(misuse_scenarios) / sizeof(misuse_scenarios[0]);
