/* SPDX-License-Identifier: MIT */
/*
 * virtio-net driver (VirtIO 1.2, 5.1) over any transport, the first queue
 * pair only (receiveq 0, transmitq 1), after the virtio-drivers crate's
 * VirtIONet/VirtIONetRaw: init with a receive buffer length and a queue
 * size, the MAC address, link status, can_send/can_recv, a blocking send,
 * a non-blocking receive that lends the caller a receive buffer until it
 * recycles it, interrupt control and acknowledgement. Negotiates MAC and
 * STATUS (never MRG_RXBUF, offloads, MQ or the control queue), so every
 * received frame is one buffer behind one header. The caller owns all
 * storage, the receive buffers included. Spec constants are in
 * virtio/spec/net.h.
 *
 * Where the crate trusts the device, this driver checks: the MAC (read
 * under one config generation, not multicast, not zero), each receive's
 * used len (it must cover the header; the queue checks it fits the
 * buffer), the header of each received frame (no checksum, GSO or RSC
 * flag and no GSO type that was not negotiated; num_buffers is not read:
 * QEMU before 9.2 leaves it unwritten), a send's used len (0: the
 * device writes nothing into a frame it sends; the queue checks it). A lie
 * is EBAD_USED (EBAD_CONFIG at init); after EBAD_USED or ETIMEOUT the
 * device has been reset and every call returns EBROKEN until destroy.
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/errors.h"
#include "virtio/spec.h"
#include "virtio/spec/net.h"
#include "virtio/virtq.h"

/* The crate's MAX_BUFFER_LEN: one descriptor of a 16-bit length. */
#define VIRTIO_NET_MAX_BUFFER_LEN 65535u
/* Largest frame send takes (the header shares the crate's limit). */
#define VIRTIO_NET_MAX_FRAME (VIRTIO_NET_MAX_BUFFER_LEN - VIRTIO_NET_HDR_SIZE)

/* The fields of a received header the driver passes on (5.1.6). */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers; /* 1: a frame is one buffer without MRG_RXBUF */
};

/* A received frame, lent to the caller until virtio_net_recycle. */
struct virtio_net_rx {
	const uint8_t *frame;      /* in the driver's receive buffer */
	size_t len;                /* bytes of frame (after the header) */
	struct virtio_net_hdr hdr; /* as the device wrote it, validated */
	uint16_t slot;             /* PRIVATE: which receive buffer */
	uint32_t lease;            /* PRIVATE: which lending of it */
};

/* Entries of each queue at most (the Rust crate's QUEUE_SIZE parameter):
 * the storage struct virtio_net carries. */
#ifndef VIRTIO_NET_QUEUE_SIZE
#define VIRTIO_NET_QUEUE_SIZE 16u
#endif

/* PRIVATE: one receive buffer's state. */
enum virtio_net_slot_state {
	VIRTIO_NET_RX_IDLE = 0,    /* with the driver, not given out */
	VIRTIO_NET_RX_DEVICE,      /* in the receiveq (token) */
	VIRTIO_NET_RX_CALLER,      /* lent by receive, not yet recycled */
};

struct virtio_net {
	struct virtio_transport *t;
	uint8_t mac[VIRTIO_NET_MAC_LEN]; /* valid when has_mac */
	bool has_mac;              /* VIRTIO_NET_F_MAC negotiated */
	bool has_status;           /* VIRTIO_NET_F_STATUS negotiated */
	/* PRIVATE: fields below belong to drivers/dev/net.c. */
	uint32_t hdr_size;         /* 12, or 10 on a legacy device */
	struct virtq rxq, txq;
	VIRTQ_STORAGE(VIRTIO_NET_QUEUE_SIZE) rxq_mem, txq_mem;
	uint8_t *rx_storage;       /* nrx buffers of buf_len bytes */
	size_t buf_len;
	uint16_t nrx;              /* receive buffers in use (<= the rxq) */
	uint8_t tx_hdr[VIRTIO_NET_HDR_SIZE];
	struct {
		uint16_t token;
		uint8_t state;     /* enum virtio_net_slot_state */
		uint32_t lease;    /* counts the times receive lent it */
	} rx[VIRTIO_NET_QUEUE_SIZE];
};

