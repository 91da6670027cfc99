/* SPDX-License-Identifier: MIT */
/*
 * The Linux side of the glue: a struct virtio_device and one virtqueue of
 * Linux's drivers/virtio/virtio_ring.c (split or packed, as negotiated), built against the kernel tree's
 * tools/virtio shims, offered to the workload through fuzz/linux/glue.h in
 * plain C. What a Linux transport (virtio_mmio.c's vm_setup_vq) does for a
 * ring is here; its registers are ours (fuzz/linux/workload.c drives them
 * through this project's virtio-mmio transport). Not here: the DMA API
 * (fuzz/linux/dma.c), any judgement of Linux's answers (the workload's).
 */
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/dma-mapping.h>
#include <linux/kmsan.h>

#include "fuzz/linux/glue.h"

/* The 6.1 shim defines kmsan_handle_dma as a plain C99 `inline`, which
 * gives no external definition: a build that does not inline it (-O0)
 * fails to link virtio_ring.c. This declaration makes this file hold it. */
void kmsan_handle_dma(struct page *page, size_t offset, size_t size,
		      enum dma_data_direction dir);

/* tools/virtio/linux/kernel.h's allocator hooks (virtio_test.c defines
 * them too): no fake kmalloc, no kfree to ignore. */
void *__kmalloc_fake, *__kfree_ignore_start, *__kfree_ignore_end;

/* Exported by virtio_ring.c, declared by the kernel's include/linux/
 * virtio.h but not by the 6.1 tools shim of it. */
unsigned int virtqueue_get_vring_size(struct virtqueue *vq);
bool virtqueue_is_broken(struct virtqueue *vq);
dma_addr_t virtqueue_get_desc_addr(struct virtqueue *vq);
dma_addr_t virtqueue_get_avail_addr(struct virtqueue *vq);
dma_addr_t virtqueue_get_used_addr(struct virtqueue *vq);
const struct vring *virtqueue_get_vring(struct virtqueue *vq);

#define STR_(x) #x
#define STR(x) STR_(x)
const char vfuzz_lx_version[] = STR(VFUZZ_LINUX_VERSION);

/* virtio_mmio.c's VIRTIO_MMIO_VRING_ALIGN: the legacy layout's used ring
 * alignment, which Linux uses for every split ring it allocates. */
#define VRING_ALIGN 4096u

static struct virtio_device vdev;
static struct virtqueue *vq;
static const struct vfuzz_lx_ring_ops *ring_ops;
/* Packed: the ring slot Linux's next add starts at (its next_avail_idx,
 * which 6.1 does not export): each add moves it by the descriptors the
 * add took from num_free. */
static unsigned next_avail;
/* Packed: the last add failed, yet left a descriptor of its chain written
 * with the flags that make it available (vfuzz_lx_add_left_descs). */
static bool left_descs;

static bool lx_notify(struct virtqueue *q)
{
	return ring_ops->notify(q->index);
}

static void lx_callback(struct virtqueue *q)
{
	(void)q;
	ring_ops->callback();
}

int vfuzz_lx_ring_create(uint64_t features, unsigned num,
			 const struct vfuzz_lx_ring_ops *ops)
{
	ring_ops = ops;
	memset(&vdev, 0, sizeof vdev);
	INIT_LIST_HEAD(&vdev.vqs);
	spin_lock_init(&vdev.vqs_list_lock);
	vdev.features = features;
	/* virtio.c's virtio_dev_probe: the transport bits Linux's ring does
	 * not know are dropped from the driver's features. */
	vring_transport_features(&vdev);
	/* vm_setup_vq: weak barriers, the size may be halved when memory is
	 * short, no per-buffer context. */
	vq = vring_create_virtqueue(0, num, VRING_ALIGN, &vdev, true, true,
				    false, lx_notify, lx_callback, "vfuzz");
	next_avail = 0;
	return vq ? 0 : -1;
}

bool vfuzz_lx_is_packed(void)
{
	return virtio_has_feature(&vdev, VIRTIO_F_RING_PACKED);
}

unsigned vfuzz_lx_ring_size(void)
{
	return vq ? virtqueue_get_vring_size(vq) : 0;
}

uint64_t vfuzz_lx_ring_desc(void)
{
	return virtqueue_get_desc_addr(vq);
}

uint64_t vfuzz_lx_ring_avail(void)
{
	return virtqueue_get_avail_addr(vq);
}

