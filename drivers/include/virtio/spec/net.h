/* SPDX-License-Identifier: MIT */
/*
 * virtio-net constants (VirtIO 1.2, 5.1), with the spec's names: feature
 * bits, config layout, link status, the per-packet header and its flags,
 * the queues of the first pair. Shared by the driver (drivers/dev/net.c)
 * and the sim's device model. What every device shares is in
 * virtio/spec.h.
 */
#ifndef VIRTIO_SPEC_NET_H
#define VIRTIO_SPEC_NET_H

/* 5.1.3 Feature bits */
#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_GUEST_TSO6 8
#define VIRTIO_NET_F_GUEST_ECN 9
#define VIRTIO_NET_F_GUEST_UFO 10
#define VIRTIO_NET_F_HOST_TSO4 11
#define VIRTIO_NET_F_HOST_TSO6 12
#define VIRTIO_NET_F_HOST_ECN 13
#define VIRTIO_NET_F_HOST_UFO 14
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_F_CTRL_VQ 17
#define VIRTIO_NET_F_CTRL_RX 18
#define VIRTIO_NET_F_CTRL_VLAN 19
#define VIRTIO_NET_F_GUEST_ANNOUNCE 21
#define VIRTIO_NET_F_MQ 22
#define VIRTIO_NET_F_CTRL_MAC_ADDR 23
#define VIRTIO_NET_F_GUEST_RSC4 41 /* legacy only */
#define VIRTIO_NET_F_GUEST_RSC6 42 /* legacy only */
#define VIRTIO_NET_F_RSC_EXT 61
#define VIRTIO_NET_F_SPEED_DUPLEX 63

/* 5.1.4 struct virtio_net_config: offsets (mac exists with F_MAC, status
 * with F_STATUS, max_virtqueue_pairs with F_MQ, mtu with F_MTU). */
#define VIRTIO_NET_CFG_MAC 0x00                 /* u8[6] */
#define VIRTIO_NET_CFG_STATUS 0x06              /* le16 */
#define VIRTIO_NET_CFG_MAX_VIRTQUEUE_PAIRS 0x08 /* le16 */
#define VIRTIO_NET_CFG_MTU 0x0a                 /* le16 */
#define VIRTIO_NET_CFG_SIZE 0x0c
#define VIRTIO_NET_MAC_LEN 6u
/* 5.1.4 status bits */
#define VIRTIO_NET_S_LINK_UP 1u
#define VIRTIO_NET_S_ANNOUNCE 2u

/* 5.1.6 struct virtio_net_hdr (little-endian fields): flags (u8),
 * gso_type (u8), hdr_len, gso_size, csum_start, csum_offset,
 * num_buffers (le16 each). 12 bytes with VERSION_1 or MRG_RXBUF; a legacy
 * device without MRG_RXBUF has no num_buffers (10 bytes, 5.1.6.1). */
#define VIRTIO_NET_HDR_FLAGS 0
#define VIRTIO_NET_HDR_GSO_TYPE 1
#define VIRTIO_NET_HDR_HDR_LEN 2
#define VIRTIO_NET_HDR_GSO_SIZE 4
#define VIRTIO_NET_HDR_CSUM_START 6
#define VIRTIO_NET_HDR_CSUM_OFFSET 8
#define VIRTIO_NET_HDR_NUM_BUFFERS 10
#define VIRTIO_NET_HDR_SIZE 12u
#define VIRTIO_NET_HDR_SIZE_LEGACY 10u
/* flags */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1u
#define VIRTIO_NET_HDR_F_DATA_VALID 2u
#define VIRTIO_NET_HDR_F_RSC_INFO 4u
/* gso_type */
#define VIRTIO_NET_HDR_GSO_NONE 0u
#define VIRTIO_NET_HDR_GSO_TCPV4 1u
#define VIRTIO_NET_HDR_GSO_UDP 3u
#define VIRTIO_NET_HDR_GSO_TCPV6 4u
#define VIRTIO_NET_HDR_GSO_UDP_L4 5u
#define VIRTIO_NET_HDR_GSO_ECN 0x80u

/* 5.1.2 Virtqueues: the first pair (no MQ, no control queue). */
#define VIRTIO_NET_RECEIVEQ 0u
#define VIRTIO_NET_TRANSMITQ 1u

/* 5.1.6.3.1: without MRG_RXBUF and the guest offloads, a receive buffer
 * holds at least the header and a 1514-byte frame. */
#define VIRTIO_NET_MIN_BUFFER_LEN 1526u

#endif
