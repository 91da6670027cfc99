/* SPDX-License-Identifier: MIT */
/*
 * Replaces tools/virtio/linux/dma-mapping.h, the one shim of the kernel
 * tree we do not use: there the DMA API is the identity (a mapping is the
 * buffer's own address). Here every call goes to the sim HAL through
 * fuzz/linux/dma.c, with Linux's function, file and line as the call site:
 *   dma_map_single, dma_map_page     -> share (DMA_* direction)
 *   dma_unmap_single, dma_unmap_page -> unshare
 *   dma_alloc_coherent               -> dma_alloc (whole pages, Both)
 *   dma_free_coherent                -> dma_dealloc
 *   dma_mapping_error                -> the share failed
 * Same names and arguments as the kernel's include/linux/dma-mapping.h.
 */
#ifndef _LINUX_DMA_MAPPING_H
#define _LINUX_DMA_MAPPING_H

#include "fuzz/linux/glue.h"

enum dma_data_direction {
	DMA_BIDIRECTIONAL = VFUZZ_LX_DMA_BIDIRECTIONAL,
	DMA_TO_DEVICE = VFUZZ_LX_DMA_TO_DEVICE,
	DMA_FROM_DEVICE = VFUZZ_LX_DMA_FROM_DEVICE,
	DMA_NONE = 3,
};

#define DMA_MAPPING_ERROR ((dma_addr_t)VFUZZ_LX_MAPPING_ERROR)

#define dma_map_single_attrs(d, p, s, dir, a)                                  \
	((dma_addr_t)vfuzz_lx_dma_map((p), (s), (dir), VFUZZ_LX_SITE))
#define dma_map_single(d, p, s, dir) dma_map_single_attrs(d, p, s, dir, 0)
#define dma_map_page(d, pg, o, s, dir)                                         \
	((dma_addr_t)vfuzz_lx_dma_map((char *)(pg) + (o), (s), (dir),          \
				      VFUZZ_LX_SITE))
#define dma_mapping_error(d, a) ((a) == DMA_MAPPING_ERROR)

#define dma_unmap_single_attrs(d, a, s, dir, attrs)                            \
	vfuzz_lx_dma_unmap((a), (s), (dir), VFUZZ_LX_SITE)
#define dma_unmap_single(d, a, s, dir) dma_unmap_single_attrs(d, a, s, dir, 0)
#define dma_unmap_page(d, a, s, dir)                                           \
	vfuzz_lx_dma_unmap((a), (s), (dir), VFUZZ_LX_SITE)

#define dma_alloc_coherent(d, s, hp, f)                                        \
	vfuzz_lx_dma_alloc((s), (unsigned long long *)(hp), VFUZZ_LX_SITE)
#define dma_free_coherent(d, s, p, h)                                          \
	vfuzz_lx_dma_free((s), (p), (h), VFUZZ_LX_SITE)

/* Bounce buffers are synced at unmap only (as the sim's unshare does). */
#define dma_need_sync(d, a) (0)
#define dma_sync_single_range_for_cpu(d, a, o, s, r)                           \
	do {                                                                   \
		(void)(d), (void)(a), (void)(o), (void)(s), (void)(r);         \
	} while (0)
#define dma_sync_single_range_for_device(d, a, o, s, r)                        \
	dma_sync_single_range_for_cpu(d, a, o, s, r)
#define dma_max_mapping_size(d) ((size_t)256 * 4096)

#endif
