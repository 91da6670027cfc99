/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock constants (VirtIO 1.2, 5.10 "Socket Device"), with the
 * spec's names: feature bits, config layout, reserved CIDs, the packet
 * header (struct virtio_vsock_hdr) and its ops, the event. Shared by the
 * driver (drivers/dev/socket*.c) and the sim's device model. What every
 * device shares is in virtio/spec.h.
 */
#ifndef VIRTIO_SPEC_SOCKET_H
#define VIRTIO_SPEC_SOCKET_H

/* 5.10.3 Feature bits. Without either, stream only (1.1 devices). */
#define VIRTIO_VSOCK_F_STREAM 0
#define VIRTIO_VSOCK_F_SEQPACKET 1

/* 5.10.2 Virtqueues */
#define VIRTIO_VSOCK_RX 0u
#define VIRTIO_VSOCK_TX 1u
#define VIRTIO_VSOCK_EVENT 2u

/* 5.10.4 struct virtio_vsock_config { le64 guest_cid; }: the upper 32
 * bits are reserved and zeroed. */
#define VIRTIO_VSOCK_CFG_GUEST_CID 0x00
#define VIRTIO_VSOCK_CFG_SIZE 0x08
/* 5.10.4: CIDs no guest may have: 0 and 1 reserved, 2 the host's
 * well-known CID, 0xffffffff reserved (VMADDR_CID_ANY). */
#define VIRTIO_VSOCK_CID_HOST 2u
#define VIRTIO_VSOCK_CID_RESERVED_ANY 0xffffffffu

/* 5.10.6 struct virtio_vsock_hdr, little-endian, packed: 44 bytes. */
#define VIRTIO_VSOCK_HDR_SRC_CID 0    /* le64 */
#define VIRTIO_VSOCK_HDR_DST_CID 8    /* le64 */
#define VIRTIO_VSOCK_HDR_SRC_PORT 16  /* le32 */
#define VIRTIO_VSOCK_HDR_DST_PORT 20  /* le32 */
#define VIRTIO_VSOCK_HDR_LEN 24       /* le32: payload bytes after it */
#define VIRTIO_VSOCK_HDR_TYPE 28      /* le16 */
#define VIRTIO_VSOCK_HDR_OP 30        /* le16 */
#define VIRTIO_VSOCK_HDR_FLAGS 32     /* le32 */
#define VIRTIO_VSOCK_HDR_BUF_ALLOC 36 /* le32 */
#define VIRTIO_VSOCK_HDR_FWD_CNT 40   /* le32 */
#define VIRTIO_VSOCK_HDR_SIZE 44u

/* 5.10.6: type */
#define VIRTIO_VSOCK_TYPE_STREAM 1u
#define VIRTIO_VSOCK_TYPE_SEQPACKET 2u

/* 5.10.6: op */
#define VIRTIO_VSOCK_OP_INVALID 0u
#define VIRTIO_VSOCK_OP_REQUEST 1u
#define VIRTIO_VSOCK_OP_RESPONSE 2u
#define VIRTIO_VSOCK_OP_RST 3u
#define VIRTIO_VSOCK_OP_SHUTDOWN 4u
#define VIRTIO_VSOCK_OP_RW 5u
#define VIRTIO_VSOCK_OP_CREDIT_UPDATE 6u
#define VIRTIO_VSOCK_OP_CREDIT_REQUEST 7u
#define VIRTIO_VSOCK_OP_MAX 7u

/* 5.10.6.5: SHUTDOWN flags (hints) */
#define VIRTIO_VSOCK_SHUTDOWN_F_RECEIVE 1u
#define VIRTIO_VSOCK_SHUTDOWN_F_SEND 2u

/* 5.10.6.7 struct virtio_vsock_event { le32 id; } */
#define VIRTIO_VSOCK_EVENT_SIZE 4u
#define VIRTIO_VSOCK_EVENT_TRANSPORT_RESET 0u

#endif
