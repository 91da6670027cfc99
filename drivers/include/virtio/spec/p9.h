/* SPDX-License-Identifier: MIT */
/*
 * virtio-9p constants (VirtIO 1.2, 5: device id 9, "9P transport"; the
 * device itself is described by QEMU and Linux's net/9p/trans_virtio.c):
 * the MOUNT_TAG feature, the config layout (le16 tag_len, then tag_len
 * bytes of tag, not NUL-terminated), the one request queue, and the 9P
 * message header with the 9P2000.L message types the driver's header check,
 * the workload and the conformance program name. Shared by the driver
 * (drivers/dev/p9.c) and the sim's device model (sim/dev/p9.c). Message
 * building is the caller's: drivers/ is a transport.
 */
#ifndef VIRTIO_SPEC_P9_H
#define VIRTIO_SPEC_P9_H

/* Feature bits: the config carries a mount tag. */
#define VIRTIO_9P_MOUNT_TAG 0

/* struct virtio_9p_config { le16 tag_len; u8 tag[tag_len]; } */
#define VIRTIO_9P_CFG_TAG_LEN 0x00 /* le16 */
#define VIRTIO_9P_CFG_TAG 0x02     /* u8[tag_len] */
/* QEMU refuses a longer mount tag (hw/9pfs: MAX_TAG_LEN). */
#define VIRTIO_9P_MAX_TAG_LEN 255u

/* The only queue: each request is one chain, the T-message the device
 * reads, then room for the R-message it writes. */
#define VIRTIO_9P_REQUESTQ 0u

/* 9P message header: size[4] (the whole message, header included,
 * little-endian) type[1] tag[2]. */
#define P9_HDR_SIZE 7u
#define P9_HDR_OFF_SIZE 0
#define P9_HDR_OFF_TYPE 4
#define P9_HDR_OFF_TAG 5
#define P9_NOTAG 0xffffu
#define P9_NOFID 0xffffffffu

/* 9P2000.L message types (T = request, R = T + 1). */
#define P9_RLERROR 7
#define P9_TLOPEN 12
#define P9_RLOPEN 13
#define P9_TGETATTR 24
#define P9_RGETATTR 25
#define P9_TSTATFS 8
#define P9_TVERSION 100
#define P9_RVERSION 101
#define P9_TATTACH 104
#define P9_RATTACH 105
#define P9_RERROR 107 /* 9P2000 and .u; a .L server answers Rlerror */
#define P9_TWALK 110
#define P9_RWALK 111
#define P9_TREAD 116
#define P9_RREAD 117
#define P9_TCLUNK 120
#define P9_RCLUNK 121

/* Sizes of the 9P2000.L parts the callers build and parse. */
#define P9_QID_SIZE 13u      /* type[1] version[4] path[8] */
#define P9_MAXWELEM 16u      /* names in one Twalk */
#define P9_IOHDRSZ 24u       /* Tread/Rread overhead QEMU subtracts */

/* Linux errno values a 9P2000.L server sends in Rlerror. */
#define P9_ENOENT 2u
#define P9_EBADF 9u
#define P9_EINVAL 22u
#define P9_ENOTDIR 20u
#define P9_EISDIR 21u
#define P9_EPROTO 71u
#define P9_ENOTSUP 95u

#endif
