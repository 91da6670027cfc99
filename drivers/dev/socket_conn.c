/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock driver (VirtIO 1.2, 5.10), the connection half, after the
 * virtio-drivers crate's VsockConnectionManager: a fixed table of stream
 * connections keyed by (peer, local port), each with its receive buffer
 * and both sides' credit (5.10.6.3), the listening ports, and what each
 * op of a checked packet does to its connection. Where the crate trusts
 * the peer (peer_free = buf_alloc - (tx_cnt - fwd_cnt) without a check, a
 * RESPONSE to any connection, data past the credit it gave), this half
 * checks. Packets on the wire are socket.c's.
 */
#include <string.h>

#include "socket_internal.h"

#define SHUTDOWN_BOTH                                                          \
	(VIRTIO_VSOCK_SHUTDOWN_F_RECEIVE | VIRTIO_VSOCK_SHUTDOWN_F_SEND)

static bool same_addr(struct virtio_socket_addr a, struct virtio_socket_addr b)
{
	return a.cid == b.cid && a.port == b.port;
}

static struct virtio_socket_conn *find(const struct virtio_socket *s,
				       struct virtio_socket_addr peer,
				       uint32_t local_port)
{
	for (unsigned i = 0; i < VIRTIO_SOCKET_MAX_CONNS; i++) {
		const struct virtio_socket_conn *c = &s->conn[i];

		if (c->state != VIRTIO_SOCKET_FREE && c->local_port == local_port &&
		    same_addr(c->peer, peer))
			return (struct virtio_socket_conn *)c;
	}
	return NULL;
}

static struct virtio_socket_conn *new_conn(struct virtio_socket *s,
					   struct virtio_socket_addr peer,
					   uint32_t local_port, uint8_t state)
{
	for (unsigned i = 0; i < VIRTIO_SOCKET_MAX_CONNS; i++) {
		struct virtio_socket_conn *c = &s->conn[i];

		if (c->state == VIRTIO_SOCKET_FREE) {
			memset(c, 0, sizeof(*c) - sizeof(c->buf));
			c->peer = peer;
			c->local_port = local_port;
			c->state = state;
			return c;
		}
	}
	return NULL;
}

void socket_conn_reset(struct virtio_socket *s)
{
	for (unsigned i = 0; i < VIRTIO_SOCKET_MAX_CONNS; i++)
		s->conn[i].state = VIRTIO_SOCKET_FREE;
}

static int send_ctl(struct virtio_socket *s, struct virtio_socket_conn *c,
		    uint16_t op, uint32_t flags)
{
	return socket_send_pkt(s, c->peer, c->local_port, op, flags,
			       VIRTIO_SOCKET_CONN_BUF, c->fwd_cnt, NULL, 0);
}

/* 5.10.6.3: what the peer can still take. Bytes in flight (tx_cnt -
 * fwd_cnt, mod 2^32) never exceed what was sent (checked where fwd_cnt
 * enters); a buf_alloc below them is a peer that shrank its buffer: no
 * credit, not a negative one. */
static uint32_t peer_free(const struct virtio_socket_conn *c)
{
	uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;

	return in_flight >= c->peer_buf_alloc ? 0 : c->peer_buf_alloc - in_flight;
}

/* ---- the caller's calls --------------------------------------------------- */

int virtio_socket_listen(struct virtio_socket *s, uint32_t port)
{
	if (!s)
		return VIRTIO_EINVALID_PARAM;
	for (unsigned i = 0; i < s->nlisten; i++)
		if (s->listen[i] == port)
			return VIRTIO_OK;
	if (s->nlisten == VIRTIO_SOCKET_MAX_LISTEN)
		return VIRTIO_EQUEUE_FULL;
	s->listen[s->nlisten++] = port;
	return VIRTIO_OK;
}

void virtio_socket_unlisten(struct virtio_socket *s, uint32_t port)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->nlisten; i++) {
		if (s->listen[i] == port) {
			s->listen[i] = s->listen[--s->nlisten];
			return;
		}
	}
}

static bool listening(const struct virtio_socket *s, uint32_t port)
{
	for (unsigned i = 0; i < s->nlisten; i++)
		if (s->listen[i] == port)
			return true;
	return false;
}

