/* SPDX-License-Identifier: MIT */
/*
 * virtio-net device model (VirtIO 1.2, 5.1), first queue pair: transmit
 * chains are read (header checked, frame logged, looped back if asked) and
 * returned at once or later ("vq.defer"); receive buffers are held until
 * the wire has a frame, then get a header and the frame, every header field
 * and the length as the decision stream says. Not here: ring parsing
 * (vq.c), registers (fronts).
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/net.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "virtio/le.h"
#include "virtio/spec/net.h"

#define BIT(n) (1ull << (n))
#define RXQ VIRTIO_NET_RECEIVEQ
#define TXQ VIRTIO_NET_TRANSMITQ

static const uint8_t qemu_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* 5.1.4 struct virtio_net_config: field offsets, widths, names. */
static const struct net_field {
	uint8_t off, width;
	const char *name;
} fields[] = {
	{ VIRTIO_NET_CFG_MAC, 1, "net.mac" },
	{ VIRTIO_NET_CFG_STATUS, 2, "net.status" },
	{ VIRTIO_NET_CFG_MAX_VIRTQUEUE_PAIRS, 2, "net.max_virtqueue_pairs" },
	{ VIRTIO_NET_CFG_MTU, 2, "net.mtu" },
};

static const char *net_config_field(void *model, uint32_t off,
				    unsigned *width)
{
	(void)model;
	for (size_t i = sizeof(fields) / sizeof(fields[0]); i-- > 0;) {
		if (off >= fields[i].off) {
			*width = fields[i].width;
			return fields[i].name;
		}
	}
	return NULL;
}

static bool negotiated(const struct sim_vdev *d, unsigned bit)
{
	return (d->driver_features >> bit) & 1u;
}

/* 5.1.6.1: 12 bytes with VERSION_1 or MRG_RXBUF, else the legacy 10. */
static uint32_t hdr_size(const struct sim_vdev *d)
{
	return negotiated(d, VIRTIO_F_VERSION_1) ||
			       negotiated(d, VIRTIO_NET_F_MRG_RXBUF)
		       ? VIRTIO_NET_HDR_SIZE
		       : VIRTIO_NET_HDR_SIZE_LEGACY;
}

/* The device uses its queues only while live (3.1.1: after DRIVER_OK) and
 * not waiting for a reset. */
