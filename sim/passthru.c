/* SPDX-License-Identifier: MIT */
/*
 * An unchecked pass-through HAL, only for measuring what the instrumented
 * one costs: identity mapping (paddr == host address, as on bare metal with
 * no IOMMU), no bounce buffers, no shadow, no checks. Selecting it puts the
 * sim's device-side DMA in the same identity mode.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/internal.h"

static int pt_dma_alloc(void *ctx, size_t n, enum virtio_dir dir,
			virtio_paddr_t *paddr, void **vaddr)
{
	(void)ctx, (void)dir;
	if (n == 0)
		return VIRTIO_EINVALID_PARAM;
	void *p = aligned_alloc(VIRTIO_PAGE_SIZE, n * VIRTIO_PAGE_SIZE);
	if (!p)
		return VIRTIO_EDMA;
	memset(p, 0, n * VIRTIO_PAGE_SIZE);
	*vaddr = p;
	*paddr = (virtio_paddr_t)(uintptr_t)p;
	return 0;
}

static int pt_dma_dealloc(void *ctx, virtio_paddr_t paddr, void *vaddr,
			  size_t n)
{
	(void)ctx, (void)paddr, (void)n;
	free(vaddr);
	return 0;
}

static volatile void *pt_mmio(void *ctx, virtio_paddr_t pa, size_t size)
{
	(void)ctx;
	return sim_mmio_phys_to_virt(pa, size);
}

static int pt_share(void *ctx, void *buf, size_t len, enum virtio_dir dir,
		    virtio_paddr_t *paddr)
{
	(void)ctx, (void)len, (void)dir;
	*paddr = (virtio_paddr_t)(uintptr_t)buf;
	return 0;
}

static void pt_unshare(void *ctx, virtio_paddr_t paddr, void *buf, size_t len,
		       enum virtio_dir dir)
{
	(void)ctx, (void)paddr, (void)buf, (void)len, (void)dir;
}

static const struct virtio_hal_ops pt_ops = {
	.dma_alloc = pt_dma_alloc,
	.dma_dealloc = pt_dma_dealloc,
	.mmio_phys_to_virt = pt_mmio,
	.share = pt_share,
	.unshare = pt_unshare,
};

const struct virtio_hal sim_passthru_hal = {.ops = &pt_ops, .ctx = NULL};

void sim_use_passthru(bool on)
{
	sim_unchecked = on;
}

int sim_passthru_dma(virtio_paddr_t pa, void *buf, size_t len, bool write)
{
	void *host = (void *)(uintptr_t)pa;
	if (write)
		memcpy(host, buf, len);
	else
		memcpy(buf, host, len);
	return 0;
}
