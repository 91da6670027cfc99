/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock device model (VirtIO 1.2, 5.10), stream sockets, with a
 * host side: a peer at CID 2 that accepts connections on every port but
 * SIM_SOCKET_CLOSED_PORT, connects to the guest, sends stream data within
 * the guest's credit (asking for credit when it has none), shuts down,
 * resets, answers credit requests, and consumes what the guest sends at
 * once. Each connection logs both streams, so a workload can judge every
 * byte. The model checks the driver's packets (findings) and the credit
 * it must respect. Not here: the transport (give &s->dev to a front),
 * SEQPACKET (never offered).
 *
 * Decision points: config reads "socket.guest_cid" and
 * "socket.guest_cid_high" (the two halves); per packet put in a receive
 * buffer, each header field "socket.src_cid", "socket.dst_cid",
 * "socket.src_port", "socket.dst_port", "socket.len", "socket.type",
 * "socket.op", "socket.flags", "socket.buf_alloc", "socket.fwd_cnt"
 * (spec: what the host peer means), then "socket.rx_len" (bytes written,
 * header included; spec: header and payload) and, for bytes past the
 * payload, "socket.rx_byte" (spec 0); per event "socket.event_id" (spec
 * TRANSPORT_RESET) and "socket.event_len" (spec 4).
 */
#ifndef SIM_DEV_SOCKET_H
#define SIM_DEV_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/vdev.h"
#include "virtio/spec.h"
#include "virtio/spec/socket.h"

#define SIM_SOCKET_DEFAULT_QUEUE_MAX 128u /* as vhost-vsock's */
#define SIM_SOCKET_DEFAULT_CID 3u
#define SIM_SOCKET_DEFAULT_HOST_BUF 4096u /* the host's buf_alloc */
#define SIM_SOCKET_CLOSED_PORT 9u         /* the host refuses it (RST) */
#define SIM_SOCKET_CONNS 8u               /* host connections kept */
#define SIM_SOCKET_LOG 32768u             /* bytes logged each way each */
#define SIM_SOCKET_QUEUED 64u             /* packets waiting for a buffer */
#define SIM_SOCKET_MADE_UP_MAX 4096u      /* bytes past a payload (a lie) */

struct sim_socket_config {
	uint64_t guest_cid;      /* default 3 */
	uint32_t host_buf_alloc; /* default SIM_SOCKET_DEFAULT_HOST_BUF */
	uint16_t queue_max;      /* QueueNumMax; default 128 */
};

enum sim_socket_conn_state {
	SIM_SOCKET_NONE = 0,
	SIM_SOCKET_REQUESTED, /* the host sent REQUEST, no RESPONSE yet */
	SIM_SOCKET_OPEN,
	SIM_SOCKET_CLOSED,    /* RST or SHUTDOWN: logs kept until reused */
};

/* One host-side connection (an incarnation: a new one gets a new gen). */
struct sim_socket_conn {
	uint8_t state;            /* enum sim_socket_conn_state */
	bool host_shut;           /* the host sent SHUTDOWN: it sends no more */
	bool credit_asked;        /* the host sent CREDIT_REQUEST, blocked */
	uint32_t gen;
	uint32_t host_port, guest_port;
	uint32_t guest_buf_alloc, guest_fwd_cnt; /* the guest's, as told */
	uint32_t host_tx_cnt;     /* payload bytes the host put in packets */
	uint32_t told_buf_alloc, told_fwd_cnt; /* latest credit the host gave */
	uint32_t out_len;         /* bytes the host wrote to its stream */
	uint32_t out_sent;        /* of them, put in packets */
	uint32_t in_len;          /* bytes the host received (its fwd_cnt) */
	uint32_t checked;         /* the workload's: out bytes the driver gave */
	uint8_t out[SIM_SOCKET_LOG];
	uint8_t in[SIM_SOCKET_LOG];
};

/* A packet the host wants to send, waiting for a receive buffer. */
struct sim_socket_pkt {
	uint16_t op;
	uint32_t flags;
	uint32_t host_port, guest_port;
	int8_t conn;              /* the connection, or -1 (an RST to none) */
	uint32_t gen;             /* its incarnation when queued */
};

struct sim_socket {
	struct sim_vdev dev; /* give &s->dev to a front */
	struct sim_socket_config cfg;
	bool tx_waiting;     /* transmit chains fetched, deferred */
	struct sim_socket_conn conn[SIM_SOCKET_CONNS];
	uint32_t next_gen;
	struct sim_socket_pkt queued[SIM_SOCKET_QUEUED];
	uint32_t nqueued;
	uint32_t resets_due; /* TRANSPORT_RESET events not yet delivered */
	uint64_t rx_pkts, tx_pkts, events; /* written / read / written */
};

/* (Re)create the device for an iteration, no connections. NULL cfg:
 * defaults. Returns 0. */
int sim_socket_create(struct sim_socket *s, const struct sim_socket_config *cfg);

/* The host peer's actions; each returns 0, or -1 when it cannot (no such
 * open connection, the log or queue full). */
int sim_socket_host_connect(struct sim_socket *s, uint32_t host_port,
			    uint32_t guest_port);
int sim_socket_host_send(struct sim_socket *s, uint32_t host_port,
			 uint32_t guest_port, const void *data, size_t len);
int sim_socket_host_shutdown(struct sim_socket *s, uint32_t host_port,
			     uint32_t guest_port);
int sim_socket_host_reset(struct sim_socket *s, uint32_t host_port,
			  uint32_t guest_port);
/* The device's TRANSPORT_RESET event: every connection is gone. */
void sim_socket_transport_reset(struct sim_socket *s);

/* The latest incarnation of the connection (open or closed), or NULL. */
struct sim_socket_conn *sim_socket_find(struct sim_socket *s,
					uint32_t host_port, uint32_t guest_port);

#endif