int virtio_socket_connect(struct virtio_socket *s,
			  struct virtio_socket_addr peer, uint32_t local_port)
{
	struct virtio_socket_conn *c;
	int rc = socket_usable(s);

	if (rc)
		return rc;
	if (find(s, peer, local_port))
		return VIRTIO_ECONN_EXISTS;
	c = new_conn(s, peer, local_port, VIRTIO_SOCKET_CONNECTING);
	if (!c)
		return VIRTIO_EQUEUE_FULL; /* no free connection */
	rc = send_ctl(s, c, VIRTIO_VSOCK_OP_REQUEST, 0);
	if (rc)
		c->state = VIRTIO_SOCKET_FREE;
	return rc;
}

/* The connection the caller names, if usable; *c NULL on an error. */
static int lookup(struct virtio_socket *s, struct virtio_socket_addr peer,
		  uint32_t local_port, struct virtio_socket_conn **c)
{
	int rc = socket_usable(s);

	*c = NULL;
	if (rc)
		return rc;
	*c = find(s, peer, local_port);
	return *c ? VIRTIO_OK : VIRTIO_ENOT_CONNECTED;
}

int virtio_socket_send(struct virtio_socket *s, struct virtio_socket_addr peer,
		       uint32_t local_port, const void *buf, size_t len)
{
	struct virtio_socket_conn *c;
	int rc = lookup(s, peer, local_port, &c);

	if (rc)
		return rc;
	if (!buf && len)
		return VIRTIO_EINVALID_PARAM;
	if (c->state != VIRTIO_SOCKET_ESTABLISHED)
		return VIRTIO_ENOT_CONNECTED;
	if (c->peer_shutdown)
		return VIRTIO_EPEER_SHUTDOWN;
	/* 5.10.6.3.1: never more than the peer's free credit. */
	if (len > peer_free(c)) {
		if (!c->credit_requested) {
			rc = send_ctl(s, c, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 0);
			if (rc)
				return rc;
			c->credit_requested = true;
		}
		return VIRTIO_ENO_CREDIT;
	}
	rc = socket_send_pkt(s, c->peer, c->local_port, VIRTIO_VSOCK_OP_RW, 0,
			     VIRTIO_SOCKET_CONN_BUF, c->fwd_cnt, buf,
			     (uint32_t)len);
	if (!rc)
		c->tx_cnt += (uint32_t)len;
	return rc;
}

int virtio_socket_recv(struct virtio_socket *s, struct virtio_socket_addr peer,
		       uint32_t local_port, void *buf, size_t cap, size_t *got)
{
	struct virtio_socket_conn *c;
	uint8_t *out = buf;
	size_t n, first;
	int rc;

	if (got)
		*got = 0;
	rc = lookup(s, peer, local_port, &c);
	if (rc)
		return rc;
	if ((!buf && cap) || !got)
		return VIRTIO_EINVALID_PARAM;
	n = cap < c->rx_used ? cap : c->rx_used;
	first = VIRTIO_SOCKET_CONN_BUF - c->rx_start;
	if (first > n)
		first = n;
	memcpy(out, c->buf + c->rx_start, first);
	memcpy(out + first, c->buf, n - first);
	c->rx_start = (uint32_t)((c->rx_start + n) % VIRTIO_SOCKET_CONN_BUF);
	c->rx_used -= (uint32_t)n;
	c->fwd_cnt += (uint32_t)n;
	*got = n;
	/* As the crate: the peer is done and everything is read. */
	if (c->peer_shutdown && !c->rx_used) {
		c->state = VIRTIO_SOCKET_FREE;
		return send_ctl(s, c, VIRTIO_VSOCK_OP_RST, 0);
	}
	return VIRTIO_OK;
}

int virtio_socket_recv_available(const struct virtio_socket *s,
				 struct virtio_socket_addr peer,
				 uint32_t local_port, size_t *n)
{
	const struct virtio_socket_conn *c;

	if (!s || !n)
		return VIRTIO_EINVALID_PARAM;
	c = find(s, peer, local_port);
	if (!c)
		return VIRTIO_ENOT_CONNECTED;
	*n = c->rx_used;
	return VIRTIO_OK;
}