uint64_t vfuzz_lx_ring_used(void)
{
	return virtqueue_get_used_addr(vq);
}

int vfuzz_lx_add(const struct vfuzz_lx_buf *out, unsigned n_out,
		 const struct vfuzz_lx_buf *in, unsigned n_in, void *data,
		 unsigned *head)
{
	struct scatterlist sg[16], *sgs[16];
	unsigned n = 0;

	if (n_out + n_in > 16)
		return -EINVAL;
	for (unsigned i = 0; i < n_out; i++, n++) {
		sg_init_one(&sg[n], out[i].p, out[i].len);
		sgs[n] = &sg[n];
	}
	for (unsigned i = 0; i < n_in; i++, n++) {
		sg_init_one(&sg[n], in[i].p, in[i].len);
		sgs[n] = &sg[n];
	}
	const struct vring_packed_desc *d = NULL;
	unsigned num = virtqueue_get_vring_size(vq);
	unsigned free_before = vq->num_free;
	__le16 flags_before[16];

	if (vfuzz_lx_is_packed())
		d = vfuzz_lx_dma_cpu(virtqueue_get_desc_addr(vq));
	for (unsigned i = 0; d && i < n && i < num; i++)
		flags_before[i] = d[(next_avail + i) % num].flags;
	int rc = virtqueue_add_sgs(vq, sgs, n_out, n_in, data, GFP_ATOMIC);
	left_descs = false;
	if (rc != 0) {
		/* A failed add must leave the ring as it was: any flags it
		 * wrote make a descriptor look available (2.8.1). */
		for (unsigned i = 0; d && i < n && i < num; i++)
			left_descs = left_descs ||
				     flags_before[i] != d[(next_avail + i) % num].flags;
	} else if (d) {
		/* 2.8.6: the buffer id is in the chain's last descriptor (an
		 * indirect one's only); Linux writes it in each. */
		next_avail = (next_avail + free_before - vq->num_free) % num;
		*head = le16_to_cpu(d[(next_avail + num - 1) % num].id);
	} else if (!vfuzz_lx_is_packed()) {
		/* Linux publishes avail->idx at every add (virtqueue_add_split):
		 * the head it just made available is the entry before it. */
		const struct vring *r = virtqueue_get_vring(vq);
		u16 idx = virtio16_to_cpu(&vdev, r->avail->idx);

		*head = virtio16_to_cpu(&vdev,
					r->avail->ring[(u16)(idx - 1) & (r->num - 1)]);
	}
	return rc;
}

bool vfuzz_lx_add_left_descs(void)
{
	return left_descs;
}

unsigned vfuzz_lx_used_idx(void)
{
	const struct vring *r = virtqueue_get_vring(vq);

	if (vfuzz_lx_is_packed())
		return 0;

	return virtio16_to_cpu(&vdev, READ_ONCE(r->used->idx));
}

bool vfuzz_lx_would_use_indirect(unsigned total_sg)
{
	/* virtqueue_use_indirect: negotiated, more than one buffer, and a
	 * free descriptor to hold the table. */
	return virtio_has_feature(&vdev, VIRTIO_RING_F_INDIRECT_DESC) &&
	       total_sg > 1 && vq->num_free;
}

bool vfuzz_lx_kick(void)
{
	return virtqueue_kick(vq);
}

void *vfuzz_lx_get_buf(unsigned *len)
{
	return virtqueue_get_buf(vq, len);
}

void vfuzz_lx_disable_cb(void)
{
	virtqueue_disable_cb(vq);
}

bool vfuzz_lx_enable_cb(void)
{
	return virtqueue_enable_cb(vq);
}

bool vfuzz_lx_enable_cb_delayed(void)
{
	return virtqueue_enable_cb_delayed(vq);
}

void *vfuzz_lx_detach_unused(void)
{
	return virtqueue_detach_unused_buf(vq);
}

bool vfuzz_lx_interrupt(void)
{
	return vring_interrupt(0, vq) == IRQ_HANDLED;
}

bool vfuzz_lx_is_broken(void)
{
	return virtqueue_is_broken(vq);
}

unsigned vfuzz_lx_num_free(void)
{
	return vq->num_free;
}

void vfuzz_lx_ring_del(void)
{
	if (vq)
		vring_del_virtqueue(vq);
	vq = NULL;
}
