/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk constants (VirtIO 1.2, 5.2), with the spec's names: feature
 * bits, request types and status, config layout. Shared by the driver
 * (drivers/dev/blk.c) and the sim's device model. What every device shares
 * is in virtio/spec.h.
 */
#ifndef VIRTIO_SPEC_BLK_H
#define VIRTIO_SPEC_BLK_H

/* 5.2.3 Feature bits */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14
/* 5.2.6 Device operation */
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_T_GET_ID 8u
#define VIRTIO_BLK_S_OK 0u
#define VIRTIO_BLK_S_IOERR 1u
#define VIRTIO_BLK_S_UNSUPP 2u
#define VIRTIO_BLK_SECTOR_SIZE 512u
#define VIRTIO_BLK_ID_BYTES 20u
/* 5.2.4 config layout offsets */
#define VIRTIO_BLK_CFG_CAPACITY 0x00 /* le64 */
#define VIRTIO_BLK_CFG_SIZE_MAX 0x08 /* le32 */
#define VIRTIO_BLK_CFG_SEG_MAX 0x0c  /* le32 */
#define VIRTIO_BLK_CFG_BLK_SIZE 0x14 /* le32 */
#define VIRTIO_BLK_CFG_MIN_SIZE 0x18 /* through blk_size */

#endif