static bool live(const struct sim_vdev *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

/* Start logging a frame; NULL when the log is full (still counted). */
static struct sim_net_frame *log_frame(struct sim_net_log *l)
{
	struct sim_net_frame *f;

	l->total++;
	if (l->n == SIM_NET_LOG_FRAMES)
		return NULL;
	f = &l->frame[l->n++];
	memset(f, 0, sizeof(*f));
	f->start = l->nbytes;
	return f;
}

static void log_bytes(struct sim_net_log *l, struct sim_net_frame *f,
		      const uint8_t *p, size_t n)
{
	if (!f)
		return;
	if (n > SIM_NET_LOG_BYTES - l->nbytes)
		n = SIM_NET_LOG_BYTES - l->nbytes; /* the frame is cut short */
	memcpy(l->bytes + l->nbytes, p, n);
	l->nbytes += (uint32_t)n;
	f->len += (uint32_t)n;
}

/* ---- the wire --------------------------------------------------------- */

static int wire_put(struct sim_net *n, const uint8_t *frame, size_t len)
{
	uint32_t slot;

	if (len > SIM_NET_FRAME_MAX || n->wire_count == SIM_NET_WIRE_MAX)
		return -1;
	slot = (n->wire_head + n->wire_count) % SIM_NET_WIRE_MAX;
	memcpy(n->wire[slot].data, frame, len);
	n->wire[slot].len = (uint32_t)len;
	n->wire_count++;
	return 0;
}

/* ---- transmitq: the driver's frames to the host --------------------------- */

/* 5.1.6.2.1: no offload negotiated, so the driver's header is all zero
 * but NEEDS_CSUM with CSUM (and csum_start/offset then). */
static bool tx_hdr_ok(const struct sim_vdev *d, const uint8_t *h,
		      uint32_t size)
{
	uint8_t flags = h[VIRTIO_NET_HDR_FLAGS];

	if (flags & ~(uint8_t)VIRTIO_NET_HDR_F_NEEDS_CSUM)
		return false;
	if ((flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    !negotiated(d, VIRTIO_NET_F_CSUM))
		return false;
	if (h[VIRTIO_NET_HDR_GSO_TYPE] != VIRTIO_NET_HDR_GSO_NONE &&
	    !negotiated(d, VIRTIO_NET_F_HOST_TSO4) &&
	    !negotiated(d, VIRTIO_NET_F_HOST_TSO6) &&
	    !negotiated(d, VIRTIO_NET_F_HOST_UFO))
		return false;
	return size < VIRTIO_NET_HDR_SIZE ||
	       virtio_get_le16(h + VIRTIO_NET_HDR_NUM_BUFFERS) == 0;
}

static uint32_t tx_frame(struct sim_net *n, struct sim_vq *q,
			 const struct sim_chain *ch)
{
	struct sim_vdev *d = &n->dev;
	uint32_t hsz = hdr_size(d);
	uint8_t hdr[VIRTIO_NET_HDR_SIZE], buf[SIM_NET_FRAME_MAX];
	struct sim_net_frame *f;
	uint64_t off = hsz, looped = 0;
	bool loop;

	if (ch->writable || ch->readable < hsz) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a chain in the net transmitq that is not "
			   "a header and a frame the device reads (5.1.6.2) "
			   "[queue=%u] [head=%u] [readable=%llu] [writable=%llu] "
			   "[header=%u]",
			   q->index, ch->head, (unsigned long long)ch->readable,
			   (unsigned long long)ch->writable, hsz);
		return 0;
	}
	if (sim_chain_read(ch, 0, hdr, hsz) != (int64_t)hsz)
		return 0; /* DMA refused: the finding is made */
	if (!tx_hdr_ok(d, hdr, hsz)) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver transmits a header asking for offloads it "
			   "did not negotiate, or with num_buffers not 0 "
			   "(5.1.6.2.1) [head=%u] [flags=0x%x] [gso_type=0x%x] "
			   "[num_buffers=%u]",
			   ch->head, hdr[VIRTIO_NET_HDR_FLAGS],
			   hdr[VIRTIO_NET_HDR_GSO_TYPE],
			   hsz < VIRTIO_NET_HDR_SIZE
				   ? 0u
				   : virtio_get_le16(hdr + VIRTIO_NET_HDR_NUM_BUFFERS));
		return 0;
	}
	f = log_frame(&n->tx);
	if (f) {
		memcpy(f->hdr, hdr, hsz);
		f->hdr_bytes = hsz;
		f->head = ch->id; /* the driver's token for it */
	}
	/* A frame longer than a wire frame is still read and logged; it
	 * cannot loop back. */
	loop = n->cfg.loopback && ch->readable - hsz <= SIM_NET_FRAME_MAX;
	while (off < ch->readable) {
		uint64_t k = ch->readable - off;
		int64_t got;

		if (k > sizeof(buf))
			k = sizeof(buf);
		got = sim_chain_read(ch, off, buf, k);
		if (got <= 0)
			return 0;
		log_bytes(&n->tx, f, buf, (size_t)got);
		off += (uint64_t)got;
		looped += (uint64_t)got;
	}
	/* A frame that can loop back is at most sizeof(buf): read in one
	 * piece, it is all in buf. */
	if (loop && wire_put(n, buf, (size_t)looped))
		n->wire_lost++;
	sim_trace("net: tx head=%llu frame=%llu loop=%llu", ch->head,
		  ch->readable - hsz, loop, 0);
	return 0; /* the device writes nothing into a transmit chain */
}

static uint32_t net_handle(void *model, struct sim_vq *q,
			   const struct sim_chain *ch)
{
	if (q->index != TXQ)
		return 0; /* receive buffers are filled by serve_rx only */
	return tx_frame(model, q, ch);
}