bool virtio_socket_is_established(const struct virtio_socket *s,
				  struct virtio_socket_addr peer,
				  uint32_t local_port)
{
	const struct virtio_socket_conn *c = s ? find(s, peer, local_port) : NULL;

	return c && c->state == VIRTIO_SOCKET_ESTABLISHED;
}

int virtio_socket_update_credit(struct virtio_socket *s,
				struct virtio_socket_addr peer,
				uint32_t local_port)
{
	struct virtio_socket_conn *c;
	int rc = lookup(s, peer, local_port, &c);

	if (rc)
		return rc;
	if (c->peer_shutdown)
		return VIRTIO_EPEER_SHUTDOWN;
	return send_ctl(s, c, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0);
}

int virtio_socket_request_credit(struct virtio_socket *s,
				 struct virtio_socket_addr peer,
				 uint32_t local_port)
{
	struct virtio_socket_conn *c;
	int rc = lookup(s, peer, local_port, &c);

	if (rc)
		return rc;
	rc = send_ctl(s, c, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 0);
	if (!rc)
		c->credit_requested = true;
	return rc;
}

int virtio_socket_shutdown(struct virtio_socket *s,
			   struct virtio_socket_addr peer, uint32_t local_port)
{
	struct virtio_socket_conn *c;
	int rc = lookup(s, peer, local_port, &c);

	if (rc)
		return rc;
	rc = send_ctl(s, c, VIRTIO_VSOCK_OP_SHUTDOWN, SHUTDOWN_BOTH);
	if (!rc && c->state == VIRTIO_SOCKET_ESTABLISHED)
		c->state = VIRTIO_SOCKET_CLOSING;
	return rc;
}

int virtio_socket_force_close(struct virtio_socket *s,
			      struct virtio_socket_addr peer,
			      uint32_t local_port)
{
	struct virtio_socket_conn *c;
	int rc = lookup(s, peer, local_port, &c);

	if (rc)
		return rc;
	/* Gone whatever the device does with the RST. */
	c->state = VIRTIO_SOCKET_FREE;
	return send_ctl(s, c, VIRTIO_VSOCK_OP_RST, 0);
}

/* ---- packets from the peer ------------------------------------------------ */

/* 5.10.6.3: a packet for no connection gets RST (but an RST). */
static int reply_rst(struct virtio_socket *s, const struct socket_hdr *h)
{
	struct virtio_socket_addr to = { h->src_cid, h->src_port };

	if (h->op == VIRTIO_VSOCK_OP_RST)
		return VIRTIO_OK;
	return socket_send_pkt(s, to, h->dst_port, VIRTIO_VSOCK_OP_RST, 0, 0, 0,
			       NULL, 0);
}

/* A connection request on a port nobody has. */
static int accept_request(struct virtio_socket *s, const struct socket_hdr *h,
			  struct virtio_socket_event *ev)
{
	struct virtio_socket_addr peer = { h->src_cid, h->src_port };
	struct virtio_socket_conn *c = NULL;
	int rc;

	if (listening(s, h->dst_port))
		c = new_conn(s, peer, h->dst_port, VIRTIO_SOCKET_ESTABLISHED);
	if (!c)
		return reply_rst(s, h);
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt; /* nothing sent yet: any count is 0 out */
	c->tx_cnt = h->fwd_cnt;
	rc = send_ctl(s, c, VIRTIO_VSOCK_OP_RESPONSE, 0);
	if (rc) {
		c->state = VIRTIO_SOCKET_FREE;
		return rc;
	}
	ev->type = VIRTIO_SOCKET_EV_CONNECTION_REQUEST;
	return VIRTIO_OK;
}

/* Payload into the connection's ring: within the credit this driver gave
 * (5.10.6.3.1: the peer sends no more than buf_alloc - in flight). */
static int take_data(struct virtio_socket_conn *c, const uint8_t *body,
		     uint32_t len)
{
	uint32_t end, first;

	if (c->peer_shutdown && (c->peer_flags & VIRTIO_VSOCK_SHUTDOWN_F_SEND))
		return VIRTIO_EBAD_USED; /* it said it sends no more; cov-exempt: rare-lie */
	if (len > VIRTIO_SOCKET_CONN_BUF - c->rx_used)
		return VIRTIO_EBAD_USED; /* cov-exempt: rare-lie */
	end = (c->rx_start + c->rx_used) % VIRTIO_SOCKET_CONN_BUF;
	first = VIRTIO_SOCKET_CONN_BUF - end;
	if (first > len)
		first = len;
	memcpy(c->buf + end, body, first);
	memcpy(c->buf, body + first, len - first);
	c->rx_used += len;
	return VIRTIO_OK;
}

