/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock driver (VirtIO 1.2, 5.10), the device half: init with the
 * guest CID checked, receive and event buffers kept with the device,
 * blocking sends of one packet, and poll, which checks each returned
 * packet's used len and header fields (every rule that needs no
 * connection) before socket_conn.c acts on it, and each event. Where the
 * virtio-drivers crate trusts the device (the CID as read, a header's len
 * as the payload, any op) this driver checks, and stops a device that
 * lies. Queue mechanics are in queue/; the init sequence in dev/device.c.
 */
#include <string.h>

#include "socket_internal.h"
#include "virtio/device.h"
#include "virtio/le.h"

#define BIT(n) (1ull << (n))

int socket_usable(const struct virtio_socket *s)
{
	int rc;

	if (!s || !s->t)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (s->t->broken)
		return VIRTIO_EBROKEN;
	rc = virtq_check(&s->rxq);
	if (!rc)
		rc = virtq_check(&s->txq);
	return rc ? rc : virtq_check(&s->evq);
}

/* The device lied or never answered: reset it (it owns nothing after),
 * every later call is EBROKEN. Buffers still shared come back at destroy. */
int socket_stop(struct virtio_socket *s, int rc)
{
	virtio_device_stop(s->t);
	return rc;
}

static int give_rx(struct virtio_socket *s, uint16_t i)
{
	struct virtq_buf in = { s->rx_buf[i], VIRTIO_SOCKET_RX_BUF_LEN };
	int rc = virtq_add(&s->rxq, NULL, 0, &in, 1, &s->rx_token[i]);

	s->rx_given[i] = rc == VIRTIO_OK;
	return rc;
}

static int give_ev(struct virtio_socket *s, uint16_t i)
{
	struct virtq_buf in = { s->ev_buf[i], VIRTIO_VSOCK_EVENT_SIZE };
	int rc = virtq_add(&s->evq, NULL, 0, &in, 1, &s->ev_token[i]);

	s->ev_given[i] = rc == VIRTIO_OK;
	return rc;
}

/* ---- config ------------------------------------------------------------ */

/* 5.10.4: guest_cid, le64, under one generation (virtio_config_read: two
 * 32-bit reads). The upper half is reserved and zeroed; 0, 1, 2 and
 * 0xffffffff are no guest's. */
static int read_cid(struct virtio_socket *s, struct virtio_transport *t)
{
	uint8_t raw[8];
	uint64_t cid;
	int rc = virtio_config_read(t, VIRTIO_VSOCK_CFG_GUEST_CID, raw, 8);

	if (rc)
		return rc;
	cid = virtio_get_le64(raw);
	if (cid > 0xffffffffull || cid <= VIRTIO_VSOCK_CID_HOST ||
	    cid == VIRTIO_VSOCK_CID_RESERVED_ANY)
		return VIRTIO_EBAD_CONFIG;
	s->guest_cid = cid;
	return VIRTIO_OK;
}

static int read_config(void *drv, struct virtio_transport *t)
{
	if (t->config_size < VIRTIO_VSOCK_CFG_SIZE)
		return VIRTIO_ECONFIG_TOO_SMALL;
	return read_cid(drv, t);
}

/* rx, tx, event. A send is two buffers (header, payload). If a later
 * queue fails the earlier go (after a reset), so a failed init holds
 * nothing. */
static int setup_queues(void *drv, struct virtio_transport *t)
{
	struct virtio_socket *s = drv;
	int rc;

	rc = virtq_init(&s->rxq, t, VIRTIO_VSOCK_RX, VIRTQ_MEM(&s->rxq_mem), 0, 1);
	if (rc)
		return rc;
	rc = virtq_init(&s->txq, t, VIRTIO_VSOCK_TX, VIRTQ_MEM(&s->txq_mem), 0, 2);
	if (!rc)
		rc = virtq_init(&s->evq, t, VIRTIO_VSOCK_EVENT,
				VIRTQ_MEM(&s->evq_mem), 0, 1);
	if (rc) {
		(void)virtio_reset(t);
		virtq_destroy(&s->rxq);
		virtq_destroy(&s->txq);
	}
	return rc;
}

