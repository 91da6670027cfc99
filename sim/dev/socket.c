/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock device model (VirtIO 1.2, 5.10), stream sockets: transmit
 * chains are read as packets (header and payload checked, the credit the
 * host gave enforced) and handed to the host peer, which answers by
 * queueing packets; receive buffers are held until the host has a packet,
 * then get its header (every field a decision) and payload; event buffers
 * get a TRANSPORT_RESET when one is due. Not here: ring parsing (vq.c),
 * registers (fronts).
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/socket.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "virtio/le.h"

#define BIT(n) (1ull << (n))
#define RXQ VIRTIO_VSOCK_RX
#define TXQ VIRTIO_VSOCK_TX
#define EVQ VIRTIO_VSOCK_EVENT
#define HDR VIRTIO_VSOCK_HDR_SIZE
#define SHUTDOWN_BOTH                                                          \
	(VIRTIO_VSOCK_SHUTDOWN_F_RECEIVE | VIRTIO_VSOCK_SHUTDOWN_F_SEND)

/* 5.10.4: le64 guest_cid, read as two 32-bit halves. */
static const char *socket_config_field(void *model, uint32_t off,
				       unsigned *width)
{
	(void)model;
	*width = 4;
	return off < 4 ? "socket.guest_cid" : "socket.guest_cid_high";
}

/* The device uses its queues only while live (3.1.1: after DRIVER_OK) and
 * not waiting for a reset. */