/*
 * Negotiate (MAC, STATUS and the ring features), read and check the MAC,
 * set up both queues of `queue_size` entries (or the device's smaller
 * maximum), DRIVER_OK, and give the device a receive buffer per receiveq
 * entry: buffer i is rx_storage[i * buf_len, (i + 1) * buf_len), so
 * rx_storage holds queue_size * buf_len bytes and stays the driver's
 * until destroy. buf_len is VIRTIO_NET_MIN_BUFFER_LEN..
 * VIRTIO_NET_MAX_BUFFER_LEN (EINVALID_PARAM otherwise), queue_size
 * 2..VIRTIO_NET_QUEUE_SIZE. On failure nothing is held and the device is left
 * FAILED; virtio_net_destroy stays safe.
 */
int virtio_net_init(struct virtio_net *n, struct virtio_transport *t,
		    void *rx_storage, size_t buf_len, uint16_t queue_size);

/* The device's MAC address (5.1.5: the NIC's); EUNSUPPORTED without
 * VIRTIO_NET_F_MAC (the caller picks a locally administered one). */
int virtio_net_mac_address(const struct virtio_net *n, uint8_t mac[6]);

/* Link status, read now: *up is the device's LINK_UP bit with
 * VIRTIO_NET_F_STATUS, else true (5.1.4.2). ECONFIG_UNSTABLE when the
 * generation never settles (the device stays usable). */
int virtio_net_link_up(struct virtio_net *n, bool *up);

/* Can a frame be sent now (the device is usable; sends are blocking, so
 * the transmitq is empty between them)? */
bool virtio_net_can_send(const struct virtio_net *n);

/* Has the device returned a receive buffer (receive will not return
 * ENOT_READY)? A lie found while looking stops the device, as receive
 * would: false, and later calls return EBROKEN. */
bool virtio_net_can_recv(struct virtio_net *n);

/*
 * Blocking: send `len` bytes (0..VIRTIO_NET_MAX_FRAME) of one frame
 * behind a zero header, wait (bounded by t->poll_budget) for the device to
 * take it. The frame is back with the caller whatever the result.
 */
int virtio_net_send(struct virtio_net *n, const void *frame, size_t len);

/*
 * Non-blocking: the next frame the device received, if any (ENOT_READY:
 * none yet, the crate's NotReady). On success *rx lends the caller the
 * receive buffer holding it until virtio_net_recycle(rx); a device left
 * with no receive buffer receives nothing.
 */
int virtio_net_receive(struct virtio_net *n, struct virtio_net_rx *rx);

/* Give a receive buffer back to the device (the crate's
 * recycle_rx_buffer). EINVALID_PARAM for an rx that is not the buffer's
 * current lending (recycled already, even if receive has lent the buffer
 * again since: a stale rx never gives away a buffer the caller holds); on
 * EDMA the buffer stays lent and recycle may be tried again; on a stopped
 * device (EBROKEN) the buffer is taken back all the same. */
int virtio_net_recycle(struct virtio_net *n, struct virtio_net_rx *rx);

/* Ask for used-buffer interrupts on both queues, or not (the crate's
 * enable/disable_interrupts). Only a hint to the device. */
void virtio_net_set_interrupts(struct virtio_net *n, bool enable);
/* Read and acknowledge the interrupt status (bit 0: used buffer, bit 1:
 * config change). */
uint32_t virtio_net_ack_interrupt(struct virtio_net *n);

/* Reset the device, reclaim every buffer, free the queues. Always safe,
 * also after a failed init; lent receive buffers are the driver's again. */
void virtio_net_destroy(struct virtio_net *n);

#endif
