/* SPDX-License-Identifier: MIT */
/*
 * Linux's DMA API on the sim HAL: the platform half of the Linux glue.
 * Each call virtio_ring.c makes (through the macros of
 * fuzz/linux/include/linux/dma-mapping.h) becomes one HAL call with
 * Linux's own function and line as its site, so every sim check (share
 * overlap, unshare length and direction, leaks, the device reaching memory
 * nobody gave it) judges Linux's code as it judges ours.
 *
 * Linux's unmap names only the device address; the HAL's unshare also
 * wants the buffer. Like swiotlb (io_tlb_orig_addr), the glue keeps a table
 * of live mappings, address -> buffer, and passes the buffer it recorded
 * with Linux's length and direction: the sim compares those with the
 * share's. An address the table does not hold goes to unshare as it is
 * (the sim reports it unknown, or unshared twice).
 */
#include <stddef.h>

#include "fuzz/linux/glue.h"
#include "sim/sim.h"
#include "virtio/errors.h"

#define MAX_MAPPINGS 512u /* live at once: far above a ring of 256 */

static struct mapping {
	virtio_paddr_t addr;
	void *cpu;
} mappings[MAX_MAPPINGS];
static unsigned nmappings;
/* Coherent allocations live at once (a packed ring has three), handle ->
 * buffer: what the glue reads of Linux's ring (vfuzz_lx_dma_cpu). */
#define MAX_COHERENT 8u
static struct mapping coherent[MAX_COHERENT];
static unsigned ncoherent;

static enum virtio_dir hal_dir(int dir)
{
	switch (dir) {
	case VFUZZ_LX_DMA_TO_DEVICE:
		return VIRTIO_DIR_DRIVER_TO_DEVICE;
	case VFUZZ_LX_DMA_FROM_DEVICE:
		return VIRTIO_DIR_DEVICE_TO_DRIVER;
	case VFUZZ_LX_DMA_BIDIRECTIONAL:
		return VIRTIO_DIR_BOTH;
	default: /* DMA_NONE: no direction the HAL knows; the sim says so */
		return (enum virtio_dir)0;
	}
}

static size_t pages_of(size_t size)
{
	return (size + VIRTIO_PAGE_SIZE - 1) / VIRTIO_PAGE_SIZE;
}

uint64_t vfuzz_lx_dma_map(void *cpu, size_t len, int dir, const char *func,
			  const char *file, int line)
{
	virtio_paddr_t pa;

	if (nmappings == MAX_MAPPINGS)
		return VFUZZ_LX_MAPPING_ERROR; /* as an exhausted swiotlb */
	virtio_sim_site(func, file, line);
	if (sim_hal.ops->share(sim_hal.ctx, cpu, len, hal_dir(dir), &pa))
		return VFUZZ_LX_MAPPING_ERROR;
	mappings[nmappings++] = (struct mapping){pa, cpu};
	return pa;
}

void vfuzz_lx_dma_unmap(uint64_t addr, size_t len, int dir, const char *func,
			const char *file, int line)
{
	void *cpu = NULL;

	for (unsigned i = 0; i < nmappings; i++) {
		if (mappings[i].addr == addr) {
			cpu = mappings[i].cpu;
			mappings[i] = mappings[--nmappings];
			break;
		}
	}
	virtio_sim_site(func, file, line);
	sim_hal.ops->unshare(sim_hal.ctx, addr, cpu, len, hal_dir(dir));
}

void *vfuzz_lx_dma_alloc(size_t size, unsigned long long *handle,
			 const char *func, const char *file, int line)
{
	virtio_paddr_t pa;
	void *cpu;

	virtio_sim_site(func, file, line);
	if (sim_hal.ops->dma_alloc(sim_hal.ctx, pages_of(size), VIRTIO_DIR_BOTH,
				   &pa, &cpu))
		return NULL;
	*handle = pa;
	if (ncoherent < MAX_COHERENT)
		coherent[ncoherent++] = (struct mapping){pa, cpu};
	return cpu;
}

void vfuzz_lx_dma_free(size_t size, void *cpu, uint64_t handle,
		       const char *func, const char *file, int line)
{
	for (unsigned i = 0; i < ncoherent; i++) {
		if (coherent[i].addr == handle) {
			coherent[i] = coherent[--ncoherent];
			break;
		}
	}
	virtio_sim_site(func, file, line);
	sim_hal.ops->dma_dealloc(sim_hal.ctx, handle, cpu, pages_of(size));
}

void *vfuzz_lx_dma_cpu(uint64_t handle)
{
	for (unsigned i = 0; i < ncoherent; i++)
		if (coherent[i].addr == handle)
			return coherent[i].cpu;
	return NULL;
}

/* A new iteration: the sim forgot every share (sim_reset). */
void vfuzz_lx_dma_reset(void)
{
	nmappings = 0;
	ncoherent = 0;
}
