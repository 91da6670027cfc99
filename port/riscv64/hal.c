/* SPDX-License-Identifier: MIT */
/*
 * HAL implementation for the riscv64 virt port. DMA memory: first-fit
 * page runs from a static pool. Shares: 64-byte granules from a bounce pool;
 * each live share is recorded (paddr, buffer, length, direction) and unshare
 * compares field by field. Single hart, no interrupts: no locking.
 */
#include "hal.h"

#include "board.h"
#include "virtio/errors.h"

/* 6 MiB: a framebuffer of QEMU's default virtio-gpu mode (1280x800, 4
 * bytes a pixel) is 1000 pages, with the queues and a cursor beside it. */
#define DMA_POOL_PAGES 1536u
#define BOUNCE_GRANULE 64u
#define BOUNCE_GRANULES 32768u         /* 2 MiB */
#define SHARES_MAX 1024u

static uint8_t dma_pool[DMA_POOL_PAGES][VIRTIO_PAGE_SIZE]
	__attribute__((aligned(VIRTIO_PAGE_SIZE)));
/* At the first page of a live allocation: its page count; else 0. */
static uint16_t dma_run[DMA_POOL_PAGES];
static uint8_t dma_busy[DMA_POOL_PAGES];

static uint8_t bounce_pool[BOUNCE_GRANULES][BOUNCE_GRANULE]
	__attribute__((aligned(VIRTIO_PAGE_SIZE)));
static uint8_t bounce_busy[BOUNCE_GRANULES];

struct share {
	virtio_paddr_t paddr;
	void *buf;
	size_t len;
	size_t granules;
	enum virtio_dir dir;
	int live;
};
static struct share shares[SHARES_MAX];
static struct board_hal_stats stats;

static void misuse(const char *what, uint64_t a, uint64_t b, uint64_t c)
{
	stats.misuse++;
	kprintf("HAL misuse: %s [0x%llx] [0x%llx] [0x%llx]\n", what,
		(unsigned long long)a, (unsigned long long)b,
		(unsigned long long)c);
}

/* First fit of `n` free entries in a busy map; returns the index or -1. */
static long find_run(const uint8_t *busy, size_t total, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < total; i++) {
		run = busy[i] ? 0 : run + 1;
		if (run == n)
			return (long)(i + 1 - n);
	}
	return -1;
}

static int hal_dma_alloc(void *ctx, size_t pages, enum virtio_dir dir,
			 virtio_paddr_t *paddr, void **vaddr)
{
	long first;

	(void)ctx;
	if (pages == 0 || pages > DMA_POOL_PAGES || dir < 1 || dir > 3) {
		misuse("dma_alloc with bad pages/dir", pages, (uint64_t)dir, 0);
		return VIRTIO_EINVALID_PARAM;
	}
	first = find_run(dma_busy, DMA_POOL_PAGES, pages);
	if (first < 0)
		return VIRTIO_EDMA;
	memset(&dma_busy[first], 1, pages);
	dma_run[first] = (uint16_t)pages;
	memset(dma_pool[first], 0, pages * VIRTIO_PAGE_SIZE);
	*vaddr = dma_pool[first];
	*paddr = (uintptr_t)dma_pool[first]; /* identity map */
	stats.dma_live_pages += pages;
	stats.dma_live_allocs++;
	stats.dma_allocs++;
	return VIRTIO_OK;
}

static int hal_dma_dealloc(void *ctx, virtio_paddr_t paddr, void *vaddr,
			   size_t pages)
{
	uintptr_t base = (uintptr_t)dma_pool;
	size_t idx;

	(void)ctx;
	if (paddr < base || paddr >= base + sizeof(dma_pool) ||
	    (paddr - base) % VIRTIO_PAGE_SIZE) {
		misuse("dma_dealloc of memory dma_alloc never returned", paddr,
		       (uintptr_t)vaddr, pages);
		return VIRTIO_EINVALID_PARAM;
	}
	idx = (size_t)(paddr - base) / VIRTIO_PAGE_SIZE;
	if (!dma_run[idx]) {
		misuse("dma_dealloc of memory not allocated (double free?)",
		       paddr, (uintptr_t)vaddr, pages);
		return VIRTIO_EINVALID_PARAM;
	}
	if ((uintptr_t)vaddr != paddr || dma_run[idx] != pages) {
		misuse("dma_dealloc with a different vaddr or page count",
		       paddr, (uintptr_t)vaddr, pages);
		return VIRTIO_EINVALID_PARAM;
	}
	memset(&dma_busy[idx], 0, pages);
	dma_run[idx] = 0;
	stats.dma_live_pages -= pages;
	stats.dma_live_allocs--;
	return VIRTIO_OK;
}