/* ---- receiveq: the wire's frames to the driver ----------------------------- */

/* The header the device writes before a frame: each field a decision,
 * the spec's value with no offload negotiated. Returns whether the driver
 * can see that the header is a lie (5.1.6.4.1). */
static bool rx_header(const struct sim_vdev *d, uint8_t *h, uint32_t hsz)
{
	uint8_t flags, gso;
	bool lie;

	flags = (uint8_t)sim_decide("net.flags", 0, 1);
	gso = (uint8_t)sim_decide("net.gso_type", VIRTIO_NET_HDR_GSO_NONE, 1);
	h[VIRTIO_NET_HDR_FLAGS] = flags;
	h[VIRTIO_NET_HDR_GSO_TYPE] = gso;
	virtio_put_le16(h + VIRTIO_NET_HDR_HDR_LEN,
			(uint16_t)sim_decide("net.hdr_len", 0, 2));
	virtio_put_le16(h + VIRTIO_NET_HDR_GSO_SIZE,
			(uint16_t)sim_decide("net.gso_size", 0, 2));
	virtio_put_le16(h + VIRTIO_NET_HDR_CSUM_START,
			(uint16_t)sim_decide("net.csum_start", 0, 2));
	virtio_put_le16(h + VIRTIO_NET_HDR_CSUM_OFFSET,
			(uint16_t)sim_decide("net.csum_offset", 0, 2));
	/* NEEDS_CSUM and DATA_VALID need GUEST_CSUM, RSC_INFO needs RSC_EXT;
	 * other flag bits a driver ignores (5.1.6.4.2). */
	lie = ((flags & (VIRTIO_NET_HDR_F_NEEDS_CSUM |
			 VIRTIO_NET_HDR_F_DATA_VALID)) &&
	       !negotiated(d, VIRTIO_NET_F_GUEST_CSUM)) ||
	      ((flags & VIRTIO_NET_HDR_F_RSC_INFO) &&
	       !negotiated(d, VIRTIO_NET_F_RSC_EXT));
	if (gso != VIRTIO_NET_HDR_GSO_NONE &&
	    !negotiated(d, VIRTIO_NET_F_GUEST_TSO4) &&
	    !negotiated(d, VIRTIO_NET_F_GUEST_TSO6) &&
	    !negotiated(d, VIRTIO_NET_F_GUEST_UFO))
		lie = true;
	if (hsz == VIRTIO_NET_HDR_SIZE) {
		uint16_t nb = (uint16_t)sim_decide("net.num_buffers", 1, 2);

		virtio_put_le16(h + VIRTIO_NET_HDR_NUM_BUFFERS, nb);
		/* Without MRG_RXBUF the spec says 1, but no driver can hold a
		 * device to it (QEMU before 9.2 leaves the field unwritten):
		 * a frame is one buffer whatever it says. No lie. */
		(void)nb;
	}
	return lie;
}

/* Fill one receive buffer with the wire's oldest frame; returns the bytes
 * written (the used len). */
