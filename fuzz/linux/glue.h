/* SPDX-License-Identifier: MIT */
/*
 * The boundary between the two halves of the Linux glue. Linux's
 * virtio_ring.c and fuzz/linux/ring.c are compiled against the kernel
 * tree's tools/virtio shims; fuzz/linux/dma.c and fuzz/linux/workload.c
 * against this project's headers. The two sets of headers cannot meet in
 * one file (both define VIRTIO_F_*, u8, min...), so they talk through
 * these plain-C declarations only: no Linux type, no sim type.
 */
#ifndef FUZZ_LINUX_GLUE_H
#define FUZZ_LINUX_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Linux's DMA API, as fuzz/linux/dma.c receives it ------------------- */

/* Linux's enum dma_data_direction values. */
#define VFUZZ_LX_DMA_BIDIRECTIONAL 0
#define VFUZZ_LX_DMA_TO_DEVICE 1
#define VFUZZ_LX_DMA_FROM_DEVICE 2
/* Linux's DMA_MAPPING_ERROR. */
#define VFUZZ_LX_MAPPING_ERROR (~(uint64_t)0)

/* The caller's function, file and line: Linux's, where the macros of
 * fuzz/linux/include/linux/dma-mapping.h expand. Reports name them. */
#define VFUZZ_LX_SITE __func__, __FILE__, __LINE__

/* dma_map_single / dma_map_page: share(cpu, len) with the direction; the
 * device address, or VFUZZ_LX_MAPPING_ERROR when the platform refuses. */
uint64_t vfuzz_lx_dma_map(void *cpu, size_t len, int dir, const char *func,
			  const char *file, int line);
/* dma_unmap_single / dma_unmap_page: unshare the mapping made at `addr`. */
void vfuzz_lx_dma_unmap(uint64_t addr, size_t len, int dir, const char *func,
			const char *file, int line);
/* dma_alloc_coherent / dma_free_coherent: dma_alloc / dma_dealloc of
 * whole pages (Both: the device writes the used ring there). */
void *vfuzz_lx_dma_alloc(size_t size, unsigned long long *handle, const char *func,
			 const char *file, int line);
void vfuzz_lx_dma_free(size_t size, void *cpu, uint64_t handle,
		       const char *func, const char *file, int line);
/* The buffer of the live coherent allocation at `handle`, or NULL: where
 * the glue reads Linux's packed ring (6.1 has no accessor for it). */
void *vfuzz_lx_dma_cpu(uint64_t handle);
/* Forget every mapping: a new iteration (after sim_reset). */
void vfuzz_lx_dma_reset(void);

/* ---- Linux's ring, as fuzz/linux/ring.c offers it ------------------------ */

/* The one virtqueue of an iteration: created over a struct virtio_device
 * whose features are `features` (negotiated through our transport); with
 * VIRTIO_F_RING_PACKED among them Linux makes a packed ring. */
struct vfuzz_lx_ring_ops {
	/* Linux's vq->notify: an available-buffer notification. */
	bool (*notify)(unsigned index);
	/* Linux's vq->callback, from vring_interrupt. */
	void (*callback)(void);
};
/* vring_create_virtqueue(0, num, 4096, ...): 0, or -1 when Linux refuses
 * (split: num not a power of two; no memory). */
int vfuzz_lx_ring_create(uint64_t features, unsigned num,
			 const struct vfuzz_lx_ring_ops *ops);
/* Did Linux make a packed ring (2.8)? Else split (2.7). */
bool vfuzz_lx_is_packed(void);
/* The areas to give the transport (packed: the descriptor ring, the driver
 * and the device event suppression areas), and the size Linux settled on. */
unsigned vfuzz_lx_ring_size(void);
uint64_t vfuzz_lx_ring_desc(void);
uint64_t vfuzz_lx_ring_avail(void);
uint64_t vfuzz_lx_ring_used(void);

struct vfuzz_lx_buf {
	void *p;
	unsigned len;
};
/* virtqueue_add_sgs with one scatterlist of one entry per buffer:
 * Linux's return (0, -ENOSPC, -ENOMEM, -EIO); *head, on success, what the
 * device knows the chain by, read back from the ring Linux wrote: split,
 * the head in its avail ring; packed, the buffer id (2.8.6). */
int vfuzz_lx_add(const struct vfuzz_lx_buf *out, unsigned n_out,
		 const struct vfuzz_lx_buf *in, unsigned n_in, void *data,
		 unsigned *head);
/* Packed: did the last add, failed, leave descriptor flags in the ring it
 * had not written before (what the device takes for an available chain)? */
bool vfuzz_lx_add_left_descs(void);
/* Split: the used idx the device published (the harness's view of the
 * ring). Packed has none: 0. */
unsigned vfuzz_lx_used_idx(void);
/* Would Linux use an indirect table for `total_sg` buffers now? */
bool vfuzz_lx_would_use_indirect(unsigned total_sg);
bool vfuzz_lx_kick(void);                        /* virtqueue_kick */
void *vfuzz_lx_get_buf(unsigned *len);           /* virtqueue_get_buf */
void vfuzz_lx_disable_cb(void);                  /* virtqueue_disable_cb */
bool vfuzz_lx_enable_cb(void);                   /* virtqueue_enable_cb */
bool vfuzz_lx_enable_cb_delayed(void);           /* ..._enable_cb_delayed */
void *vfuzz_lx_detach_unused(void);              /* ..._detach_unused_buf */
bool vfuzz_lx_interrupt(void);                   /* vring_interrupt: handled? */
bool vfuzz_lx_is_broken(void);                   /* virtqueue_is_broken */
unsigned vfuzz_lx_num_free(void);
void vfuzz_lx_ring_del(void);                    /* vring_del_virtqueue */

/* The kernel version of the tree the ring was built from ("6.1.192"). */
extern const char vfuzz_lx_version[];

#endif