/* Device windows of the virt machine; anything else is refused. */
static volatile void *hal_mmio_phys_to_virt(void *ctx, virtio_paddr_t paddr,
					    size_t size)
{
	static const struct {
		uint64_t base, size;
	} windows[] = {
		{ BOARD_MMIO_BASE, BOARD_MMIO_SLOTS * BOARD_MMIO_SLOT_SIZE },
		{ BOARD_ECAM_BASE, BOARD_ECAM_SIZE },
		{ BOARD_PCI_MMIO_BASE, BOARD_PCI_MMIO_SIZE },
	};
	uint64_t end;

	(void)ctx;
	if (size && !__builtin_add_overflow(paddr, size, &end)) {
		for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
			if (paddr >= windows[i].base &&
			    end <= windows[i].base + windows[i].size)
				return (volatile void *)(uintptr_t)paddr;
		}
	}
	stats.mmio_refused++;
	kprintf("HAL: mmio_phys_to_virt refused [paddr=0x%llx] [size=0x%llx]\n",
		(unsigned long long)paddr, (unsigned long long)size);
	return NULL;
}

static int overlaps_live_share(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < SHARES_MAX; i++) {
		const uint8_t *b = shares[i].buf;
		if (shares[i].live && buf < b + shares[i].len && b < buf + len)
			return 1;
	}
	return 0;
}

static int hal_share(void *ctx, void *buf, size_t len, enum virtio_dir dir,
		     virtio_paddr_t *paddr)
{
	size_t granules, slot;
	long first;

	(void)ctx;
	if (!buf || len == 0 || dir < 1 || dir > 3 ||
	    len > sizeof(bounce_pool)) {
		misuse("share of an empty/NULL buffer or bad direction",
		       (uintptr_t)buf, len, (uint64_t)dir);
		return VIRTIO_EINVALID_PARAM;
	}
	if (overlaps_live_share(buf, len)) {
		misuse("share of a buffer that overlaps a live share",
		       (uintptr_t)buf, len, (uint64_t)dir);
		return VIRTIO_EINVALID_PARAM;
	}
	for (slot = 0; slot < SHARES_MAX && shares[slot].live; slot++)
		;
	granules = (len + BOUNCE_GRANULE - 1) / BOUNCE_GRANULE;
	first = find_run(bounce_busy, BOUNCE_GRANULES, granules);
	if (slot == SHARES_MAX || first < 0)
		return VIRTIO_EDMA;
	memset(&bounce_busy[first], 1, granules);
	/* What a real bounce buffer holds is stale: never let it look valid. */
	if (dir & VIRTIO_DIR_DRIVER_TO_DEVICE)
		memcpy(bounce_pool[first], buf, len);
	else
		memset(bounce_pool[first], BOARD_BOUNCE_POISON, len);
	shares[slot] = (struct share){
		.paddr = (uintptr_t)bounce_pool[first],
		.buf = buf,
		.len = len,
		.granules = granules,
		.dir = dir,
		.live = 1,
	};
	*paddr = shares[slot].paddr;
	stats.shares_live++;
	stats.shares++;
	return VIRTIO_OK;
}

static void hal_unshare(void *ctx, virtio_paddr_t paddr, void *buf,
			size_t len, enum virtio_dir dir)
{
	struct share *s = NULL;
	size_t first;

	(void)ctx;
	for (size_t i = 0; i < SHARES_MAX; i++) {
		if (shares[i].live && shares[i].paddr == paddr) {
			s = &shares[i];
			break;
		}
	}
	if (!s) {
		misuse("unshare of an address share() never returned (double unshare?)",
		       paddr, (uintptr_t)buf, len);
		return;
	}
	if (s->buf != buf || s->len != len || s->dir != dir) {
		misuse("unshare with a different buffer, length or direction",
		       paddr, (uintptr_t)buf, len);
		/* Still release it, using what share() recorded. */
	}
	if (s->dir & VIRTIO_DIR_DEVICE_TO_DRIVER)
		memcpy(s->buf, (void *)(uintptr_t)s->paddr, s->len);
	first = (size_t)(s->paddr - (uintptr_t)bounce_pool) / BOUNCE_GRANULE;
	memset(&bounce_busy[first], 0, s->granules);
	s->live = 0;
	stats.shares_live--;
}

static const struct virtio_hal_ops board_hal_ops = {
	.dma_alloc = hal_dma_alloc,
	.dma_dealloc = hal_dma_dealloc,
	.mmio_phys_to_virt = hal_mmio_phys_to_virt,
	.share = hal_share,
	.unshare = hal_unshare,
};

const struct virtio_hal board_hal = { .ops = &board_hal_ops, .ctx = NULL };

void board_hal_stats(struct board_hal_stats *s)
{
	*s = stats;
}