static uint32_t fill_rx(struct sim_net *n, struct sim_vq *q,
			const struct sim_chain *ch)
{
	struct sim_vdev *d = &n->dev;
	uint32_t hsz = hdr_size(d), flen, spec, len, off;
	uint8_t hdr[VIRTIO_NET_HDR_SIZE];
	const uint8_t *frame;
	struct sim_net_frame *f;
	bool lie;

	/* 5.1.6.3: receive buffers are device-writable only. */
	if (ch->readable || ch->writable < hsz) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a buffer in the net receiveq that is not "
			   "one the device writes a header into (5.1.6.3) "
			   "[queue=%u] [head=%u] [readable=%llu] [writable=%llu]",
			   q->index, ch->head, (unsigned long long)ch->readable,
			   (unsigned long long)ch->writable);
		return 0;
	}
	frame = n->wire[n->wire_head].data;
	flen = n->wire[n->wire_head].len;
	n->wire_head = (n->wire_head + 1) % SIM_NET_WIRE_MAX;
	n->wire_count--;
	lie = rx_header(d, hdr, hsz);
	/* A frame past the buffer (a driver below 5.1.6.3.1's 1526 bytes)
	 * is cut to it. */
	spec = hsz + flen;
	if (spec > ch->writable)
		spec = (uint32_t)ch->writable;
	len = (uint32_t)sim_decide("net.rx_len", spec, 4);
	if (len > ch->writable)
		len = (uint32_t)ch->writable;
	if (len > spec + SIM_NET_MADE_UP_MAX)
		len = spec + SIM_NET_MADE_UP_MAX;
	/* Less than a header: the driver sees it in the used len (if the
	 * queue engine keeps it), not here; and a header field it never got
	 * is no lie it can see. So a header lie counts only when whole. */
	if (len < hsz)
		lie = false;
	f = log_frame(&n->rx);
	if (f) {
		memcpy(f->hdr, hdr, hsz);
		f->hdr_bytes = len < hsz ? len : hsz;
		f->lie = lie;
		f->head = ch->id; /* the driver's token for it */
	}
	if (sim_chain_write(ch, 0, hdr, len < hsz ? len : hsz) < 0)
		return 0;
	off = hsz;
	if (len > off) {
		uint32_t k = len - off < spec - hsz ? len - off : spec - hsz;

		if (sim_chain_write(ch, off, frame, k) < 0)
			return off;
		log_bytes(&n->rx, f, frame, k);
		off += k;
	}
	/* A lying length: bytes no host sent. */
	while (off < len) {
		uint8_t made[256];
		uint32_t k = len - off < sizeof(made) ? len - off : sizeof(made);

		for (uint32_t i = 0; i < k; i++)
			made[i] = (uint8_t)sim_decide("net.rx_byte", 0, 1);
		if (sim_chain_write(ch, off, made, k) < 0)
			return off;
		log_bytes(&n->rx, f, made, k);
		off += k;
	}
	if (lie)
		sim_oracle_lie(ch, SIM_LIE_STATUS, len);
	sim_trace("net: rx head=%llu frame=%llu written=%llu lie=%llu",
		  ch->head, flen, len, lie);
	return len;
}