static bool live(const struct sim_vdev *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

/* ---- the host's connections ------------------------------------------- */

static struct sim_socket_conn *lookup(struct sim_socket *s, uint32_t hp,
				      uint32_t gp, bool live_only)
{
	struct sim_socket_conn *best = NULL;

	for (unsigned i = 0; i < SIM_SOCKET_CONNS; i++) {
		struct sim_socket_conn *c = &s->conn[i];

		if (c->state == SIM_SOCKET_NONE || c->host_port != hp ||
		    c->guest_port != gp)
			continue;
		if (live_only && c->state == SIM_SOCKET_CLOSED)
			continue;
		if (!best || c->gen > best->gen)
			best = c;
	}
	return best;
}

struct sim_socket_conn *sim_socket_find(struct sim_socket *s,
					uint32_t host_port, uint32_t guest_port)
{
	return lookup(s, host_port, guest_port, false);
}

/* A new incarnation: a free slot, else the oldest closed one. */
static struct sim_socket_conn *new_conn(struct sim_socket *s, uint32_t hp,
					uint32_t gp, uint8_t state)
{
	struct sim_socket_conn *c = NULL;

	for (unsigned i = 0; i < SIM_SOCKET_CONNS; i++) {
		struct sim_socket_conn *k = &s->conn[i];

		if (k->state == SIM_SOCKET_NONE) {
			c = k;
			break;
		}
		if (k->state == SIM_SOCKET_CLOSED && (!c || k->gen < c->gen))
			c = k;
	}
	if (!c)
		return NULL;
	memset(c, 0, offsetof(struct sim_socket_conn, out));
	c->state = state;
	c->gen = ++s->next_gen;
	c->host_port = hp;
	c->guest_port = gp;
	return c;
}

static int enqueue(struct sim_socket *s, uint16_t op, uint32_t flags,
		   uint32_t hp, uint32_t gp, const struct sim_socket_conn *c)
{
	struct sim_socket_pkt *p;

	if (s->nqueued == SIM_SOCKET_QUEUED)
		return -1;
	p = &s->queued[s->nqueued++];
	p->op = op;
	p->flags = flags;
	p->host_port = hp;
	p->guest_port = gp;
	p->conn = c ? (int8_t)(c - s->conn) : -1;
	p->gen = c ? c->gen : 0;
	return 0;
}

/* 5.10.6.3: what the guest can still take from the host. */
static uint32_t guest_free(const struct sim_socket_conn *c)
{
	uint32_t in_flight = c->host_tx_cnt - c->guest_fwd_cnt;

	return in_flight >= c->guest_buf_alloc ? 0 : c->guest_buf_alloc - in_flight;
}

/* ---- transmitq: the driver's packets to the host ---------------------------- */

static void malformed(const struct sim_chain *ch, const char *what,
		      unsigned long long v)
{
	sim_report(SIM_DESC_MALFORMED, NULL, NULL,
		   "driver transmits a vsock packet %s (5.10.6) [head=%u] "
		   "[value=0x%llx]",
		   what, ch->head, v);
}

/* The host peer acts on one packet from the guest. */
static void host_receive(struct sim_socket *s, const struct sim_chain *ch,
			 uint16_t op, uint32_t flags, uint32_t hp, uint32_t gp,
			 uint32_t len, uint32_t buf_alloc, uint32_t fwd_cnt)
{
	struct sim_socket_conn *c = lookup(s, hp, gp, true);

	if (c && op != VIRTIO_VSOCK_OP_REQUEST) {
		/* Ask again only once the guest's credit moved: asking a
		 * guest that has read nothing would go on for ever. */
		if (c->guest_buf_alloc != buf_alloc || c->guest_fwd_cnt != fwd_cnt)
			c->credit_asked = false;
		c->guest_buf_alloc = buf_alloc;
		c->guest_fwd_cnt = fwd_cnt;
	}
	switch (op) {
	case VIRTIO_VSOCK_OP_REQUEST:
		if (c || hp == SIM_SOCKET_CLOSED_PORT ||
		    !(c = new_conn(s, hp, gp, SIM_SOCKET_OPEN))) {
			(void)enqueue(s, VIRTIO_VSOCK_OP_RST, 0, hp, gp, NULL);
			return;
		}
		c->guest_buf_alloc = buf_alloc;
		c->guest_fwd_cnt = fwd_cnt;
		c->host_tx_cnt = fwd_cnt;
		(void)enqueue(s, VIRTIO_VSOCK_OP_RESPONSE, 0, hp, gp, c);
		return;
	case VIRTIO_VSOCK_OP_RESPONSE:
		if (c && c->state == SIM_SOCKET_REQUESTED) {
			c->state = SIM_SOCKET_OPEN;
			return;
		}
		break;
	case VIRTIO_VSOCK_OP_RST:
		if (c)
			c->state = SIM_SOCKET_CLOSED;
		return;
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		/* 5.10.6.5: the host closes at once and says so. */
		if (c)
			c->state = SIM_SOCKET_CLOSED;
		(void)enqueue(s, VIRTIO_VSOCK_OP_RST, 0, hp, gp, NULL);
		return;
	case VIRTIO_VSOCK_OP_RW:
		if (c && c->state == SIM_SOCKET_OPEN) {
			/* 5.10.6.3.1: within the credit the host last gave
			 * (the most the driver may know of). Judged while
			 * nothing deviated: a lying header may have told the
			 * driver more. */
			uint32_t in_flight = c->in_len - c->told_fwd_cnt;

			if (!sim_deviated() &&
			    (uint64_t)in_flight + len > c->told_buf_alloc) {
				sim_report(SIM_DESC_MALFORMED, NULL, NULL,
					   "driver sends past the peer's credit "
					   "(5.10.6.3.1) [head=%u] [len=%u] "
					   "[in_flight=%u] [buf_alloc=%u]",
					   ch->head, len, in_flight,
					   c->told_buf_alloc);
				return;
			}
			uint32_t at = c->in_len, k = len;

			if (at < SIM_SOCKET_LOG) {
				if (k > SIM_SOCKET_LOG - at)
					k = SIM_SOCKET_LOG - at;
				(void)sim_chain_read(ch, HDR, c->in + at, k);
			}
			c->in_len += len; /* consumed at once: fwd_cnt */
			return;
		}
		break;
	case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
		if (c)
			return;
		break;
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		if (c) {
			(void)enqueue(s, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 0, hp, gp, c);
			return;
		}
		break;
	}
	/* 5.10.6.3: nothing of the host's: RST. */
	(void)enqueue(s, VIRTIO_VSOCK_OP_RST, 0, hp, gp, NULL);
	(void)flags;
}

static uint32_t tx_packet(struct sim_socket *s, struct sim_vq *q,
			  const struct sim_chain *ch)
{
	uint8_t h[HDR];
	uint64_t src_cid, dst_cid;
	uint32_t len;
	uint16_t type, op;

	if (ch->writable || ch->readable < HDR) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a chain in the vsock tx queue that is "
			   "not a header and payload the device reads (5.10.6) "
			   "[queue=%u] [head=%u] [readable=%llu] [writable=%llu]",
			   q->index, ch->head, (unsigned long long)ch->readable,
			   (unsigned long long)ch->writable);
		return 0;
	}
	if (sim_chain_read(ch, 0, h, HDR) != (int64_t)HDR)
		return 0; /* DMA refused: the finding is made */
	src_cid = virtio_get_le64(h + VIRTIO_VSOCK_HDR_SRC_CID);
	dst_cid = virtio_get_le64(h + VIRTIO_VSOCK_HDR_DST_CID);
	len = virtio_get_le32(h + VIRTIO_VSOCK_HDR_LEN);
	type = virtio_get_le16(h + VIRTIO_VSOCK_HDR_TYPE);
	op = virtio_get_le16(h + VIRTIO_VSOCK_HDR_OP);
	s->tx_pkts++;
	if (len != ch->readable - HDR) {
		malformed(ch, "whose len is not its payload", len);
		return 0;
	}
	if (type != VIRTIO_VSOCK_TYPE_STREAM) {
		malformed(ch, "of a type other than STREAM", type);
		return 0;
	}
	if (op == VIRTIO_VSOCK_OP_INVALID || op > VIRTIO_VSOCK_OP_MAX) {
		malformed(ch, "with an unknown op", op);
		return 0;
	}
	if (op != VIRTIO_VSOCK_OP_RW && len) {
		malformed(ch, "with a payload on an op other than RW", op);
		return 0;
	}
	if (op == VIRTIO_VSOCK_OP_SHUTDOWN &&
	    (virtio_get_le32(h + VIRTIO_VSOCK_HDR_FLAGS) & ~SHUTDOWN_BOTH)) {
		malformed(ch, "SHUTDOWN with unknown flags",
			  virtio_get_le32(h + VIRTIO_VSOCK_HDR_FLAGS));
		return 0;
	}
	/* The guest's CID is the one in config (the driver may have read
	 * another from a lying config: judged while nothing deviated). */
	if (!sim_deviated() && src_cid != s->cfg.guest_cid) {
		malformed(ch, "with a src_cid other than the guest's", src_cid);
		return 0;
	}
	sim_trace("socket: tx op=%llu len=%llu dst_port=%llu src_port=%llu", op,
		  len, virtio_get_le32(h + VIRTIO_VSOCK_HDR_DST_PORT),
		  virtio_get_le32(h + VIRTIO_VSOCK_HDR_SRC_PORT));
	if (dst_cid != VIRTIO_VSOCK_CID_HOST)
		return 0; /* no such peer here: the packet is dropped */
	host_receive(s, ch, op, virtio_get_le32(h + VIRTIO_VSOCK_HDR_FLAGS),
		     virtio_get_le32(h + VIRTIO_VSOCK_HDR_DST_PORT),
		     virtio_get_le32(h + VIRTIO_VSOCK_HDR_SRC_PORT), len,
		     virtio_get_le32(h + VIRTIO_VSOCK_HDR_BUF_ALLOC),
		     virtio_get_le32(h + VIRTIO_VSOCK_HDR_FWD_CNT));
	return 0; /* the device writes nothing into a transmit chain */
}