int socket_conn_packet(struct virtio_socket *s, const struct socket_hdr *h,
		       const uint8_t *body, struct virtio_socket_event *ev)
{
	struct virtio_socket_addr peer = { h->src_cid, h->src_port };
	struct virtio_socket_conn *c = find(s, peer, h->dst_port);
	int rc;

	ev->peer = peer;
	ev->local_port = h->dst_port;
	ev->len = h->len;
	ev->buf_alloc = h->buf_alloc;
	ev->fwd_cnt = h->fwd_cnt;
	if (!c) {
		if (h->op == VIRTIO_VSOCK_OP_REQUEST)
			return accept_request(s, h, ev);
		return reply_rst(s, h);
	}
	/* An RST ends the connection in any state; its credit fields
	 * mean nothing (a peer resetting a socket it forgot has none). */
	if (h->op == VIRTIO_VSOCK_OP_RST) {
		c->state = VIRTIO_SOCKET_FREE;
		ev->type = VIRTIO_SOCKET_EV_DISCONNECTED;
		ev->reason = VIRTIO_SOCKET_RESET;
		return VIRTIO_OK;
	}
	/* fwd_cnt only grows, and never past the bytes sent (mod 2^32):
	 * the crate's tx_cnt - fwd_cnt would wrap to a huge credit. */
	if (h->fwd_cnt - c->peer_fwd_cnt > c->tx_cnt - c->peer_fwd_cnt)
		return VIRTIO_EBAD_USED;
	if (c->state == VIRTIO_SOCKET_CONNECTING) {
		/* Only the answer to our REQUEST: RESPONSE (or RST). A
		 * REQUEST crossing ours (no simultaneous open in vsock) ends
		 * both, as Linux does: RST. Anything else is no answer. */
		if (h->op == VIRTIO_VSOCK_OP_REQUEST) {
			c->state = VIRTIO_SOCKET_FREE;
			ev->type = VIRTIO_SOCKET_EV_DISCONNECTED;
			ev->reason = VIRTIO_SOCKET_RESET;
			return send_ctl(s, c, VIRTIO_VSOCK_OP_RST, 0);
		}
		if (h->op != VIRTIO_VSOCK_OP_RESPONSE)
			return VIRTIO_EBAD_USED;
		c->state = VIRTIO_SOCKET_ESTABLISHED;
		ev->type = VIRTIO_SOCKET_EV_CONNECTED;
	}
	if (h->op == VIRTIO_VSOCK_OP_REQUEST ||
	    (h->op == VIRTIO_VSOCK_OP_RESPONSE &&
	     ev->type != VIRTIO_SOCKET_EV_CONNECTED))
		return VIRTIO_EBAD_USED; /* the connection exists already */
	if (h->op == VIRTIO_VSOCK_OP_RW) {
		rc = take_data(c, body, h->len);
		if (rc)
			return rc; /* cov-exempt: rare-lie */
	}
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	switch (h->op) {
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		ev->type = VIRTIO_SOCKET_EV_DISCONNECTED;
		ev->reason = VIRTIO_SOCKET_SHUTDOWN;
		c->peer_shutdown = true;
		c->peer_flags |= h->flags;
		/* As the crate: nothing left to read, so close it now. */
		if (!c->rx_used) {
			c->state = VIRTIO_SOCKET_FREE;
			return send_ctl(s, c, VIRTIO_VSOCK_OP_RST, 0);
		}
		return VIRTIO_OK;
	case VIRTIO_VSOCK_OP_RW:
		ev->type = VIRTIO_SOCKET_EV_RECEIVED;
		return VIRTIO_OK;
	case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
		c->credit_requested = false;
		ev->type = VIRTIO_SOCKET_EV_CREDIT_UPDATE;
		return VIRTIO_OK;
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		ev->type = VIRTIO_SOCKET_EV_CREDIT_REQUEST;
		return send_ctl(s, c, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0);
	default: /* RESPONSE: CONNECTED above */
		return VIRTIO_OK;
	}
}