/* Fill the receive buffers the device holds while the wire has frames. */
static void serve_rx(struct sim_net *n)
{
	struct sim_vdev *d = &n->dev;
	struct sim_vq *q = &d->q[RXQ];
	uint16_t old = q->used_idx, head;
	bool any = false;

	if (!live(d) || !q->ready || q->broken)
		return;
	while (n->wire_count && q->npending && sim_vq_pick(q, &head)) {
		uint32_t len = 0;

		uint16_t before = q->used_idx;

		if (sim_vq_chain(q, head, &d->chain) == 0)
			len = fill_rx(n, q, &d->chain);
		else
			sim_vdev_needs_reset(d);
		/* A malformed chain is still returned (len 0), as the core
		 * does, so a driver in record mode is not left waiting. */
		if (sim_vq_push(q, head, len) || q->broken ||
		    (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
			break;
		/* Split only: a packed ring's next used slot wraps with its
		 * counter, and its used entries publish nothing else. */
		if (!q->packed && q->used_idx != (uint16_t)(before + 1))
			n->rx_idx_lied = true;
		any = true;
	}
	if (q->broken)
		sim_vdev_needs_reset(d);
	if (any && sim_vq_need_interrupt(q, old))
		sim_vdev_interrupt(d, VIRTIO_MMIO_INT_VRING);
}

/* ---- device hooks -------------------------------------------------------- */

/* The core's notify handling, except that receive buffers wait for the
 * wire and deferred transmits are this model's own (the core's deferral
 * would serve the receiveq too). */
static void net_notify(void *model, struct sim_vdev *d, struct sim_vq *q)
{
	struct sim_net *n = model;

	if (sim_vq_fetch(q) < 0) {
		sim_vdev_needs_reset(d);
		return;
	}
	if (q->index == TXQ && q->npending) {
		if (sim_decide_flag("vq.defer"))
			n->tx_waiting = true;
		else
			sim_vdev_serve(d, q);
	}
	serve_rx(n); /* a new buffer, or a frame looped back */
}

/* Each driver poll: deferred transmits may complete, frames may arrive. */
static void net_poll(void *model, struct sim_vdev *d)
{
	struct sim_net *n = model;
	struct sim_vq *tx = &d->q[TXQ];

	if (!live(d))
		return;
	if (n->tx_waiting) {
		if (!tx->npending || tx->broken)
			n->tx_waiting = false;
		else if (!sim_decide_flag("vq.defer")) {
			sim_vdev_serve(d, tx);
			n->tx_waiting = tx->npending != 0;
		}
	}
	serve_rx(n);
}

static void net_reset(void *model)
{
	struct sim_net *n = model;

	n->tx_waiting = false; /* the core cleared the queues */
}

static const struct sim_vdev_ops net_ops = {
	.reset = net_reset,
	.handle = net_handle,
	.config_field = net_config_field,
	.notify = net_notify,
	.poll = net_poll,
};

int sim_net_create(struct sim_net *n, const struct sim_net_config *cfg)
{
	static const struct sim_net_config defaults;
	static const uint8_t zero[6];
	uint64_t features = 0;
	uint8_t *p;

	if (!cfg)
		cfg = &defaults;
	n->cfg = *cfg;
	if (!memcmp(n->cfg.mac, zero, 6))
		memcpy(n->cfg.mac, qemu_mac, 6);
	if (!n->cfg.queue_max)
		n->cfg.queue_max = SIM_NET_DEFAULT_QUEUE_MAX;
	n->tx_waiting = false;
	n->wire_head = n->wire_count = 0;
	n->wire_lost = 0;
	n->rx_idx_lied = false;
	n->rx.n = n->tx.n = 0;
	n->rx.total = n->tx.total = 0;
	n->rx.nbytes = n->tx.nbytes = 0;

	if (!cfg->no_mac)
		features |= BIT(VIRTIO_NET_F_MAC);
	if (!cfg->no_status)
		features |= BIT(VIRTIO_NET_F_STATUS);
	if (cfg->offloads)
		features |= BIT(VIRTIO_NET_F_CSUM) |
			    BIT(VIRTIO_NET_F_GUEST_CSUM) |
			    BIT(VIRTIO_NET_F_MRG_RXBUF) | BIT(VIRTIO_NET_F_MTU);
	/* The first pair only: no control queue, no MQ. */
	sim_vdev_init(&n->dev, VIRTIO_ID_NET, features, 2, n->cfg.queue_max,
		      &net_ops, n);
	p = n->dev.config;
	memset(p, 0, VIRTIO_NET_CFG_SIZE);
	memcpy(p + VIRTIO_NET_CFG_MAC, n->cfg.mac, 6);
	virtio_put_le16(p + VIRTIO_NET_CFG_STATUS,
			n->cfg.link_down ? 0 : VIRTIO_NET_S_LINK_UP);
	virtio_put_le16(p + VIRTIO_NET_CFG_MAX_VIRTQUEUE_PAIRS, 1);
	virtio_put_le16(p + VIRTIO_NET_CFG_MTU, 1500);
	n->dev.config_len = VIRTIO_NET_CFG_SIZE;
	return 0;
}

int sim_net_host_send(struct sim_net *n, const void *frame, size_t len)
{
	if (wire_put(n, frame, len))
		return -1;
	sim_trace("net: host sends %llu bytes", len, 0, 0, 0);
	serve_rx(n); /* the device does not wait for the driver to look */
	return 0;
}

const uint8_t *sim_net_frame_of(const struct sim_net_log *l, uint16_t head,
				const struct sim_net_frame **f)
{
	for (uint32_t k = l->n; k-- > 0;) {
		if (l->frame[k].head == head)
			return sim_net_frame(l, k, f);
	}
	return NULL;
}

void sim_net_set_loopback(struct sim_net *n, bool on)
{
	n->cfg.loopback = on;
}
