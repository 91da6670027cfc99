/* SPDX-License-Identifier: MIT */
/*
 * The HAL contract between the driver library and its platform: the five
 * operations of the Rust virtio-drivers crate's Hal trait, as a const ops
 * table. It is an ops table (not link-time symbols) so one process can hold
 * several HALs at once: the instrumented sim HAL and an unchecked pass-through
 * are measured side by side in the benchmark.
 */
#ifndef VIRTIO_HAL_H
#define VIRTIO_HAL_H

#include <stddef.h>
#include <stdint.h>

/* A physical (device-visible) address. Never a host pointer in the sim. */
typedef uint64_t virtio_paddr_t;

#define VIRTIO_PAGE_SIZE 4096u

/* Who may write the memory. Values are bit sets: BOTH = 1 | 2. */
enum virtio_dir {
	VIRTIO_DIR_DRIVER_TO_DEVICE = 1, /* device reads only */
	VIRTIO_DIR_DEVICE_TO_DRIVER = 2, /* device writes only */
	VIRTIO_DIR_BOTH = 3,
};

struct virtio_hal_ops {
	/*
	 * Allocate `pages` contiguous, zeroed, page-aligned pages for DMA.
	 * Returns 0 and fills *paddr and *vaddr, or a negative virtio_err.
	 */
	int (*dma_alloc)(void *ctx, size_t pages, enum virtio_dir dir,
			 virtio_paddr_t *paddr, void **vaddr);
	/* Free what dma_alloc returned, with the same paddr, vaddr and pages. */
	int (*dma_dealloc)(void *ctx, virtio_paddr_t paddr, void *vaddr,
			   size_t pages);
	/* Map a device's MMIO region; NULL when the range is refused. */
	volatile void *(*mmio_phys_to_virt)(void *ctx, virtio_paddr_t paddr,
					    size_t size);
	/*
	 * Give `buf[0..len)` to the device. Returns 0 and the address the
	 * device must use in *paddr, or a negative virtio_err. The driver must
	 * not touch buf until unshare.
	 */
	int (*share)(void *ctx, void *buf, size_t len, enum virtio_dir dir,
		     virtio_paddr_t *paddr);
	/* Take buf back; copies device writes into buf for DEVICE_TO_DRIVER/BOTH. */
	void (*unshare)(void *ctx, virtio_paddr_t paddr, void *buf, size_t len,
			enum virtio_dir dir);
};

struct virtio_hal {
	const struct virtio_hal_ops *ops;
	void *ctx;
};

/*
 * Call sites. In a sim build (VIRTIO_SIM) every HAL call first tells the sim
 * where it comes from, so a report can say "shared at: #17 virtq_add
 * (drivers/queue/split.c:212)". Elsewhere this costs nothing.
 */
#ifdef VIRTIO_SIM
void virtio_sim_site(const char *func, const char *file, int line);
#define VIRTIO_SITE() virtio_sim_site(__func__, __FILE__, __LINE__)
#else
#define VIRTIO_SITE() ((void)0)
#endif

/* Drivers call the HAL only through these, never through ops directly. */
#define virtio_dma_alloc(hal, pages, dir, paddr, vaddr)                        \
	(VIRTIO_SITE(), (hal)->ops->dma_alloc((hal)->ctx, (pages), (dir),      \
					       (paddr), (vaddr)))
#define virtio_dma_dealloc(hal, paddr, vaddr, pages)                           \
	(VIRTIO_SITE(),                                                        \
	 (hal)->ops->dma_dealloc((hal)->ctx, (paddr), (vaddr), (pages)))
#define virtio_mmio_phys_to_virt(hal, paddr, size)                             \
	(VIRTIO_SITE(), (hal)->ops->mmio_phys_to_virt((hal)->ctx, (paddr),     \
						       (size)))
#define virtio_share(hal, buf, len, dir, paddr)                                \
	(VIRTIO_SITE(),                                                        \
	 (hal)->ops->share((hal)->ctx, (buf), (len), (dir), (paddr)))
#define virtio_unshare(hal, paddr, buf, len, dir)                              \
	(VIRTIO_SITE(),                                                        \
	 (hal)->ops->unshare((hal)->ctx, (paddr), (buf), (len), (dir)))

#endif
