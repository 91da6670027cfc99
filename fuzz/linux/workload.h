/* SPDX-License-Identifier: MIT */
/*
 * The workload of the Linux ring targets (fuzz/linux_ring_split.c, built
 * as linux_ring_split and as linux_ring_packed): the
 * virtq target's shape (fuzz/harness.h, "the split queue") driven through
 * Linux's drivers/virtio/virtio_ring.c instead of drivers/queue/split.c,
 * against the same neutral device (sim/dev/echo.h) on virtio-mmio 2.
 *
 * Flags (byte 0 of the input; fuzz/harness.h for bits 6 and 7):
 *   bit 0  unused: always virtio-mmio version 2. Linux uses the DMA API
 *          only with VIRTIO_F_ACCESS_PLATFORM, which a legacy device
 *          cannot offer; without it Linux would hand the device host
 *          addresses.
 *   bit 1  the device does not offer VIRTIO_F_RING_INDIRECT_DESC
 *   bit 2  the device does not offer VIRTIO_F_RING_EVENT_IDX
 *   bit 6  the device offers VIRTIO_F_RING_PACKED; negotiated, Linux's
 *          vring_create_virtqueue makes a packed ring and the sim's
 *          packed engine serves it. linux_ring_split clears the bit,
 *          linux_ring_packed sets it.
 *
 * Workload bytes: u8 the wanted queue size (0: the device's maximum;
 * otherwise, split, rounded down to a power of two, as Linux needs), then
 * operations (byte % 12):
 *   0 add   as the virtq target's add (shape, size codes, a, b): one
 *           virtqueue_add_sgs with one scatterlist per buffer
 *   1 kick  virtqueue_kick
 *   2 pop   virtqueue_get_buf, polling a bounded number of times; each
 *           empty poll runs the interrupt handler (ISR read and ack, then
 *           vring_interrupt, whose callback drains the ring)
 *   3 add, kick, pop (the virtq target's add_wait)
 *   4 cycle u8 n: 1..256 times add a 3-buffer chain, kick, pop
 *   5 fill  add chains until Linux says -ENOSPC or the slots are full, kick
 *   6 drain kick, then pop everything in flight
 *   7 stop
 *   8 virtqueue_disable_cb   9 virtqueue_enable_cb
 *   10 virtqueue_enable_cb_delayed   11 one interrupt
 * Teardown, always: device reset, virtqueue_detach_unused_buf until it
 * returns NULL, QueueReady 0, vring_del_virtqueue; then the sim's audit.
 * Linux marking its ring broken (BAD_RING) ends the operations cleanly.
 */
#ifndef FUZZ_LINUX_WORKLOAD_H
#define FUZZ_LINUX_WORKLOAD_H

#include "fuzz/harness.h"

/* sim_reset with the case, the neutral device (ring features by the flags,
 * ACCESS_PLATFORM offered) on virtio-mmio 2, our transport probed. */
int fuzz_linux_ring_setup(const struct fuzz_case *c,
			  struct virtio_transport **t);
/* Negotiate, create Linux's ring and give it to the device, DRIVER_OK,
 * run the operations, tear down. Returns the operations run. */
unsigned fuzz_linux_ring_workload(struct virtio_transport *t,
				  struct fuzz_in *work);

#endif
