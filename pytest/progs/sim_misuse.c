/* SPDX-License-Identifier: MIT */
/*
 * Drives the sim core with one named HAL/accessor call sequence, for the
 * pytest suite: each misuse scenario must raise exactly its finding class,
 * and each correct sequence none. Runs in record mode; prints
 * "findings=<n> last=<class>" on stdout. Scenarios that ASan or the fault
 * handler end (raw touches, raw MMIO dereference, hang) die with the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/decide.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/access.h"

static const struct virtio_hal *hal = &sim_hal;

static void *alloc(size_t pages, enum virtio_dir dir, virtio_paddr_t *pa)
{
	void *va = NULL;
	if (virtio_dma_alloc(hal, pages, dir, pa, &va) != 0) {
		fprintf(stderr, "sim_misuse: dma_alloc(%zu) failed\n", pages);
		exit(3);
	}
	return va;
}

static virtio_paddr_t share(void *buf, size_t len, enum virtio_dir dir)
{
	virtio_paddr_t pa = 0;
	if (virtio_share(hal, buf, len, dir, &pa) != 0) {
		fprintf(stderr, "sim_misuse: share(%zu) failed\n", len);
		exit(3);
	}
	return pa;
}

/* A register file of 0x100 bytes whose 32-bit registers echo writes. */
static uint32_t regs[64];
static uint64_t w_read(void *ctx, uint64_t off, unsigned width)
{
	(void)ctx;
	uint64_t mask = width == 8 ? ~0ull : (1ull << (8 * width)) - 1;
	return (regs[off / 4] >> (8 * (off % 4))) & mask;
}
static void w_write(void *ctx, uint64_t off, unsigned width, uint64_t v)
{
	(void)ctx, (void)width;
	regs[off / 4] = (uint32_t)v;
}
static const struct sim_window_ops wops = {.read = w_read, .write = w_write};

static volatile uint8_t *window(void)
{
	if (sim_window_add(SIM_MMIO_BASE, 0x100, &wops, NULL, "test") != 0)
		exit(3);
	return virtio_mmio_phys_to_virt(hal, SIM_MMIO_BASE, 0x100);
}

static uint8_t buf[3 * 4096] __attribute__((aligned(64)));
/* Objects made by the *-many scenarios: more than the sim's table holds
 * (2 records per page of the default window) without compaction. */
#define MANY 20000