static const struct virtio_device_desc socket_device = {
	.device_id = VIRTIO_ID_SOCK,
	/* Never SEQPACKET: every packet must then be a STREAM one. */
	.wanted = BIT(VIRTIO_VSOCK_F_STREAM),
	.required = 0,
	.read_config = read_config,
	.setup_queues = setup_queues,
};

static void forget(struct virtio_socket *s)
{
	memset(s->rx_given, 0, sizeof(s->rx_given));
	memset(s->ev_given, 0, sizeof(s->ev_given));
	s->nrx = s->nev = 0;
	socket_conn_reset(s);
}

int virtio_socket_init(struct virtio_socket *s, struct virtio_transport *t)
{
	uint16_t i;
	int rc;

	if (!s)
		return VIRTIO_EINVALID_PARAM;
	/* What destroy looks at, before anything can fail. */
	s->t = NULL;
	virtq_clear(&s->rxq);
	virtq_clear(&s->txq);
	virtq_clear(&s->evq);
	forget(s);
	s->nlisten = 0;
	s->guest_cid = 0;
	rc = virtio_device_check(t, &socket_device);
	if (rc)
		return rc;
	s->t = t; /* ours from here: destroy resets it */
	rc = virtio_device_init(t, &socket_device, s);
	if (rc)
		return rc;
	/* The device is live: a buffer per entry of rx and event queues
	 * (the crate gives the event queue none: it never sees a
	 * TRANSPORT_RESET), then one notification each. */
	s->nrx = virtq_size(&s->rxq);
	s->nev = virtq_size(&s->evq);
	for (i = 0; i < s->nrx && !rc; i++)
		rc = give_rx(s, i);
	for (i = 0; i < s->nev && !rc; i++)
		rc = give_ev(s, i);
	if (rc) {
		(void)virtio_reset(t);
		virtq_destroy(&s->rxq);
		virtq_destroy(&s->txq);
		virtq_destroy(&s->evq);
		forget(s);
		virtio_fail(t);
		return rc;
	}
	virtq_kick(&s->rxq);
	virtq_kick(&s->evq);
	return VIRTIO_OK;
}

uint64_t virtio_socket_guest_cid(const struct virtio_socket *s)
{
	return s ? s->guest_cid : 0;
}

/* ---- transmit ------------------------------------------------------------ */

int socket_send_pkt(struct virtio_socket *s, struct virtio_socket_addr dst,
		    uint32_t src_port, uint16_t op, uint32_t flags,
		    uint32_t buf_alloc, uint32_t fwd_cnt, const void *payload,
		    uint32_t len)
{
	/* The device only reads both. */
	struct virtq_buf out[2] = { { s->tx_hdr, VIRTIO_VSOCK_HDR_SIZE },
				    { (void *)payload, len } };
	uint8_t *h = s->tx_hdr;
	uint32_t used = 0;
	int rc = socket_usable(s);

	if (rc)
		return rc; /* cov-exempt: redundant */
	virtio_put_le64(h + VIRTIO_VSOCK_HDR_SRC_CID, s->guest_cid);
	virtio_put_le64(h + VIRTIO_VSOCK_HDR_DST_CID, dst.cid);
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_SRC_PORT, src_port);
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_DST_PORT, dst.port);
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_LEN, len);
	virtio_put_le16(h + VIRTIO_VSOCK_HDR_TYPE, VIRTIO_VSOCK_TYPE_STREAM);
	virtio_put_le16(h + VIRTIO_VSOCK_HDR_OP, op);
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_FLAGS, flags);
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_BUF_ALLOC, buf_alloc);
	virtio_put_le32(h + VIRTIO_VSOCK_HDR_FWD_CNT, fwd_cnt);
	/* As the crate: no payload, no second buffer. The queue checks the
	 * used entry: the id in flight, len 0 (2.7.8.1: nothing writable). */
	rc = virtq_add_wait(&s->txq, out, len ? 2 : 1, NULL, 0, &used);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET) {
		/* The packet is on loan to the device: take it back. */
		virtio_device_stop(s->t);
		virtq_destroy(&s->txq);
	}
	return rc;
}

