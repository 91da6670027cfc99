/* SPDX-License-Identifier: MIT */
/*
 * What the two halves of the vsock driver share: socket.c (the device:
 * queues, packets on the wire, their checks) and socket_conn.c (the
 * connections: table, credit, buffers, what each op does to one). Not a
 * public header.
 */
#ifndef VIRTIO_DEV_SOCKET_INTERNAL_H
#define VIRTIO_DEV_SOCKET_INTERNAL_H

#include "virtio/socket.h"

/* A packet header as read (5.10.6), already checked by socket.c against
 * every rule that needs no connection. */
struct socket_hdr {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port;
	uint32_t len;
	uint16_t type, op;
	uint32_t flags, buf_alloc, fwd_cnt;
};

/* socket.c: 0 when the device may be used; the stop after a lie. */
int socket_usable(const struct virtio_socket *s);
int socket_stop(struct virtio_socket *s, int rc);
/* socket.c: send one packet (blocking) from the guest's CID and
 * `src_port` to `dst`, with `op`, `flags`, the credit fields and `len`
 * payload bytes. A device that lies or never answers is stopped. */
int socket_send_pkt(struct virtio_socket *s, struct virtio_socket_addr dst,
		    uint32_t src_port, uint16_t op, uint32_t flags,
		    uint32_t buf_alloc, uint32_t fwd_cnt, const void *payload,
		    uint32_t len);

/* socket_conn.c: act on a checked packet whose payload is `body`; fills
 * *ev. 0, or the error of a reply, or EBAD_USED for a lie about the
 * connection (the caller stops the device). */
int socket_conn_packet(struct virtio_socket *s, const struct socket_hdr *h,
		       const uint8_t *body, struct virtio_socket_event *ev);
/* socket_conn.c: forget every connection (device reset, TRANSPORT_RESET);
 * listening ports stay. */
void socket_conn_reset(struct virtio_socket *s);

#endif