static int run(const char *s)
{
	virtio_paddr_t pa, pb;
	void *va;
	/* ---- dma_alloc / dma_dealloc ---- */
	if (!strcmp(s, "dma-alloc-zero")) {
		virtio_dma_alloc(hal, 0, VIRTIO_DIR_BOTH, &pa, &va);
	} else if (!strcmp(s, "dma-alloc-too-big")) {
		virtio_dma_alloc(hal, SIM_MAX_ALLOC_PAGES_DEFAULT + 1,
				 VIRTIO_DIR_BOTH, &pa, &va);
	} else if (!strcmp(s, "ok-dma-alloc-limits")) {
		va = alloc(SIM_MAX_ALLOC_PAGES_DEFAULT, VIRTIO_DIR_BOTH, &pa);
		virtio_dma_dealloc(hal, pa, va, SIM_MAX_ALLOC_PAGES_DEFAULT);
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		virtio_dma_dealloc(hal, pa, va, 1);
	} else if (!strcmp(s, "ok-dma-alloc-zeroed-aligned")) {
		va = alloc(2, VIRTIO_DIR_BOTH, &pa);
		memset(va, 0xff, 2 * 4096);
		virtio_dma_dealloc(hal, pa, va, 2);
		va = alloc(3, VIRTIO_DIR_BOTH, &pa); /* may reuse: must be zero again */
		for (size_t i = 0; i < 3 * 4096; i++)
			if (((uint8_t *)va)[i] != 0)
				return printf("not zeroed at %zu\n", i), 1;
		if ((pa & 4095) || ((uintptr_t)va & 4095))
			return printf("not page aligned\n"), 1;
		virtio_dma_dealloc(hal, pa, va, 3);
	} else if (!strcmp(s, "dma-dealloc-unknown")) {
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		virtio_dma_dealloc(hal, pa + 0x10000, va, 1);
		virtio_dma_dealloc(hal, pa, va, 1);
	} else if (!strcmp(s, "dma-dealloc-mismatch")) {
		va = alloc(2, VIRTIO_DIR_BOTH, &pa);
		virtio_dma_dealloc(hal, pa, (uint8_t *)va + 4096, 2);
		virtio_dma_dealloc(hal, pa, va, 2);
	} else if (!strcmp(s, "dma-dealloc-wrong-pages")) {
		va = alloc(2, VIRTIO_DIR_BOTH, &pa);
		virtio_dma_dealloc(hal, pa, va, 1);
	} else if (!strcmp(s, "dma-dealloc-double")) {
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		virtio_dma_dealloc(hal, pa, va, 1);
		virtio_dma_dealloc(hal, pa, va, 1);
	} else if (!strcmp(s, "dma-use-after-free")) {
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		virtio_dma_dealloc(hal, pa, va, 1);
		(void)virtio_load_le16((uint8_t *)va + 2); /* through the accessor */
	} else if (!strcmp(s, "dma-use-after-free-raw")) {
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		virtio_dma_dealloc(hal, pa, va, 1);
		__asm__("" : "+r"(va));
		return ((volatile uint8_t *)va)[100]; /* ASan reports */
	} else if (!strcmp(s, "dma-use-after-free-bounce")) {
		/* a stale pointer into a freed DMA page the sim has since lent
		 * a share as its bounce buffer: freed pages are reused only
		 * once the window is used up, so use it up first */
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		virtio_dma_dealloc(hal, pa, va, 1);
		for (size_t left = SIM_DMA_PAGES_DEFAULT - 1; left;) {
			size_t n = left < SIM_MAX_ALLOC_PAGES_DEFAULT
					   ? left
					   : SIM_MAX_ALLOC_PAGES_DEFAULT;
			virtio_paddr_t p2;
			void *v2 = alloc(n, VIRTIO_DIR_BOTH, &p2);
			virtio_dma_dealloc(hal, p2, v2, n);
			left -= n;
		}
		pb = share(buf, 64, VIRTIO_DIR_DEVICE_TO_DRIVER);
		if (pb != pa)
			return printf("share did not reuse the freed page\n"), 1;
		__asm__("" : "+r"(va));
		return ((volatile uint8_t *)va)[100]; /* ASan reports */
	} else if (!strcmp(s, "ok-dma-ring-access")) {
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		virtio_store_le32((uint8_t *)va + 8, 0x12345678);
		if (virtio_load_le32((uint8_t *)va + 8) != 0x12345678)
			return printf("ring store/load mismatch\n"), 1;
		virtio_dma_dealloc(hal, pa, va, 1);
	/* ---- share / unshare ---- */
	} else if (!strcmp(s, "shared-buffer-touched")) {
		pa = share(buf, 256, VIRTIO_DIR_DEVICE_TO_DRIVER);
		uint8_t *touch = buf;
		__asm__("" : "+r"(touch)); /* hide the constant: ASan skips
					    * checks it can prove in bounds */
		touch[64] = 1;             /* ASan reports */
		virtio_unshare(hal, pa, buf, 256, VIRTIO_DIR_DEVICE_TO_DRIVER);
	} else if (!strcmp(s, "share-past-buffer") ||
		   !strcmp(s, "share-device-to-driver-past-buffer")) {
		/* share claims more bytes than the driver's object holds:
		 * DriverToDevice, the sim's copy into the bounce buffer would
		 * over-read; DeviceToDriver, the device may write all 200
		 * bytes back. Either is reported at the share (ASan), before
		 * anything is poisoned. */
		enum virtio_dir dir = strstr(s, "device-to-driver")
					      ? VIRTIO_DIR_DEVICE_TO_DRIVER
					      : VIRTIO_DIR_DRIVER_TO_DEVICE;
		uint8_t *small = malloc(100);
		__asm__("" : "+r"(small));
		pa = share(small, 200, dir);
		virtio_unshare(hal, pa, small, 200, dir);
		free(small);
	} else if (!strcmp(s, "unshare-after-free")) {
		/* the driver frees a buffer the device still holds; the sim's
		 * copy back at unshare would write freed memory (ASan) */
		uint8_t *heap = malloc(64);
		uint8_t *volatile stale = heap; /* hidden from the compiler's
						 * own use-after-free warning */
		pa = share(heap, 64, VIRTIO_DIR_DEVICE_TO_DRIVER);
		free(heap);
		virtio_unshare(hal, pa, stale, 64, VIRTIO_DIR_DEVICE_TO_DRIVER);
	} else if (!strcmp(s, "oracle-unwritten-tail") ||
		   !strcmp(s, "oracle-unwritten-gap") ||
		   !strcmp(s, "ok-oracle-written-in-pieces")) {
		/* The device writes a DeviceToDriver share in pieces: one span
		 * (kept as such), two (the bitmap), three that join up; the
		 * caller then claims all 300 bytes as the device's. */
		static const size_t piece[][2] = {{0, 100}, {200, 100}, {100, 100}};
		size_t pieces = !strcmp(s, "oracle-unwritten-tail")  ? 1
				: !strcmp(s, "oracle-unwritten-gap") ? 2
								     : 3;
		uint8_t junk[100] = {0};
		pa = share(buf, 300, VIRTIO_DIR_DEVICE_TO_DRIVER);
		for (size_t i = 0; i < pieces; i++)
			if (sim_dma_write(pa + piece[i][0], junk, piece[i][1]))
				return printf("device write refused\n"), 1;
		virtio_unshare(hal, pa, buf, 300, VIRTIO_DIR_DEVICE_TO_DRIVER);
		sim_oracle_check(buf, 300, SIM_ORACLE_DATA, "a test read");
	} else if (!strcmp(s, "ok-share-roundtrip")) {
		/* copy in, poison, device writes, copy back: the bounce model */
		uint8_t want[300], seen[300];
		for (int i = 0; i < 300; i++)
			buf[i] = want[i] = (uint8_t)i;
		pa = share(buf, 300, VIRTIO_DIR_DRIVER_TO_DEVICE);
		if (sim_dma_read(pa, seen, 300) || memcmp(seen, want, 300))
			return printf("device did not see the driver's bytes\n"), 1;
		pb = share(buf + 512, 100, VIRTIO_DIR_DEVICE_TO_DRIVER);
		if (sim_dma_read(pb, seen, 100) || seen[0] != 0xa5 || seen[99] != 0xa5)
			return printf("DeviceToDriver bounce not poisoned\n"), 1;
		memset(seen, 0x3c, 40);
		if (sim_dma_write(pb, seen, 40))
			return printf("device write refused\n"), 1;
		virtio_unshare(hal, pb, buf + 512, 100, VIRTIO_DIR_DEVICE_TO_DRIVER);
		virtio_unshare(hal, pa, buf, 300, VIRTIO_DIR_DRIVER_TO_DEVICE);
		if (buf[512] != 0x3c || buf[512 + 39] != 0x3c || buf[512 + 40] != 0xa5)
			return printf("copy back wrong: %x %x %x\n", buf[512],
				      buf[512 + 39], buf[512 + 40]), 1;
		if (pa == (virtio_paddr_t)(uintptr_t)buf)
			return printf("share returned a host pointer\n"), 1;
		buf[10] = 1; /* unshared: the driver's again */
	} else if (!strcmp(s, "ok-share-adjacent")) {
		pa = share(buf, 64, VIRTIO_DIR_DRIVER_TO_DEVICE);
		pb = share(buf + 64, 64, VIRTIO_DIR_BOTH);
		virtio_unshare(hal, pb, buf + 64, 64, VIRTIO_DIR_BOTH);
		virtio_unshare(hal, pa, buf, 64, VIRTIO_DIR_DRIVER_TO_DEVICE);
	} else if (!strcmp(s, "share-empty")) {
		virtio_share(hal, buf, 0, VIRTIO_DIR_BOTH, &pa);
	} else if (!strcmp(s, "share-overlap")) {
		pa = share(buf, 64, VIRTIO_DIR_DRIVER_TO_DEVICE);
		virtio_share(hal, buf + 32, 64, VIRTIO_DIR_DRIVER_TO_DEVICE, &pb);
		virtio_unshare(hal, pa, buf, 64, VIRTIO_DIR_DRIVER_TO_DEVICE);
	} else if (!strcmp(s, "unshare-unknown")) {
		virtio_unshare(hal, SIM_DMA_BASE_DEFAULT + 0x5000, buf, 64,
			       VIRTIO_DIR_BOTH);
	} else if (!strcmp(s, "unshare-wrong-buffer")) {
		pa = share(buf, 64, VIRTIO_DIR_BOTH);
		virtio_unshare(hal, pa, buf + 128, 64, VIRTIO_DIR_BOTH);
	} else if (!strcmp(s, "unshare-wrong-length")) {
		pa = share(buf, 512, VIRTIO_DIR_BOTH);
		virtio_unshare(hal, pa, buf, 4096, VIRTIO_DIR_BOTH);
	} else if (!strcmp(s, "unshare-wrong-direction")) {
		pa = share(buf, 64, VIRTIO_DIR_DRIVER_TO_DEVICE);
		virtio_unshare(hal, pa, buf, 64, VIRTIO_DIR_DEVICE_TO_DRIVER);
	} else if (!strcmp(s, "unshare-double")) {
		pa = share(buf, 64, VIRTIO_DIR_BOTH);
		virtio_unshare(hal, pa, buf, 64, VIRTIO_DIR_BOTH);
		virtio_unshare(hal, pa, buf, 64, VIRTIO_DIR_BOTH);
	} else if (!strcmp(s, "unshare-double-after-many")) {
		/* past the sim's object table (2 records per window page):
		 * the last record must survive every compaction */
		for (int i = 0; i < MANY; i++) {
			pa = share(buf, 64, VIRTIO_DIR_BOTH);
			virtio_unshare(hal, pa, buf, 64, VIRTIO_DIR_BOTH);
		}
		virtio_unshare(hal, pa, buf, 64, VIRTIO_DIR_BOTH);
	} else if (!strcmp(s, "ok-many-objects")) {
		/* a share and an allocation kept live across MANY short-lived
		 * objects: still theirs, readable by the device, freed cleanly */
		uint8_t seen[64];
		memset(buf + 4096, 0x5e, 64);
		virtio_paddr_t keep = share(buf + 4096, 64,
					    VIRTIO_DIR_DRIVER_TO_DEVICE);
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		for (int i = 0; i < MANY; i++) {
			virtio_paddr_t p = share(buf, 64, VIRTIO_DIR_BOTH);
			virtio_unshare(hal, p, buf, 64, VIRTIO_DIR_BOTH);
		}
		if (sim_dma_read(keep, seen, 64) || seen[0] != 0x5e ||
		    seen[63] != 0x5e)
			return printf("device lost the live share\n"), 1;
		virtio_unshare(hal, keep, buf + 4096, 64,
			       VIRTIO_DIR_DRIVER_TO_DEVICE);
		virtio_dma_dealloc(hal, pa, va, 1);
	/* ---- double fetches (refetch mode) ---- */
	} else if (!strcmp(s, "double-fetch-used-len")) {
		/* a driver that checks a device length, then reads it again
		 * to use it: the device changes it in between */
		uint8_t *small = malloc(16);
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		sim_set_refetch(true);
		sim_decide_script("ring.refetch@1=4096");
		sim_dma_write(pa + 8, "\x08\0\0\0", 4);
		if (virtio_load_le32((uint8_t *)va + 8) > 16)
			return printf("first read not 8\n"), 1;
		__asm__("" : "+r"(small));
		memset(small, 0, virtio_load_le32((uint8_t *)va + 8)); /* ASan */
		__asm__ volatile("" : : "r"(small) : "memory"); /* keep it */
		free(small);
		virtio_dma_dealloc(hal, pa, va, 1);
	} else if (!strcmp(s, "ok-refetch-only-on-a-second-read")) {
		/* a device write between two reads: both are first reads;
		 * only a third read, with no write before it, may change */
		uint32_t got[3];
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		sim_set_refetch(true);
		sim_decide_script("ring.refetch@1=7");
		sim_dma_write(pa, "\x08\0", 2);
		got[0] = virtio_load_le16(va);
		sim_dma_write(pa, "\x09\0", 2);
		got[1] = virtio_load_le16(va);
		got[2] = virtio_load_le16(va);
		if (got[0] != 8 || got[1] != 9 || got[2] != 7 ||
		    virtio_load_le16(va) != 7)
			return printf("reads gave %u %u %u\n", got[0], got[1],
				      got[2]), 1;
		virtio_dma_dealloc(hal, pa, va, 1);
	} else if (!strcmp(s, "ok-refetch-off")) {
		/* the mode is off by default: a re-read is never a decision */
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		sim_decide_script("ring.refetch@1=7");
		sim_dma_write(pa, "\x08\0", 2);
		if (virtio_load_le16(va) != 8 || virtio_load_le16(va) != 8)
			return printf("a re-read changed with refetch off\n"), 1;
		virtio_dma_dealloc(hal, pa, va, 1);
	/* ---- teardown ---- */
	} else if (!strcmp(s, "dma-leak")) {
		alloc(1, VIRTIO_DIR_BOTH, &pa);
	} else if (!strcmp(s, "share-leak")) {
		share(buf, 64, VIRTIO_DIR_BOTH);
	/* ---- the device reaching memory ---- */
	} else if (!strcmp(s, "device-access-unowned")) {
		uint8_t x[16];
		va = alloc(1, VIRTIO_DIR_BOTH, &pa);
		virtio_dma_dealloc(hal, pa, va, 1);
		sim_dma_read(pa, x, sizeof x);
	} else if (!strcmp(s, "device-access-past-share")) {
		uint8_t x[16];
		pa = share(buf, 8, VIRTIO_DIR_BOTH);
		sim_dma_read(pa, x, sizeof x); /* share is 8 bytes */
		virtio_unshare(hal, pa, buf, 8, VIRTIO_DIR_BOTH);
	} else if (!strcmp(s, "device-write-read-only")) {
		pa = share(buf, 64, VIRTIO_DIR_DRIVER_TO_DEVICE);
		sim_dma_write(pa, "lie", 3);
		virtio_unshare(hal, pa, buf, 64, VIRTIO_DIR_DRIVER_TO_DEVICE);
	} else if (!strcmp(s, "device-write-read-only-dma")) {
		va = alloc(1, VIRTIO_DIR_DRIVER_TO_DEVICE, &pa);
		sim_dma_write(pa + 100, "lie", 3);
		virtio_dma_dealloc(hal, pa, va, 1);
	} else if (!strcmp(s, "ok-device-access")) {
		uint8_t x[64] = {0};
		va = alloc(2, VIRTIO_DIR_DEVICE_TO_DRIVER, &pa);
		sim_dma_write(pa + 4000, x, 64); /* across the page boundary */
		sim_dma_read(pa, x, 64);
		virtio_dma_dealloc(hal, pa, va, 2);
	/* ---- MMIO ---- */
	} else if (!strcmp(s, "mmio-map-outside")) {
		window();
		virtio_mmio_phys_to_virt(hal, SIM_MMIO_BASE + 0x80, 0x100);
	} else if (!strcmp(s, "mmio-access-outside")) {
		volatile uint8_t *w = window();
		virtio_write32(w + 0x100, 1);
	} else if (!strcmp(s, "mmio-access-not-mmio")) {
		virtio_write32(buf, 1);
	} else if (!strcmp(s, "mmio-misaligned")) {
		volatile uint8_t *w = window();
		(void)virtio_read32(w + 2);
	} else if (!strcmp(s, "mmio-raw-deref")) {
		volatile uint8_t *w = window();
		return *(volatile uint32_t *)(w + 0x70) == 7;
	} else if (!strcmp(s, "ok-mmio")) {
		volatile uint8_t *w = window();
		virtio_write32(w + 0x70, 0x1234);
		if (virtio_read32(w + 0x70) != 0x1234 || virtio_read8(w + 0x71) != 0x12)
			return printf("register file did not echo\n"), 1;
	/* ---- hang ---- */
	} else if (!strcmp(s, "hang")) {
		va = alloc(1, VIRTIO_DIR_DEVICE_TO_DRIVER, &pa);
		while (virtio_load_le16(va) == 0)
			; /* a device that never answers, a driver without a budget */
	} else if (!strcmp(s, "ok-bounded-poll")) {
		va = alloc(1, VIRTIO_DIR_DEVICE_TO_DRIVER, &pa);
		for (int i = 0; i < 1000 && virtio_load_le16(va) == 0; i++)
			;
		virtio_dma_dealloc(hal, pa, va, 1);
	} else {
		fprintf(stderr, "sim_misuse: unknown scenario '%s'\n", s);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sim_misuse SCENARIO\n");
		return 2;
	}
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	cfg.record = true;
	sim_init(&cfg);
	sim_reset(NULL, 0);
	int rc = run(argv[1]);
	if (rc)
		return rc;
	sim_audit();
	printf("findings=%u last=%s\n", sim_finding_count(),
	       sim_class_name(sim_last_finding()));
	return 0;
}