/* ---- receive ------------------------------------------------------------- */

static uint16_t rx_slot(const struct virtio_socket *s, uint16_t token)
{
	uint16_t i;

	for (i = 0; i < s->nrx; i++)
		if (s->rx_given[i] && s->rx_token[i] == token)
			return i;
	return s->nrx; /* cov-exempt: redundant */
}

static uint16_t ev_slot(const struct virtio_socket *s, uint16_t token)
{
	uint16_t i;

	for (i = 0; i < s->nev; i++)
		if (s->ev_given[i] && s->ev_token[i] == token)
			return i;
	return s->nev; /* cov-exempt: redundant */
}

/* 5.10.6: the header in buf (the driver's again), read once into *h and
 * checked against every rule that needs no connection. `len` is the used
 * len: the device writes the header and exactly h->len payload bytes. */
static int parse_hdr(const struct virtio_socket *s, const uint8_t *buf,
		     uint32_t len, struct socket_hdr *h)
{
	if (len < VIRTIO_VSOCK_HDR_SIZE)
		return VIRTIO_EBAD_USED;
	h->src_cid = virtio_get_le64(buf + VIRTIO_VSOCK_HDR_SRC_CID);
	h->dst_cid = virtio_get_le64(buf + VIRTIO_VSOCK_HDR_DST_CID);
	h->src_port = virtio_get_le32(buf + VIRTIO_VSOCK_HDR_SRC_PORT);
	h->dst_port = virtio_get_le32(buf + VIRTIO_VSOCK_HDR_DST_PORT);
	h->len = virtio_get_le32(buf + VIRTIO_VSOCK_HDR_LEN);
	h->type = virtio_get_le16(buf + VIRTIO_VSOCK_HDR_TYPE);
	h->op = virtio_get_le16(buf + VIRTIO_VSOCK_HDR_OP);
	h->flags = virtio_get_le32(buf + VIRTIO_VSOCK_HDR_FLAGS);
	h->buf_alloc = virtio_get_le32(buf + VIRTIO_VSOCK_HDR_BUF_ALLOC);
	h->fwd_cnt = virtio_get_le32(buf + VIRTIO_VSOCK_HDR_FWD_CNT);
	/* The crate takes len as the payload and reads past the used len
	 * (into stale bytes of the buffer) when it is longer. */
	if (h->len != len - VIRTIO_VSOCK_HDR_SIZE)
		return VIRTIO_EBAD_USED;
	/* SEQPACKET was never negotiated (5.10.6.1). */
	if (h->type != VIRTIO_VSOCK_TYPE_STREAM)
		return VIRTIO_EBAD_USED;
	if (h->op == VIRTIO_VSOCK_OP_INVALID || h->op > VIRTIO_VSOCK_OP_MAX)
		return VIRTIO_EBAD_USED;
	/* Only RW carries a payload (the crate's check_data_is_empty). */
	if (h->op != VIRTIO_VSOCK_OP_RW && h->len)
		return VIRTIO_EBAD_USED;
	/* The device delivers to this guest only. */
	if (h->dst_cid != s->guest_cid)
		return VIRTIO_EBAD_USED;
	if (h->op == VIRTIO_VSOCK_OP_SHUTDOWN &&
	    (h->flags & ~(uint32_t)(VIRTIO_VSOCK_SHUTDOWN_F_RECEIVE |
				    VIRTIO_VSOCK_SHUTDOWN_F_SEND)))
		return VIRTIO_EBAD_USED;
	return VIRTIO_OK;
}

/* 5.10.6.7: one event. TRANSPORT_RESET: every connection is gone, and the
 * guest's CID may have changed (read again, checked again). */
static int poll_event(struct virtio_socket *s, uint16_t token,
		      struct virtio_socket_event *ev)
{
	uint16_t slot = ev_slot(s, token);
	uint32_t len = 0, id;
	int rc;