static uint32_t socket_handle(void *model, struct sim_vq *q,
			      const struct sim_chain *ch)
{
	if (q->index != TXQ)
		return 0; /* rx and event buffers are filled by serve_* only */
	return tx_packet(model, q, ch);
}

/* ---- receive queue: the host's packets to the driver -------------------------- */

/* The queued packet to send next, or -1: a stale one is dropped; data
 * waits for credit (and asks for it once), and so does what follows it
 * on its connection but credit packets. */
static int next_pkt(struct sim_socket *s)
{
	uint32_t blocked = 0;

	for (uint32_t i = 0; i < s->nqueued;) {
		struct sim_socket_pkt *p = &s->queued[i];
		struct sim_socket_conn *c = p->conn >= 0 ? &s->conn[p->conn] : NULL;
		bool stale = c && (c->gen != p->gen || c->state == SIM_SOCKET_CLOSED);

		if (stale || (p->op == VIRTIO_VSOCK_OP_RW &&
			      c->out_sent == c->out_len)) {
			memmove(p, p + 1, (s->nqueued - i - 1) * sizeof(*p));
			s->nqueued--;
			continue;
		}
		if (c && (blocked & (1u << p->conn)) &&
		    p->op != VIRTIO_VSOCK_OP_CREDIT_UPDATE &&
		    p->op != VIRTIO_VSOCK_OP_CREDIT_REQUEST) {
			i++;
			continue;
		}
		if (p->op == VIRTIO_VSOCK_OP_RW && !guest_free(c)) {
			blocked |= 1u << p->conn;
			if (!c->credit_asked) {
				c->credit_asked = true;
				(void)enqueue(s, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 0,
					      c->host_port, c->guest_port, c);
			}
			i++;
			continue;
		}
		return (int)i;
	}
	return -1;
}

