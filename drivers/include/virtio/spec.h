/* SPDX-License-Identifier: MIT */
/*
 * Constants from the VirtIO 1.2 specification common to every device, with
 * the spec's names so a reader can grep the spec: status, reserved feature
 * bits, device ids, ring layout, MMIO registers. Each device's own constants
 * are in spec/<device>.h. Shared by drivers/ and the sim's device side.
 */
#ifndef VIRTIO_SPEC_H
#define VIRTIO_SPEC_H

/* 2.1 Device status field */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* 6 Reserved feature bits */
#define VIRTIO_F_RING_INDIRECT_DESC 28
#define VIRTIO_F_RING_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34
#define VIRTIO_F_IN_ORDER 35
#define VIRTIO_F_ORDER_PLATFORM 36
#define VIRTIO_F_SR_IOV 37
#define VIRTIO_F_NOTIFICATION_DATA 38

/* 5 Device types */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4
#define VIRTIO_ID_9P 9
#define VIRTIO_ID_GPU 16
#define VIRTIO_ID_RTC 17
#define VIRTIO_ID_INPUT 18
#define VIRTIO_ID_SOCK 19

/* 2.7.5 The virtqueue descriptor table */
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
/* 2.7.6 / 2.7.8 */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY 1u

/* 2.7 split virtqueue layout sizes for a queue of n entries */
#define VIRTQ_DESC_SIZE 16u
#define VIRTQ_AVAIL_SIZE(n) (6u + 2u * (n))       /* flags, idx, ring[n], used_event */
#define VIRTQ_USED_SIZE(n) (6u + 8u * (n))        /* flags, idx, ring[n], avail_event */
#define VIRTQ_LEGACY_ALIGN 4096u                  /* 2.7.2 legacy: used ring alignment */

/* 2.8 packed virtqueue: a descriptor is addr (le64), len (le32), id (le16),
 * flags (le16); NEXT, WRITE and INDIRECT keep their split values. */
#define VIRTQ_PACKED_DESC_SIZE 16u
#define VIRTQ_PACKED_DESC_F_AVAIL (1u << 7)
#define VIRTQ_PACKED_DESC_F_USED (1u << 15)
/* 2.8.10 event suppression structure (driver and device areas): desc
 * (le16: offset in bits 0-14, wrap counter in bit 15), flags (le16). */
#define VIRTQ_PACKED_EVENT_SIZE 4u
#define VIRTQ_RING_EVENT_FLAGS_ENABLE 0x0u
#define VIRTQ_RING_EVENT_FLAGS_DISABLE 0x1u
#define VIRTQ_RING_EVENT_FLAGS_DESC 0x2u
#define VIRTQ_PACKED_EVENT_F_WRAP_CTR 15
/* 2.8: a packed queue of up to 32768 entries, any size (no power of two). */
#define VIRTQ_PACKED_SIZE_MAX 32768u

/* 4.2.2 MMIO device register layout */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028 /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_ALIGN 0x03c /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN 0x040   /* legacy */
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100
#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */
#define VIRTIO_MMIO_INT_VRING 1u
#define VIRTIO_MMIO_INT_CONFIG 2u

#endif