	if (slot == s->nev)
		return socket_stop(s, VIRTIO_EBAD_USED); /* cov-exempt: redundant */
	rc = virtq_pop_used(&s->evq, token, &len);
	if (rc)
		return rc == VIRTIO_EBAD_USED ? socket_stop(s, rc) : rc; /* cov-exempt: redundant */
	s->ev_given[slot] = false;
	if (len != VIRTIO_VSOCK_EVENT_SIZE)
		return socket_stop(s, VIRTIO_EBAD_USED);
	id = virtio_get_le32(s->ev_buf[slot]);
	if (id != VIRTIO_VSOCK_EVENT_TRANSPORT_RESET)
		return socket_stop(s, VIRTIO_EBAD_USED);
	ev->pkt = s->ev_buf[slot];
	ev->pkt_len = len;
	socket_conn_reset(s);
	rc = read_cid(s, s->t);
	if (rc)
		return socket_stop(s, rc);
	ev->type = VIRTIO_SOCKET_EV_TRANSPORT_RESET;
	rc = give_ev(s, slot);
	if (rc)
		return rc;
	virtq_kick(&s->evq);
	return VIRTIO_OK;
}

int virtio_socket_poll(struct virtio_socket *s, struct virtio_socket_event *ev)
{
	uint8_t body[VIRTIO_SOCKET_RX_BUF_LEN - VIRTIO_VSOCK_HDR_SIZE];
	struct socket_hdr h;
	uint16_t token, slot;
	uint32_t len = 0;
	int rc = socket_usable(s);

	if (rc)
		return rc;
	if (!ev)
		return VIRTIO_EINVALID_PARAM;
	memset(ev, 0, sizeof(*ev));
	rc = virtq_peek_used(&s->evq, &token);
	if (rc == VIRTIO_OK)
		return poll_event(s, token, ev);
	if (rc != VIRTIO_ENOT_READY)
		return rc == VIRTIO_EBAD_USED ? socket_stop(s, rc) : rc;
	rc = virtq_peek_used(&s->rxq, &token);
	if (rc)
		return rc == VIRTIO_EBAD_USED ? socket_stop(s, rc) : rc;
	/* The queue validated the id as in flight; every chain in flight on
	 * the rx queue is one of the receive buffers. */
	slot = rx_slot(s, token);
	if (slot == s->nrx)
		return socket_stop(s, VIRTIO_EBAD_USED); /* cov-exempt: redundant */
	rc = virtq_pop_used(&s->rxq, token, &len);
	if (rc)
		return rc == VIRTIO_EBAD_USED ? socket_stop(s, rc) : rc; /* cov-exempt: redundant */
	s->rx_given[slot] = false;
	/* 2.7.8: pop checked len <= the buffer. */
	rc = parse_hdr(s, s->rx_buf[slot], len, &h);
	if (rc)
		return socket_stop(s, rc);
	ev->pkt = s->rx_buf[slot];
	ev->pkt_len = len;
	/* The payload out, the buffer back to the device before any reply
	 * goes out (a peer may answer at once). */
	memcpy(body, s->rx_buf[slot] + VIRTIO_VSOCK_HDR_SIZE, h.len);
	rc = give_rx(s, slot);
	if (rc)
		return rc;
	virtq_kick(&s->rxq);
	rc = socket_conn_packet(s, &h, body, ev);
	return rc == VIRTIO_EBAD_USED ? socket_stop(s, rc) : rc;
}

/* ---- interrupts and teardown -------------------------------------------- */

void virtio_socket_set_interrupts(struct virtio_socket *s, bool enable)
{
	if (socket_usable(s))
		return;
	virtq_set_interrupts(&s->rxq, enable);
	virtq_set_interrupts(&s->txq, enable);
	virtq_set_interrupts(&s->evq, enable);
}

uint32_t virtio_socket_ack_interrupt(struct virtio_socket *s)
{
	if (!s || !s->t)
		return 0; /* cov-exempt: api-misuse */
	return virtio_ack_interrupt(s->t);
}

void virtio_socket_destroy(struct virtio_socket *s)
{
	if (!s || !s->t)
		return;
	/* Reset first: only a reset device owns nothing; the buffers still
	 * with it come back through virtq_destroy. */
	(void)virtio_reset(s->t);
	virtq_destroy(&s->rxq);
	virtq_destroy(&s->txq);
	virtq_destroy(&s->evq);
	forget(s);
	s->t = NULL;
}
