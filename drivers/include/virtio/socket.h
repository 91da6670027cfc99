/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock driver (VirtIO 1.2, 5.10), stream sockets only, after the
 * virtio-drivers crate's VirtIOSocket and VsockConnectionManager: the
 * guest CID, connect, listen/accept, a blocking send bounded by the peer's
 * credit, recv from a per-connection buffer, credit update and request,
 * shutdown, force close, and poll, which takes one packet (or event) from
 * the device, acts on it (answering a credit request, accepting a
 * connection on a listening port, resetting one nobody has) and says what
 * happened. The caller owns all storage: the struct holds the receive and
 * event buffers and each connection's receive buffer. Spec constants are in
 * virtio/spec/socket.h.
 *
 * Where the crate trusts the device, this driver checks: the guest CID
 * (the reserved upper half zero; not 0, 1, 2 or 0xffffffff), every
 * received packet (used len = header + its len, type STREAM, a known op, no
 * payload but on RW, dst_cid the guest's, SHUTDOWN flags known; then, for
 * its connection, an op the connection's state allows, a fwd_cnt that
 * acknowledges no byte never sent, an RW that fits the credit this driver
 * gave), every event (used len 4, a known id). A packet for no connection
 * is answered with RST (5.10.6.3), not an error. The peer's free credit is
 * never negative: a peer shrinking buf_alloc below the bytes in flight
 * leaves 0. A lie is EBAD_USED (EBAD_CONFIG for the CID); after EBAD_USED
 * or ETIMEOUT the device has been reset and every call returns EBROKEN
 * until destroy.
 */
#ifndef VIRTIO_SOCKET_H
#define VIRTIO_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/errors.h"
#include "virtio/spec.h"
#include "virtio/spec/socket.h"
#include "virtio/virtq.h"

/* Entries of each queue at most (the crate's QUEUE_SIZE). */
#ifndef VIRTIO_SOCKET_QUEUE_SIZE
#define VIRTIO_SOCKET_QUEUE_SIZE 8u
#endif
/* One receive buffer (the crate's DEFAULT_RX_BUFFER_SIZE): header and up
 * to 468 payload bytes. */
#define VIRTIO_SOCKET_RX_BUF_LEN 512u
/* Connections at once, and each one's receive buffer: the buf_alloc this
 * driver tells the peer (the crate's per-connection default). */
#define VIRTIO_SOCKET_MAX_CONNS 4u
#define VIRTIO_SOCKET_CONN_BUF 1024u
#define VIRTIO_SOCKET_MAX_LISTEN 4u

struct virtio_socket_addr {
	uint64_t cid;
	uint32_t port;
};

/* What a poll found (the crate's VsockEventType, and NONE for a packet
 * handled inside: a reply to a connection nobody has). */
enum virtio_socket_event_type {
	VIRTIO_SOCKET_EV_NONE = 0,
	VIRTIO_SOCKET_EV_CONNECTION_REQUEST, /* accepted on a listening port */
	VIRTIO_SOCKET_EV_CONNECTED,          /* our connect was answered */
	VIRTIO_SOCKET_EV_DISCONNECTED,       /* RST or SHUTDOWN from the peer */
	VIRTIO_SOCKET_EV_RECEIVED,           /* len bytes are in its buffer */
	VIRTIO_SOCKET_EV_CREDIT_UPDATE,
	VIRTIO_SOCKET_EV_CREDIT_REQUEST,     /* answered with our credit */
	VIRTIO_SOCKET_EV_TRANSPORT_RESET,    /* every connection is gone */
};

enum virtio_socket_reason {
	VIRTIO_SOCKET_RESET = 1,    /* RST: the connection is gone */
	VIRTIO_SOCKET_SHUTDOWN = 2, /* SHUTDOWN: gone once its buffer is read */
};

struct virtio_socket_event {
	uint8_t type;      /* enum virtio_socket_event_type */
	uint8_t reason;    /* DISCONNECTED: enum virtio_socket_reason */
	struct virtio_socket_addr peer; /* the packet's source */
	uint32_t local_port;            /* its destination port */
	uint32_t len;                   /* RECEIVED: payload bytes */
	uint32_t buf_alloc, fwd_cnt;    /* the peer's credit fields */
	/* PRIVATE (for the harness's checks): the receive (or event)
	 * buffer the packet came in, and its used len. */
	const uint8_t *pkt;
	uint32_t pkt_len;
};

/* PRIVATE: a connection's state. */
enum virtio_socket_conn_state {
	VIRTIO_SOCKET_FREE = 0,
	VIRTIO_SOCKET_CONNECTING,   /* REQUEST sent, no RESPONSE yet */
	VIRTIO_SOCKET_ESTABLISHED,
	VIRTIO_SOCKET_CLOSING,      /* our SHUTDOWN sent, the peer's RST due */
};

/* PRIVATE: fields below belong to drivers/dev/socket*.c. */
struct virtio_socket_conn {
	struct virtio_socket_addr peer;
	uint32_t local_port;
	uint8_t state;              /* enum virtio_socket_conn_state */
	bool peer_shutdown;         /* the peer sent SHUTDOWN */
	uint32_t peer_flags;        /* its SHUTDOWN flags */
	bool credit_requested;      /* CREDIT_REQUEST sent, no update since */
	uint32_t peer_buf_alloc, peer_fwd_cnt; /* 5.10.6.3: the peer's */
	uint32_t tx_cnt;            /* payload bytes sent */
	uint32_t fwd_cnt;           /* payload bytes the caller took */
	uint32_t rx_start, rx_used; /* the ring in buf */
	uint8_t buf[VIRTIO_SOCKET_CONN_BUF];
};