/* Write queued packet k into a receive buffer; returns the used len. */
static uint32_t fill_rx(struct sim_socket *s, struct sim_vq *q,
			const struct sim_chain *ch, int k)
{
	struct sim_socket_pkt p = s->queued[k];
	struct sim_socket_conn *c = p.conn >= 0 ? &s->conn[p.conn] : NULL;
	uint8_t h[HDR];
	uint32_t n = 0, len, spec, off, plen;
	uint16_t type, op;
	bool lie, exact = !sim_deviated();

	/* 5.10.6: receive buffers are device-writable only. */
	if (ch->readable || ch->writable < HDR) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a buffer in the vsock rx queue that is "
			   "not one the device writes a header into (5.10.6) "
			   "[queue=%u] [head=%u] [readable=%llu] [writable=%llu]",
			   q->index, ch->head, (unsigned long long)ch->readable,
			   (unsigned long long)ch->writable);
		return 0;
	}
	if (p.op == VIRTIO_VSOCK_OP_RW) {
		n = c->out_len - c->out_sent;
		if (n > guest_free(c))
			n = guest_free(c);
		if (n > ch->writable - HDR)
			n = (uint32_t)(ch->writable - HDR);
	}
	/* The packet leaves the queue (RW: when its data is all out). */
	if (p.op != VIRTIO_VSOCK_OP_RW || c->out_sent + n == c->out_len) {
		memmove(&s->queued[k], &s->queued[k + 1],
			(s->nqueued - (uint32_t)k - 1) * sizeof(p));
		s->nqueued--;
	}
	virtio_put_le64(h + VIRTIO_VSOCK_HDR_SRC_CID,
			sim_decide("socket.src_cid", VIRTIO_VSOCK_CID_HOST, 8));
	uint64_t dst = sim_decide("socket.dst_cid", s->cfg.guest_cid, 8);
	virtio_put_le64(h + VIRTIO_VSOCK_HDR_DST_CID, dst);
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_SRC_PORT,
			(uint32_t)sim_decide("socket.src_port", p.host_port, 4));
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_DST_PORT,
			(uint32_t)sim_decide("socket.dst_port", p.guest_port, 4));
	plen = (uint32_t)sim_decide("socket.len", n, 4);
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_LEN, plen);
	type = (uint16_t)sim_decide("socket.type", VIRTIO_VSOCK_TYPE_STREAM, 2);
	virtio_put_le16(h + VIRTIO_VSOCK_HDR_TYPE, type);
	op = (uint16_t)sim_decide("socket.op", p.op, 2);
	virtio_put_le16(h + VIRTIO_VSOCK_HDR_OP, op);
	uint32_t flags = (uint32_t)sim_decide("socket.flags", p.flags, 4);
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_FLAGS, flags);
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_BUF_ALLOC,
			(uint32_t)sim_decide("socket.buf_alloc",
					     s->cfg.host_buf_alloc, 4));
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_FWD_CNT,
			(uint32_t)sim_decide("socket.fwd_cnt", c ? c->in_len : 0, 4));
	spec = HDR + n;
	len = (uint32_t)sim_decide("socket.rx_len", spec, 4);
	if (len > ch->writable)
		len = (uint32_t)ch->writable;
	if (len > spec + SIM_SOCKET_MADE_UP_MAX)
		len = spec + SIM_SOCKET_MADE_UP_MAX;
	/* The host's state follows what it meant to send. */
	if (c) {
		c->told_buf_alloc = s->cfg.host_buf_alloc;
		c->told_fwd_cnt = c->in_len;
		c->out_sent += n;
		c->host_tx_cnt += n;
	}
	/* Lies any driver sees without knowing the connections (the
	 * driver's parse_hdr): a used len that is not header + len, type,
	 * op, payload on a control op, SHUTDOWN flags; dst_cid while the
	 * driver's CID is the model's (nothing deviated before). */
	lie = len < HDR || len - HDR != plen ||
	      type != VIRTIO_VSOCK_TYPE_STREAM ||
	      op == VIRTIO_VSOCK_OP_INVALID || op > VIRTIO_VSOCK_OP_MAX ||
	      (op != VIRTIO_VSOCK_OP_RW && plen) ||
	      (op == VIRTIO_VSOCK_OP_SHUTDOWN && (flags & ~SHUTDOWN_BOTH)) ||
	      (exact && dst != s->cfg.guest_cid);
	if (sim_chain_write(ch, 0, h, len < HDR ? len : HDR) < 0)
		return 0;
	off = HDR;
	if (len > off && n) {
		uint32_t k2 = len - off < n ? len - off : n;

		if (sim_chain_write(ch, off, c->out + (c->out_sent - n), k2) < 0)
			return off;
		off += k2;
	}
	/* A lying length: bytes no host sent. */
	while (off < len) {
		uint8_t made[256];
		uint32_t k2 = len - off < sizeof(made) ? len - off : sizeof(made);

		for (uint32_t i = 0; i < k2; i++)
			made[i] = (uint8_t)sim_decide("socket.rx_byte", 0, 1);
		if (sim_chain_write(ch, off, made, k2) < 0)
			return off;
		off += k2;
	}
	if (lie)
		sim_oracle_lie(ch, SIM_LIE_STATUS, len);
	s->rx_pkts++;
	sim_trace("socket: rx op=%llu payload=%llu written=%llu lie=%llu", p.op,
		  n, len, lie);
	return len;
}