struct virtio_socket {
	struct virtio_transport *t;
	uint64_t guest_cid;
	/* PRIVATE: fields below belong to drivers/dev/socket*.c. */
	struct virtq rxq, txq, evq;
	VIRTQ_STORAGE(VIRTIO_SOCKET_QUEUE_SIZE) rxq_mem, txq_mem, evq_mem;
	uint16_t nrx, nev;          /* buffers given (<= each queue's size) */
	uint16_t rx_token[VIRTIO_SOCKET_QUEUE_SIZE];
	uint16_t ev_token[VIRTIO_SOCKET_QUEUE_SIZE];
	bool rx_given[VIRTIO_SOCKET_QUEUE_SIZE], ev_given[VIRTIO_SOCKET_QUEUE_SIZE];
	uint8_t rx_buf[VIRTIO_SOCKET_QUEUE_SIZE][VIRTIO_SOCKET_RX_BUF_LEN];
	uint8_t ev_buf[VIRTIO_SOCKET_QUEUE_SIZE][VIRTIO_VSOCK_EVENT_SIZE];
	uint8_t tx_hdr[VIRTIO_VSOCK_HDR_SIZE];
	uint32_t listen[VIRTIO_SOCKET_MAX_LISTEN];
	uint8_t nlisten;
	struct virtio_socket_conn conn[VIRTIO_SOCKET_MAX_CONNS];
};

/*
 * Negotiate (STREAM and the ring features; never SEQPACKET), read and
 * check the guest CID, set up the three queues of up to
 * VIRTIO_SOCKET_QUEUE_SIZE entries, DRIVER_OK, and give the device a
 * receive buffer per receive queue entry and an event buffer per event
 * queue entry. On failure nothing is held and the device is left FAILED;
 * virtio_socket_destroy stays safe.
 */
int virtio_socket_init(struct virtio_socket *s, struct virtio_transport *t);

/* The guest's CID, as read at init or at the last TRANSPORT_RESET. */
uint64_t virtio_socket_guest_cid(const struct virtio_socket *s);

/* Accept connection requests to `port` from now on (EQUEUE_FULL: the
 * table is full), or no longer. */
int virtio_socket_listen(struct virtio_socket *s, uint32_t port);
void virtio_socket_unlisten(struct virtio_socket *s, uint32_t port);

/* Send REQUEST from local_port to peer (blocking; ECONN_EXISTS,
 * EQUEUE_FULL when every connection slot is taken). Connected once poll
 * says CONNECTED. */
int virtio_socket_connect(struct virtio_socket *s,
			  struct virtio_socket_addr peer, uint32_t local_port);

/*
 * Blocking: send `len` bytes in one RW packet on an established
 * connection. ENO_CREDIT when the peer's free credit is below len (a
 * CREDIT_REQUEST goes out, once until the peer's next update);
 * EPEER_SHUTDOWN after the peer's SHUTDOWN; ENOT_CONNECTED for no such
 * established connection.
 */
int virtio_socket_send(struct virtio_socket *s, struct virtio_socket_addr peer,
		       uint32_t local_port, const void *buf, size_t len);

/* Take up to `cap` received bytes (*got of them) from the connection's
 * buffer. Once the peer shut down and the buffer is empty, the connection
 * is closed (RST) and gone, as the crate's recv does. */
int virtio_socket_recv(struct virtio_socket *s, struct virtio_socket_addr peer,
		       uint32_t local_port, void *buf, size_t cap, size_t *got);

/* Bytes waiting in the connection's buffer; whether it is established. */
int virtio_socket_recv_available(const struct virtio_socket *s,
				 struct virtio_socket_addr peer,
				 uint32_t local_port, size_t *n);
bool virtio_socket_is_established(const struct virtio_socket *s,
				  struct virtio_socket_addr peer,
				  uint32_t local_port);

/* Tell the peer our credit (CREDIT_UPDATE), or ask for its
 * (CREDIT_REQUEST). */
int virtio_socket_update_credit(struct virtio_socket *s,
				struct virtio_socket_addr peer,
				uint32_t local_port);
int virtio_socket_request_credit(struct virtio_socket *s,
				 struct virtio_socket_addr peer,
				 uint32_t local_port);

/* SHUTDOWN (both directions): the connection stays until the peer's RST. */
int virtio_socket_shutdown(struct virtio_socket *s,
			   struct virtio_socket_addr peer, uint32_t local_port);
/* RST: the connection is gone at once. */
int virtio_socket_force_close(struct virtio_socket *s,
			      struct virtio_socket_addr peer,
			      uint32_t local_port);

/*
 * Non-blocking: take one event or packet from the device and act on it;
 * *ev says what happened (VIRTIO_SOCKET_EV_NONE: handled inside).
 * ENOT_READY when the device has returned nothing.
 */
int virtio_socket_poll(struct virtio_socket *s, struct virtio_socket_event *ev);

/* Ask for used-buffer interrupts on every queue, or not; read and
 * acknowledge the interrupt status. */
void virtio_socket_set_interrupts(struct virtio_socket *s, bool enable);
uint32_t virtio_socket_ack_interrupt(struct virtio_socket *s);

/* Reset the device, reclaim every buffer, free the queues; connections
 * are forgotten. Always safe, also after a failed init. */
void virtio_socket_destroy(struct virtio_socket *s);

#endif