/* Put queued packets in the receive buffers the device holds. */
static void serve_rx(struct sim_socket *s)
{
	struct sim_vdev *d = &s->dev;
	struct sim_vq *q = &d->q[RXQ];
	uint16_t old = q->used_idx, head;
	bool any = false;
	int k;

	if (!live(d) || !q->ready || q->broken)
		return;
	while (q->npending && (k = next_pkt(s)) >= 0 && sim_vq_pick(q, &head)) {
		uint32_t len = 0;

		if (sim_vq_chain(q, head, &d->chain) == 0)
			len = fill_rx(s, q, &d->chain, k);
		else
			sim_vdev_needs_reset(d);
		if (sim_vq_push(q, head, len) || q->broken ||
		    (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
			break;
		any = true;
	}
	(void)sim_vq_flush(q);
	if (q->broken)
		sim_vdev_needs_reset(d);
	if (any && sim_vq_need_interrupt(q, old))
		sim_vdev_interrupt(d, VIRTIO_MMIO_INT_VRING);
}

/* ---- event queue ------------------------------------------------------------ */

static void serve_ev(struct sim_socket *s)
{
	struct sim_vdev *d = &s->dev;
	struct sim_vq *q = &d->q[EVQ];
	uint16_t old = q->used_idx, head;
	bool any = false;

	if (!live(d) || !q->ready || q->broken)
		return;
	while (s->resets_due && q->npending && sim_vq_pick(q, &head)) {
		struct sim_chain *ch = &d->chain;
		uint32_t len = 0, id;
		uint8_t e[VIRTIO_VSOCK_EVENT_SIZE];

		if (sim_vq_chain(q, head, ch)) {
			sim_vdev_needs_reset(d);
		} else if (ch->readable || ch->writable < VIRTIO_VSOCK_EVENT_SIZE) {
			sim_report(SIM_DESC_MALFORMED, NULL, NULL,
				   "driver puts a buffer in the vsock event queue "
				   "that is not 4 bytes the device writes "
				   "(5.10.6.7) [head=%u] [readable=%llu] "
				   "[writable=%llu]",
				   ch->head, (unsigned long long)ch->readable,
				   (unsigned long long)ch->writable);
		} else {
			s->resets_due--;
			id = (uint32_t)sim_decide("socket.event_id",
						  VIRTIO_VSOCK_EVENT_TRANSPORT_RESET, 4);
			virtio_put_le32(e, id);
			len = (uint32_t)sim_decide("socket.event_len",
						   VIRTIO_VSOCK_EVENT_SIZE, 4);
			if (len > ch->writable)
				len = (uint32_t)ch->writable;
			if (sim_chain_write(ch, 0, e, len < 4 ? len : 4) < 0)
				len = 0;
			if (len != VIRTIO_VSOCK_EVENT_SIZE ||
			    id != VIRTIO_VSOCK_EVENT_TRANSPORT_RESET)
				sim_oracle_lie(ch, SIM_LIE_STATUS, len);
			s->events++;
		}
		if (sim_vq_push(q, head, len) || q->broken)
			break;
		any = true;
	}
	(void)sim_vq_flush(q);
	if (q->broken)
		sim_vdev_needs_reset(d);
	if (any && sim_vq_need_interrupt(q, old))
		sim_vdev_interrupt(d, VIRTIO_MMIO_INT_VRING);
}

/* ---- device hooks -------------------------------------------------------- */

/* The core's notify handling, except that rx and event buffers wait for
 * the host and deferred transmits are this model's own. */
static void socket_notify(void *model, struct sim_vdev *d, struct sim_vq *q)
{
	struct sim_socket *s = model;

	if (sim_vq_fetch(q) < 0) {
		sim_vdev_needs_reset(d);
		return;
	}
	if (q->index == TXQ && q->npending) {
		if (sim_decide_flag("vq.defer"))
			s->tx_waiting = true;
		else
			sim_vdev_serve(d, q);
	}
	serve_ev(s);
	serve_rx(s);
}

static void socket_poll(void *model, struct sim_vdev *d)
{
	struct sim_socket *s = model;
	struct sim_vq *tx = &d->q[TXQ];

	if (!live(d))
		return;
	if (s->tx_waiting) {
		if (!tx->npending || tx->broken)
			s->tx_waiting = false;
		else if (!sim_decide_flag("vq.defer")) {
			sim_vdev_serve(d, tx);
			s->tx_waiting = tx->npending != 0;
		}
	}
	serve_ev(s);
	serve_rx(s);
}

static void socket_reset(void *model)
{
	struct sim_socket *s = model;

	/* A device reset drops every connection and packet in flight. */
	s->tx_waiting = false;
	for (unsigned i = 0; i < SIM_SOCKET_CONNS; i++)
		if (s->conn[i].state != SIM_SOCKET_NONE)
			s->conn[i].state = SIM_SOCKET_CLOSED;
	s->nqueued = 0;
	s->resets_due = 0;
}

static const struct sim_vdev_ops socket_ops = {
	.reset = socket_reset,
	.handle = socket_handle,
	.config_field = socket_config_field,
	.notify = socket_notify,
	.poll = socket_poll,
};

int sim_socket_create(struct sim_socket *s, const struct sim_socket_config *cfg)
{
	static const struct sim_socket_config defaults;

	if (!cfg)
		cfg = &defaults;
	s->cfg = *cfg;
	if (!s->cfg.guest_cid)
		s->cfg.guest_cid = SIM_SOCKET_DEFAULT_CID;
	if (!s->cfg.host_buf_alloc)
		s->cfg.host_buf_alloc = SIM_SOCKET_DEFAULT_HOST_BUF;
	if (!s->cfg.queue_max)
		s->cfg.queue_max = SIM_SOCKET_DEFAULT_QUEUE_MAX;
	s->tx_waiting = false;
	for (unsigned i = 0; i < SIM_SOCKET_CONNS; i++)
		s->conn[i].state = SIM_SOCKET_NONE;
	s->next_gen = 0;
	s->nqueued = 0;
	s->resets_due = 0;
	s->rx_pkts = s->tx_pkts = s->events = 0;
	/* 5.10.3: STREAM (1.2); never SEQPACKET. */
	sim_vdev_init(&s->dev, VIRTIO_ID_SOCK, BIT(VIRTIO_VSOCK_F_STREAM), 3,
		      s->cfg.queue_max, &socket_ops, s);
	memset(s->dev.config, 0, VIRTIO_VSOCK_CFG_SIZE);
	virtio_put_le64(s->dev.config + VIRTIO_VSOCK_CFG_GUEST_CID,
			s->cfg.guest_cid);
	s->dev.config_len = VIRTIO_VSOCK_CFG_SIZE;
	return 0;
}

/* ---- the host peer's actions -------------------------------------------- */

int sim_socket_host_connect(struct sim_socket *s, uint32_t host_port,
			    uint32_t guest_port)
{
	struct sim_socket_conn *c;

	if (lookup(s, host_port, guest_port, true) ||
	    s->nqueued == SIM_SOCKET_QUEUED)
		return -1;
	c = new_conn(s, host_port, guest_port, SIM_SOCKET_REQUESTED);
	if (!c)
		return -1;
	(void)enqueue(s, VIRTIO_VSOCK_OP_REQUEST, 0, host_port, guest_port, c);
	serve_rx(s);
	return 0;
}

int sim_socket_host_send(struct sim_socket *s, uint32_t host_port,
			 uint32_t guest_port, const void *data, size_t len)
{
	struct sim_socket_conn *c = lookup(s, host_port, guest_port, true);

	if (!c || c->state != SIM_SOCKET_OPEN || c->host_shut ||
	    len > SIM_SOCKET_LOG - c->out_len || s->nqueued == SIM_SOCKET_QUEUED)
		return -1;
	memcpy(c->out + c->out_len, data, len);
	c->out_len += (uint32_t)len;
	if (len)
		(void)enqueue(s, VIRTIO_VSOCK_OP_RW, 0, host_port, guest_port, c);
	sim_trace("socket: host sends %llu bytes", len, 0, 0, 0);
	serve_rx(s);
	return 0;
}

int sim_socket_host_shutdown(struct sim_socket *s, uint32_t host_port,
			     uint32_t guest_port)
{
	struct sim_socket_conn *c = lookup(s, host_port, guest_port, true);

	if (!c || c->state != SIM_SOCKET_OPEN || c->host_shut ||
	    enqueue(s, VIRTIO_VSOCK_OP_SHUTDOWN, SHUTDOWN_BOTH, host_port,
		    guest_port, c))
		return -1;
	c->host_shut = true;
	serve_rx(s);
	return 0;
}

int sim_socket_host_reset(struct sim_socket *s, uint32_t host_port,
			  uint32_t guest_port)
{
	struct sim_socket_conn *c = lookup(s, host_port, guest_port, true);

	if (!c || enqueue(s, VIRTIO_VSOCK_OP_RST, 0, host_port, guest_port, NULL))
		return -1;
	c->state = SIM_SOCKET_CLOSED;
	serve_rx(s);
	return 0;
}

void sim_socket_transport_reset(struct sim_socket *s)
{
	for (unsigned i = 0; i < SIM_SOCKET_CONNS; i++)
		if (s->conn[i].state != SIM_SOCKET_NONE)
			s->conn[i].state = SIM_SOCKET_CLOSED;
	s->nqueued = 0;
	s->resets_due++;
	serve_ev(s);
}
